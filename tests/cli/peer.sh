# SPDX-License-Identifier: Apache-2.0
# peer.sh — the loopback servers tests talk to (tests/peers/*.py). Each runs
# until its stdin closes, which happens when the test exits, and describes
# itself in a JSON file whose members become shell variables.

PEER_PIDS=()
stop_peers() {
  local p
  for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap stop_peers EXIT

# start_server NAME SCRIPT ARGS...: runs tests/peers/SCRIPT, waits for its
# --info file and prints it (JSON). Its files go in $PEER_DIR (default $T).
start_server() {
  local name=$1 script=$2 info="$T/$1.json" fd; shift 2
  mkfifo "$T/$name.stdin"
  python3 "$CP_TESTS/peers/$script" --info "$info" --dir "${PEER_DIR:-$T}" "$@" \
    <"$T/$name.stdin" >"$T/$name.log" 2>&1 &
  PEER_PIDS+=($!)
  exec {fd}>"$T/$name.stdin" # the server runs until this closes at exit
  for _ in $(seq 150); do [ -f "$info" ] && break; sleep 0.1; done
  [ -f "$info" ] || { echo "$script did not start:" >&2; cat "$T/$name.log" >&2; exit 1; }
}

# export_json FILE VAR=member ...: sets each VAR to the member of FILE
export_json() {
  local file=$1; shift
  eval "$(python3 - "$file" "$@" <<'PY'
import json, shlex, sys
d = json.load(open(sys.argv[1]))
for pair in sys.argv[2:]:
    var, key = pair.split("=", 1)
    print(f"{var}={shlex.quote(str(d[key]))}")
PY
)"
}

# start_peer: moto (moto_peer.py) with signature checking, seeded. Exports
# $ENDPOINT $KEY $SECRET $DENIED_KEY $DENIED_SECRET $ROLE_ARN $CA $OTHER_CA
# $CALLS_LOG (a line per DescribeClusters moto answered; see peer_calls).
start_peer() {
  start_server peer moto_peer.py
  export_json "$T/peer.json" ENDPOINT=endpoint KEY=access_key_id SECRET=secret_access_key \
    DENIED_KEY=denied_access_key_id DENIED_SECRET=denied_secret_access_key \
    ROLE_ARN=role_arn CA=ca OTHER_CA=other_ca CALLS_LOG=calls_log
}
# peer_calls: how many DescribeClusters calls moto has answered so far
peer_calls() { local n; n=$(grep -c "^DescribeClusters " "$CALLS_LOG" 2>/dev/null); echo "${n:-0}"; }

# start_fault [--tls] [--creds K:S]: fault_server.py. Exports $FAULT (its base
# URL), $FAULT_CA (its cluster certificate's CA), $FAULT_API_CA (with --tls,
# the private CA of its HTTPS certificate) and $FAULT_LOG.
start_fault() {
  start_server fault fault_server.py "$@"
  export_json "$T/fault.json" FAULT=endpoint
  FAULT_CA=$T/fault-ca.crt FAULT_API_CA=$T/api-ca.crt FAULT_LOG=$T/requests.log
}

# requests_to PATH: how many requests the fault server got for PATH
requests_to() { local n; n=$(grep -c "^$1 " "$FAULT_LOG" 2>/dev/null); echo "${n:-0}"; }

# start_tls_servers: HSM hosts as AWS documents them (tls_servers.py).
# Exports $HSM_CA (the customer CA), $OTHER_CA, $CLIENT_CERT $CLIENT_KEY (a
# server-client pair the customer CA issued), $OTHER_CLIENT_CERT
# $OTHER_CLIENT_KEY (one another CA issued) and the ports $P_HOST $P_HOST12
# $P_PROXY $P_CLOSED $P_SILENT.
start_tls_servers() {
  start_server tls tls_servers.py
  export_json "$T/tls.json" HSM_CA=customer_ca OTHER_CA=other_ca CLIENT_CERT=client_cert \
    CLIENT_KEY=client_key OTHER_CLIENT_CERT=other_client_cert OTHER_CLIENT_KEY=other_client_key \
    P_HOST=host P_HOST12=host12 P_PROXY=proxy P_CLOSED=closed P_SILENT=silent
}
