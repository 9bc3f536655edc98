# SPDX-License-Identifier: Apache-2.0
# peer.sh — start the moto peer (tests/peers/moto_peer.py) for a test and
# export what it seeded: $ENDPOINT, $KEY, $SECRET, $DENIED_KEY, $DENIED_SECRET,
# $ROLE_ARN, $CA, $OTHER_CA. Stopped when the test exits.
start_peer() {
  local info="$T/peer.json"
  mkfifo "$T/peer.stdin"
  python3 "$CP_TESTS/peers/moto_peer.py" --info "$info" --dir "$T" <"$T/peer.stdin" >"$T/peer.log" 2>&1 &
  PEER_PID=$!
  exec 9>"$T/peer.stdin"   # the peer runs until this closes
  trap 'exec 9>&-; kill $PEER_PID 2>/dev/null; wait $PEER_PID 2>/dev/null; rm -rf "$T"' EXIT
  for _ in $(seq 150); do [ -f "$info" ] && break; sleep 0.1; done
  [ -f "$info" ] || { echo "moto peer did not start:"; cat "$T/peer.log"; exit 1; }
  eval "$(python3 - "$info" <<'PY'
import json, shlex, sys
d = json.load(open(sys.argv[1]))
for k, v in dict(ENDPOINT=d["endpoint"], KEY=d["access_key_id"], SECRET=d["secret_access_key"],
                 DENIED_KEY=d["denied_access_key_id"], DENIED_SECRET=d["denied_secret_access_key"],
                 ROLE_ARN=d["role_arn"], CA=d["ca"], OTHER_CA=d["other_ca"]).items():
    print(f"{k}={shlex.quote(v)}")
PY
)"
}

# start_fault [--tls]: start tests/peers/fault_server.py; exports $FAULT (its
# base URL), $FAULT_CA (the CA of its cluster certificate), $FAULT_API_CA
# (with --tls: the private CA of its HTTPS certificate) and $FAULT_LOG.
start_fault() {
  local info="$T/fault.json"
  mkfifo "$T/fault.stdin"
  python3 "$CP_TESTS/peers/fault_server.py" --info "$info" --dir "$T" "$@" \
    <"$T/fault.stdin" >"$T/fault.log" 2>&1 &
  FAULT_PID=$!
  exec 8>"$T/fault.stdin"
  trap 'exec 8>&- 9>&-; kill $FAULT_PID ${PEER_PID:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
  for _ in $(seq 150); do [ -f "$info" ] && break; sleep 0.1; done
  [ -f "$info" ] || { echo "fault server did not start:"; cat "$T/fault.log"; exit 1; }
  FAULT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"])' "$info")
  FAULT_CA=$T/fault-ca.crt FAULT_API_CA=$T/api-ca.crt FAULT_LOG=$T/requests.log
}

# requests_to PATH: how many requests the fault server got for PATH
requests_to() { local n; n=$(grep -c "^$1 " "$FAULT_LOG" 2>/dev/null); echo "${n:-0}"; }

# start_tls_servers: start tests/peers/tls_servers.py (stand-in HSM servers);
# exports $HSM_CA $HSM_OTHER_CA $CLIENT_CERT $CLIENT_KEY and the ports
# $P_GOOD $P_OTHER $P_MTLS $P_CLOSED $P_SILENT.
start_tls_servers() {
  local info="$T/tls.json"
  mkfifo "$T/tls.stdin"
  python3 "$CP_TESTS/peers/tls_servers.py" --info "$info" --dir "$T" <"$T/tls.stdin" >"$T/tls.log" 2>&1 &
  TLS_PID=$!
  exec 7>"$T/tls.stdin"
  trap 'exec 7>&-; kill $TLS_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
  for _ in $(seq 150); do [ -f "$info" ] && break; sleep 0.1; done
  [ -f "$info" ] || { echo "TLS servers did not start:"; cat "$T/tls.log"; exit 1; }
  eval "$(python3 - "$info" <<'PY'
import json, shlex, sys
d = json.load(open(sys.argv[1]))
for k, v in dict(HSM_CA=d["ca"], HSM_OTHER_CA=d["other_ca"], CLIENT_CERT=d["client_cert"],
                 CLIENT_KEY=d["client_key"], P_GOOD=d["good"], P_OTHER=d["other"],
                 P_MTLS=d["mtls"], P_CLOSED=d["closed"], P_SILENT=d["silent"]).items():
    print(f"{k}={shlex.quote(str(v))}")
PY
)"
}
