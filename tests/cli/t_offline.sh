#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_offline.sh — the original tool's top-level options, and the exit statuses.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
make_ca customerCA
make_leaf client customerCA
make_leaf other customerCA
make_ca oldCA 1
openssl x509 -in "$T/oldCA.crt" -noout >/dev/null

# -a on a new config creates the single-cluster form
expect_code 0 -a 10.0.1.12 10.0.2.7
expect_stdout "added $CFG"
expect_cfg 'd["clusters"][0]["cluster"]["servers"]' '[{"hostname": "10.0.1.12", "port": 2223, "enable": true}, {"hostname": "10.0.2.7", "port": 2223, "enable": true}]'
expect_cfg '"cluster_id" in d["clusters"][0]["cluster"]' 'false'
expect_cfg 'd["logging"]' '{"log_type": "file", "log_file": "/opt/cloudhsm/run/cloudhsm-pkcs11.log", "log_level": "info", "log_interval": "daily"}'
[ "$(stat -c %a "$CFG")" = 644 ] && ok || bad "new config mode $(stat -c %a "$CFG")"

# the same again: unchanged, file untouched (inode and mtime)
cp -p "$CFG" "$T/before"; before=$(stat -c '%i %Y' "$CFG"); sleep 1
expect_code 0 -a 10.0.1.12 10.0.2.7 --output json
expect_json 'd["action"], d["changed"]' '["unchanged", false]'
[ "$(stat -c '%i %Y' "$CFG")" = "$before" ] && ok || bad "unchanged run touched the file"

# host names, ports and IPv6
expect_code 0 -a '[fd00:ec2::23]:2300' hsm-proxy.internal:2223
expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["fd00:ec2::23", "hsm-proxy.internal"]'
expect_cfg 'd["clusters"][0]["cluster"]["servers"][0]["port"]' '2300'

# every option of the original tool
expect_code 0 --hsm-ca-cert "$T/customerCA.crt" --log-type term --log-file "$T/p11.log" \
  --log-level trace --log-rotation hourly --default-retry-mode off \
  --disable-key-availability-check --enable-validate-key-at-init --enable-certificate-storage \
  --client-cert-hsm-tls-file "$T/client.crt" --client-key-hsm-tls-file "$T/client.key" \
  --server-client-cert-file "$T/other.crt" --server-client-key-file "$T/other.key"
expect_cfg 'd["clusters"][0]["cluster"]["hsm_ca_file"]' "\"$T/customerCA.crt\""
expect_cfg 'd["clusters"][0]["cluster"]["client_cert_hsm_tls_path"]' "\"$T/client.crt\""
expect_cfg 'd["clusters"][0]["cluster"]["client_key_hsm_tls_path"]' "\"$T/client.key\""
expect_cfg 'd["clusters"][0]["cluster"]["client_cert_path"]' "\"$T/other.crt\""
expect_cfg 'd["clusters"][0]["cluster"]["client_key_path"]' "\"$T/other.key\""
expect_cfg 'list(d["clusters"][0]["cluster"].keys())' '["client_cert_path", "client_key_path", "client_cert_hsm_tls_path", "client_key_hsm_tls_path", "hsm_ca_file", "servers", "options"]'
expect_cfg 'd["clusters"][0]["cluster"]["options"]' '{"disable_key_availability_check": true, "validate_key_at_init": true, "certificate_storage": true, "default_retry_mode": "off"}'
expect_cfg 'd["logging"]' "{\"log_type\": \"term\", \"log_file\": \"$T/p11.log\", \"log_level\": \"trace\", \"log_interval\": \"hourly\"}"
expect_code 0 --enable-key-availability-check --disable-validate-key-at-init --disable-certificate-storage --default-retry-mode standard
expect_cfg 'd["clusters"][0]["cluster"]["options"]' '{"disable_key_availability_check": false, "validate_key_at_init": false, "certificate_storage": false, "default_retry_mode": "standard"}'
# relative paths are stored absolute
(cd "$T" && "$CP_BIN" --server-client-cert-file client.crt --server-client-key-file ./client.key >/dev/null) && ok || bad "relative client pair paths"
expect_cfg 'd["clusters"][0]["cluster"]["client_key_path"]' "\"$T/client.key\""

# usage errors: 2, file untouched
cp -p "$CFG" "$T/before"
expect_code 2
expect_stderr "no option given"
expect_code 2 --log-levl info
expect_stderr "Did you mean --log-level?"
expect_code 2 --disable-key-availability-check --enable-key-availability-check
expect_stderr "contradictory options"
expect_code 2 --client-cert-hsm-tls-file "$T/client.crt"
expect_stderr "Give both --client-cert-hsm-tls-file and --client-key-hsm-tls-file"
expect_code 2 --log-level
expect_code 2 --log-level info --log-level warn
expect_code 2 stray-word
expect_code 2 --client-cert-hsm-tls-file "$T/client.crt" --server-client-cert-file "$T/client.crt" --client-key-hsm-tls-file "$T/client.key"
# show-endpoint reads no config: the config options are not taken there
expect_code 2 show-endpoint --region us-east-1 --config "$CFG"
expect_stderr "unknown option (--config)"
expect_code 2 --component jce show-endpoint --region us-east-1
expect_file_same "$CFG" "$T/before"

# invalid values: 252, file untouched
expect_code 252 -a ""
expect_stderr "empty value (-a)"
expect_code 252 -a 10.0.0.256
expect_stderr "invalid server address (-a 10.0.0.256)"
expect_code 252 -a 10.0.0.1:99999
expect_code 252 --log-level loud
expect_stderr "Use one of: error, warn, info, debug, trace"
expect_code 252 --log-type syslog
expect_code 252 --log-rotation weekly
expect_code 252 --default-retry-mode always
expect_code 252 --log-file ""
expect_code 252 --hsm-ca-cert "$T/nope.crt"
expect_stderr "cannot open file ($T/nope.crt)"
expect_code 252 --hsm-ca-cert "$T/client.crt"
expect_stderr "is not a CA"
echo "not pem" > "$T/junk.crt"
expect_code 252 --hsm-ca-cert "$T/junk.crt"
expect_stderr "is not a PEM certificate"
expect_code 252 --client-cert-hsm-tls-file "$T/client.crt" --client-key-hsm-tls-file "$T/other.key"
expect_stderr "client key does not match its certificate"
expect_file_same "$CFG" "$T/before"

# JSON errors on stdout too
expect_code 252 --log-level loud --output json
expect_json 'd["error"]["code"], d["error"]["exit_status"]' '["invalid_value", 252]'
expect_code 2 --nope --output json
expect_json 'd["error"]["exit_status"]' '2'
# --output off prints nothing on stdout
expect_code 0 --log-level info --output off
expect_stdout_empty

# malformed config: 253, never overwritten, error names the file and offset
printf '{"clusters": [\n  {"type": "hsm1",,}\n' > "$CFG"; cp "$CFG" "$T/broken"
expect_code 253 --log-level info
expect_stderr "config file is not valid JSON ($CFG)"
expect_stderr "at byte"
expect_file_same "$CFG" "$T/broken"

# -a with several slots would be ambiguous
cat > "$CFG" <<'JSON'
{"clusters":[{"type":"hsm1","cluster":{"cluster_id":"cluster-aaaaaaaaaaa","servers":[]}},
             {"type":"hsm1","cluster":{"cluster_id":"cluster-bbbbbbbbbbb","servers":[]}}]}
JSON
expect_code 252 -a 10.0.0.1
expect_stderr "the config has 2 slots"
# global options apply to every slot
expect_code 0 --disable-key-availability-check
expect_cfg '[c["cluster"]["options"]["disable_key_availability_check"] for c in d["clusters"]]' '[true, true]'

# a config in a world-writable folder is refused
mkdir -p "$T/open"; chmod 777 "$T/open"
expect_code 253 --config "$T/open/p.cfg" --log-level info
expect_stderr "unsafe folder ($T/open)"
[ ! -e "$T/open/p.cfg" ] && ok || bad "config written in a world-writable folder"
# a missing folder
expect_code 253 --config "$T/missing/p.cfg" --log-level info
expect_stderr "folder not found"

# a failed write (file size limit) leaves the old config byte-identical, no temp
cp "$CFG" "$T/before"
( ulimit -f 1; "$CP_BIN" -a 10.9.9.9 --config "$T/big.cfg" --log-level info >/dev/null 2>&1 ) ; :
python3 - "$CFG" <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
d["pad"]="x"*5000
json.dump(d,open(sys.argv[1],"w"),indent=2)
PY
cp "$CFG" "$T/before"
( ulimit -f 4; trap '' XFSZ; "$CP_BIN" --log-level debug >"$OUT" 2>"$ERR" ); RC=$?
[ "$RC" = 253 ] && ok || bad "write past the size limit: exit $RC, wanted 253 ($(cat "$ERR"))"
expect_stderr "cannot write config ($CFG)"
expect_file_same "$CFG" "$T/before"
expect_no_temp "$CFG"

# a read-only file system (a ConfigMap mount, a read-only root): 253, the
# file, the reason and the fix; run in a private mount namespace
if unshare -m true 2>/dev/null; then
  mkdir -p "$T/rofs"
  unshare -m bash -c '
    mount -t tmpfs -o mode=755 none "$1" && printf "{\"clusters\": []}\n" > "$1/p.cfg" &&
    mount -o remount,ro "$1" && exec "$2" --config "$1/p.cfg" --log-level info' _ "$T/rofs" "$CP_BIN" >"$OUT" 2>"$ERR"
  RC=$?
  [ "$RC" = 253 ] && ok || bad "read-only file system: exit $RC, wanted 253 ($(cat "$ERR"))"
  expect_stderr "Read-only file system. Run as root, or use --config to write"
  check_error_format
else
  echo "skipped: read-only file system test (no mount namespace here)"
fi
# a config this user may not write: 253 with the same fix
mkdir -p "$T/rootonly"; printf '{"clusters": []}\n' > "$T/rootonly/p.cfg"
if [ "$(id -u)" = 0 ]; then
  chmod 711 "$T"; chmod 755 "$T/rootonly"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$CP_BIN" --config "$T/rootonly/p.cfg" --log-level info >"$OUT" 2>"$ERR"; RC=$?
  chmod 700 "$T"
else
  chmod 555 "$T/rootonly"
  run --config "$T/rootonly/p.cfg" --log-level info
  chmod 755 "$T/rootonly"
fi
[ "$RC" = 253 ] && ok || bad "unwritable config: exit $RC, wanted 253 ($(cat "$ERR"))"
expect_stderr "Permission denied. Run as root, or use --config"
check_error_format

# show-endpoint: where the endpoint and region come from, no API call
expect_code 0 show-endpoint --region eu-west-1
expect_stdout "endpoint: https://cloudhsmv2.eu-west-1.amazonaws.com (from partition rule)"
expect_stdout "region: eu-west-1 (from --region)"
expect_stdout "vpc endpoint service: com.amazonaws.eu-west-1.cloudhsmv2"
AWS_REGION=us-gov-west-1 expect_code 0 show-endpoint --fips --output json
expect_json 'd["endpoint"], d["region_source"], d["vpc_endpoint_service"]' '["https://cloudhsmv2-fips.us-gov-west-1.amazonaws.com", "AWS_REGION", "com.amazonaws.us-gov-west-1.cloudhsmv2"]'
expect_code 0 show-endpoint --region cn-north-1 --dualstack
expect_stdout "https://cloudhsmv2.cn-north-1.api.amazonwebservices.com.cn"
expect_stdout "cn.com.amazonaws.cn-north-1.cloudhsmv2"
AWS_ENDPOINT_URL_CLOUDHSM_V2=https://vpce-0a1b.cloudhsmv2.us-east-1.vpce.amazonaws.com expect_code 0 show-endpoint --region us-east-1
expect_stdout "(from AWS_ENDPOINT_URL_CLOUDHSM_V2)"
expect_code 252 show-endpoint --region "eu west"
expect_code 252 show-endpoint --region us-east-1 --endpoint http://10.1.2.3
expect_code 2 show-endpoint --regoin us-east-1
expect_stderr "Did you mean --region"

# help that teaches: synopsis, options, two examples, for every command
for c in add-cluster remove-cluster list-clusters check show-endpoint; do
  expect_code 0 help "$c"
  expect_stdout "usage: configure-pkcs11 $c"
  n=$(grep -c '^  *\(sudo \)\?configure-pkcs11\|^  *aws ' "$OUT")
  [ "$n" -ge 2 ] && ok || bad "help $c shows $n examples, wanted 2"
  expect_code 0 "$c" --help
done

# mistakes that help, as git's: a misspelled command gets a "did you mean"
# (and nothing runs), so does help; an option a prefix begins is the one
# suggested; a dry run that changes nothing says so
expect_code 2 add-clsuter --cluster-id cluster-2ab3cd4ef5g
expect_stderr "unknown command (add-clsuter): there is no such command. Did you mean add-cluster?"
expect_code 2 help lst-clusters
expect_stderr "Did you mean list-clusters?"
expect_code 2 frobnicate
expect_stderr "unknown command (frobnicate): there is no such command. See configure-pkcs11 --help"
expect_code 2 add-cluster --dry --cluster-id cluster-2ab3cd4ef5g
expect_stderr "Did you mean --dry-run?"
expect_code 0 --config "$T/dry.cfg" -a 10.0.0.1 --log-type term
expect_code 0 --config "$T/dry.cfg" -a 10.0.0.1 --dry-run
expect_stderr "no change to $T/dry.cfg"
expect_stdout_empty
expect_code 0 --config "$T/dry.cfg" -a 10.0.0.2 --dry-run
expect_stdout "+++ $T/dry.cfg (after configure-pkcs11)"

# a CA that is not there: the message says which path was looked at, and
# how to give another
if [ ! -e /opt/cloudhsm/etc/customerCA.crt ]; then
  expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --config "$T/noca.cfg" --from-describe /dev/null
  expect_stderr "HSM CA file not found (/opt/cloudhsm/etc/customerCA.crt): it is the default, as no --hsm-ca-cert was given. Give the CA that signed the cluster with --hsm-ca-cert FILE"
fi
printf '{"clusters": [{"type": "hsm2m", "cluster": {"hsm_ca_file": "%s", "cluster_id": "cluster-2ab3cd4ef5g", "servers": []}}]}\n' "$T/gone.crt" > "$T/noca2.cfg"
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g --config "$T/noca2.cfg" --from-describe /dev/null
expect_stderr "HSM CA file not found ($T/gone.crt): it is the slot's hsm_ca_file"

# no region anywhere: us-east-1, with a warning naming where it looked
AWS_EC2_METADATA_DISABLED=true expect_code 0 show-endpoint --output json
expect_json '[d["region"], d["region_source"]]' '["us-east-1", "default"]'
expect_stderr "no region is set (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile, instance metadata): using us-east-1"
AWS_REGION=eu-west-1 expect_code 0 show-endpoint
expect_stderr_lacks "no region is set"

# --version and --help; --version as curl -V: the libraries this process
# runs with, against what the system's own tools say of the same ones
expect_code 0 --version
expect_stdout "configure-pkcs11 "
expect_stdout "$(curl -V | head -1 | grep -o 'libcurl/[^ ]*')"
expect_stdout "OpenSSL/$(openssl version | awk '{print $2}')"
expect_stdout "json-c/$(pkg-config --modversion json-c)"
expect_stdout "expat/$(pkg-config --modversion expat)"
expect_stdout "Build: shared libcurl, OpenSSL, json-c and expat"
expect_stdout "Platform: $(uname -s) $(uname -r) $(uname -m)"
expect_code 0 --help
expect_stdout "--disable-key-availability-check"
# every option the tool takes is in --help, those main takes first too
for o in "-V, --version" "--completion <bash|zsh|fish>" "--endpoint-url <url>" "--server-client-cert-file"; do
  expect_stdout "$o"
done
expect_stdout "exit status: 0 success"
expect_code 2 --log-level info --version
expect_stderr "option with others (--version)"
# what an admin set stays set: a server disabled by hand stays disabled
# when a run keeps its address; a repeated address is written once
expect_code 0 --config "$T/en.cfg" -a 10.0.1.12 10.0.2.7
python3 - "$T/en.cfg" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][0]["cluster"]["servers"][1]["enable"] = False
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
expect_code 0 --config "$T/en.cfg" -a 10.0.2.7 10.0.1.12 10.0.3.3 10.0.2.7
expect_stderr "-a names an address more than once: each is written once"
CONFIGURE_PKCS11_CONFIG=$T/en.cfg expect_cfg '[(s["hostname"], s["enable"]) for s in d["clusters"][0]["cluster"]["servers"]]' \
  '[["10.0.2.7", false], ["10.0.1.12", true], ["10.0.3.3", true]]'

# output that cannot be written is an error (as coreutils' close_stdout):
# a full disk, a closed pipe; one line on stderr, exit 255
"$CP_BIN" list-clusters --config "$T/en.cfg" > /dev/full 2>"$ERR"; RC=$?
[ "$RC" = 255 ] && ok || bad "stdout to /dev/full: exit $RC, wanted 255"
check_error_format
expect_stderr "cannot write the output (stdout): No space left on device"
"$CP_BIN" --version > /dev/full 2>"$ERR"; RC=$?
[ "$RC" = 255 ] && ok || bad "--version to /dev/full: exit $RC, wanted 255"
{ sleep 0.3; "$CP_BIN" list-clusters --config "$T/en.cfg" 2>"$ERR"; echo $? > "$T/pipe.rc"; } | true
[ "$(cat "$T/pipe.rc")" = 255 ] && ok || bad "stdout to a closed pipe: exit $(cat "$T/pipe.rc"), wanted 255"
expect_stderr "cannot write the output (stdout): Broken pipe"

# errors in JSON say nothing changed, beside the error object (Ansible's
# changed_when reads it)
expect_code 252 --config "$T/en.cfg" -a 10.0.0.256 --output json
expect_json 'd["changed"], d["error"]["exit_status"]' '[false, 252]'
# the usage line names every command
expect_code 0 --help
expect_stdout "commands: add-cluster, remove-cluster, refresh-clusters, list-clusters, check, doctor, show-endpoint, help"
# a very long bad value is cut in the message, so the fix still comes first
expect_code 252 --config "$T/en.cfg" -a "$(printf 'x%.0s' $(seq 300))!"
expect_stderr "invalid server address (-a xxxxxxxxxx"
# the lock wait is the environment's when given, and checked
CONFIGURE_PKCS11_LOCK_TIMEOUT=soon expect_code 253 --config "$T/en.cfg" --log-level info
expect_stderr "invalid lock timeout (CONFIGURE_PKCS11_LOCK_TIMEOUT soon)"
CONFIGURE_PKCS11_LOCK_TIMEOUT=0 expect_code 0 --config "$T/en.cfg" --log-level info

# --debug names where each failure was found: the caller of a shared helper,
# so two different usage errors point at two different places
where_of() { grep -o '\[usage [a-z_]*\.c:[0-9]*\]' "$ERR"; }
expect_code 2 list-clusters --debug stray
w1=$(where_of)
expect_code 2 list-clusters --debug --config a --config b
w2=$(where_of)
[ -n "$w1" ] && [ -n "$w2" ] && [ "$w1" != "$w2" ] && ok || bad "--debug places: '$w1' and '$w2'"
done_
