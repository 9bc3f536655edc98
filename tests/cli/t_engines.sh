#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_engines.sh — the cloud-init user data and the SSM Run Command document
# shipped in packaging/ are what they claim: cloud-init's own schema check
# accepts the user data (and refuses a broken copy), its runcmd adds the
# slot against moto; the SSM document's parameters patterns accept and
# refuse what they should, and its script, with the parameters filled in as
# SSM does, adds the slot and prints the tool's JSON.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
PKG="$CP_TESTS/../packaging"
if ! command -v cloud-init >/dev/null; then
  echo "SKIP: cloud-init is not installed (scripts/install-deps installs it)"
  exit 77
fi
start_peer
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_ENDPOINT_URL=$ENDPOINT AWS_REGION=us-east-1
CFG=$CONFIGURE_PKCS11_CONFIG

# ---- cloud-init ----
if cloud-init schema --config-file "$PKG/cloud-init/user-data.yaml" >"$T/schema.out" 2>&1; then ok
else bad "cloud-init schema refused the user data: $(cat "$T/schema.out")"; fi
sed 's/^runcmd:/runcmd: not-a-list/; /^  - \[/,$d' "$PKG/cloud-init/user-data.yaml" > "$T/broken.yaml"
printf 'write_files: 7\n' >> "$T/broken.yaml"
if cloud-init schema --config-file "$T/broken.yaml" >"$T/schema.out" 2>&1; then
  bad "cloud-init schema accepted a broken copy: $(cat "$T/schema.out")"
else ok; fi
# its runcmd, as cloud-init runs it (each entry an argv), against moto
/usr/bin/python3 - "$PKG/cloud-init/user-data.yaml" "$CP_BIN" "$CA" > "$T/runcmd.sh" <<'PY'
import shlex, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for cmd in doc["runcmd"]:
    argv = [sys.argv[3] if a == "/opt/cloudhsm/etc/customerCA.crt" else str(a) for a in cmd]
    print(shlex.join(argv))
PY
grep -q -- "^configure-pkcs11 add-cluster --cluster-id cluster-2ab3cd4ef5g" "$T/runcmd.sh" && ok ||
  bad "runcmd does not call the tool on PATH: $(cat "$T/runcmd.sh")"
mkdir -p "$T/bin"; ln -sf "$CP_BIN" "$T/bin/configure-pkcs11"
if PATH="$T/bin:$PATH" bash -e "$T/runcmd.sh" >"$OUT" 2>"$ERR"; then ok; else bad "the user data's runcmd failed: $(cat "$ERR")"; fi
expect_stdout "added cluster-2ab3cd4ef5g (2 servers)" # into cloud-init-output.log
expect_cfg 'd["clusters"][0]["cluster"]["cluster_id"]' '"cluster-2ab3cd4ef5g"'

# ---- SSM Run Command ----
DOC="$PKG/ssm/configure-pkcs11.json"
# ssm_run CLUSTER REGION CA: the document's script run as SSM Agent runs it
# (3.3.2746.0 and later): each parameter checked against its allowedPattern,
# then, with interpolationType ENV_VAR, given as SSM_<name> in the
# environment and left out of the script's text
ssm_run() {
  python3 - "$DOC" "$T/ssm.sh" "$T/ssm.env" "$@" <<'PY' || return 3
import json, re, shlex, sys
doc = json.load(open(sys.argv[1]))
assert doc["schemaVersion"] == "2.2"
values = dict(zip(["ClusterId", "Region", "HsmCaCert"], sys.argv[4:7]))
env = []
for name, spec in doc["parameters"].items():
    if not re.fullmatch(spec["allowedPattern"], values[name]):
        sys.exit("parameter %s refused: %r" % (name, values[name]))
    assert spec.get("interpolationType") == "ENV_VAR", name
    env.append("SSM_%s=%s" % (name, shlex.quote(values[name])))
step = doc["mainSteps"][0]
assert step["action"] == "aws:runShellScript"
script = "\n".join(step["inputs"]["runCommand"])
assert "{{" not in script, "a parameter is interpolated into the script"
open(sys.argv[2], "w").write(script + "\n")
open(sys.argv[3], "w").write("\n".join("export " + e for e in env) + "\n")
PY
  (. "$T/ssm.env"; PATH="$T/bin:$PATH" sh "$T/ssm.sh") >"$OUT" 2>"$ERR"
  local rc=$?
  fits_schema "$OUT" add-cluster
  return $rc
}
rm -f "$CFG"
ssm_run cluster-6hij7klm2no us-east-1 "$CA"; RC=$?
[ "$RC" = 0 ] && ok || bad "SSM document run: exit $RC: $(cat "$ERR")"
expect_json 'd["action"], d["cluster_id"]' '["added", "cluster-6hij7klm2no"]'
ssm_run cluster-6hij7klm2no "" "$CA"; RC=$? # the instance's region (here AWS_REGION)
[ "$RC" = 0 ] && ok || bad "SSM document with no region: exit $RC: $(cat "$ERR")"
expect_json 'd["action"]' '"unchanged"'
# its failures are the tool's: a CA that did not sign the cluster
ssm_run cluster-6hij7klm2no us-east-1 "$OTHER_CA"; RC=$?
[ "$RC" = 252 ] && ok || bad "SSM document with the wrong CA: exit $RC"
expect_json 'd["error"]["code"]' '"ca_mismatch"'
# values that hold quotes reach the tool as they are (no shell sees them)
cp "$CA" "$T/o'brien\"ca\".crt"
ssm_run cluster-6hij7klm2no us-east-1 "$T/o'brien\"ca\".crt"; RC=$?
[ "$RC" = 0 ] && ok || bad "SSM document with quotes in the CA path: exit $RC: $(cat "$ERR")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["clusters"][0]["cluster"]["hsm_ca_file"] == sys.argv[2] else 1)' \
  "$CFG" "$T/o'brien\"ca\".crt" && ok || bad "the quoted CA path did not reach the config as it is: $(cat "$CFG")"
# every partition's region names pass the pattern; shell text does not
for region in eusc-de-east-1 us-gov-west-1 cn-north-1 us-isob-east-1 ap-southeast-5; do
  python3 -c 'import json,re,sys; sys.exit(0 if re.fullmatch(json.load(open(sys.argv[1]))["parameters"]["Region"]["allowedPattern"], sys.argv[2]) else 1)' \
    "$DOC" "$region" && ok || bad "the Region pattern refuses $region"
done
# an agent too old for ENV_VAR: said, not run with empty values
PATH="$T/bin:$PATH" sh "$T/ssm.sh" >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 2 ] && grep -q "Update the SSM Agent to 3.3.2746.0 or later" "$ERR" && ok || bad "old agent: exit $RC: $(cat "$ERR")"
# the patterns keep shell text out of the script
for bad_args in "cluster-abc;reboot us-east-1 $CA" "cluster-2ab3cd4ef5g us-east-1;id $CA" \
                "cluster-2ab3cd4ef5g us-east-1 \$(id)" "cluster-2ab3cd4ef5g us-east-1 relative.crt"; do
  # shellcheck disable=SC2086
  ssm_run $bad_args; RC=$?
  [ "$RC" = 3 ] && ok || bad "SSM parameters accepted: $bad_args (exit $RC)"
done
done_
