#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_api_tls.sh — HTTPS to the API with a private CA: verification is always
# on; --ca-bundle and AWS_CA_BUNDLE make a private CA trusted, for
# DescribeClusters and for STS alike.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
start_fault --tls --creds "$KEY:$SECRET"
export AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key
F="--cluster-id cluster-fau7tsrvrab --region us-east-1 --hsm-ca-cert $FAULT_CA"
case $FAULT in https://*) ok ;; *) bad "the fault server is not serving HTTPS: $FAULT" ;; esac

# the private CA is not trusted by default: a TLS error (255), nothing written
expect_code 255 add-cluster $F --endpoint "$FAULT/t1/ok"
expect_stderr "TLS"
[ -e "$CONFIGURE_PKCS11_CONFIG" ] && bad "a config was written after a TLS failure" || ok
# a CA bundle that does not hold the server's CA is no better
expect_code 255 add-cluster $F --endpoint "$FAULT/t2/ok" --ca-bundle "$FAULT_CA"
# --ca-bundle and AWS_CA_BUNDLE with the private CA: success
expect_code 0 add-cluster $F --endpoint "$FAULT/t3/ok" --ca-bundle "$FAULT_API_CA"
expect_stdout "added cluster-fau7tsrvrab (1 server)"
AWS_CA_BUNDLE=$FAULT_API_CA expect_code 0 add-cluster $F --endpoint "$FAULT/t4/ok" --output json
expect_json 'd["action"]' '"unchanged"'
# the static binary of the .rpm (scripts/package sets CP_STATIC_BINARY)
# reads no openssl.cnf: its OpenSSL is not the system's, whose config may
# name modules and settings it does not have
if [ "${CP_STATIC_BINARY:-0}" = 1 ]; then
  strace -f -e trace=%file -o "$T/trace" "$CP_BIN" add-cluster $F --endpoint "$FAULT/st/ok" \
    --ca-bundle "$FAULT_API_CA" >/dev/null 2>&1 && ok || bad "the static binary under strace failed"
  grep -qF "$FAULT_API_CA" "$T/trace" && ok || bad "strace saw no file opened: the trace is empty"
  if grep -E 'openssl\.cnf|/usr/lib/ssl' "$T/trace"; then bad "the static binary read OpenSSL's config"; else ok; fi
fi
# a missing bundle file is named
expect_code 252 add-cluster $F --endpoint "$FAULT/t5/ok" --ca-bundle "$T/none.pem"
expect_stderr "none.pem"
# only the bundle's first block is checked here; a bad block after it is
# left to the TLS layer, which fails the connection (255), not silently
{ cat "$FAULT_API_CA"; printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'; } >"$T/tail-bad.pem"
expect_code 255 add-cluster $F --endpoint "$FAULT/t5b/ok" --ca-bundle "$T/tail-bad.pem"
expect_stderr "TLS connection failed"
# the host name is checked: "localhost" is not in the certificate (it names 127.0.0.1)
expect_code 255 add-cluster $F --endpoint "${FAULT/127.0.0.1/localhost}/t6/ok" --ca-bundle "$FAULT_API_CA"

# The system's CA bundle, wherever the distribution keeps it: in a mount
# namespace where /etc/ssl is empty and only RHEL's path
# (/etc/pki/tls/certs/ca-bundle.crt) holds the endpoint's CA, no --ca-bundle
# is needed; without that file it is a TLS error again.
in_distro() { # in_distro CA_OR_EMPTY ARGS...: the tool in such a namespace
  local ca=$1; shift
  rm -rf "$T/ov"; mkdir -p "$T/ov/u" "$T/ov/w"
  unshare -m sh -c '
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc &&
    mount -t tmpfs none /etc/ssl && mkdir -p /etc/pki/tls/certs &&
    { [ -z "$2" ] || cp "$2" /etc/pki/tls/certs/ca-bundle.crt; } &&
    shift 2 && exec env -u AWS_CA_BUNDLE -u CURL_CA_BUNDLE -u SSL_CERT_FILE "$@"' \
    sh "$T/ov" "$ca" "$CP_BIN" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  in_distro "$FAULT_API_CA" add-cluster $F --endpoint "$FAULT/sys1/ok"
  [ "$RC" = 0 ] && ok || bad "RHEL's CA bundle path: exit $RC: $(cat "$ERR")"
  in_distro "" add-cluster $F --endpoint "$FAULT/sys2/ok"
  [ "$RC" = 255 ] && ok || bad "no CA bundle anywhere: exit $RC, wanted 255"
  expect_stderr "TLS"
else
  echo "note: no mount namespace here; the CA bundle lookup is not tested"
fi

# STS over HTTPS with the private CA: the same --ca-bundle / AWS_CA_BUNDLE
# reach it (web identity), and the keys it returns sign the call moto checks
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.\n' > "$T/wi-token"
export AWS_WEB_IDENTITY_TOKEN_FILE="$T/wi-token" AWS_ROLE_ARN="$ROLE_ARN"
M="--cluster-id cluster-2ab3cd4ef5g --region us-east-1 --hsm-ca-cert $CA --endpoint $ENDPOINT"
AWS_ENDPOINT_URL_STS="$FAULT/s1/sts" expect_code 255 add-cluster $M
expect_stderr "TLS"
AWS_ENDPOINT_URL_STS="$FAULT/s2/sts" expect_code 0 add-cluster $M --ca-bundle "$FAULT_API_CA" --debug
expect_stderr "credentials: from web identity"
[ "$(requests_to /s2/sts)" = 1 ] && ok || bad "STS over HTTPS: $(requests_to /s2/sts) requests, wanted 1"
AWS_CA_BUNDLE=$FAULT_API_CA AWS_ENDPOINT_URL_STS="$FAULT/s3/sts" expect_code 0 add-cluster $M
done_
