#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_client_pairs.sh — the two client certificate pairs, each under its own
# keys: the server-client pair (--server-client-*, client_cert_path /
# client_key_path) and the HSM-TLS pair (--client-*-hsm-tls-file,
# client_cert_hsm_tls_path / client_key_hsm_tls_path, the key a real
# client's error names); removed with --clear-*, never written empty; the
# HSM-TLS file's checks (a chain of at most 6,980 bytes, the key of the
# leaf, not expired) and warnings (a key others can read, an hsm1 slot).
. "$(dirname "$0")/lib.sh"
CFG=$CONFIGURE_PKCS11_CONFIG
make_ca customerCA
make_ca otherCA
make_leaf sc customerCA     # a server-client pair
make_leaf mtls customerCA   # an HSM-TLS pair
cluster() { cfg_get "d[\"clusters\"][$1][\"cluster\"]"; }
keys() { cfg_get "sorted(k for k in d[\"clusters\"][$1][\"cluster\"] if \"client\" in k)"; }

# both pairs in one run, at the top level, each under its own keys
expect_code 0 -a 10.0.1.12 --server-client-cert-file "$T/sc.crt" --server-client-key-file "$T/sc.key" \
  --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/mtls.key"
expect_cfg 'd["clusters"][0]["cluster"]["client_cert_path"], d["clusters"][0]["cluster"]["client_key_path"]' \
  "[\"$T/sc.crt\", \"$T/sc.key\"]"
expect_cfg 'd["clusters"][0]["cluster"]["client_cert_hsm_tls_path"], d["clusters"][0]["cluster"]["client_key_hsm_tls_path"]' \
  "[\"$T/mtls.crt\", \"$T/mtls.key\"]"
# the single-cluster slot is hsm1: mutual TLS with the HSMs is an hsm2m feature
expect_stderr "mutual TLS with the HSMs (the HSM-TLS pair) is an hsm2m feature"
# one pair alone leaves the other as it is
expect_code 0 --client-cert-hsm-tls-file "$T/sc.crt" --client-key-hsm-tls-file "$T/sc.key"
expect_cfg 'd["clusters"][0]["cluster"]["client_cert_path"], d["clusters"][0]["cluster"]["client_cert_hsm_tls_path"]' \
  "[\"$T/sc.crt\", \"$T/sc.crt\"]"

# --clear-*: the pair's two keys go; --dry-run shows it and writes nothing
cp "$CFG" "$T/before"
expect_code 0 --clear-client-cert-hsm-tls --dry-run
grep -q '^-  *"client_cert_hsm_tls_path"' "$OUT" && ok || bad "the dry run's diff: $(cat "$OUT")"
expect_file_same "$CFG" "$T/before"
expect_code 0 --clear-client-cert-hsm-tls
expect_cfg 'sorted(k for k in d["clusters"][0]["cluster"] if "client" in k)' '["client_cert_path", "client_key_path"]'
expect_code 0 --clear-server-client-cert --output json
expect_json 'd["action"]' '"updated"'
expect_cfg 'sorted(k for k in d["clusters"][0]["cluster"] if "client" in k)' '[]'
grep -q '""' "$CFG" && bad "an empty string was written: $(cat "$CFG")" || ok
# clearing what is not there changes nothing
expect_code 0 --clear-server-client-cert --output json
expect_json 'd["action"], d["changed"]' '["unchanged", false]'

# add-cluster takes both pairs and the clears, for its slot only
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --hsm-type hsm2m \
  --hsm-ca-cert "$T/customerCA.crt" --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/mtls.key" \
  --server-client-cert-file "$T/sc.crt" --server-client-key-file "$T/sc.key"
expect_stderr_lacks "hsm2m feature"
expect_code 0 add-cluster --cluster-id cluster-6hij7klm2no -a 10.0.2.2 --hsm-ca-cert "$T/customerCA.crt"
n=$(cfg_get 'len(d["clusters"])')
last=$((n - 1))
expect_cfg "sorted(k for k in d[\"clusters\"][$((n - 2))][\"cluster\"] if \"client\" in k)" \
  '["client_cert_hsm_tls_path", "client_cert_path", "client_key_hsm_tls_path", "client_key_path"]'
expect_cfg "sorted(k for k in d[\"clusters\"][$last][\"cluster\"] if \"client\" in k)" '[]'
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --clear-client-cert-hsm-tls --dry-run --output json
expect_json 'd["action"], d["changed"], d["dry_run"]' '["updated", true, true]'
expect_code 0 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --clear-client-cert-hsm-tls
expect_cfg "sorted(k for k in d[\"clusters\"][$((n - 2))][\"cluster\"] if \"client\" in k)" '["client_cert_path", "client_key_path"]'
# the top level on a multi-slot config names the slot, or is refused
cp "$CFG" "$T/before"
expect_code 252 --clear-server-client-cert
expect_stderr "ambiguous option (--clear-server-client-cert)"
expect_file_same "$CFG" "$T/before"

# usage: halves and contradictions are 2, nothing written
cp "$CFG" "$T/before"
# a pair kept in Secrets Manager comes back on one line: refused, naming
# the file, nothing written
cp "$CONFIGURE_PKCS11_CONFIG" "$T/before-flat"
tr '\n' ' ' < "$T/sc.crt" > "$T/flat.crt"; tr '\n' ' ' < "$T/sc.key" > "$T/flat.key"
expect_code 252 -a 10.0.1.12 --server-client-cert-file "$T/flat.crt" --server-client-key-file "$T/sc.key"
expect_stderr "client certificate has lost its line breaks ($T/flat.crt)"
expect_code 252 -a 10.0.1.12 --server-client-cert-file "$T/sc.crt" --server-client-key-file "$T/flat.key"
expect_stderr "client key has lost its line breaks ($T/flat.key)"
expect_file_same "$CONFIGURE_PKCS11_CONFIG" "$T/before-flat"
expect_code 2 --server-client-cert-file "$T/sc.crt"
expect_stderr "incomplete server-client pair (--server-client-cert-file)"
expect_stderr "Give both --server-client-cert-file and --server-client-key-file"
expect_code 2 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --client-key-hsm-tls-file "$T/mtls.key"
expect_stderr "incomplete HSM-TLS pair (--client-key-hsm-tls-file)"
expect_code 2 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --clear-client-cert-hsm-tls \
  --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/mtls.key"
expect_stderr "contradictory options (--clear-client-cert-hsm-tls and --client-cert-hsm-tls-file)"
expect_code 252 add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1 --server-client-cert-file "" \
  --server-client-key-file "$T/sc.key"
expect_stderr "empty value (--server-client-cert-file)"
expect_file_same "$CFG" "$T/before"

# the HSM-TLS file: a chain, leaf first, of at most 6,980 bytes
A="add-cluster --cluster-id cluster-2ab3cd4ef5g -a 10.0.2.1"
make_ca interCA
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Test/CN=chained" \
  -keyout "$T/chained.key" -out "$T/chained.csr" 2>/dev/null
openssl x509 -req -in "$T/chained.csr" -CA "$T/interCA.crt" -CAkey "$T/interCA.key" -CAcreateserial \
  -days 365 -out "$T/chained-leaf.crt" 2>/dev/null
cat "$T/chained-leaf.crt" "$T/interCA.crt" > "$T/chain.crt"
expect_code 0 $A --client-cert-hsm-tls-file "$T/chain.crt" --client-key-hsm-tls-file "$T/chained.key"
expect_stderr_lacks "do not each issue"
# the leaf must come first: with its CA first, the key is not the first's
cat "$T/interCA.crt" "$T/chained-leaf.crt" > "$T/backwards.crt"
expect_code 252 $A --client-cert-hsm-tls-file "$T/backwards.crt" --client-key-hsm-tls-file "$T/chained.key"
expect_stderr "client key does not match its certificate"
# a chain whose next certificate did not issue the leaf: written, warned
cat "$T/chained-leaf.crt" "$T/customerCA.crt" > "$T/wrongchain.crt"
expect_code 0 $A --client-cert-hsm-tls-file "$T/wrongchain.crt" --client-key-hsm-tls-file "$T/chained.key"
expect_stderr "the certificates after the first do not each issue the one before"
# 7,000 bytes: refused, naming the size, the file unchanged
cp "$CFG" "$T/before"
cp "$T/chain.crt" "$T/big.crt"
while [ "$(stat -c %s "$T/big.crt")" -lt 7000 ]; do cat "$T/interCA.crt" >> "$T/big.crt"; done
size=$(stat -c %s "$T/big.crt")
expect_code 252 $A --client-cert-hsm-tls-file "$T/big.crt" --client-key-hsm-tls-file "$T/chained.key" --output json
expect_json 'd["error"]["code"]' '"invalid_certificate"'
expect_code 252 $A --client-cert-hsm-tls-file "$T/big.crt" --client-key-hsm-tls-file "$T/chained.key"
expect_stderr "HSM-TLS certificate file too large ($T/big.crt): it holds $size bytes, and an HSM takes a chain of at most 6980"
expect_file_same "$CFG" "$T/before"
expect_no_temp "$CFG"
# the same file as the server-client pair has no such limit
expect_code 0 $A --server-client-cert-file "$T/big.crt" --server-client-key-file "$T/chained.key"
cp "$T/before" "$CFG"
# the key of another certificate, an expired leaf: refused
expect_code 252 $A --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/sc.key"
expect_stderr "client key does not match its certificate ($T/sc.key)"
make_dated expired -30 -1
expect_code 252 $A --client-cert-hsm-tls-file "$T/expired.crt" --client-key-hsm-tls-file "$T/expired.key"
expect_stderr "client certificate has expired ($T/expired.crt)"
expect_file_same "$CFG" "$T/before"

# a private key other users can read: written, with a warning
chmod 600 "$T/mtls.key"
expect_code 0 $A --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/mtls.key"
expect_stderr_lacks "can be read by other users"
chmod 644 "$T/mtls.key"
expect_code 0 $A --client-cert-hsm-tls-file "$T/mtls.crt" --client-key-hsm-tls-file "$T/mtls.key"
expect_stderr "private key $T/mtls.key can be read by other users: make it readable only by its owner (chmod 600 $T/mtls.key)"

# list-clusters shows both pairs; an empty path is named (the library fails)
expect_code 0 list-clusters --output json
expect_json '[c["hsm_tls_client_certificate"]["status"] for c in d["clusters"]][-2:]' '["ok", "none"]'
python3 - "$CFG" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clusters"][-1]["cluster"]["client_cert_hsm_tls_path"] = ""
d["clusters"][-1]["cluster"]["client_key_hsm_tls_path"] = ""
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
expect_code 0 list-clusters
expect_stdout "HSM-TLS client certificate: incomplete (client_cert_hsm_tls_path is empty)"
done_
