#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_portable.sh — the offline command tests that hold on every platform: run
# natively here, and against configure-pkcs11.exe under wine by the Windows
# build (CP_TARGET=windows). No network, no POSIX-only file tricks: edits,
# JSON output, bad input, a saved DescribeClusters answer with a CA check,
# an injected failure of the atomic replace, the default paths, the
# PKCS#11 loader's failures.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
TARGET=${CP_TARGET:-native}

expect_code 0 --version
expect_stdout "configure-pkcs11 "

# the original tool's options make a new single-cluster file
expect_code 0 -a 10.0.1.12 "[fd00:ec2::31]:2224" hsm-proxy.internal --output json
expect_json 'd["action"], d["changed"]' '["added", true]'
expect_cfg '[(s["hostname"], s["port"]) for s in d["clusters"][0]["cluster"]["servers"]]' '[["10.0.1.12", 2223], ["fd00:ec2::31", 2224], ["hsm-proxy.internal", 2223]]'
expect_code 0 --log-level warn --disable-key-availability-check --default-retry-mode off
expect_cfg 'd["logging"]["log_level"], d["clusters"][0]["cluster"]["options"]["disable_key_availability_check"]' '["warn", true]'
cp "$CFG" "$T/before"
expect_code 0 --log-level warn --output json
expect_json 'd["action"], d["changed"]' '["unchanged", false]'
expect_file_same "$CFG" "$T/before"

# bad values and command lines: one line, the documented status, no change
expect_code 252 -a ""
expect_stderr "empty value (-a)"
expect_code 252 -a 10.0.0.256
expect_code 2 --log-levl info
expect_stderr "Did you mean --log-level"
expect_code 2 --enable-key-availability-check --disable-key-availability-check
expect_code 252 remove-cluster --cluster-id cluster-bad
expect_file_same "$CFG" "$T/before"
printf '{"clusters": [ {"type": "hsm1",, } ] }' > "$T/broken.cfg"
cp "$T/broken.cfg" "$T/broken.orig"
expect_code 253 --config "$T/broken.cfg" --log-level info
expect_stderr "not valid JSON"
expect_file_same "$T/broken.cfg" "$T/broken.orig"

# a saved DescribeClusters answer: slots, the CA check, list, remove
python3 "$CP_TESTS/peers/make_describe.py" --dir "$T" --clusters 3 > "$T/ids"
make_ca other
M="$T/multi.cfg"
for id in $(cat "$T/ids"); do
  expect_code 0 add-cluster --config "$M" --cluster-id "$id" --from-describe "$T/describe.json" --hsm-ca-cert "$T/ca.crt"
done
CONFIGURE_PKCS11_CONFIG=$M expect_cfg 'len(d["clusters"])' '3'
first=$(head -1 "$T/ids")
cp "$M" "$T/multi.before"
expect_code 252 add-cluster --config "$M" --cluster-id "$first" --from-describe "$T/describe.json" --hsm-ca-cert "$T/other.crt"
expect_stderr "wrong HSM CA for the cluster ($first)"
expect_file_same "$M" "$T/multi.before"
expect_code 0 list-clusters --config "$M" --output json
expect_json '[c["cluster_id"] for c in d["clusters"]]' "$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().split()))' "$T/ids")"
expect_code 0 remove-cluster --config "$M" --cluster-id "$first" --output json
expect_json 'd["action"], d["changed"]' '["removed", true]'
expect_code 0 remove-cluster --config "$M" --cluster-id "$first" --ignore-missing --output json
expect_json 'd["action"]' '"absent"'

# 8 runs at once, each adding a different cluster: the lock serialises them
mkdir -p "$T/many"; python3 "$CP_TESTS/peers/make_describe.py" --dir "$T/many" --clusters 8 > "$T/many.ids"
pids=()
for id in $(cat "$T/many.ids"); do
  "$CP_BIN" add-cluster --config "$T/conc.cfg" --cluster-id "$id" --from-describe "$T/many/describe.json" \
    --hsm-ca-cert "$T/many/ca.crt" -q --output off & pids+=($!)
done
failed=0; for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
[ "$failed" = 0 ] && ok || bad "$failed of 8 concurrent runs failed"
CONFIGURE_PKCS11_CONFIG=$T/conc.cfg expect_cfg 'sorted(c["cluster"]["cluster_id"] for c in d["clusters"])' \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(open(sys.argv[1]).read().split())))' "$T/many.ids")"
expect_no_temp "$T/conc.cfg"

# an injected failure of the replace step leaves the old file and no temp
cp "$M" "$T/multi.before"
faults_available && steps="write fsync rename" || { steps=""; echo "skipped: injected failures (the binary has no CP_TESTING fault hooks)"; }
for step in $steps; do
  CONFIGURE_PKCS11_FAULT=$step expect_code 253 --config "$M" --log-level error
  expect_file_same "$M" "$T/multi.before"
  expect_no_temp "$M"
done

# the default paths of the platform
unset CONFIGURE_PKCS11_CONFIG
expect_code 0 show-endpoint --region eu-west-1 --output json
expect_json 'd["endpoint"]' '"https://cloudhsmv2.eu-west-1.amazonaws.com"'
expect_code 0 help
case $TARGET in
  windows) expect_stdout 'C:\ProgramData\Amazon\CloudHSM\data\cloudhsm-pkcs11.cfg' ;;
  *) expect_stdout "/opt/cloudhsm/etc/cloudhsm-pkcs11.cfg" ;;
esac
# check --library: the loader's refusals, on every system (t_library.sh
# loads a real module)
expect_code 253 check --library "$T/none.so"
expect_stderr "PKCS#11 library not found"
printf 'not a library\n' > "$T/fake.so"
expect_code 253 check --library "$T/fake.so"
expect_stderr "cannot load the library"
case $TARGET in
  windows)
    expect_code 253 check --library
    expect_stderr 'PKCS#11 library not found (C:\Program Files\Amazon\CloudHSM\lib\cloudhsm_pkcs11.dll)'
    expect_code 253 check --library 'C:\windows\system32\kernel32.dll'
    expect_stderr "it has no C_GetFunctionList" ;;
esac
# doctor runs on every system: the default CA is not there
expect_code 253 doctor --config "$CFG" --library "$T/none.so"
expect_stdout "problem ca_file"
expect_stdout "warning library"
# a config linked into place (config management): edited at its target,
# the link kept; files that are only read are read through links. Windows
# has no sticky bit: wine shows /tmp (1777) as a folder where Everyone may
# rename, so there the whole way must avoid /tmp, and a link under /tmp is
# refused naming it.
L=$T
if [ "$TARGET" = windows ]; then
  L=$(mktemp -d "$HOME/.cp-portable-XXXXXX"); chmod 700 "$L"
  trap 'rm -rf "$T" "$L"' EXIT
  mkdir "$T/m"; cp "$CFG" "$T/m/p.cfg"; ln -s "$T/m/p.cfg" "$T/tmp-linked.cfg"
  expect_code 253 --config "$T/tmp-linked.cfg" --log-level error
  expect_stderr "(Z:\tmp): Everyone may rename in it"
fi
mkdir -p "$L/managed"; cp "$CFG" "$L/managed/p.cfg"
ln -s "$L/managed/p.cfg" "$L/linked.cfg"
expect_code 0 --config "$L/linked.cfg" --log-level error
[ -L "$L/linked.cfg" ] && ok || bad "the config link was replaced by a file"
CONFIGURE_PKCS11_CONFIG=$L/managed/p.cfg expect_cfg 'd["logging"]["log_level"]' '"error"'
expect_code 0 list-clusters --config "$L/linked.cfg" --output json
expect_json 'len(d["clusters"])' '1'
done_
