#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_check.sh — `check` against HSM hosts as AWS documents them
# (tests/peers/tls_servers.py): the host shows AWS's self-signed CloudHSM
# certificate and asks for a client certificate the customer CA issued. A
# slot without a server-client pair is reachable (the library presents the
# SDK's default); a pair the customer CA issued is accepted; one another CA
# issued is refused, named. Also a proxy of another subject, a closed port,
# a silent port, and six silent ports at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_tls_servers
CFG=$CONFIGURE_PKCS11_CONFIG
srv() { printf '{"hostname": "127.0.0.1", "port": %s, "enable": true}' "$1"; }
pair() { printf '"client_cert_path": "%s", "client_key_path": "%s",' "$1" "$2"; }
cat > "$CFG" <<JSON
{"clusters": [
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-nopairaaaaaa",
   "servers": [$(srv $P_HOST), $(srv $P_HOST12), $(srv $P_CLOSED)]}},
 {"type": "hsm2m", "cluster": {$(pair "$CLIENT_CERT" "$CLIENT_KEY") "hsm_ca_file": "$HSM_CA",
   "cluster_id": "cluster-goodpairaaaa", "servers": [$(srv $P_HOST), $(srv $P_HOST12)]}},
 {"type": "hsm2m", "cluster": {$(pair "$OTHER_CLIENT_CERT" "$OTHER_CLIENT_KEY") "hsm_ca_file": "$HSM_CA",
   "cluster_id": "cluster-otherpairaaa", "servers": [$(srv $P_HOST), $(srv $P_HOST12)]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-proxyaaaaaaa",
   "servers": [$(srv $P_PROXY)]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-silentsrvrs",
   "servers": [$(srv $P_SILENT), {"hostname": "127.0.0.1", "port": $P_HOST, "enable": false}]}}
]}
JSON
cp "$CFG" "$T/before"
AWS='CN=CloudHSM,OU=AWS Cryptography,O=AWS,L=Herndon,ST=Virginia,C=US'

# no pair: the host asks for a certificate and, with none, ends the session;
# the library presents the SDK's default there, so the server is reachable.
# The host's certificate is reported, never checked against hsm_ca_file.
expect_code 255 check --cluster-id cluster-nopairaaaaaa --output json
expect_json '[(r["status"], r.get("client_certificate", {}).get("requested")) for r in d["servers"]]' \
  '[["ok", true], ["ok", true], ["refused", null]]'
expect_json '[r["host_certificate"]["subject"] for r in d["servers"][:2]]' "[\"$AWS\", \"$AWS\"]"
expect_json '[r["host_certificate"]["aws_host"] for r in d["servers"][:2]]' '[true, true]'
fp=$(openssl s_client -connect 127.0.0.1:$P_HOST </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
expect_json 'd["servers"][0]["host_certificate"]["sha256"]' "\"$fp\""
expect_json 'd["passed"], d["failed"]' '[2, 1]'
expect_code 255 check --cluster-id cluster-nopairaaaaaa
expect_stdout "cluster-nopairaaaaaa 127.0.0.1:$P_HOST ok TLSv1.3"
expect_stdout "host CloudHSM certificate (sha256 ${fp:0:17}..."
expect_stdout "the host asks for a client certificate (the library presents the SDK's default)"
expect_stdout "cluster-nopairaaaaaa 127.0.0.1:$P_HOST12 ok TLSv1.2"
expect_stdout "cluster-nopairaaaaaa 127.0.0.1:$P_CLOSED refused"
expect_stderr "check failed (1 of 3 checks): first 127.0.0.1:$P_CLOSED refused"
expect_stderr_lacks "presents a certificate for"
expect_stderr_lacks "not signed"

# a pair the customer CA issued: presented and accepted, in TLS 1.3 and 1.2
expect_code 0 check --cluster-id cluster-goodpairaaaa --output json
expect_json '[(r["status"], r["client_certificate"]["accepted"]) for r in d["servers"]]' '[["ok", true], ["ok", true]]'
expect_json 'd["servers"][0]["client_certificate"]["presented"]' "\"$CLIENT_CERT\""
expect_code 0 check --cluster-id cluster-goodpairaaaa
expect_stdout "client certificate $CLIENT_CERT accepted"

# a pair another CA issued: refused, naming the certificate and its issuer,
# whether the refusal comes after the handshake (1.3) or inside it (1.2)
expect_code 255 check --cluster-id cluster-otherpairaaa --output json
expect_json '[r["status"] for r in d["servers"]]' '["client_certificate_refused", "client_certificate_refused"]'
expect_json '[r["client_certificate"]["accepted"] for r in d["servers"]]' '[false, false]'
expect_code 255 check --cluster-id cluster-otherpairaaa
expect_stdout "cluster-otherpairaaa 127.0.0.1:$P_HOST client certificate refused: the host did not accept $OTHER_CLIENT_CERT (issued by CN=Other CA,O=Test)"
expect_stdout "cluster-otherpairaaa 127.0.0.1:$P_HOST12 client certificate refused: the host did not accept $OTHER_CLIENT_CERT"
expect_stderr "check failed (2 of 2 checks): first 127.0.0.1:$P_HOST client certificate refused"

# a certificate of another subject: reachable, with a warning naming it
expect_code 0 check --cluster-id cluster-proxyaaaaaaa
expect_stderr "127.0.0.1:$P_PROXY presents a certificate for CN=proxy.example, not AWS's CloudHSM host certificate"
expect_stdout "host CN=proxy.example"
expect_stdout "the host asked for no client certificate"

# a server that never answers: the timeout bounds it; a disabled one is skipped
start=$(date +%s%N)
expect_code 255 check --cluster-id cluster-silentsrvrs --timeout 1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_stdout "cluster-silentsrvrs 127.0.0.1:$P_SILENT timed out"
expect_stdout "127.0.0.1:$P_HOST disabled (enable: false), skipped"
[ "$ms" -lt $((3000 * CP_TIME_FACTOR)) ] && ok || bad "a 1 s timeout took ${ms} ms"

# the slot's hsm_ca_file is checked here, locally: missing, or not a CA;
# the servers are still probed (the CA plays no part in the outer layer)
sed "s#$HSM_CA#$T/missing-ca.crt#" "$T/before" > "$T/missing.cfg"
# a CA file is no network failure: 252, invalid_certificate
expect_code 252 check --config "$T/missing.cfg" --cluster-id cluster-goodpairaaaa --output json
expect_json '[d["error"]["code"], "changed" in d, d["schema_version"]]' '["invalid_certificate", false, 1]'
expect_json '[(r["index"], r["cluster_id"]) for r in d["servers"]][2]' '[1, "cluster-goodpairaaaa"]'
expect_json '[r["status"] for r in d["servers"]]' '["ok", "ok", "bad_ca_file"]'
expect_json 'd["servers"][2]["hsm_ca_file"]' "\"$T/missing-ca.crt\""
expect_code 252 check --config "$T/missing.cfg" --cluster-id cluster-goodpairaaaa
expect_stdout "cluster-goodpairaaaa hsm_ca_file "
expect_stdout "missing-ca.crt"
sed "s#$HSM_CA#$CLIENT_CERT#" "$T/before" > "$T/notca.cfg"
expect_code 252 check --config "$T/notca.cfg" --cluster-id cluster-goodpairaaaa
expect_stdout "is not a CA (CN=client,O=Test has no CA basic constraint)"

# a timeout of 0 would mean none at all (libcurl's): refused before connecting
expect_code 2 check --timeout 0
expect_stderr "invalid timeout (--timeout 0)"
expect_code 252 check --timeout -3   # not a count of seconds at all
# not configured, invalid id, no slot
expect_code 252 check --cluster-id cluster-zzzzzzzzzzzz
expect_stderr "cluster not configured (cluster-zzzzzzzzzzzz)"
expect_code 252 check --cluster-id nope
printf '{"clusters": []}' > "$T/empty.cfg"
expect_code 253 check --config "$T/empty.cfg"
expect_stderr "nothing to check"
# what check proves, and what it cannot, in its own help
expect_code 0 help check
expect_stdout "reported, not verified"
expect_stdout "only the library reaches"

# ---- every server at once: six silent servers with --timeout 2 ----
# the peer counts the connections open at the same time: all six, so the run
# takes about one timeout, not six; the report keeps the config's order,
# placeholder and empty slots in their places
WATCHED=$(python3 -c 'import json,sys; print(" ".join(map(str, json.load(open(sys.argv[1]))["watched"])))' "$T/tls.json")
WATCHED_MAX=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watched_max"])' "$T/tls.json")
servers=$(for p in $WATCHED; do printf '%s, ' "$(srv "$p")"; done)
cat > "$T/six.cfg" <<JSON
{"clusters": [
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-silentsixxxx",
   "servers": [${servers%, }]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-emptyslotaaa", "servers": []}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-2ab3cd4ef5g",
   "servers": [$(srv $P_HOST)]}}
]}
JSON
start=$(date +%s%N)
expect_code 255 check --config "$T/six.cfg" --timeout $((2 * CP_TIME_FACTOR))
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(cat "$WATCHED_MAX")" = 6 ] && ok || bad "the peer saw at most $(cat "$WATCHED_MAX") of 6 probes at once"
expect_stderr "check failed (7 of 8 checks)"
got=$(grep -o '^cluster-[a-z0-9]* [^ ]*' "$OUT" | tr '\n' ' ')
want="$(for p in $WATCHED; do printf 'cluster-silentsixxxx 127.0.0.1:%s ' "$p"; done)cluster-emptyslotaaa has cluster-2ab3cd4ef5g 127.0.0.1:$P_HOST "
[ "$got" = "$want" ] && ok || bad "check's order: $got, wanted $want"
echo "six silent servers with --timeout 2: ${ms} ms" >&2

# check never writes
expect_file_same "$CFG" "$T/before"
done_
