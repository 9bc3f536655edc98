#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_transaction.sh — the lock is never held across the network: while one
# run waits on a slow API (add-cluster, the top-level --cluster-id) or sleeps in
# refresh-clusters --wait, another run edits the same file at once; both
# edits land; a slot removed meanwhile is said so, not written back.
# The API is tests/peers/fault_server.py (slow and not-ready answers).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_fault
export AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key AWS_REGION=us-east-1
CID=cluster-fau7tsrvrab
CFG=$CONFIGURE_PKCS11_CONFIG
fresh() {
  cat > "$CFG" <<JSON
{"clusters": [
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$FAULT_CA", "cluster_id": "$CID",
   "servers": [{"hostname": "10.9.9.9", "port": 2223, "enable": true}]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$FAULT_CA", "cluster_id": "cluster-othersltaaaa",
   "servers": [{"hostname": "10.8.8.8", "port": 2223, "enable": true}]}}
]}
JSON
}
ids() { cfg_get '[c["cluster"]["cluster_id"] for c in d["clusters"]]'; }
# wait_for PATH: until the fault server has had a request there
wait_for() { for _ in $(seq 100); do [ "$(requests_to "$1")" -ge 1 ] && return; sleep 0.1; done; }
# quick_edit: another run removes the other slot; with a 1 s lock wait it
# must not wait for the slow run
quick_edit() {
  local start=$(date +%s%N)
  CONFIGURE_PKCS11_LOCK_TIMEOUT=1 expect_code 0 remove-cluster --cluster-id cluster-othersltaaaa
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$ms" -lt $((1500 * CP_TIME_FACTOR)) ] && ok || bad "the second writer waited ${ms} ms: the lock was held"
}

# in_background NAME PATH ARGS...: a fresh config, then the tool run with
# ARGS in the background (stdout and stderr in $T/NAME.out and .err, pid in
# $pid) until the fault server has had a request at PATH
in_background() {
  local name=$1 path=$2
  shift 2
  fresh
  "$CP_BIN" "$@" >"$T/$name.out" 2>"$T/$name.err" &
  pid=$!
  wait_for "$path"
}

# both_land NAME PATH ARGS...: the run in the background, the other run's
# edit meanwhile; both edits land (the slot refreshed, the other removed)
both_land() {
  in_background "$@"
  quick_edit
  wait $pid && ok || bad "the slow run ($1) failed: $(cat "$T/$1.err")"
  [ "$(ids)" = "[\"$CID\"]" ] && ok || bad "after $1 and the edit: $(ids)"
  expect_cfg 'd["clusters"][0]["cluster"]["servers"][0]["hostname"] != "10.9.9.9"' 'true'
}

# the top-level --cluster-id against an answer that takes 5 s
both_land top /top/slow --cluster-id "$CID" --endpoint "$FAULT/top/slow" \
  --hsm-ca-cert "$FAULT_CA" --disable-key-availability-check
expect_cfg 'd["clusters"][0]["cluster"]["options"]["disable_key_availability_check"]' 'true'

# add-cluster against an answer that takes 5 s
both_land add /add/slow add-cluster --cluster-id "$CID" --endpoint "$FAULT/add/slow"

# the slot's CA changed by another run while the answer was on its way: the
# answer was checked against the old one, so nothing is written and the
# other run's edit stays
cp "$FAULT_CA" "$T/other-ca.crt"
in_background ca /ca/slow add-cluster --cluster-id "$CID" --endpoint "$FAULT/ca/slow"
CONFIGURE_PKCS11_LOCK_TIMEOUT=1 expect_code 0 add-cluster --cluster-id "$CID" -a 10.7.7.7 \
  --hsm-ca-cert "$T/other-ca.crt"
wait $pid; [ $? = 253 ] && ok || bad "the run checked against the old CA did not fail with 253: $(cat "$T/ca.err")"
grep -q "config changed meanwhile ($CFG): another run set the slot's hsm_ca_file to $T/other-ca.crt" "$T/ca.err" &&
  ok || bad "the conflict was not said: $(cat "$T/ca.err")"
expect_cfg 'd["clusters"][0]["cluster"]["servers"][0]["hostname"]' '"10.7.7.7"'

# refresh-clusters --wait: not ready, not ready, then ready; the other run
# edits during the pauses
both_land rw /rw/nohsm refresh-clusters --endpoint "$FAULT/rw/nohsm,nohsm,ok" --wait 60 \
  --cluster-id "$CID" --output json
fits_schema "$T/rw.out" refresh-clusters
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [c["action"] for c in d["clusters"]] == ["updated"], d' "$T/rw.out" \
  && ok || bad "refresh --wait result: $(cat "$T/rw.out")"

# the slot the answer was for is removed meanwhile: said so, not written back
in_background gone /gone/slow refresh-clusters --endpoint "$FAULT/gone/slow" --cluster-id "$CID" \
  --output json
CONFIGURE_PKCS11_LOCK_TIMEOUT=1 expect_code 0 remove-cluster --cluster-id "$CID"
wait $pid && ok || bad "refresh after a removal failed: $(cat "$T/gone.err")"
[ "$(ids)" = '["cluster-othersltaaaa"]' ] && ok || bad "the removed slot came back: $(ids)"
grep -q "was removed by another run while the API answered" "$T/gone.err" && ok ||
  bad "the removal was not said: $(cat "$T/gone.err")"
fits_schema "$T/gone.out" refresh-clusters
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [c["action"] for c in d["clusters"]] == ["absent"], d' "$T/gone.out" \
  && ok || bad "refresh result after a removal: $(cat "$T/gone.out")"
done_
