#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_doctor.sh — doctor passes a healthy setup, and each finding is provoked
# once: a file that does not parse, a file the application's user cannot
# read, a key others can read, a CA that is not one, one expiring soon, one
# expired, an HSM-TLS chain over 6,980 bytes, a missing log folder, a
# missing or broken library, an unconfigured slot; with --api, the clock
# and a stale slot (moto, and the fault server's clock an hour ahead), and
# on EC2 the security groups both ways (moto's EC2 and instance metadata,
# each fix run with the AWS CLI).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
SOFTHSM=$(for p in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -f "$p" ] && echo "$p" && break; done)
mkdir "$T/tokens" "$T/logs"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$T/softhsm2.conf"
export SOFTHSM2_CONF=$T/softhsm2.conf
make_ca ca; make_leaf sc ca; make_leaf mtls ca; chmod 600 "$T/sc.key" "$T/mtls.key"
expect_code 0 -a 127.0.0.1 --hsm-ca-cert "$T/ca.crt" --server-client-cert-file "$T/sc.crt" \
  --server-client-key-file "$T/sc.key" --client-cert-hsm-tls-file "$T/mtls.crt" \
  --client-key-hsm-tls-file "$T/mtls.key" --log-type file --log-file "$T/logs/p11.log"
cp "$CFG" "$T/healthy.cfg"
# status STATUS CHECK: some finding of that check has that status
has() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(f["check"]==sys.argv[3] and f["status"]==sys.argv[2] for f in d["findings"]) else 1)' "$OUT" "$1" "$2"; }
expect_finding() { if has "$1" "$2"; then ok; else bad "no $1 finding for $2: $(cat "$OUT")"; fi; }

# healthy: exit 0, no problem, every file looked at
expect_code 0 doctor --library "$SOFTHSM" --output json
expect_json '[d["problems"], d["warnings"]]' '[0, 0]'
for c in config_parses config_readable ca_file client_pair log_folder library; do
  case $c in config_readable) continue;; esac
  expect_finding ok $c
done
expect_code 0 doctor --library "$SOFTHSM"
expect_stdout "ok      library ($SOFTHSM): SoftHSM"
expect_stdout "ok      ca_file ($T/ca.crt): CN=ca,O=Test"
# a missing library is a warning: the config may come before the SDK
expect_code 0 doctor --library "$T/none.so" --output json
expect_finding warning library
expect_json 'd["problems"]' '0'

# each problem, then the healthy file back
breaks() { # breaks STATUS CHECK ARGS...: doctor exits 253 naming it
  local check=$1; shift
  expect_code 253 doctor --library "$SOFTHSM" --output json "$@"
  expect_finding problem "$check"
  expect_stderr "doctor found"
}
printf '{"clusters": [ {, ] }' > "$CFG"; breaks config_parses; cp "$T/healthy.cfg" "$CFG"
chmod 644 "$T/sc.key"; breaks key_private; chmod 600 "$T/sc.key"
cp "$T/ca.crt" "$T/ca.keep"; cp "$T/sc.crt" "$T/ca.crt"; breaks ca_file; cp "$T/ca.keep" "$T/ca.crt"
make_dated soon 0 10 ca; CONFIGURE_PKCS11_CONFIG=$T/soon.cfg expect_code 0 -a 127.0.0.1 --hsm-ca-cert "$T/soon.crt" --log-type term
CONFIGURE_PKCS11_CONFIG=$T/soon.cfg expect_code 0 doctor --library "$SOFTHSM" --output json
expect_finding warning ca_expiry
make_dated old -20 -1 ca; sed "s|$T/ca.crt|$T/old.crt|" "$T/healthy.cfg" > "$CFG"; breaks ca_file; cp "$T/healthy.cfg" "$CFG"
# a client certificate that expires within 30 days: a warning
make_dated leafsoon 0 5; chmod 600 "$T/leafsoon.key"
sed -e "s|$T/sc.crt|$T/leafsoon.crt|" -e "s|$T/sc.key|$T/leafsoon.key|" "$T/healthy.cfg" > "$CFG"
expect_code 0 doctor --library "$SOFTHSM" --output json
expect_finding warning client_cert_expiry
cp "$T/healthy.cfg" "$CFG"
# an HSM-TLS chain over what an HSM takes
cp "$T/mtls.crt" "$T/mtls.keep"
for _ in $(seq 12); do cat "$T/ca.crt" >> "$T/mtls.crt"; done
breaks hsm_tls_chain; cp "$T/mtls.keep" "$T/mtls.crt"
rmdir "$T/logs"; breaks log_folder; mkdir "$T/logs"
printf 'not a library\n' > "$T/fake.so"
expect_code 253 doctor --library "$T/fake.so" --output json
expect_finding problem library
printf '{"clusters": [{"type": "hsm2m", "cluster": {"hsm_ca_file": "%s", "servers": [{"hostname": "%%%%HSM_IP_ADDRESS%%%%", "port": 2223, "enable": true}]}}]}\n' "$T/ca.crt" > "$CFG"
breaks slot_configured; cp "$T/healthy.cfg" "$CFG"
rm "$T/ca.crt"; breaks ca_file; cp "$T/ca.keep" "$T/ca.crt"
expect_code 0 doctor --library "$SOFTHSM"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  # the application's user: nobody cannot read a root-only config, or
  # anything under the 0700 test folder; under sudo it is the invoking user
  breaks config_readable --as-user nobody
  expect_json 'd["as_user"]' '"nobody"'
  SUDO_UID=65534 SUDO_USER=nobody expect_code 253 doctor --library "$SOFTHSM" --output json --config "$CFG"
  expect_json 'd["as_user"]' '"nobody"'
fi

# --api: the clock against AWS's, and each slot against its cluster
start_peer
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" \
  --region us-east-1 --hsm-ca-cert "$CA"
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 0 --log-type term
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 0 doctor --api --endpoint "$ENDPOINT" --region us-east-1 \
  --library "$SOFTHSM" --output json
expect_finding ok clock
expect_finding ok cluster
expect_finding skipped security_groups # no instance metadata: not on EC2
python3 - "$T/api.cfg" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][0]["cluster"]["servers"][0]["hostname"] = "10.99.0.1"
json.dump(d, open(sys.argv[1], "w"))
PY
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 253 doctor --api --endpoint "$ENDPOINT" --region us-east-1 \
  --library "$SOFTHSM" --output json
expect_finding problem cluster
expect_stderr "doctor found 1 problem (first cluster cluster-2ab3cd4ef5g)"
grep -q '"message":"slot 0 is stale' "$OUT" && ok || bad "the stale slot is not said: $(cat "$OUT")"
# a slot that lacks one ACTIVE HSM is stale too (refresh-clusters would add it)
python3 - "$T/api.cfg" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][0]["cluster"]["servers"] = [s for s in d["clusters"][0]["cluster"]["servers"] if s["hostname"] == "10.0.2.7"]
json.dump(d, open(sys.argv[1], "w"))
PY
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 253 doctor --api --endpoint "$ENDPOINT" --region us-east-1 \
  --library "$SOFTHSM" --output json
grep -q "0 of its 1 servers are no ACTIVE HSM, and 1 ACTIVE HSM address is not among them" "$OUT" &&
  ok || bad "the missing HSM is not said: $(cat "$OUT")"
# a cluster whose HSMs were all deleted: the application reaches none
sed -i 's/cluster-2ab3cd4ef5g/cluster-nohsmsatall/' "$T/api.cfg"
CONFIGURE_PKCS11_CONFIG=$T/api.cfg expect_code 253 doctor --api --endpoint "$ENDPOINT" --region us-east-1 \
  --library "$SOFTHSM" --output json
grep -q "has no ACTIVE HSM, so the application reaches none. Create one (aws cloudhsmv2 create-hsm)" "$OUT" &&
  ok || bad "the cluster without HSMs is not said: $(cat "$OUT")"
# a dual-stack slot keeps both families, as refresh-clusters writes it
CONFIGURE_PKCS11_CONFIG=$T/dual.cfg expect_code 0 add-cluster --cluster-id cluster-dualstackaa --endpoint "$ENDPOINT" \
  --region us-east-1 --hsm-ca-cert "$CA" --ip-family both
CONFIGURE_PKCS11_CONFIG=$T/dual.cfg expect_code 0 --log-type term
CONFIGURE_PKCS11_CONFIG=$T/dual.cfg expect_code 0 doctor --api --endpoint "$ENDPOINT" --region us-east-1 \
  --library "$SOFTHSM" --output json
expect_finding ok cluster
# a host clock an hour off: the fault server's Date is an hour ahead
start_fault
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 253 doctor --api --endpoint "$FAULT/doc/skew" --region us-east-1 --library "$SOFTHSM" \
  --config "$T/healthy.cfg" --output json
expect_finding problem clock
grep -q "3600 s off AWS's\|3599 s off AWS's\|3601 s off AWS's" "$OUT" && ok || bad "the skew is not said: $(cat "$OUT")"
# --api on EC2: the security groups between this instance and the cluster,
# against moto's EC2 (the groups), its instance metadata (the instance's
# interface) and DescribeClusters' SecurityGroup. Each fix doctor names is
# run with the real AWS CLI, and doctor must then agree the path is open.
command -v aws >/dev/null || { bad "the AWS CLI (aws) is needed: the fixes are run with it"; done_; }
export_json "$T/peer.json" EC2=ec2
eval "$(python3 -c 'import ast,sys; d=ast.literal_eval(sys.argv[1]); print(" ".join(f"{k.upper()}={v}" for k, v in d.items()))' "$EC2")"
SGCFG=$T/sg.cfg
CONFIGURE_PKCS11_CONFIG=$SGCFG expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint "$ENDPOINT" \
  --region us-east-1 --hsm-ca-cert "$CA"
CONFIGURE_PKCS11_CONFIG=$SGCFG expect_code 0 --log-type term
awsec2() { aws ec2 --region us-east-1 --endpoint-url "$ENDPOINT" "$@" >/dev/null; }
# sg_doctor CODE: doctor --api on EC2, JSON out
sg_doctor() {
  CONFIGURE_PKCS11_CONFIG=$SGCFG AWS_EC2_METADATA_SERVICE_ENDPOINT=$ENDPOINT AWS_ENDPOINT_URL_EC2=$ENDPOINT \
    expect_code "$1" doctor --api --endpoint "$ENDPOINT" --region us-east-1 --library "$SOFTHSM" --output json
}
# sg_fix: the fix of the first security_groups problem, or ""
sg_fix() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next((f.get("fix","") for f in d["findings"] if f["check"]=="security_groups" and f["status"]=="problem"), ""))' "$OUT"; }
sg_message() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([f["message"] for f in d["findings"] if f["check"]=="security_groups"])' "$OUT"; }
# the cluster's group as CloudHSM makes it lets in only itself: blocked
sg_doctor 253
expect_finding problem security_groups
expect_stderr "doctor found 1 problem (first security_groups cluster-2ab3cd4ef5g)"
FIX=$(sg_fix)
[ "$FIX" = "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id $CLUSTER_SG --protocol tcp --port 2223-2225 --source-group $APP_SG" ] &&
  ok || bad "the ingress fix is not the command that adds the rule: $FIX"
grep -q "the cluster's group $CLUSTER_SG does not let TCP 2223-2225 in from this instance (groups $APP_SG)" "$OUT" &&
  ok || bad "the ingress message: $(sg_message)"
# the command doctor named, run by the AWS CLI, opens the path
eval "$FIX --endpoint-url \"\$ENDPOINT\"" >/dev/null && ok || bad "the AWS CLI refused doctor's fix: $FIX"
sg_doctor 0
expect_finding ok security_groups
# the instance's group lets nothing out (the default all-traffic rule gone)
awsec2 revoke-security-group-egress --group-id "$APP_SG" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
sg_doctor 253
FIX=$(sg_fix)
[ "$FIX" = "aws ec2 authorize-security-group-egress --region us-east-1 --group-id $APP_SG --ip-permissions 'IpProtocol=tcp,FromPort=2223,ToPort=2225,UserIdGroupPairs=[{GroupId=$CLUSTER_SG}]'" ] &&
  ok || bad "the egress fix: $FIX"
eval "$FIX --endpoint-url \"\$ENDPOINT\"" >/dev/null && ok || bad "the AWS CLI refused doctor's fix: $FIX"
sg_doctor 0
# a rule for 2223 alone: 2224 and 2225 are named as missing
awsec2 revoke-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2223-2225 --source-group "$APP_SG"
awsec2 authorize-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2223 --source-group "$APP_SG"
sg_doctor 253
grep -q "does not let TCP 2224, 2225 in" "$OUT" && ok || bad "the missing ports: $(sg_message)"
awsec2 revoke-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2223 --source-group "$APP_SG"
# a range that holds the instance's address lets it in; one that does not, not
awsec2 authorize-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2220-2230 --cidr 10.0.9.0/24
sg_doctor 0
awsec2 revoke-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2220-2230 --cidr 10.0.9.0/24
awsec2 authorize-security-group-ingress --group-id "$CLUSTER_SG" --protocol tcp --port 2223-2225 --cidr 10.0.10.0/24
sg_doctor 253
expect_finding problem security_groups
# a rule naming a prefix list is not resolved: it may allow, so a warning
PL=$(aws ec2 create-managed-prefix-list --region us-east-1 --endpoint-url "$ENDPOINT" --prefix-list-name office \
  --max-entries 5 --address-family IPv4 --entries Cidr=10.0.9.0/24 --query PrefixList.PrefixListId --output text)
awsec2 authorize-security-group-ingress --group-id "$CLUSTER_SG" \
  --ip-permissions "IpProtocol=tcp,FromPort=2223,ToPort=2225,PrefixListIds=[{PrefixListId=$PL}]"
sg_doctor 0
expect_finding warning security_groups
grep -q "rules naming prefix lists were not judged" "$OUT" && ok || bad "the prefix list is not said: $(sg_message)"
# AWS's own way: attach the cluster's group to the instance (its rules name
# itself); instance metadata then names both groups
awsec2 modify-instance-attribute --instance-id "$INSTANCE" --groups "$APP_SG" "$CLUSTER_SG"
sg_doctor 0
expect_finding ok security_groups
# EC2 unreachable: a warning, not a problem (nothing is known to be wrong)
CONFIGURE_PKCS11_CONFIG=$SGCFG AWS_EC2_METADATA_SERVICE_ENDPOINT=$ENDPOINT AWS_ENDPOINT_URL_EC2=http://127.0.0.1:9 \
  AWS_MAX_ATTEMPTS=1 expect_code 0 doctor --api --endpoint "$ENDPOINT" --region us-east-1 --library "$SOFTHSM" --output json
expect_finding warning security_groups
# a cluster whose answer names no group is not judged
CONFIGURE_PKCS11_CONFIG=$SGCFG expect_code 0 add-cluster --cluster-id cluster-dualstackaa --endpoint "$ENDPOINT" \
  --region us-east-1 --hsm-ca-cert "$CA"
sg_doctor 0
expect_finding skipped security_groups
# a cluster in another VPC: said, and its group's rules still judged
CONFIGURE_PKCS11_CONFIG=$SGCFG expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no --endpoint "$ENDPOINT" \
  --region us-east-1 --hsm-ca-cert "$CA"
sg_doctor 253
grep -q "this instance is in $VPC and the cluster in $OTHER_VPC" "$OUT" && ok || bad "the VPCs are not said: $(sg_message)"
grep -q "the cluster's group $OTHER_SG does not let TCP 2223-2225 in" "$OUT" && ok || bad "the other group: $(sg_message)"
done_
