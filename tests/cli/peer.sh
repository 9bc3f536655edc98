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
