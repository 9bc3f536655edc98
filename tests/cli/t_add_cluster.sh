#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_add_cluster.sh — add-cluster end to end against a real moto server with
# signature checking on, seeded with clusters, HSMs and a certificate chain.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
CFG=$CONFIGURE_PKCS11_CONFIG
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
A="--endpoint $ENDPOINT --region us-east-1 --hsm-ca-cert $CA"

# two clusters make two slots with the right servers
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g $A
expect_stdout "added cluster-2ab3cd4ef5g (2 servers)"
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A --output json
expect_json 'd["action"], d["changed"], d["type"], d["region"]' '["added", true, "hsm1", "us-east-1"]'
expect_json 'd["servers"]' '[{"hostname": "10.1.1.5", "port": 2223}]'
expect_stderr "HSM hsm-b2abcdefghij (10.1.2.5) is CREATE_IN_PROGRESS: left out"
# -q keeps stderr to errors only: the same run, quiet, prints nothing there
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no $A -q
[ ! -s "$ERR" ] && ok || bad "-q printed on stderr: $(cat "$ERR")"
expect_code 252 add-cluster --cluster-id cluster-bad $A -q
expect_stderr "invalid cluster id (cluster-bad)"
expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no"]'
expect_cfg '[c["type"] for c in d["clusters"]]' '["hsm2m", "hsm1"]'
expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["10.0.1.12", "10.0.2.7"]'
expect_cfg 'list(d["clusters"][0]["cluster"].keys())' '["hsm_ca_file", "cluster_id", "servers"]'
expect_cfg 'd["clusters"][0]["cluster"]["hsm_ca_file"]' "\"$CA\""

# a re-add changes nothing: byte-identical, not rewritten
cp -p "$CFG" "$T/before"; stamp=$(stat -c '%i %Y' "$CFG"); sleep 1
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g $A --output json
expect_json 'd["action"], d["changed"]' '["unchanged", false]'
expect_file_same "$CFG" "$T/before"
[ "$(stat -c '%i %Y' "$CFG")" = "$stamp" ] && ok || bad "re-add rewrote the file"

# a wrong CA is refused, naming both subjects; the file is untouched
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$OTHER_CA"
expect_stderr "wrong HSM CA for the cluster (cluster-2ab3cd4ef5g): CN=Other CA,O=Test did not sign its certificate, issued by CN=Customer CA,O=Test"
expect_file_same "$CFG" "$T/before"

# dry-run shows the change and writes nothing
expect_code 0 add-cluster --cluster-id cluster-dualstackaa $A --dry-run --ip-family both
expect_stdout '+        "cluster_id": "cluster-dualstackaa",'
expect_stdout '+            "hostname": "fd00:ec2::31",'
expect_file_same "$CFG" "$T/before"
# an HSM with only IPv6 is written with it by default
expect_code 0 add-cluster --cluster-id cluster-dualstackaa $A --dry-run --output json
expect_json '[s["hostname"] for s in d["servers"]]' '["10.3.1.5", "fd00:ec2::32"]'
expect_json 'd["changed"]' 'true'
expect_file_same "$CFG" "$T/before"

# API errors: 254, the file untouched
expect_code 254 add-cluster --cluster-id cluster-zzzzzzzzzzzz $A
expect_stderr "cluster not found (cluster-zzzzzzzzzzzz): no such cluster in region us-east-1"
expect_code 254 add-cluster --cluster-id cluster-uninitzzzzz $A
expect_stderr "cluster not ready (cluster-uninitzzzzz): it is UNINITIALIZED"
# AWS's sentence ends in one period inside ours, not "ready for use.."
expect_stderr "it is UNINITIALIZED: The cluster is ready for use. Initialize it first"
expect_code 254 add-cluster --cluster-id cluster-nohsmactive $A
expect_stderr "no ACTIVE HSM (cluster-nohsmactive)"
# --cluster-tag: the one cluster whose TagList has the tag; none or several
# are refused, naming them; every page is read (a second moto with 120 more
# clusters, the tagged one on the second page)
expect_code 0 add-cluster --cluster-tag Name=payments $A --config "$T/tag.cfg" --output json
expect_json '[d["action"], d["cluster_id"]]' '["added", "cluster-2ab3cd4ef5g"]'
expect_code 254 add-cluster --cluster-tag Name=nothing $A --config "$T/tag.cfg"
expect_stderr "no cluster has the tag (--cluster-tag Name=nothing): none of the"
expect_stderr "clusters in us-east-1 has it"
expect_code 252 add-cluster --cluster-tag team=shared $A --config "$T/tag.cfg"
expect_stderr "several clusters have the tag (--cluster-tag team=shared): cluster-6hij7klm2no, cluster-dualstackaa. Give --cluster-id"
expect_code 252 add-cluster --cluster-tag payments $A --config "$T/tag.cfg"
expect_stderr "invalid tag (--cluster-tag payments): it is not KEY=VALUE"
expect_code 2 add-cluster --cluster-tag Name=payments --cluster-id cluster-2ab3cd4ef5g $A --config "$T/tag.cfg"
expect_stderr "contradictory options (--cluster-id or --cluster-tag)"
expect_code 2 add-cluster $A --config "$T/tag.cfg"
expect_stderr "missing option (--cluster-id or --cluster-tag)"
expect_code 2 add-cluster --cluster-tag Name=payments -a 10.0.0.1 --hsm-ca-cert "$CA" --config "$T/tag.cfg"
expect_stderr "contradictory options (-a and --cluster-tag)"
# --cluster-tag with a saved answer
mkdir "$T/md"; mapfile -t MD < <(python3 "$CP_TESTS/peers/make_describe.py" --dir "$T/md" --clusters 3)
python3 - "$T/md/describe.json" "${MD[1]}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["Clusters"]:
    c["TagList"] = [{"Key": "Name", "Value": "saved" if c["ClusterId"] == sys.argv[2] else "other"}]
json.dump(d, open(sys.argv[1], "w"))
PY
expect_code 0 add-cluster --cluster-tag Name=saved --from-describe "$T/md/describe.json" --hsm-ca-cert "$T/md/ca.crt" \
  --config "$T/tag2.cfg" --output json
expect_json 'd["cluster_id"]' "\"${MD[1]}\""
expect_code 254 add-cluster --cluster-tag Name=payments --from-describe "$T/md/describe.json" --hsm-ca-cert "$T/md/ca.crt" \
  --config "$T/tag2.cfg"
expect_stderr "none of the 3 clusters in $T/md/describe.json has it"

# a CA that lost its line breaks (kept in Secrets Manager or SSM): refused,
# nothing written; the README's commands restore it, and then it is taken
cp "$CFG" "$T/before-flat"
tr '\n' ' ' < "$CA" > "$T/flat1.crt"
awk '{printf "%s\\n", $0}' "$CA" > "$T/flat2.crt"
for f in "$T/flat1.crt" "$T/flat2.crt"; do
  expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --region us-east-1 --hsm-ca-cert "$f"
  expect_stderr "HSM CA certificate has lost its line breaks ($f): its PEM block is on one line"
  expect_code 252 --hsm-ca-cert "$f"
  expect_stderr "has lost its line breaks ($f)"
  expect_file_same "$CFG" "$T/before-flat"
  restore=$(sed -n '/^# restore a PEM.s line breaks$/,/^```$/p' "$CP_TESTS/../README.md" | sed '1d;$d' |
    sed "s|^in=ca-oneline.pem out=customerCA.crt$|in='$f' out='$T/restored.crt'|")
  (eval "$restore") && cmp -s "$T/restored.crt" "$CA" && ok || bad "the README's restore did not give back $CA from $f"
done
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --region us-east-1 \
  --hsm-ca-cert "$T/restored.crt" --config "$T/flat.cfg"

# every HSM deleted to save cost: a new slot is refused, saying how to make
# one; a slot the file has already is kept as it is (exit 0, unchanged)
cp "$CFG" "$T/before-nohsms"
expect_code 254 add-cluster --cluster-id cluster-nohsmsatall $A
expect_stderr "cluster has no HSM (cluster-nohsmsatall): it is ACTIVE with none"
expect_stderr "Create one: aws cloudhsmv2 create-hsm --cluster-id cluster-nohsmsatall"
expect_file_same "$CFG" "$T/before-nohsms"
expect_code 0 add-cluster --cluster-id cluster-nohsmsatall -a 10.4.4.4 --hsm-ca-cert "$CA"
cp "$CFG" "$T/with-nohsms"
expect_code 0 add-cluster --cluster-id cluster-nohsmsatall $A --output json
expect_json '[d["action"], d["changed"], [s["hostname"] for s in d["servers"]]]' '["unchanged", false, ["10.4.4.4"]]'
expect_stderr "cluster cluster-nohsmsatall has no HSM: its slot is kept as it is"
expect_file_same "$CFG" "$T/with-nohsms"
expect_code 0 remove-cluster --cluster-id cluster-nohsmsatall
AWS_SECRET_ACCESS_KEY=wrong-secret expect_code 254 add-cluster --cluster-id cluster-2ab3cd4ef5g $A
expect_stderr "credentials rejected (SignatureDoesNotMatch from environment)"
AWS_ACCESS_KEY_ID=$DENIED_KEY AWS_SECRET_ACCESS_KEY=$DENIED_SECRET expect_code 254 add-cluster --cluster-id cluster-2ab3cd4ef5g $A
expect_stderr "The role needs cloudhsm:DescribeClusters"
expect_file_same "$CFG" "$T/before"
# cluster states: configured before activation and while an HSM is being
# replaced (the ACTIVE HSMs written, a warning saying what the state means);
# refused when there is nothing to reach yet or any more
C2="$T/states.cfg"
n=0
for pair in INITIALIZED:cluster-stinitialized:"activate it with CloudHSM CLI (cloudhsm-cli cluster activate) before using keys" \
            DEGRADED:cluster-stdegradedaaa:"some of its HSMs are unavailable" \
            UPDATE_IN_PROGRESS:cluster-stupdatinggg:"run again when the update ends" \
            MODIFY_IN_PROGRESS:cluster-stmodifyinggg:"an HSM being added or replaced" \
            ROLLBACK_IN_PROGRESS:cluster-strollingback:"run again when the rollback ends" \
            SOME_FUTURE_STATE:cluster-stfuturestate:"which this tool does not know"; do
  state=${pair%%:*}; rest=${pair#*:}; cid=${rest%%:*}; why=${rest#*:}
  expect_code 0 add-cluster --config "$C2" --cluster-id "$cid" $A --output json
  expect_json 'd["action"], [s["hostname"] for s in d["servers"]]' "[\"added\", [\"10.4.$n.5\"]]"
  expect_stderr "warning: cluster $cid"
  expect_stderr "$why"
  expect_stderr "(10.4.$n.6) is DELETE_IN_PROGRESS: left out of the slot"
  n=$((n + 1))
done
expect_code 0 add-cluster --config "$C2" --cluster-id cluster-2ab3cd4ef5g $A
[ "$(grep -c warning "$ERR")" = 0 ] && ok || bad "an ACTIVE cluster warned: $(cat "$ERR")"
cp "$C2" "$T/states.before"
for pair in CREATE_IN_PROGRESS:cluster-stcreatinggg INITIALIZE_IN_PROGRESS:cluster-stinitializing \
            DELETE_IN_PROGRESS:cluster-stdeletinggg DELETED:cluster-stdeletedaaa; do
  expect_code 254 add-cluster --config "$C2" --cluster-id "${pair#*:}" $A
  expect_stderr "cluster not ready (${pair#*:}): it is ${pair%%:*}"
done
expect_file_same "$C2" "$T/states.before"

# invalid values before any call: 252
expect_code 252 add-cluster --cluster-id cluster-bad $A
expect_stderr "invalid cluster id (cluster-bad)"
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --region "us east" --hsm-ca-cert "$CA"
expect_stderr "invalid region (--region)"
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint http://10.0.0.1:8080 --hsm-ca-cert "$CA"
expect_stderr "plain http is allowed only to a loopback address"
expect_code 2 add-cluster $A
expect_stderr "missing option (--cluster-id or --cluster-tag)"

# the AWS CLI's names are accepted: --endpoint-url, --cli-*-timeout
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint-url "$ENDPOINT" --region us-east-1 --hsm-ca-cert "$CA" --cli-connect-timeout 5 --cli-read-timeout 10
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g $A --read-timeout soon
expect_stderr "invalid number (--read-timeout soon)"

# the endpoint from the service's own variable, ahead of AWS_ENDPOINT_URL
AWS_ENDPOINT_URL_CLOUDHSM_V2=$ENDPOINT AWS_ENDPOINT_URL=http://127.0.0.1:9 expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --hsm-ca-cert "$CA" --debug
expect_stderr "endpoint: $ENDPOINT (from AWS_ENDPOINT_URL_CLOUDHSM_V2)"

# every region source, each checked by moto's signature (the signing region)
AWS_REGION=us-east-1 AWS_DEFAULT_REGION=eu-west-1 expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "region: us-east-1 (from AWS_REGION)"
AWS_DEFAULT_REGION=us-east-1 expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "region: us-east-1 (from AWS_DEFAULT_REGION)"
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "region: us-east-1 (from default)"
# a wrong region: moto has no such cluster there, and the message says so
expect_code 254 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --region eu-west-1
expect_stderr "no such cluster in region eu-west-1"
expect_stderr "a wrong region is the usual cause"

# credentials from the profile files, and region from the profile
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
printf '[hsm]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY" "$SECRET" > "$AWS_SHARED_CREDENTIALS_FILE"
printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' "$KEY" "$SECRET" > "$T/process-creds.json"
printf '[profile hsm]\nregion = us-east-1\n[profile proc]\nregion = us-east-1\ncredential_process = cat %s\n' "$T/process-creds.json" > "$AWS_CONFIG_FILE"
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile hsm --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "region: us-east-1 (from profile)"
expect_stderr "credentials: from profile"
AWS_PROFILE=proc expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "credentials: from credential_process"
if grep -qF -- "$SECRET" "$ERR"; then bad "the secret key was printed with --debug"; else ok; fi
# role_arn with source_profile: STS AssumeRole (signed, checked by moto), then
# DescribeClusters signed with the temporary keys and session token
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY" "$SECRET" > "$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile admin]\nrole_arn = %s\nsource_profile = base\nregion = us-east-1\n' "$ROLE_ARN" > "$AWS_CONFIG_FILE"
AWS_ENDPOINT_URL=$ENDPOINT expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile admin --hsm-ca-cert "$CA" --debug
expect_stderr "credentials: from profile assume role (access key ASIA****)"
expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g --profile missing --endpoint "$ENDPOINT" --hsm-ca-cert "$CA"
expect_stderr "profile not found (missing)"
# instance metadata (moto's IMDS): credentials and region, as under sudo
rm -f "$AWS_SHARED_CREDENTIALS_FILE" "$AWS_CONFIG_FILE"
AWS_EC2_METADATA_SERVICE_ENDPOINT=$ENDPOINT expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --hsm-ca-cert "$CA" --debug
expect_stderr "region: us-east-1 (from instance metadata)"
expect_stderr "credentials: from instance metadata"
# no credentials anywhere: 253, quickly, listing where it looked
start=$(date +%s%N)
SUDO_USER=ec2-user expect_code 253 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" --region us-east-1 --hsm-ca-cert "$CA"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_stderr "no AWS credentials found (tried environment, profile default"
expect_stderr "Under sudo root's own AWS settings count"
echo "no-credentials error after ${ms} ms"

# remove-cluster removes exactly one slot
expect_code 0 remove-cluster --cluster-id cluster-2ab3cd4ef5g --output json
expect_json 'd["action"], d["changed"]' '["removed", true]'
expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-6hij7klm2no"]'
expect_code 252 remove-cluster --cluster-id cluster-2ab3cd4ef5g
expect_stderr "cluster not configured (cluster-2ab3cd4ef5g)"
expect_code 0 remove-cluster --cluster-id cluster-2ab3cd4ef5g --ignore-missing --output json
expect_json 'd["action"], d["changed"]' '["absent", false]'
# --cluster-tag reads every page: a second moto, in a folder of its own, with
# 120 more clusters; moto answers 100 a page, and the tagged one is the last
mkdir "$T/fleet"
PEER_DIR=$T/fleet start_server fleet moto_peer.py --fleet 120
export_json "$T/fleet.json" FLEET_ENDPOINT=endpoint FLEET_CALLS=calls_log FLEET_CA=ca \
  FLEET_KEY=access_key_id FLEET_SECRET=secret_access_key
AWS_ACCESS_KEY_ID=$FLEET_KEY AWS_SECRET_ACCESS_KEY=$FLEET_SECRET expect_code 0 add-cluster --cluster-tag Name=fleet-last --endpoint "$FLEET_ENDPOINT" --region us-east-1 \
  --hsm-ca-cert "$FLEET_CA" --config "$T/tag3.cfg" --output json
expect_json 'd["cluster_id"]' '"cluster-fleetaaaaep"'
# two pages for the tag, one call for the cluster
[ "$(grep -c "^DescribeClusters " "$FLEET_CALLS")" = 3 ] && ok || bad "the fleet moto answered $(grep -c "^DescribeClusters " "$FLEET_CALLS") calls, wanted 3"
done_
