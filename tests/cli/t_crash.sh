#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_crash.sh — SIGKILL during a write leaves the config either the old or the
# new version, byte for byte, and the next run cleans up (no stale lock, no
# temporary file). First at every named step of the write (test builds stop
# themselves there), then at random moments from outside, many times.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
KILLS=${CP_CRASH_KILLS:-150}
mapfile -t IDS < <(python3 "$CP_TESTS/peers/make_describe.py" --dir "$T" --clusters 1500)
SAVED=$T/describe.json
CA=$T/ca.crt

# a config big enough that a write takes a while: 1,500 slots
python3 - "$SAVED" "$CA" > "$CFG" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = {"clusters": [{"type": "hsm2m", "cluster": {"hsm_ca_file": sys.argv[2],
        "cluster_id": c["ClusterId"],
        "servers": [{"hostname": c["Hsms"][0]["EniIp"], "port": 2223, "enable": True}]}}
       for c in d["Clusters"]],
       "logging": {"log_type": "file", "log_file": "/opt/cloudhsm/run/cloudhsm-pkcs11.log",
                   "log_level": "info", "log_interval": "daily"}}
print(json.dumps(out, indent=2))
PY
# the two versions a run may leave: log level info (A) and warn (B)
"$CP_BIN" --log-level info -q --output off || bad "normalising the config"
cp "$CFG" "$T/A"
"$CP_BIN" --log-level warn -q --output off || bad "writing version B"
cp "$CFG" "$T/B"
cmp -s "$T/A" "$T/B" && bad "versions A and B are the same"

old_or_new() { # $1: what happened
  if cmp -s "$CFG" "$T/A" || cmp -s "$CFG" "$T/B"; then ok
  else bad "$1: the config is neither the old nor the new version"; fi
}

# 1. at each step of a write, from inside (CP_TESTING builds: scripts/build
# makes every test build with it; a packager's build has no such hooks)
steps="kill-after-lock kill-after-create kill-mid-write kill-after-fsync kill-before-rename kill-after-rename"
faults_available || { steps=""; echo "skipped: the 6 named kill points (the binary has no CP_TESTING fault hooks)"; }
for step in $steps; do
  cp "$T/A" "$CFG"
  ( CONFIGURE_PKCS11_FAULT=kill@$step "$CP_BIN" --log-level warn -q --output off; exit $? ) 2>/dev/null; rc=$?
  [ "$rc" = 137 ] && ok || bad "$step: exit $rc, wanted a SIGKILL (137): not a CP_TESTING build?"
  case $step in
    kill-after-rename) expect_file_same "$CFG" "$T/B" ;;
    *) expect_file_same "$CFG" "$T/A" ;;
  esac
  # the next run works at once (no stale lock) and leaves no temporary file
  "$CP_BIN" --log-level warn -q --output off && ok || bad "$step: the next run failed"
  expect_file_same "$CFG" "$T/B"
  expect_no_temp "$CFG"
done

# 2. at random moments, from outside: alternate A -> B -> A, SIGKILL after
# 0 to 39 ms; whatever is left must be A or B, byte for byte
landed=0 completed=0
cp "$T/A" "$CFG"
for i in $(seq 1 "$KILLS"); do
  if cmp -s "$CFG" "$T/A"; then lvl=warn; else lvl=info; fi
  "$CP_BIN" --log-level "$lvl" -q --output off 2>/dev/null &
  pid=$!
  sleep "$(printf '0.%03d' $(( RANDOM % 40 )))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null; rc=$?
  if [ "$rc" = 137 ]; then landed=$((landed + 1)); else completed=$((completed + 1)); fi
  old_or_new "kill $i (after ${lvl})"
done
# the next run cleans up what the killed ones left
"$CP_BIN" --log-level error -q --output off && ok || bad "the run after the kills failed"
expect_no_temp "$CFG"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$CFG" && ok || bad "final config does not parse"
echo "crash: $(wc -w <<<"$steps") named kill points; $KILLS random SIGKILLs ($landed killed before finishing, $completed finished first)"
done_
