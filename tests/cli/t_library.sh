#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_library.sh — check --library against a real PKCS#11 module: SoftHSM2
# (Debian's softhsm2), with tokens made by softhsm2-util in a SOFTHSM2_CONF
# of the test's own. OpenSC's pkcs11-tool --list-slots is the differential:
# both must see the same slot ids and token labels. Then the failures: no
# file, a library that is no PKCS#11 module, a failing C_Initialize, and
# (as root) a library others could change.
. "$(dirname "$0")/lib.sh"
SOFTHSM=$(for p in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -f "$p" ] && echo "$p" && break; done)
if [ -z "$SOFTHSM" ] || ! command -v softhsm2-util >/dev/null || ! command -v pkcs11-tool >/dev/null; then
  bad "softhsm2 and opensc are needed (scripts/install-deps installs them)"; done_
fi
mkdir "$T/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$T/softhsm2.conf"
export SOFTHSM2_CONF=$T/softhsm2.conf
softhsm2-util --init-token --free --label "alpha token" --so-pin 1234 --pin 1234 >/dev/null
softhsm2-util --init-token --free --label "beta" --so-pin 1234 --pin 1234 >/dev/null

# what the module says, in JSON, against pkcs11-tool
expect_code 0 check --library "$SOFTHSM" --output json
expect_json 'd["library"]["manufacturer"]' '"SoftHSM"'
expect_json 'd["library"]["cryptoki_version"]' '"2.40"'
expect_json 'sorted(s["token"]["label"] for s in d["slots"] if s["token_present"] and s["token"]["initialized"])' '["alpha token", "beta"]'
cp "$OUT" "$T/ours.json"
pkcs11-tool --module "$SOFTHSM" --list-slots >"$T/theirs.txt" 2>&1
python3 - "$T/ours.json" "$T/theirs.txt" <<'PY' && ok || bad "check --library and pkcs11-tool disagree: $(cat "$T/theirs.txt")"
import json, re, sys
ours = json.load(open(sys.argv[1]))["slots"]
theirs, cur = [], None
for line in open(sys.argv[2]):
    m = re.match(r"Slot \d+ \(0x([0-9a-f]+)\)", line)
    if m:
        cur = {"id": int(m.group(1), 16), "label": None}
        theirs.append(cur)
    m = re.match(r"\s+token label\s+: (.*)$", line)
    if m and cur is not None:
        cur["label"] = m.group(1).rstrip()
mine = [{"id": s["id"], "label": s["token"]["label"] if s["token_present"] and s["token"]["initialized"] else None}
        for s in ours]
assert mine == theirs and len(mine) == 3, (mine, theirs)
PY
# the text form names every slot and token
expect_code 0 check --library "$SOFTHSM"
expect_stdout "library $SOFTHSM: SoftHSM"
expect_stdout 'token "alpha token" (SoftHSM project SoftHSM v2'
expect_stdout "token not initialized"

# CloudHSM's library names each slot by the config's cluster at its
# position (an observation, see the README): a SoftHSM module under that
# file name stands in for it, so this proves the rule is applied, not that
# it is AWS's
mkdir "$T/lib"; ln -s "$SOFTHSM" "$T/lib/libcloudhsm_pkcs11.so"
cat >"$CONFIGURE_PKCS11_CONFIG" <<JSON
{"clusters": [
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "/ca.crt", "cluster_id": "cluster-aaaaaaaaaaa", "servers": []}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "/ca.crt", "cluster_id": "cluster-bbbbbbbbbbb", "servers": []}}
]}
JSON
expect_code 0 check --library "$T/lib/libcloudhsm_pkcs11.so" --output json
expect_json '[s.get("cluster_id") for s in d["slots"]]' '["cluster-aaaaaaaaaaa", "cluster-bbbbbbbbbbb", null]'
expect_json 'd["library"]["slots_mapped_by"]' '"position"'
# another module's slots are listed as they are
expect_code 0 check --library "$SOFTHSM" --output json
expect_json '[s.get("cluster_id") for s in d["slots"]]' '[null, null, null]'

# failures: one line each, 253
expect_code 253 check --library "$T/nothing.so"
expect_stderr "PKCS#11 library not found ($T/nothing.so): no such file"
expect_code 253 check --library --config "$CONFIGURE_PKCS11_CONFIG"
case "$(uname -s)" in Linux) default=/opt/cloudhsm/lib/libcloudhsm_pkcs11.so;; esac
[ -e "${default:-/nonexistent}" ] || expect_stderr "PKCS#11 library not found (${default:-}"
libz=$(for p in /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1 /lib64/libz.so.1; do [ -f "$p" ] && echo "$p" && break; done)
expect_code 253 check --library "$libz"
expect_stderr "not a PKCS#11 library ($libz): it has no C_GetFunctionList"
printf 'not a library\n' >"$T/lib/fake.so"
expect_code 253 check --library "$T/lib/fake.so"
expect_stderr "cannot load the library ($T/lib/fake.so)"
SOFTHSM2_CONF=$T/missing.conf expect_code 253 check --library "$SOFTHSM"
expect_stderr "C_Initialize returned CKR_"
expect_code 2 check --library "$SOFTHSM" --cluster-id cluster-aaaaaaaaaaa
expect_stderr "contradictory options (--library and --cluster-id)"

if [ "$(id -u)" = 0 ]; then
  # as root, code another user could change is never loaded
  mkdir "$T/pub"; chmod 1777 "$T/pub"; cp "$SOFTHSM" "$T/pub/p11.so"
  expect_code 253 check --library "$T/pub/p11.so"
  expect_stderr "unsafe library path ($T/pub): group or others may write it"
  mkdir "$T/mine"; cp "$SOFTHSM" "$T/mine/p11.so"; chmod 0666 "$T/mine/p11.so"
  expect_code 253 check --library "$T/mine/p11.so"
  expect_stderr "unsafe library path ($T/mine/p11.so)"
  chmod 0644 "$T/mine/p11.so"
  expect_code 0 check --library "$T/mine/p11.so"
fi
done_
