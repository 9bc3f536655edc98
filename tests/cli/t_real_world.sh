#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_real_world.sh — setups and invocations people really run, unchanged,
# against moto (signatures checked): the config the CloudHSM package
# installs (a %%HSM_IP_ADDRESS%% placeholder), Kubernetes Secret and EKS
# IRSA token mounts (links into ..data/), config-management links, public
# scripts' CA files (a cluster certificate, a bundle), the first-time flow
# before activation, a three-slot config, AWS CLI habits (global options
# first, --query'd saved answers), and the options samples use.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
CFG=$CONFIGURE_PKCS11_CONFIG
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET
# the invocations below are typed as users type them: the endpoint and the
# region come from the environment, as on a host with a VPC endpoint
export AWS_ENDPOINT_URL=$ENDPOINT AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

# the config the cloudhsm-pkcs11 package installs: one slot, no cluster_id,
# the hostname a placeholder the library refuses
package_cfg() { # FILE [HSM_CA_FILE]
  cat > "$1" <<EOF
{
  "clusters": [
    {
      "type": "hsm1",
      "cluster": {
        "hsm_ca_file": "${2:-/opt/cloudhsm/etc/customerCA.crt}",
        "servers": [
          {
            "hostname": "%%HSM_IP_ADDRESS%%",
            "port": 2223,
            "enable": true
          }
        ]
      }
    }
  ],
  "logging": {
    "log_type": "file",
    "log_file": "/opt/cloudhsm/run/cloudhsm-pkcs11.log",
    "log_level": "info",
    "log_interval": "daily"
  }
}
EOF
}

# ---- the package's config: seen as not configured, filled by add-cluster
package_cfg "$CFG" "$CA"
expect_code 0 list-clusters
expect_stdout "slot 0: not configured (placeholder %%HSM_IP_ADDRESS%%)"
expect_code 0 list-clusters --output json
expect_json 'd["clusters"][0]["configured"], d["clusters"][0]["placeholder"]' '[false, "%%HSM_IP_ADDRESS%%"]'
# check says so, instead of a CA or TLS failure, and connects to nothing
expect_code 253 check --timeout 1
expect_stdout "slot 0 not configured (placeholder)"
expect_stderr "check failed (1 of 1 checks): first slot 0 is not configured"
expect_code 253 check --output json
expect_json '[(r["index"], r["cluster_id"], r["status"]) for r in d["servers"]]' '[[0, null, "not_configured"]]'
# add-cluster replaces that slot: the cluster becomes slot 0, logging kept
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g --output json
expect_json 'd["action"]' '"added"'
expect_cfg 'len(d["clusters"]), d["clusters"][0]["cluster"]["cluster_id"]' '[1, "cluster-2ab3cd4ef5g"]'
expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["10.0.1.12", "10.0.2.7"]'
expect_cfg 'd["clusters"][0]["type"], d["clusters"][0]["cluster"]["hsm_ca_file"]' "[\"hsm2m\", \"$CA\"]"
expect_cfg 'd["logging"]["log_file"]' '"/opt/cloudhsm/run/cloudhsm-pkcs11.log"'
expect_code 0 list-clusters --output json
expect_json 'd["clusters"][0]["configured"]' 'true'
# the original bootstrap on the package's config: -a fills the slot too
package_cfg "$T/pkg2.cfg"
expect_code 0 --config "$T/pkg2.cfg" -a 10.0.3.4
CONFIGURE_PKCS11_CONFIG=$T/pkg2.cfg expect_cfg 'd["clusters"][0]["cluster"]["servers"]' '[{"hostname": "10.0.3.4", "port": 2223, "enable": true}]'
# a placeholder left beside a real slot (an older tool appended behind it):
# a warning names the command that removes it, and that command works
package_cfg "$T/pkg3.cfg" "$CA"
python3 - "$T/pkg3.cfg" "$CA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"].append({"type": "hsm2m", "cluster": {"hsm_ca_file": sys.argv[2],
    "cluster_id": "cluster-6hij7klm2no", "servers": [{"hostname": "10.1.1.5", "port": 2223, "enable": True}]}})
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
expect_code 0 add-cluster --config "$T/pkg3.cfg" --cluster-id cluster-6hij7klm2no
expect_stderr "warning: slot 0 is not configured (placeholder): the library cannot use it; remove it with configure-pkcs11 remove-cluster --slot 0 --config $T/pkg3.cfg"
hint=$(sed -n 's/.*remove it with configure-pkcs11 //p' "$ERR")
expect_code 0 $hint --output json
expect_json 'd["action"]' '"removed"'
CONFIGURE_PKCS11_CONFIG=$T/pkg3.cfg expect_cfg '[c["cluster"].get("cluster_id") for c in d["clusters"]]' '["cluster-6hij7klm2no"]'
# --slot refuses a slot that does not exist, and one that has a cluster id;
# each hint is a command that works on the same file
expect_code 252 remove-cluster --config "$T/pkg3.cfg" --slot 4
expect_stderr "no such slot (--slot 4)"
hint=$(sed -n 's/.*See configure-pkcs11 //p' "$ERR")
expect_code 0 $hint
expect_stdout "slot 0: cluster-6hij7klm2no"
cp "$T/pkg3.cfg" "$T/pkg3.keep"
expect_code 252 remove-cluster --config "$T/pkg3.cfg" --slot 0
expect_stderr "Remove it with configure-pkcs11 remove-cluster --cluster-id cluster-6hij7klm2no --config $T/pkg3.cfg"
hint=$(sed -n 's/.*Remove it with configure-pkcs11 //p' "$ERR")
expect_code 0 $hint
CONFIGURE_PKCS11_CONFIG=$T/pkg3.cfg expect_cfg 'd["clusters"]' '[]'
cp "$T/pkg3.keep" "$T/pkg3.cfg"
expect_code 2 remove-cluster --config "$T/pkg3.cfg"
expect_stderr "missing option (--cluster-id or --slot)"

# ---- `--cluster-id C` before activation (the first-time flow)
package_cfg "$T/first.cfg" "$CA"
expect_code 0 --config "$T/first.cfg" --cluster-id cluster-stinitialized
expect_stderr "it is INITIALIZED, not yet activated: activate it with CloudHSM CLI"
CONFIGURE_PKCS11_CONFIG=$T/first.cfg expect_cfg 'd["clusters"][0]["cluster"]["cluster_id"], d["clusters"][0]["cluster"]["servers"][0]["hostname"]' '["cluster-stinitialized", "10.4.0.5"]'

# ---- `--cluster-id C --region R --disable-key-availability-check`, the CA
# named only in the slot (no customerCA.crt in the default place)
package_cfg "$T/slotca.cfg" "$CA"
expect_code 0 --config "$T/slotca.cfg" --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --disable-key-availability-check
CONFIGURE_PKCS11_CONFIG=$T/slotca.cfg expect_cfg 'd["clusters"][0]["cluster"]["options"], d["clusters"][0]["cluster"]["hsm_ca_file"]' "[{\"disable_key_availability_check\": true}, \"$CA\"]"
# the slot's CA is what it is checked against: a CA that did not sign: 252
package_cfg "$T/slotca2.cfg" "$OTHER_CA"
cp "$T/slotca2.cfg" "$T/slotca2.before"
expect_code 252 --config "$T/slotca2.cfg" --cluster-id cluster-2ab3cd4ef5g --region us-east-1
expect_stderr "wrong HSM CA for the cluster (cluster-2ab3cd4ef5g): CN=Other CA,O=Test did not sign"
expect_file_same "$T/slotca2.cfg" "$T/slotca2.before"
# no CA file anywhere: the servers are written, with a warning (the
# original tool never checked)
package_cfg "$T/noca.cfg" "$T/missing-ca.crt"
expect_code 0 --config "$T/noca.cfg" --cluster-id cluster-2ab3cd4ef5g
expect_stderr "servers written unchecked; give --hsm-ca-cert to check them"
CONFIGURE_PKCS11_CONFIG=$T/noca.cfg expect_cfg 'd["clusters"][0]["cluster"]["hsm_ca_file"]' "\"$T/missing-ca.crt\""

# ---- `--cluster-id C` on a config with three slots: that slot only
M="$T/three.cfg"
for c in cluster-2ab3cd4ef5g cluster-6hij7klm2no cluster-dualstackaa; do
  expect_code 0 add-cluster --config "$M" --cluster-id "$c" --hsm-ca-cert "$CA"
done
python3 - "$M" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][1]["cluster"]["servers"] = [{"hostname": "10.99.0.1", "port": 2223, "enable": True}]
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
cp "$M" "$T/three.before"
expect_code 0 --config "$M" --cluster-id cluster-6hij7klm2no
python3 - "$T/three.before" "$M" <<'PY' && ok || bad "--cluster-id on three slots did not refresh exactly its slot"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["clusters"][0] == b["clusters"][0] and a["clusters"][2] == b["clusters"][2]
assert [s["hostname"] for s in b["clusters"][1]["cluster"]["servers"]] == ["10.1.1.5"]
PY
# cluster options without --cluster-id are ambiguous there: the message
# lists every slot's id (it once offered slot 0's, and pasting that hint
# overwrote slot 0); the hint taken with the id chosen edits that slot only
cp "$M" "$T/three.amb"
expect_code 252 --config "$M" --hsm-ca-cert "$CA"
ids=$(python3 -c 'import json,sys; print(", ".join(c["cluster"]["cluster_id"] for c in json.load(open(sys.argv[1]))["clusters"]))' "$M")
expect_stderr "ambiguous option (--hsm-ca-cert): the config has 3 slots ($ids) and it edits one. Add --cluster-id with one of them"
expect_code 252 --config "$M" -a 10.0.0.9
expect_stderr "Run the same options as configure-pkcs11 add-cluster --cluster-id <one of them>"
expect_file_same "$M" "$T/three.amb"
expect_code 0 add-cluster --config "$M" -a 10.0.0.9 --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$CA"
CONFIGURE_PKCS11_CONFIG=$M expect_cfg '[c["cluster"]["servers"][0]["hostname"] for c in d["clusters"]][1]' '"10.0.0.9"'
python3 - "$T/three.amb" "$M" <<'PY' && ok || bad "the chosen slot's edit touched another slot"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["clusters"][0] == b["clusters"][0] and a["clusters"][2] == b["clusters"][2]
PY

# ---- CA files public scripts pass
aws cloudhsmv2 describe-clusters --output json > "$T/saved.json" 2>"$T/aws.err" \
  && ok || bad "aws cloudhsmv2 describe-clusters failed: $(cat "$T/aws.err")"
python3 - "$T/saved.json" "$T/cluster.crt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["Clusters"] if c["ClusterId"] == "cluster-2ab3cd4ef5g"][0]
open(sys.argv[2], "w").write(c["Certificates"]["ClusterCertificate"])
PY
# `add-cluster --cluster-id C --hsm-ca-cert <cluster certificate>`
expect_code 0 add-cluster --config "$T/cc.cfg" --cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert "$T/cluster.crt"
expect_stderr "holds the certificate of cluster cluster-2ab3cd4ef5g itself, not the CA that issued it"
# a bundle: any certificate in it may be the issuer
cat "$OTHER_CA" "$CA" > "$T/bundle.crt"
expect_code 0 add-cluster --config "$T/cc.cfg" --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$T/bundle.crt"
[ "$(grep -c warning "$ERR")" = 1 ] && ok || bad "a bundle warned: $(cat "$ERR")"
# another cluster's certificate, or a CA that signed nothing: still 252
cp "$T/cc.cfg" "$T/cc.before"
expect_code 252 add-cluster --config "$T/cc.cfg" --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$T/cluster.crt"
expect_stderr "did not sign its certificate"
expect_file_same "$T/cc.cfg" "$T/cc.before"

# ---- Kubernetes: Secret and ConfigMap mounts are links into ..data/
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/O=Test/CN=client-self" \
  -keyout "$T/client.key" -out "$T/client.crt" 2>/dev/null
kube_mount() { # DIR FILE... : the layout the kubelet writes (atomic writer)
  local d=$1; shift
  mkdir -p "$d/..2026_11_23_00_00_00.1"
  for f in "$@"; do cp "$f" "$d/..2026_11_23_00_00_00.1/"; done
  ln -sfn ..2026_11_23_00_00_00.1 "$d/..data"
  for f in "$@"; do ln -sfn "..data/$(basename "$f")" "$d/$(basename "$f")"; done
}
kube_mount "$T/secret" "$T/client.crt" "$T/client.key"
kube_mount "$T/configmap" "$CA"
package_cfg "$T/kube.cfg"
# `--server-client-cert-file L --server-client-key-file L` with links
expect_code 0 --config "$T/kube.cfg" --server-client-cert-file "$T/secret/client.crt" \
  --server-client-key-file "$T/secret/client.key" --hsm-ca-cert "$T/configmap/$(basename "$CA")"
# the link paths are stored, so a rotated Secret is picked up by the library
CONFIGURE_PKCS11_CONFIG=$T/kube.cfg expect_cfg 'd["clusters"][0]["cluster"]["client_cert_path"], d["clusters"][0]["cluster"]["hsm_ca_file"]' \
  "[\"$T/secret/client.crt\", \"$T/configmap/$(basename "$CA")\"]"
expect_code 0 list-clusters --config "$T/kube.cfg" --output json
expect_json 'd["clusters"][0]["client_certificate"]["status"], d["clusters"][0]["hsm_ca_file"]["status"]' '["ok", "ok"]'
# EKS IRSA: the projected token is a link into ..data/ too
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJpcnNhIn0.\n' > "$T/token"
kube_mount "$T/eks-pod-identity" "$T/token"
AWS_WEB_IDENTITY_TOKEN_FILE="$T/eks-pod-identity/token" AWS_ROLE_ARN="$ROLE_ARN" \
  AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= \
  expect_code 0 add-cluster --config "$T/irsa.cfg" --cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert "$CA" --debug
expect_stderr "credentials: from web identity (access key ASIA****)"
# AWS config and credentials files mounted as links
mkdir -p "$T/awsfiles"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY" "$SECRET" > "$T/awsfiles/credentials"
kube_mount "$T/aws" "$T/awsfiles/credentials"
AWS_SHARED_CREDENTIALS_FILE="$T/aws/credentials" AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= \
  expect_code 0 add-cluster --config "$T/irsa.cfg" --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$CA" --debug
expect_stderr "credentials: from profile (access key AKIA****)"
# a saved answer in a ConfigMap, as a link
kube_mount "$T/answer" "$T/saved.json"
expect_code 0 add-cluster --config "$T/saved.cfg" --cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert "$CA" --from-describe "$T/answer/saved.json"

# ---- a config linked into place by config management: the target edited,
# the link kept; read-only commands read through it too
mkdir -p "$T/managed"; cp "$T/saved.cfg" "$T/managed/pkcs11.cfg"
ln -s "$T/managed/pkcs11.cfg" "$T/linked.cfg"
expect_code 0 add-cluster --config "$T/linked.cfg" --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$CA" --from-describe "$T/saved.json"
[ -L "$T/linked.cfg" ] && ok || bad "the config link was replaced by a file"
CONFIGURE_PKCS11_CONFIG=$T/managed/pkcs11.cfg expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no"]'
[ -e "$T/managed/pkcs11.cfg.lock" ] && [ ! -e "$T/linked.cfg.lock" ] && ok || bad "the lock is not beside the link's target"
expect_code 0 list-clusters --config "$T/linked.cfg"
expect_stdout "slot 1: cluster-6hij7klm2no"
# a folder link (/opt/cloudhsm/etc -> /etc/cloudhsm) works the same way
ln -s "$T/managed" "$T/etc-link"
expect_code 0 remove-cluster --config "$T/etc-link/pkcs11.cfg" --cluster-id cluster-6hij7klm2no
[ -L "$T/etc-link" ] && ok || bad "the folder link was replaced"
CONFIGURE_PKCS11_CONFIG=$T/managed/pkcs11.cfg expect_cfg 'len(d["clusters"])' '1'

# a planted link swap: while runs edit the config through a link, the link
# is re-pointed again and again between two safe targets and one in a
# world-writable folder. The safe targets stay valid JSON, the unsafe one is
# never written, the link stays a link, and no temporary file is left.
mkdir -p "$T/swap/a" "$T/swap/b" "$T/swap/pub"; chmod 1777 "$T/swap/pub"
for d in a b pub; do cp "$T/managed/pkcs11.cfg" "$T/swap/$d/p.cfg"; done
cp "$T/swap/pub/p.cfg" "$T/swap/pub.before"
ln -s "$T/swap/a/p.cfg" "$T/swap/cfg"
( end=$((SECONDS + 20))
  while [ ! -e "$T/swap/stop" ] && [ $SECONDS -lt $end ]; do
    for d in b pub a; do ln -sfn "$T/swap/$d/p.cfg" "$T/swap/cfg.new" && mv -T "$T/swap/cfg.new" "$T/swap/cfg"; done
  done ) &
swapper=$!
runs=0 ok_runs=0 unsafe=0
for i in 1 2 3 4 5 6 7 8; do for c in cluster-2ab3cd4ef5g cluster-6hij7klm2no cluster-dualstackaa; do
  "$CP_BIN" add-cluster --config "$T/swap/cfg" --cluster-id "$c" --hsm-ca-cert "$CA" --from-describe "$T/saved.json" -q >/dev/null 2>"$T/swap.err"
  rc=$?; runs=$((runs + 1))
  case $rc in 0) ok_runs=$((ok_runs + 1));; 253) grep -q "unsafe path behind a link ($T/swap/pub)" "$T/swap.err" && unsafe=$((unsafe + 1)) || bad "swap run: $(cat "$T/swap.err")";;
    *) bad "swap run exit $rc: $(cat "$T/swap.err")";; esac
done; done
touch "$T/swap/stop"; wait "$swapper"
expect_file_same "$T/swap/pub/p.cfg" "$T/swap/pub.before"
for d in a b; do python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/swap/$d/p.cfg" && ok || bad "swap: $d/p.cfg is not valid JSON"; done
[ -L "$T/swap/cfg" ] && ok || bad "swap: the link was replaced"
[ -z "$(find "$T/swap" -name '*.tmp-*')" ] && ok || bad "swap: temporary files left: $(find "$T/swap" -name '*.tmp-*')"
[ $((ok_runs + unsafe)) = "$runs" ] && ok || bad "swap: $runs runs, $ok_runs ok, $unsafe refused as unsafe"
echo "link swap: $runs runs while the link moved, $ok_runs wrote a safe target, $unsafe refused the unsafe one"

# ---- AWS CLI habits: global options first, --query'd saved answers
expect_code 0 --output json list-clusters --config "$T/three.cfg"
expect_json 'len(d["clusters"])' '3'
expect_code 0 --config "$T/query.cfg" --output json add-cluster --cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert "$CA" --from-describe "$T/saved.json"
expect_json 'd["action"], d["config"]' "[\"added\", \"$T/query.cfg\"]"
CONFIGURE_PKCS11_CONFIG=$T/query.cfg expect_cfg 'd["clusters"][0]["cluster"]["cluster_id"]' '"cluster-2ab3cd4ef5g"'
expect_code 0 -V
expect_stdout "configure-pkcs11 "
# the AWS CLI's global options and the common ones, inline or not, before
# the command; the command's own table still checks them
expect_code 0 --region=eu-west-1 --endpoint-url http://127.0.0.1:9 show-endpoint
expect_stdout "region: eu-west-1 (from --region)"
expect_stdout "endpoint: http://127.0.0.1:9 (from --endpoint)"
expect_code 0 --help add-cluster
expect_stdout "configure-pkcs11 add-cluster"
expect_code 2 --cli-read-timeout 5 list-clusters
expect_stderr "unknown option (--cli-read-timeout)"
# `--query 'Clusters[0]'` (one cluster) and `--query Clusters` (a list): both
# fit in an SSM parameter
aws cloudhsmv2 describe-clusters --filters clusterIds=cluster-6hij7klm2no --query 'Clusters[0]' --output json > "$T/one.json" 2>"$T/aws.err" \
  && ok || bad "aws --query failed: $(cat "$T/aws.err")"
aws cloudhsmv2 describe-clusters --query Clusters --output json > "$T/list.json" 2>>"$T/aws.err" && ok || bad "aws --query failed"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
expect_code 0 add-cluster --config "$T/query.cfg" --cluster-id cluster-6hij7klm2no --hsm-ca-cert "$CA" --from-describe "$T/one.json"
expect_code 0 add-cluster --config "$T/query.cfg" --cluster-id cluster-dualstackaa --hsm-ca-cert "$CA" --from-describe - < "$T/list.json"
CONFIGURE_PKCS11_CONFIG=$T/query.cfg expect_cfg '[c["cluster"]["cluster_id"] for c in d["clusters"]]' '["cluster-2ab3cd4ef5g", "cluster-6hij7klm2no", "cluster-dualstackaa"]'
expect_code 254 add-cluster --config "$T/query.cfg" --cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert "$CA" --from-describe "$T/one.json"
expect_stderr "cluster not found (cluster-2ab3cd4ef5g): the saved answer"

# ---- options samples run: ECDH without a KDF (AWS's PKCS#11 samples), and
# every per-slot option on add-cluster, servers by hand with -a
expect_code 0 --config "$T/query.cfg" --enable-ecdh-without-kdf
CONFIGURE_PKCS11_CONFIG=$T/query.cfg expect_cfg '[c["cluster"]["options"]["enable_ecdh_without_kdf"] for c in d["clusters"]]' '[true, true, true]'
expect_code 2 --config "$T/query.cfg" --enable-ecdh-without-kdf --disable-ecdh-without-kdf
expect_code 0 add-cluster --config "$T/query.cfg" --cluster-id cluster-6hij7klm2no -a 10.1.1.5 10.1.1.6:2224 \
  --disable-ecdh-without-kdf --disable-key-availability-check --disable-validate-key-at-init \
  --enable-certificate-storage --default-retry-mode off --output json
expect_json 'd["action"], [s["hostname"] for s in d["servers"]]' '["updated", ["10.1.1.5", "10.1.1.6"]]'
CONFIGURE_PKCS11_CONFIG=$T/query.cfg expect_cfg 'd["clusters"][1]["cluster"]["options"]' \
  '{"enable_ecdh_without_kdf": false, "disable_key_availability_check": true, "validate_key_at_init": false, "certificate_storage": true, "default_retry_mode": "off"}'
CONFIGURE_PKCS11_CONFIG=$T/query.cfg expect_cfg 'd["clusters"][0]["cluster"]["options"], d["clusters"][1]["type"]' '[{"enable_ecdh_without_kdf": true}, "hsm1"]'
# -a on a host without IAM access: a new slot, no API call, no credentials
expect_code 0 add-cluster --config "$T/query.cfg" --cluster-id cluster-handmadeaaaa -a 10.7.0.1 --hsm-ca-cert "$CA" --output json
expect_json 'd["action"], d["type"]' '["added", "hsm1"]'
expect_code 2 add-cluster --config "$T/query.cfg" --cluster-id cluster-handmadeaaaa -a 10.7.0.1 --from-describe "$T/one.json"
expect_stderr "contradictory options (-a and --from-describe)"
done_
