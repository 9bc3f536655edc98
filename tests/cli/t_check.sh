#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_check.sh — `check` against TLS listeners on loopback: one with a
# certificate the slot's CA signed, one signed by another CA, one requiring a
# client certificate, a closed port and a port that never answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_tls_servers
CFG=$CONFIGURE_PKCS11_CONFIG
srv() { printf '{"hostname": "127.0.0.1", "port": %s, "enable": true}' "$1"; }
cat > "$CFG" <<JSON
{"clusters": [
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-2ab3cd4ef5g",
   "servers": [$(srv $P_GOOD), $(srv $P_OTHER), $(srv $P_CLOSED)]}},
 {"type": "hsm2m", "cluster": {"client_cert_path": "$CLIENT_CERT", "client_key_path": "$CLIENT_KEY",
   "hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-6hij7klm2no", "servers": [$(srv $P_MTLS)]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-mtlsnoclient",
   "servers": [$(srv $P_MTLS)]}},
 {"type": "hsm2m", "cluster": {"hsm_ca_file": "$HSM_CA", "cluster_id": "cluster-silentsrvrs",
   "servers": [$(srv $P_SILENT), {"hostname": "127.0.0.1", "port": $P_GOOD, "enable": false}]}}
]}
JSON
cp "$CFG" "$T/before"

# a slot whose server has a certificate the CA signed, with the client pair
expect_code 0 check --cluster-id cluster-6hij7klm2no
expect_stdout "cluster-6hij7klm2no 127.0.0.1:$P_MTLS ok TLSv1."
# one good, one signed by another CA, one closed: 255, one line per server
expect_code 255 check --cluster-id cluster-2ab3cd4ef5g
expect_stdout "cluster-2ab3cd4ef5g 127.0.0.1:$P_GOOD ok TLSv1."
expect_stdout "cluster-2ab3cd4ef5g 127.0.0.1:$P_OTHER certificate not signed by $HSM_CA"
expect_stdout "cluster-2ab3cd4ef5g 127.0.0.1:$P_CLOSED refused"
expect_stderr "check failed (2 of 3 servers): first 127.0.0.1:$P_OTHER certificate not signed by the CA"
# the server wants a client certificate the slot does not have
expect_code 255 check --cluster-id cluster-mtlsnoclient
expect_stdout "cluster-mtlsnoclient 127.0.0.1:$P_MTLS TLS handshake failed"
# a server that never answers: the timeout bounds it; a disabled one is skipped
start=$(date +%s%N)
expect_code 255 check --cluster-id cluster-silentsrvrs --timeout 1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_stdout "cluster-silentsrvrs 127.0.0.1:$P_SILENT timed out"
expect_stdout "127.0.0.1:$P_GOOD disabled (enable: false), skipped"
[ "$ms" -lt $((3000 * CP_TIME_FACTOR)) ] && ok || bad "a 1 s timeout took ${ms} ms"
# every slot, in JSON: a row per server and the error object with it (the
# probes run at once: under valgrind, which runs one thread at a time, a
# handshake needs the longer timeout)
expect_code 255 check --timeout "$CP_TIME_FACTOR" --output json
expect_json '[r["status"] for r in d["servers"]]' '["ok", "not trusted", "refused", "ok", "TLS handshake failed", "timed out", "disabled"]'
expect_json 'd["passed"], d["failed"], d["error"]["exit_status"]' '[2, 4, 255]'
# a CA file that is not there: the slot's servers are not checked, and say why
sed "s#$HSM_CA#$T/missing-ca.crt#" "$T/before" > "$T/missing.cfg"
expect_code 255 check --config "$T/missing.cfg" --cluster-id cluster-6hij7klm2no
expect_stdout "not checked: "
expect_stdout "missing-ca.crt"
# not configured, invalid id, no slot
expect_code 252 check --cluster-id cluster-zzzzzzzzzzzz
expect_stderr "cluster not configured (cluster-zzzzzzzzzzzz)"
expect_code 252 check --cluster-id nope
printf '{"clusters": []}' > "$T/empty.cfg"
expect_code 253 check --config "$T/empty.cfg"
expect_stderr "nothing to check"
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
   "servers": [$(srv $P_GOOD)]}}
]}
JSON
start=$(date +%s%N)
expect_code 255 check --config "$T/six.cfg" --timeout $((2 * CP_TIME_FACTOR))
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(cat "$WATCHED_MAX")" = 6 ] && ok || bad "the peer saw at most $(cat "$WATCHED_MAX") of 6 probes at once"
expect_stderr "check failed (7 of 8 servers)"
got=$(grep -o '^cluster-[a-z0-9]* [^ ]*' "$OUT" | tr '\n' ' ')
want="$(for p in $WATCHED; do printf 'cluster-silentsixxxx 127.0.0.1:%s ' "$p"; done)cluster-emptyslotaaa has cluster-2ab3cd4ef5g 127.0.0.1:$P_GOOD "
[ "$got" = "$want" ] && ok || bad "check's order: $got, wanted $want"
echo "six silent servers with --timeout 2: ${ms} ms" >&2

# check never writes
expect_file_same "$CFG" "$T/before"
done_
