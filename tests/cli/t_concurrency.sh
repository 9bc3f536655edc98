#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_concurrency.sh — 32 processes at once on one config, each adding or
# removing a different cluster (and some changing the logging), in several
# rounds, while a reader parses the file in a loop. Every run must succeed,
# the end state must be exactly the expected set of slots, and the reader
# must never see a file that is not a valid config.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
ROUNDS=${CP_CONCURRENCY_ROUNDS:-4}
# 36 runs queue for one lock: each may wait for all the others (slow under
# valgrind), so the wait scales with the time factor
export CONFIGURE_PKCS11_LOCK_TIMEOUT=$((10 * CP_TIME_FACTOR))
mapfile -t IDS < <(python3 "$CP_TESTS/peers/make_describe.py" --dir "$T" --clusters 64)
SAVED=$T/describe.json
add() { "$CP_BIN" add-cluster --cluster-id "$1" --from-describe "$SAVED" --hsm-ca-cert "$T/ca.crt" -q --output off; }

# start: the first 16 clusters configured
for i in $(seq 0 15); do add "${IDS[$i]}" || bad "setup add ${IDS[$i]}"; done

# the reader: parses the config as fast as it can until told to stop
python3 - "$CFG" "$T/stop" "$T/reader.out" <<'PY' &
import json, os, sys, time
path, stop, out = sys.argv[1:]
reads = 0
while not os.path.exists(stop):
    with open(path, "rb") as f:
        data = f.read()
    try:
        d = json.loads(data)
        assert isinstance(d["clusters"], list)
        for c in d["clusters"]:
            assert c["cluster"]["cluster_id"].startswith("cluster-")
            assert all(s["port"] == 2223 for s in c["cluster"]["servers"])
    except Exception as e:  # a torn or half-written file
        open(out, "w").write("BAD after %d reads: %r\n%r\n" % (reads, e, data[:200]))
        sys.exit(1)
    reads += 1
open(out, "w").write("%d\n" % reads)
PY
READER=$!

# round r: remove the 16 configured, add 16 new ones, and 4 logging edits
# racing with them: 36 processes started together
expected=("${IDS[@]:0:16}")
procs=0 failures=0
for r in $(seq 1 "$ROUNDS"); do
  base=$(( (r % 4) * 16 ))
  new=("${IDS[@]:$base:16}")
  pids=()
  for id in "${expected[@]}"; do "$CP_BIN" remove-cluster --cluster-id "$id" -q --output off & pids+=($!); done
  for id in "${new[@]}"; do add "$id" & pids+=($!); done
  for lvl in info warn error debug; do "$CP_BIN" --log-level "$lvl" -q --output off & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || failures=$((failures + 1)); procs=$((procs + 1)); done
  expected=("${new[@]}")
  want=$(printf '%s\n' "${expected[@]}" | sort | tr '\n' ' ')
  got=$(python3 -c 'import json,sys; print(" ".join(sorted(c["cluster"]["cluster_id"] for c in json.load(open(sys.argv[1]))["clusters"])) + " ")' "$CFG")
  [ "$got" = "$want" ] && ok || bad "round $r: slots are [$got], wanted [$want]"
done
[ "$failures" = 0 ] && ok || bad "$failures of $procs concurrent runs failed"
touch "$T/stop"
wait "$READER" && ok || bad "the reader saw a bad file: $(cat "$T/reader.out")"
expect_no_temp "$CFG"
echo "concurrency: $procs processes in $ROUNDS rounds of 36, reader parsed the file $(cat "$T/reader.out") times"
done_
