#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_refresh.sh — refresh-clusters against moto (signatures checked): every
# slot refreshed from one DescribeClusters call per region, two regions, a
# slot whose cluster was deleted kept and reported, a slot whose CA does not
# sign its cluster left as it was, a DELETED cluster's slot kept and
# reported, --dry-run/--diff, a saved answer; a slot keeps its address
# family.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
CFG=$CONFIGURE_PKCS11_CONFIG
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_ENDPOINT_URL=$ENDPOINT
slot() { # slot ID HOST...: a slot with stale servers
  local id=$1 s="" h; shift
  for h in "$@"; do s="$s{\"hostname\": \"$h\", \"port\": 2223, \"enable\": true}, "; done
  printf '{"type": "hsm2m", "cluster": {"hsm_ca_file": "%s", "cluster_id": "%s", "servers": [%s]}}' \
    "${CA_OF:-$CA}" "$id" "${s%, }"
}
cat > "$CFG" <<JSON
{"clusters": [
 $(slot cluster-2ab3cd4ef5g 10.0.1.99),
 $(slot cluster-euwestaaaaa 10.6.1.99),
 $(slot cluster-gonegonegone 10.9.9.9),
 $(slot cluster-6hij7klm2no 10.1.1.5),
 $(CA_OF=$OTHER_CA slot cluster-dualstackaa 10.3.1.99),
 $(slot cluster-stdeletedaaa 10.5.0.5)
]}
JSON
cp "$CFG" "$T/before.cfg"

# a dry run: the change as JSON, with its diff, nothing written
expect_code 252 refresh-clusters --region us-east-1 --region eu-west-1 --dry-run --diff --output json
expect_file_same "$CFG" "$T/before.cfg"
expect_json '[(c["cluster_id"], c["action"], c.get("region")) for c in d["clusters"]]' \
  '[["cluster-2ab3cd4ef5g", "updated", "us-east-1"], ["cluster-euwestaaaaa", "updated", "eu-west-1"], ["cluster-gonegonegone", "not_found", null], ["cluster-6hij7klm2no", "unchanged", "us-east-1"], ["cluster-dualstackaa", "failed", "us-east-1"], ["cluster-stdeletedaaa", "deleted", "us-east-1"]]'
expect_json 'd["api_calls"], d["dry_run"], d["changed"]' '[2, true, true]'
expect_json 'd["clusters"][4]["error"]["code"]' '"ca_mismatch"'
expect_json 'd["error"]["code"]' '"ca_mismatch"'
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diff"], end="")' "$OUT" > "$T/refresh.diff"
cp "$CFG" "$T/patched.cfg"
patch -s "$T/patched.cfg" < "$T/refresh.diff" && ok || bad "patch refused refresh-clusters' diff"

# the real run: one write with every refreshable slot, the rest kept
expect_code 252 refresh-clusters --region us-east-1 --region eu-west-1
expect_stdout "updated cluster-2ab3cd4ef5g (2 servers)"
expect_stdout "updated cluster-euwestaaaaa (1 server)"
expect_stdout "not found cluster-gonegonegone: kept as it is"
expect_stdout "unchanged cluster-6hij7klm2no (1 server)"
expect_stdout "failed cluster-dualstackaa: wrong HSM CA"
expect_stdout "deleted cluster-stdeletedaaa (DELETED): kept as it is"
expect_stderr "warning: cluster cluster-stdeletedaaa is DELETED: its slot is kept"
expect_stderr "warning: cluster cluster-gonegonegone was not found"
expect_stderr "configure-pkcs11: error: wrong HSM CA for the cluster (cluster-dualstackaa)"
expect_file_same "$CFG" "$T/patched.cfg"
expect_cfg '[[s["hostname"] for s in c["cluster"]["servers"]] for c in d["clusters"]]' \
  '[["10.0.1.12", "10.0.2.7"], ["10.6.1.5"], ["10.9.9.9"], ["10.1.1.5"], ["10.3.1.99"], ["10.5.0.5"]]'

# with the slot's CA fixed, a second run has nothing left to change
python3 - "$CFG" "$CA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][4]["cluster"]["hsm_ca_file"] = sys.argv[2]
json.dump(d, open(sys.argv[1], "w"), indent=4)
PY
expect_code 0 refresh-clusters --region us-east-1 --region eu-west-1 --output json
expect_json '[c["action"] for c in d["clusters"]]' '["unchanged", "unchanged", "not_found", "unchanged", "updated", "deleted"]'
cp "$CFG" "$T/second.cfg"
expect_code 0 refresh-clusters --region us-east-1 --region eu-west-1 --output json
expect_json 'd["changed"]' 'false'
expect_file_same "$CFG" "$T/second.cfg"

# only the named ones; the default region alone finds no eu-west-1 cluster
expect_code 0 refresh-clusters --cluster-id cluster-2ab3cd4ef5g --cluster-id cluster-euwestaaaaa --region us-east-1 --output json
expect_json '[(c["cluster_id"], c["action"]) for c in d["clusters"]]' '[["cluster-2ab3cd4ef5g", "unchanged"], ["cluster-euwestaaaaa", "not_found"]]'
expect_json 'd["api_calls"]' '1'
expect_code 252 refresh-clusters --cluster-id cluster-zzzzzzzzzzzz --region us-east-1
expect_stderr "cluster not configured (cluster-zzzzzzzzzzzz)"
expect_code 252 refresh-clusters --region mars-1
expect_stderr "invalid region (--region)"

# a saved answer (the AWS CLI's): no credentials, no call
aws cloudhsmv2 describe-clusters --region us-east-1 --output json > "$T/saved.json" 2>"$T/aws.err" \
  && ok || bad "aws describe-clusters: $(cat "$T/aws.err")"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
cp "$T/before.cfg" "$CFG"
expect_code 252 refresh-clusters --from-describe "$T/saved.json" --output json
expect_json '[c["action"] for c in d["clusters"]]' '["updated", "not_found", "not_found", "unchanged", "failed", "deleted"]'
expect_json 'd["api_calls"]' '0'
expect_code 2 refresh-clusters --from-describe "$T/saved.json" --region us-east-1 --region eu-west-1

# a slot keeps its address family: after --ip-family both, a refresh and a
# plain re-add keep the IPv6 servers; a default slot (IPv4, and the IPv6
# address of an HSM that has no IPv4 one) stays as it is too
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
F=$T/family.cfg
hosts() { CONFIGURE_PKCS11_CONFIG=$F cfg_get '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]'; }
expect_code 0 add-cluster --cluster-id cluster-dualstackaa --region us-east-1 --hsm-ca-cert "$CA" \
  --ip-family both --config "$F"
both='["10.3.1.5", "fd00:ec2::31", "fd00:ec2::32"]'
[ "$(hosts)" = "$both" ] && ok || bad "--ip-family both wrote $(hosts)"
expect_code 0 refresh-clusters --region us-east-1 --config "$F" --output json
expect_json '[c["action"] for c in d["clusters"]]' '["unchanged"]'
[ "$(hosts)" = "$both" ] && ok || bad "refresh dropped servers of the dual-stack slot: $(hosts)"
expect_code 0 add-cluster --cluster-id cluster-dualstackaa --region us-east-1 --hsm-ca-cert "$CA" --config "$F" --output json
expect_json 'd["action"]' '"unchanged"'
# replaced HSMs: the slot's IPv6 addresses are unknown to the answer, kept as a family
python3 - "$F" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][0]["cluster"]["servers"] = [{"hostname": "10.3.9.9", "port": 2223, "enable": True},
                                          {"hostname": "fd00:ec2::99", "port": 2223, "enable": True}]
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
expect_code 0 refresh-clusters --region us-east-1 --config "$F"
[ "$(hosts)" = "$both" ] && ok || bad "refresh after a replacement: $(hosts)"
# --ip-family ipv4 on a dual-stack slot: done, with a warning naming the drop
expect_code 0 refresh-clusters --region us-east-1 --config "$F" --ip-family ipv4
expect_stderr "cluster cluster-dualstackaa: fd00:ec2::31 is left out of the slot: --ip-family ipv4 writes IPv4 addresses only"
[ "$(hosts)" = '["10.3.1.5", "fd00:ec2::32"]' ] && ok || bad "--ip-family ipv4 wrote $(hosts)"
# the default choice: 10.3.1.5 and the IPv6-only HSM's address; kept as it is
rm -f "$F"
expect_code 0 add-cluster --cluster-id cluster-dualstackaa --region us-east-1 --hsm-ca-cert "$CA" --config "$F"
[ "$(hosts)" = '["10.3.1.5", "fd00:ec2::32"]' ] && ok || bad "default add wrote $(hosts)"
expect_code 0 refresh-clusters --region us-east-1 --config "$F" --output json
expect_json '[c["action"] for c in d["clusters"]]' '["unchanged"]'
expect_stderr_lacks "dropped"
# the API options are one set of rows: the AWS CLI's globals before the
# command reach refresh-clusters too
expect_code 0 --cli-connect-timeout 5 --cli-read-timeout 9 refresh-clusters --region us-east-1 --config "$F"
expect_code 0 refresh-clusters --region us-east-1 --config "$F" --cli-connect-timeout 5 --ca-bundle "$CA"
done_
