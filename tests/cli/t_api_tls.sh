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
# a missing bundle file is named
expect_code 252 add-cluster $F --endpoint "$FAULT/t5/ok" --ca-bundle "$T/none.pem"
expect_stderr "none.pem"
# the host name is checked: "localhost" is not in the certificate (it names 127.0.0.1)
expect_code 255 add-cluster $F --endpoint "${FAULT/127.0.0.1/localhost}/t6/ok" --ca-bundle "$FAULT_API_CA"

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
