#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_bad_input.sh — every kind of bad input the tool takes offline: a clear
# one-line error (lib.sh checks the format on each), the documented exit
# status, and the config byte for byte as it was. Counts what it tried.
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
TRIED=0
GOOD='{"clusters": [{"type": "hsm2m", "cluster": {"hsm_ca_file": "/opt/cloudhsm/etc/customerCA.crt", "cluster_id": "cluster-2ab3cd4ef5g", "servers": [{"hostname": "10.0.0.1", "port": 2223, "enable": true}]}}]}'

# refused STATUS NEEDLE ARGS...: the run fails with STATUS, says NEEDLE, and
# the config is untouched
refused() {
  local want=$1 needle=$2; shift 2
  cp -p "$CFG" "$T/before" 2>/dev/null || rm -f "$T/before"
  expect_code "$want" "$@"
  expect_stderr "$needle"
  if [ -e "$T/before" ]; then expect_file_same "$CFG" "$T/before"
  else [ ! -e "$CFG" ] && ok || bad "a config was created by a failed run: $*"; fi
  expect_no_temp "$CFG"
  TRIED=$((TRIED + 1))
}

# ---- config files: each is refused, never overwritten (253) ----
bad_config() { # NEEDLE CONTENT
  printf '%s' "$2" > "$CFG"
  refused 253 "$1" --log-level info
}
bad_config "not valid JSON" '{"clusters": [ {"type": "hsm1",, } ] }'
bad_config "not valid JSON" "${GOOD:0:80}"                               # truncated
bad_config "not valid JSON" ''                                          # empty
bad_config "not valid JSON" $'\x89PNG\r\n\x1a\n binary'
bad_config "not valid JSON" "$(printf '%0.s[' $(seq 5000))"            # nesting bomb
bad_config "not valid JSON" "$GOOD trailing"
bad_config "clusters" '{"clusters": {}}'
bad_config "the top level must be a JSON object" '[1, 2, 3]'
bad_config "servers" '{"clusters": [{"type": "hsm1", "cluster": {"servers": {}}}]}'
bad_config "port" '{"clusters": [{"type": "hsm1", "cluster": {"servers": [{"hostname": "10.0.0.1", "port": "2223"}]}}]}'
bad_config "port" '{"clusters": [{"type": "hsm1", "cluster": {"servers": [{"hostname": "10.0.0.1", "port": 70000}]}}]}'
bad_config "hostname" '{"clusters": [{"type": "hsm1", "cluster": {"servers": [{"hostname": 10, "port": 2223}]}}]}'
bad_config "cluster" '{"clusters": [{"type": "hsm1"}]}'
bad_config "duplicate cluster" "{\"clusters\": [$(printf '%s' "$GOOD" | python3 -c 'import json,sys; c=json.load(sys.stdin)["clusters"][0]; print(json.dumps(c)+","+json.dumps(c))')]}"
# strict JSON, kept exactly or refused: what json-c would accept, or
# silently resolve, is named with its line (the slot is never lost)
bad_config "the key \"clusters\" a second time" "$(printf '%s' "$GOOD" | sed 's/}$/, "clusters": []}/')"
bad_config "the key \"port\" a second time" '{"clusters": [{"type": "hsm1", "cluster": {"servers": [{"hostname": "10.0.0.1", "port": 2223, "port": 1}]}}]}'
bad_config "the key \"a\" a second time" '{"clusters": [], "a": 1, "\u0061": 2}'
bad_config "NaN or Infinity" '{"clusters": [], "x": NaN}'
bad_config "NaN or Infinity" '{"clusters": [], "x": -Infinity}'
bad_config "single-quoted" "{'clusters': []}"
bad_config "a comment" $'{"clusters": [] // the slots\n}'
bad_config "a comment" '{"clusters": [ /* none */ ]}'
bad_config "byte order mark" $'\xef\xbb\xbf{"clusters": []}'
bad_config "an integer too large to keep exactly" '{"clusters": [], "serial": 123456789012345678901234}'
bad_config "-0, which would be written back as 0" '{"clusters": [], "x": -0}'
bad_config "a trailing comma" '{"clusters": [],}'
bad_config "not UTF-8" $'{"clusters": [], "x": "caf\xe9"}'
bad_config "must be a JSON object, not null" $'null\n'
# a file of another shape is refused, not rewritten with a clusters array
bad_config "a Client SDK 3 config" '{"client": {"CertFile": "/opt/cloudhsm/etc/client.crt"}, "loadbalance": {"prefer_same_zone": "no"}, "server": {"hostname": "10.0.0.1", "port": 2223}}'
bad_config "a Client SDK 3 config" '{"server": {"hostname": "10.0.0.1,10.0.0.2", "port": 2223}}'
bad_config "a Client SDK 3 config" '{"servers": [{"hostname": "10.0.0.1", "port": 2225}], "scard": {"enable": "no"}}'
bad_config "neither \"clusters\" nor \"cluster\"" '{"logging": {"log_level": "info"}}'
python3 -c 'import sys; sys.stdout.write("{\"pad\": \"" + "x" * (17 << 20) + "\"}")' > "$CFG"
refused 253 "too large" --log-level info                                # huge
printf '%s' "$GOOD" > "$CFG"

# ---- values on the command line (252), the config untouched ----
make_ca ca
make_ca other
make_leaf leaf ca
for id in "" cluster- cluster-1234567890a cluster-2ab3cd4ef5g0 cluster-aaaaaaaaaaaaaaaaa \
          CLUSTER-2ab3cd4ef5g "cluster-2ab3cd4ef5g " cluster-2ab3-d4ef5g; do
  refused 252 "" remove-cluster --cluster-id "$id"
done
for ip in "" 10.0.0.256 10.0.0.1:99999 10.0.0.1: "[::1:2223" ::g 1.2.3 "10.0.0.1 10.0.0.2" \
          "[fd00::1]:0" "host_name.example"; do
  refused 252 "" -a "$ip" --config "$T/single.cfg"
done
printf '{"clusters": [{"type": "hsm1", "cluster": {"servers": []}}]}' > "$T/single.cfg"
for r in "us east 1" US-EAST-1 a us-east "$(printf 'a-%.0s' $(seq 20))1" "us-east-1;rm"; do
  refused 252 "invalid region" add-cluster --cluster-id cluster-2ab3cd4ef5g --region "$r" --hsm-ca-cert "$T/ca.crt"
done
for e in ftp://x.example http://10.0.0.1 https:// "https://a b" file:///etc/passwd \
         http://localhost.evil.example http://127.0.0.1.example.com/ http://127.0.0.1@example.com/ \
         "http://user:pw@127.0.0.1/" "http://[::2]/"; do
  refused 252 "endpoint" add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --endpoint "$e" --hsm-ca-cert "$T/ca.crt"
done

# ---- certificates and keys (252) ----
make_dated expired -30 -1 ca
make_dated future 30 60 ca
openssl x509 -in "$T/ca.crt" -outform DER -out "$T/ca.der" 2>/dev/null
printf 'not a certificate\n' > "$T/text.crt"
: > "$T/empty.crt"
head -c 300 "$T/ca.crt" > "$T/cut.crt"
ca_refused() { refused 252 "$1" --hsm-ca-cert "$2" --config "$T/single.cfg"; }
ca_refused "missing.crt" "$T/missing.crt"
ca_refused "not a PEM certificate" "$T/text.crt"
ca_refused "not a PEM certificate" "$T/empty.crt"
ca_refused "not a PEM certificate" "$T/cut.crt"
ca_refused "not a PEM certificate" "$T/ca.der"
ca_refused "not a regular file" "$T"                                     # a folder
ca_refused "not a CA" "$T/leaf.crt"
ca_refused "has expired" "$T/expired.crt"
ca_refused "not valid yet" "$T/future.crt"
pair_refused() { refused "$1" "$2" --client-cert-hsm-tls-file "$3" --client-key-hsm-tls-file "$4" --config "$T/single.cfg"; }
pair_refused 252 "does not match" "$T/leaf.crt" "$T/other.key"
pair_refused 252 "key" "$T/leaf.crt" "$T/text.crt"
pair_refused 252 "missing.key" "$T/leaf.crt" "$T/missing.key"
pair_refused 252 "not a PEM certificate" "$T/text.crt" "$T/leaf.key"
refused 2 "client-key-hsm-tls-file" --client-cert-hsm-tls-file "$T/leaf.crt" --config "$T/single.cfg"
# a path that is not valid UTF-8 cannot go into a strict JSON file
latin1_ca="$T/ca-$(printf '\351').crt"; cp "$T/ca.crt" "$latin1_ca"
refused 252 "invalid path (--hsm-ca-cert): it is not valid UTF-8" --hsm-ca-cert "$latin1_ca" --config "$T/single.cfg"
refused 252 "invalid path (--log-file): it is not valid UTF-8" --log-file "/var/log/p11-$(printf '\377').log" --config "$T/single.cfg"
# container credentials: the same URL parser, so a user name cannot hide
# the real host
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1@example.com/creds \
  refused 253 "untrusted container credentials URL" add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt"
AWS_EC2_METADATA_SERVICE_ENDPOINT="http://x y/" \
  refused 253 "invalid instance metadata endpoint" add-cluster --cluster-id cluster-2ab3cd4ef5g --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt"

# add-cluster checks them all before any call (no endpoint is reachable here)
refused 252 "has expired" add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/expired.crt"
refused 252 "CA bundle" add-cluster --cluster-id cluster-2ab3cd4ef5g --region us-east-1 --endpoint http://127.0.0.1:9 --hsm-ca-cert "$T/ca.crt" --ca-bundle "$T/text.crt"

echo "bad input: $TRIED inputs refused, each with one clear line, nothing written"
done_
