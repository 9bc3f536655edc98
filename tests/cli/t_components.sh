#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_components.sh — every Client SDK 5 component's file from one tool:
# --component NAME[,NAME]|installed with --config-dir, one DescribeClusters
# call (moto counts them) or one saved answer for every file, a row per
# file, nothing written unless every file's change is made, the files of a
# link named configure-jce or configure-dyn, the one-cluster jce and dyn
# files, and each component's own logging in a file the tool makes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_ENDPOINT_URL=$ENDPOINT
unset CONFIGURE_PKCS11_CONFIG
D=$T/etc
mkdir -p "$D"
# the files AWS's packages install: the placeholder slot, as in SDK 5
for c in pkcs11 cli jce; do
  printf '{"clusters": [{"type": "hsm1", "cluster": {"hsm_ca_file": "%s", "servers": [{"hostname": "%%%%HSM_IP_ADDRESS%%%%", "port": 2223, "enable": true}]}}]}\n' \
    "$CA" > "$D/cloudhsm-$c.cfg"
done
snapshot() { (cd "$D" && md5sum cloudhsm-*.cfg); }
slots() { # slots FILE: the cluster ids of its slots, as JSON
  python3 -c 'import json,sys; print(json.dumps([c["cluster"].get("cluster_id") for c in json.load(open(sys.argv[1]))["clusters"]]))' "$1"
}
A="--cluster-id cluster-2ab3cd4ef5g --region us-east-1 --hsm-ca-cert $CA"

# installed: pkcs11, cli and jce are there (no dyn): one API call for all three
calls=$(peer_calls)
expect_code 0 add-cluster $A --component installed --config-dir "$D" --output json
[ "$(( $(peer_calls) - calls ))" = 1 ] && ok || bad "installed: moto answered $(( $(peer_calls) - calls )) DescribeClusters calls, wanted 1"
expect_json '[(r["component"], r["action"], r["changed"]) for r in d["results"]]' \
  '[["pkcs11", "added", true], ["cli", "added", true], ["jce", "added", true]]'
expect_json 'd["changed"], d["dry_run"]' '[true, false]'
expect_json '[r["config"] for r in d["results"]]' \
  "[\"$D/cloudhsm-pkcs11.cfg\", \"$D/cloudhsm-cli.cfg\", \"$D/cloudhsm-jce.cfg\"]"
for c in pkcs11 cli jce; do
  [ "$(slots "$D/cloudhsm-$c.cfg")" = '["cluster-2ab3cd4ef5g"]' ] && ok ||
    bad "cloudhsm-$c.cfg: slots $(slots "$D/cloudhsm-$c.cfg"), wanted the placeholder filled"
done
[ ! -e "$D/cloudhsm-dyn.cfg" ] && ok || bad "installed made a dyn file that was not there"
# again: nothing to change in any file, still one call
calls=$(peer_calls)
expect_code 0 add-cluster $A --component installed --config-dir "$D" --output json
expect_json 'd["changed"], [r["action"] for r in d["results"]]' '[false, ["unchanged", "unchanged", "unchanged"]]'
[ "$(( $(peer_calls) - calls ))" = 1 ] && ok || bad "second run: $(( $(peer_calls) - calls )) calls, wanted 1"
# text: a line per file, naming the component
expect_code 0 add-cluster $A --component pkcs11,jce --config-dir "$D"
expect_stdout "pkcs11: unchanged cluster-2ab3cd4ef5g (2 servers) in $D/cloudhsm-pkcs11.cfg"
expect_stdout "jce: unchanged cluster-2ab3cd4ef5g (2 servers) in $D/cloudhsm-jce.cfg"

# one saved answer serves every file too, with no credentials and no call
aws_saved=$T/describe.json
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET aws --endpoint-url "$ENDPOINT" --region us-east-1 \
  cloudhsmv2 describe-clusters --output json > "$aws_saved" && ok || bad "aws describe-clusters failed"
calls=$(peer_calls)
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$CP_BIN" add-cluster --cluster-id cluster-6hij7klm2no \
  --hsm-ca-cert "$CA" --from-describe "$aws_saved" --component pkcs11,cli --config-dir "$D" \
  --output json >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 0 ] && ok || bad "saved answer: exit $RC: $(cat "$ERR")"
expect_json '[r["action"] for r in d["results"]]' '["added", "added"]'
[ "$(peer_calls)" = "$calls" ] && ok || bad "a saved answer made $(( $(peer_calls) - calls )) API calls"
[ "$(slots "$D/cloudhsm-cli.cfg")" = '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no"]' ] && ok ||
  bad "cli file after the saved answer: $(slots "$D/cloudhsm-cli.cfg")"
# a JCE provider built from its file is one cluster (AWS: more clusters are
# more providers, in code): a second cluster in the jce file is refused,
# and with it every file of the run
before=$(snapshot)
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$CP_BIN" add-cluster --cluster-id cluster-6hij7klm2no \
  --hsm-ca-cert "$CA" --from-describe "$aws_saved" --component installed --config-dir "$D" \
  >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 252 ] && ok || bad "a second cluster in the jce file: exit $RC, wanted 252"
expect_stderr "jce: one cluster only (jce): the JCE provider reads one cluster"
[ "$(snapshot)" = "$before" ] && ok || bad "the refused jce edit changed a file"

# the original tool's options, for each component at once: key availability
expect_code 0 --disable-key-availability-check --component pkcs11,jce --config-dir "$D" --output json
expect_json '[(r["component"], r["changed"]) for r in d["results"]]' '[["pkcs11", true], ["jce", true]]'
kac() { python3 -c 'import json,sys; print(json.dumps([c["cluster"].get("options", {}).get("disable_key_availability_check") for c in json.load(open(sys.argv[1]))["clusters"]]))' "$1"; }
[ "$(kac "$D/cloudhsm-jce.cfg")" = '[true]' ] && ok || bad "jce key availability: $(kac "$D/cloudhsm-jce.cfg")"
[ "$(kac "$D/cloudhsm-cli.cfg")" = '[null, null]' ] && ok || bad "cli was not named but changed: $(kac "$D/cloudhsm-cli.cfg")"

# nothing is written unless every file's change is made: jce's slot names a
# CA that did not sign the cluster, so pkcs11 and cli stay as they were too
python3 - "$D/cloudhsm-jce.cfg" "$OTHER_CA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][0]["cluster"]["hsm_ca_file"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
before=$(snapshot)
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --component installed \
  --config-dir "$D" --output json
expect_stderr "error: jce: wrong HSM CA"
expect_stderr "No file was changed"
expect_json 'd["error"]["code"], d["changed"]' '["ca_mismatch", false]'
[ "$(snapshot)" = "$before" ] && ok || bad "a failure in jce's file changed another file"

# --dry-run: a diff per file, nothing written, no lock
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --component pkcs11,cli --config-dir "$D" \
  --dry-run --output json
expect_json '[(r["component"], r["action"], r["dry_run"]) for r in d["results"]]' \
  '[["pkcs11", "removed", true], ["cli", "removed", true]]'
[ "$(snapshot)" = "$before" ] && ok || bad "--dry-run changed a file"
# remove from every installed file; a file without the slot needs --ignore-missing
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --component cli --config-dir "$D"
before=$(snapshot)
expect_code 252 remove-cluster --cluster-id cluster-6hij7klm2no --component installed --config-dir "$D"
expect_stderr "--ignore-missing"
[ "$(snapshot)" = "$before" ] && ok || bad "a refused removal changed a file"
expect_code 0 remove-cluster --cluster-id cluster-6hij7klm2no --component pkcs11,cli,jce --config-dir "$D" --ignore-missing --output json
expect_json '[r["action"] for r in d["results"]]' '["removed", "absent", "absent"]'

# a file that is a link to another of the set is edited once
rm "$D/cloudhsm-cli.cfg"; ln -s cloudhsm-pkcs11.cfg "$D/cloudhsm-cli.cfg"
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$CA" --region us-east-1 \
  --component pkcs11,cli --config-dir "$D" --output json
expect_json '[(r["component"], r["action"]) for r in d["results"]]' '[["pkcs11", "added"], ["cli", "same_file"]]'
expect_json 'd["results"][1]["same_file_as"]' '"pkcs11"'
[ "$(slots "$D/cloudhsm-pkcs11.cfg")" = '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no"]' ] && ok ||
  bad "the linked file: $(slots "$D/cloudhsm-pkcs11.cfg")"
[ -L "$D/cloudhsm-cli.cfg" ] && ok || bad "the link was replaced by a file"
rm "$D/cloudhsm-cli.cfg"; cp "$D/cloudhsm-pkcs11.cfg" "$D/cloudhsm-cli.cfg"

# invoked by AWS's tools' names (links): that component's file
mkdir -p "$T/bin"
ln -s "$CP_BIN" "$T/bin/configure-jce"; ln -s "$CP_BIN" "$T/bin/configure-dyn"
jce_before=$(md5sum < "$D/cloudhsm-jce.cfg")
"$T/bin/configure-dyn" add-cluster $A --config-dir "$D" --output json >"$OUT" 2>"$ERR" && ok ||
  bad "configure-dyn add-cluster: $(cat "$ERR")"
expect_json 'd["config"], d["action"]' "[\"$D/cloudhsm-dyn.cfg\", \"added\"]"
[ "$(md5sum < "$D/cloudhsm-jce.cfg")" = "$jce_before" ] && ok || bad "configure-dyn changed the jce file"
"$T/bin/configure-jce" list-clusters --config-dir "$D" --output json >"$OUT" 2>"$ERR" && ok ||
  bad "configure-jce list-clusters: $(cat "$ERR")"
expect_json 'd["config"]' "\"$D/cloudhsm-jce.cfg\""
# the dyn engine reads one cluster: a second is refused, the file kept
dyn_before=$(md5sum < "$D/cloudhsm-dyn.cfg")
"$T/bin/configure-dyn" add-cluster --cluster-id cluster-6hij7klm2no --region us-east-1 \
  --hsm-ca-cert "$CA" --config-dir "$D" >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 252 ] && ok || bad "a second cluster in the dyn file: exit $RC, wanted 252"
expect_stderr "one cluster only (dyn)"
[ "$(md5sum < "$D/cloudhsm-dyn.cfg")" = "$dyn_before" ] && ok || bad "the refused dyn edit changed the file"
# a file the tool makes gets its component's logging (AWS's "client SDK
# logs" page): the dyn engine logs to stderr, the others to their own file
logging() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["logging"], sort_keys=True))' "$1"; }
[ "$(logging "$D/cloudhsm-dyn.cfg")" = '{"log_interval": "daily", "log_level": "info", "log_type": "term"}' ] && ok ||
  bad "new dyn file's logging: $(logging "$D/cloudhsm-dyn.cfg")"
D4=$T/etc4; mkdir -p "$D4"
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.9.7 --hsm-ca-cert "$CA" \
  --component pkcs11,cli,jce --config-dir "$D4"
for c in pkcs11 cli jce; do
  want="{\"log_file\": \"/opt/cloudhsm/run/cloudhsm-$c.log\", \"log_interval\": \"daily\", \"log_level\": \"info\", \"log_type\": \"file\"}"
  [ "$(logging "$D4/cloudhsm-$c.cfg")" = "$want" ] && ok || bad "new $c file's logging: $(logging "$D4/cloudhsm-$c.cfg")"
done
# and now installed includes dyn, which keeps its one cluster
expect_code 0 --disable-key-availability-check --component installed --config-dir "$D" --output json
expect_json '[r["component"] for r in d["results"]]' '["pkcs11", "cli", "jce", "dyn"]'

# concurrent runs over the same files (locks always in one order) all land
pids=()
for id in cluster-cncrntaaaaa cluster-cncrntbbbbb cluster-cncrntccccc cluster-cncrntddddd; do
  "$CP_BIN" add-cluster --cluster-id "$id" -a 10.0.9.9 --hsm-ca-cert "$CA" --component pkcs11,cli --config-dir "$D" \
    -q >/dev/null 2>"$T/$id.err" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" && ok || bad "a concurrent run failed: $(cat "$T"/cluster-cncrnt*.err)"; done
for c in pkcs11 cli; do
  n=$(slots "$D/cloudhsm-$c.cfg" | grep -o cncrnt | wc -l)
  [ "$n" = 4 ] && ok || bad "cloudhsm-$c.cfg has $n of the 4 concurrent slots"
done

# a write that fails after another file was written (a full disk): each
# file is whole, and the message says which were written
if faults_available; then
  b_pk=$(md5sum < "$D/cloudhsm-pkcs11.cfg") b_cli=$(md5sum < "$D/cloudhsm-cli.cfg")
  CONFIGURE_PKCS11_FAULT='rename#2' expect_code 253 add-cluster --cluster-id cluster-stfaultaaaa \
    -a 10.0.9.8 --hsm-ca-cert "$CA" --component pkcs11,cli --config-dir "$D"
  expect_stderr "error: cli: "
  expect_stderr "Written before it: pkcs11"
  [ "$(md5sum < "$D/cloudhsm-pkcs11.cfg")" != "$b_pk" ] && ok || bad "pkcs11 was not written before the failure"
  [ "$(md5sum < "$D/cloudhsm-cli.cfg")" = "$b_cli" ] && ok || bad "the failed cli write changed the file"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$D/cloudhsm-cli.cfg" && ok || bad "cli is not whole JSON"
  expect_no_temp "$D/cloudhsm-cli.cfg"
else
  echo "skipped: a failed second write (the binary has no CP_TESTING fault hooks)"
fi

# refresh-clusters over several files: each cluster asked for once (one
# call for the region), every file's stale slots refreshed, a row per slot
D2=$T/etc2; mkdir -p "$D2"
stale() { printf '{"type": "hsm2m", "cluster": {"hsm_ca_file": "%s", "cluster_id": "%s", "servers": [{"hostname": "10.9.9.9", "port": 2223, "enable": true}]}}' "$CA" "$1"; }
printf '{"clusters": [%s]}\n' "$(stale cluster-2ab3cd4ef5g)" > "$D2/cloudhsm-pkcs11.cfg"
printf '{"clusters": [%s, %s]}\n' "$(stale cluster-2ab3cd4ef5g)" "$(stale cluster-6hij7klm2no)" > "$D2/cloudhsm-cli.cfg"
calls=$(peer_calls)
expect_code 0 refresh-clusters --region us-east-1 --component installed --config-dir "$D2" --output json
[ "$(( $(peer_calls) - calls ))" = 1 ] && ok || bad "refresh of two files: $(( $(peer_calls) - calls )) calls, wanted 1"
expect_json '[(c["component"], c["cluster_id"], c["action"]) for c in d["clusters"]]' \
  '[["pkcs11", "cluster-2ab3cd4ef5g", "updated"], ["cli", "cluster-2ab3cd4ef5g", "updated"], ["cli", "cluster-6hij7klm2no", "updated"]]'
expect_json 'd["api_calls"], d["changed"]' '[1, true]'
grep -q 10.9.9.9 "$D2"/*.cfg && bad "a stale server is left after refresh" || ok
# a cluster named with --cluster-id needs a slot in one of the files only
expect_code 0 refresh-clusters --region us-east-1 --cluster-id cluster-6hij7klm2no --component pkcs11,cli \
  --config-dir "$D2" --output json
expect_json '[(c["component"], c["action"]) for c in d["clusters"]]' '[["cli", "unchanged"]]'
expect_code 252 refresh-clusters --region us-east-1 --cluster-id cluster-stdeletedaaa --component pkcs11,jce \
  --config-dir "$D2"
expect_stderr "no slot in any of the files"

# list-clusters and check over several files: a row per slot (or server)
# naming its component; check connects only to loopback stand-in HSMs
start_tls_servers
D3=$T/etc3; mkdir -p "$D3"
local_slot() { printf '{"clusters": [{"type": "hsm2m", "cluster": {%s"hsm_ca_file": "%s", "cluster_id": "%s", "servers": [{"hostname": "127.0.0.1", "port": %s, "enable": true}]}}]}\n' "${3:-}" "$HSM_CA" "$1" "$2"; }
local_slot cluster-2ab3cd4ef5g "$P_HOST" > "$D3/cloudhsm-pkcs11.cfg"
# the cli file's server-client pair was issued by a CA the host does not take
local_slot cluster-6hij7klm2no "$P_HOST" \
  "\"client_cert_path\": \"$OTHER_CLIENT_CERT\", \"client_key_path\": \"$OTHER_CLIENT_KEY\", " \
  > "$D3/cloudhsm-cli.cfg"
expect_code 0 list-clusters --component installed --config-dir "$D3" --output json
expect_json '[(c["component"], c["cluster_id"], c["index"]) for c in d["clusters"]]' \
  '[["pkcs11", "cluster-2ab3cd4ef5g", 0], ["cli", "cluster-6hij7klm2no", 0]]'
expect_json '"config" in d' 'false'
expect_code 0 list-clusters --component installed --config-dir "$D3"
expect_stdout "cli: $D3/cloudhsm-cli.cfg"
expect_code 0 check --component pkcs11 --config-dir "$D3" --timeout 5 --output json
# one component's file has one file's shape: no component in the rows
expect_json 'd["passed"], d["failed"], "component" in d["servers"][0], d["config"]' "[1, 0, false, \"$D3/cloudhsm-pkcs11.cfg\"]"
expect_code 0 check --config-dir "$D3" --timeout 5 --output json   # no --component: pkcs11's file
expect_json 'd["passed"], d["config"]' "[1, \"$D3/cloudhsm-pkcs11.cfg\"]"
expect_code 255 check --component installed --config-dir "$D3" --timeout 5 --output json
expect_json '[(r["component"], r["cluster_id"], r["status"]) for r in d["servers"]]' \
  '[["pkcs11", "cluster-2ab3cd4ef5g", "ok"], ["cli", "cluster-6hij7klm2no", "client_certificate_refused"]]'
expect_code 0 check --component installed --config-dir "$D3" --cluster-id cluster-2ab3cd4ef5g --timeout 5
expect_stdout "pkcs11: cluster-2ab3cd4ef5g 127.0.0.1:$P_HOST ok"
expect_code 252 check --component installed --config-dir "$D3" --cluster-id cluster-stdeletedaaa
expect_stderr "no file of --component installed has a slot for it"

# wrong combinations, named
expect_code 2 add-cluster $A --component pkcs11 --config "$D/cloudhsm-pkcs11.cfg"
expect_stderr "contradictory options (--config and --component)"
expect_code 252 add-cluster $A --component pkcs11,nosuch --config-dir "$D"
expect_stderr "unknown component (--component nosuch)"
mkdir -p "$T/empty"
expect_code 252 add-cluster $A --component installed --config-dir "$T/empty" --output json
expect_json 'd["error"]["code"]' '"not_configured"'
expect_code 0 list-clusters --component jce --config-dir "$D" --output json
expect_json 'd["config"]' "\"$D/cloudhsm-jce.cfg\""

# the one-cluster rule goes with the file, not the name: a dyn file that is
# a link (or a hard link) to the pkcs11 file keeps that file to one cluster,
# whichever name or set edits it
D5=$T/etc5; mkdir -p "$D5"
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.9.1 --hsm-ca-cert "$CA" --config-dir "$D5"
ln -s cloudhsm-pkcs11.cfg "$D5/cloudhsm-dyn.cfg"
b5=$(md5sum < "$D5/cloudhsm-pkcs11.cfg")
for how in "--component pkcs11,dyn" "--component pkcs11" "--component dyn" ""; do
  expect_code 252 add-cluster --cluster-id cluster-6hij7klm2no -a 10.0.9.2 --hsm-ca-cert "$CA" --config-dir "$D5" $how
  expect_stderr "one cluster only (dyn)"
done
rm "$D5/cloudhsm-dyn.cfg"; ln "$D5/cloudhsm-pkcs11.cfg" "$D5/cloudhsm-dyn.cfg"
expect_code 252 add-cluster --cluster-id cluster-6hij7klm2no -a 10.0.9.2 --hsm-ca-cert "$CA" --config-dir "$D5" --component pkcs11,dyn --output json
[ "$(md5sum < "$D5/cloudhsm-pkcs11.cfg")" = "$b5" ] && ok || bad "a second cluster reached the file the dyn engine reads"
# the same cluster again is fine: the slot is refreshed, once
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.9.1 --hsm-ca-cert "$CA" --config-dir "$D5" --component pkcs11,dyn --output json
expect_json '[r["action"] for r in d["results"]]' '["unchanged", "same_file"]'

# the KSP's SDK3 compatibility mode: for the KSP's file (a file given with
# --config is taken as the user says), refused for another component's
before=$(snapshot)
expect_code 252 --enable-sdk3-compatibility-mode --component pkcs11,cli --config-dir "$D"
expect_stderr "option of another component (--enable-sdk3-compatibility-mode, pkcs11): only the KSP reads it. Give --component ksp"
[ "$(snapshot)" = "$before" ] && ok || bad "a refused KSP option changed a file"
cp "$D/cloudhsm-jce.cfg" "$T/ksp.cfg"
expect_code 0 --enable-sdk3-compatibility-mode --config "$T/ksp.cfg"
CONFIGURE_PKCS11_CONFIG=$T/ksp.cfg expect_cfg 'd["clusters"][0]["cluster"]["options"]["enable_sdk3_compatibility_mode"]' 'true'
expect_code 0 --disable-sdk3-compatibility-mode --config "$T/ksp.cfg"
CONFIGURE_PKCS11_CONFIG=$T/ksp.cfg expect_cfg 'd["clusters"][0]["cluster"]["options"]["enable_sdk3_compatibility_mode"]' 'false'
done_
