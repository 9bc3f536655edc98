#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_secrets.sh — no secret ever reaches the output: every run below (with
# --debug, successes and failures, every credential source) appends its
# stdout and stderr to one file, which must not contain any secret key,
# session token, signature or Authorization header.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
ALL=$T/all-output
M="--cluster-id cluster-2ab3cd4ef5g --region us-east-1 --hsm-ca-cert $CA --debug"
keep() { cat "$OUT" "$ERR" >> "$ALL"; }

# environment keys, with a session token, against the real peer
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET expect_code 0 add-cluster $M --endpoint "$ENDPOINT"; keep
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=FwoGZXIvSESSIONTOKENSECRET123 \
  expect_code 254 add-cluster $M --endpoint "$ENDPOINT" --output json; keep
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=WRONGwrongSECRETsecret0000000000 \
  expect_code 254 add-cluster $M --endpoint "$ENDPOINT" --output json; keep
# assume role: the STS answer's keys and token are secrets too
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY" "$SECRET" > "$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile admin]\nrole_arn = %s\nsource_profile = base\n' "$ROLE_ARN" > "$AWS_CONFIG_FILE"
AWS_ENDPOINT_URL=$ENDPOINT expect_code 0 add-cluster $M --profile admin; keep
# a credential_process whose output is broken but holds the secret
printf '#!/bin/sh\necho "{\\"Version\\": 1, \\"AccessKeyId\\": \\"%s\\", \\"SecretAccessKey\\": \\"%s\\"" \n' "$KEY" "$SECRET" > "$T/proc.sh"
chmod +x "$T/proc.sh"
printf '[profile proc]\ncredential_process = %s\n' "$T/proc.sh" > "$AWS_CONFIG_FILE"
expect_code 253 add-cluster $M --profile proc --endpoint "$ENDPOINT"; keep
# a failing credential_process that prints the secret on its stderr and stdout
printf '#!/bin/sh\necho "%s"; echo "%s" >&2; exit 3\n' "$SECRET" "$SECRET" > "$T/fail.sh"; chmod +x "$T/fail.sh"
printf '[profile fail]\ncredential_process = %s\n' "$T/fail.sh" > "$AWS_CONFIG_FILE"
expect_code 253 add-cluster $M --profile fail --endpoint "$ENDPOINT"; keep
# instance metadata
rm -f "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE"
AWS_EC2_METADATA_SERVICE_ENDPOINT=$ENDPOINT expect_code 0 add-cluster $M --endpoint "$ENDPOINT"; keep

# the checks
[ -s "$ALL" ] && ok || bad "no output was collected"
for secret in "$SECRET" FwoGZXIvSESSIONTOKENSECRET123 WRONGwrongSECRETsecret0000000000 \
              "Signature=" "Authorization:" "X-Amz-Security-Token:"; do
  if grep -qF -- "$secret" "$ALL"; then bad "the output holds a secret: $secret"; else ok; fi
done
# the access key id appears only redacted
if grep -qF -- "$KEY" "$ALL"; then bad "the full access key id was printed"; else ok; fi
grep -q "access key ${KEY:0:4}\*\*\*\*" "$ALL" && ok || bad "no redacted access key in the debug output"
grep -nF -B3 -- "$SECRET" "$ALL"; echo "secrets: $(wc -l < "$ALL") lines of output from 7 runs, no secret found"
done_
