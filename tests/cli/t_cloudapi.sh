#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t_cloudapi.sh — the API client against a misbehaving endpoint
# (tests/peers/fault_server.py): retries, timeouts, the size cap, clock skew,
# malformed answers; and the credential sources moto cannot serve alone
# (web identity through moto's STS, container credentials).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peer.sh"
start_peer
start_fault --creds "$KEY:$SECRET"
export AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key
CID=cluster-fau7tsrvrab
F="--cluster-id $CID --region us-east-1 --hsm-ca-cert $FAULT_CA"

# a good answer: the slot is written
expect_code 0 add-cluster $F --endpoint "$FAULT/ok1/ok"
expect_cfg '[s["hostname"] for s in d["clusters"][0]["cluster"]["servers"]]' '["10.9.0.1"]'
cp "$CONFIGURE_PKCS11_CONFIG" "$T/before"

# throttling and 5xx are retried, with backoff, up to 3 attempts
expect_code 0 add-cluster $F --endpoint "$FAULT/thr1/throttle,throttle,ok" --debug
[ "$(requests_to /thr1/throttle,throttle,ok)" = 3 ] && ok || bad "throttle,throttle,ok: $(requests_to /thr1/throttle,throttle,ok) requests"
expect_stderr "attempt 1: HTTP 400 ThrottlingException; retrying"
expect_code 254 add-cluster $F --endpoint "$FAULT/thr2/throttle"
expect_stderr "API busy (ThrottlingException, HTTP 400): Rate exceeded. Retried 3 times"
[ "$(requests_to /thr2/throttle)" = 3 ] && ok || bad "throttle: $(requests_to /thr2/throttle) requests, wanted 3"
expect_code 0 add-cluster $F --endpoint "$FAULT/e5/e500,ok"
[ "$(requests_to /e5/e500,ok)" = 2 ] && ok || bad "e500,ok: $(requests_to /e5/e500,ok) requests"
expect_code 254 add-cluster $F --endpoint "$FAULT/e6/e500"
expect_stderr "API busy (InternalFailure, HTTP 500)"
# a dropped connection is retried too
expect_code 0 add-cluster $F --endpoint "$FAULT/rst/reset,ok"
[ "$(requests_to /rst/reset,ok)" = 2 ] && ok || bad "reset,ok: $(requests_to /rst/reset,ok) requests"

# a proxy's HTML page, with an error status or with 200: 255, says so
expect_code 255 add-cluster $F --endpoint "$FAULT/h1/e503html"
expect_stderr "it sent HTML, not JSON (a proxy's page?)"
expect_code 255 add-cluster $F --endpoint "$FAULT/h2/html"
expect_stderr "it sent HTML, not JSON (a proxy's page?)"

# malformed answers: 254, named
expect_code 254 add-cluster $F --endpoint "$FAULT/g1/garbage"
expect_stderr "malformed API answer (DescribeClusters)"
expect_code 254 add-cluster $F --endpoint "$FAULT/g2/wrongtype"
expect_stderr "malformed API answer (DescribeClusters)"

# the size cap: a huge body is cut off, not buffered
expect_code 255 add-cluster $F --endpoint "$FAULT/big/huge"
expect_stderr "response too large"

# a read timeout bounds each attempt
start=$(date +%s%N)
expect_code 255 add-cluster $F --endpoint "$FAULT/slow/slow" --read-timeout 1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_stderr "request timed out"
[ "$ms" -lt $((9000 * CP_TIME_FACTOR)) ] && ok || bad "3 attempts with a 1 s timeout took ${ms} ms"

# clock skew: the server is an hour ahead; the tool signs again with its time
expect_code 0 add-cluster $F --endpoint "$FAULT/skew/skew" --debug
expect_stderr "s off the server's; signing again"
[ "$(requests_to /skew/skew)" = 2 ] && ok || bad "skew: $(requests_to /skew/skew) requests, wanted 2"

# --wait polls until the cluster can be reached: an ACTIVE HSM in a usable
# state. The first-time flow configures the client while the cluster is
# INITIALIZED (cloudhsm-cli cluster activate needs the configured client):
# the wait ends there, with a warning that says what to do next
expect_code 0 add-cluster $F --endpoint "$FAULT/w0/uninit,initialized,ok" --wait 60
[ "$(requests_to /w0/uninit,initialized,ok)" = 2 ] && ok || bad "wait: $(requests_to /w0/uninit,initialized,ok) requests, wanted 2 (INITIALIZED is usable)"
expect_stderr "waiting for $CID: it is UNINITIALIZED; next check in 1 s"
expect_stderr "warning: cluster $CID: it is INITIALIZED, not yet activated: activate it with CloudHSM CLI (cloudhsm-cli cluster activate) before using keys"
expect_code 0 add-cluster $F --endpoint "$FAULT/w1/creating,nohsm,ok" --wait 60
[ "$(requests_to /w1/creating,nohsm,ok)" = 3 ] && ok || bad "wait: $(requests_to /w1/creating,nohsm,ok) requests, wanted 3"
expect_stderr "waiting for $CID: it is CREATE_IN_PROGRESS; next check in 1 s"
expect_stderr "waiting for $CID: it has 1 HSM(s), none ACTIVE; next check in 2 s"
# without --wait the state is an error that names the fix
expect_code 254 add-cluster $F --endpoint "$FAULT/w2/creating"
expect_stderr "Run again with --wait"
expect_code 254 add-cluster $F --endpoint "$FAULT/w3/nohsm"
expect_stderr "HSM hsm-faultsrvr01 (10.9.0.1) is CREATE_IN_PROGRESS: left out of the slot"
# --wait gives up after its time, and does not wait for a deleted cluster
expect_code 254 add-cluster $F --endpoint "$FAULT/w4/nohsm" --wait 2
expect_stderr "cluster not ready after 2 s ($CID): it has 1 HSM(s), none ACTIVE. Wait longer"
expect_code 254 add-cluster $F --endpoint "$FAULT/w5/deleted" --wait 60
expect_stderr "it is DELETED"
[ "$(requests_to /w5/deleted)" = 1 ] && ok || bad "deleted: $(requests_to /w5/deleted) requests, wanted 1"

# Ctrl-C while waiting: 130, a one-line message, the file as it was
"$CP_BIN" add-cluster $F --endpoint "$FAULT/int/nohsm" --wait 60 >"$OUT" 2>"$ERR" &
pid=$!
for _ in $(seq 50); do [ "$(requests_to /int/nohsm)" -ge 1 ] && break; sleep 0.1; done
kill -INT $pid; wait $pid; RC=$?
[ "$RC" = 130 ] && ok || bad "SIGINT while waiting: exit $RC, wanted 130"
expect_stderr "configure-pkcs11: error: interrupted (signal): stopped before changing anything"
check_error_format
# and SIGTERM during a slow request (curl's transfer is cut short)
start=$(date +%s%N)
"$CP_BIN" add-cluster $F --endpoint "$FAULT/int2/slow" >"$OUT" 2>"$ERR" &
pid=$!
for _ in $(seq 50); do [ "$(requests_to /int2/slow)" -ge 1 ] && break; sleep 0.1; done
kill -TERM $pid; wait $pid; RC=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$RC" = 130 ] && ok || bad "SIGTERM during a request: exit $RC, wanted 130"
[ "$ms" -lt $((4000 * CP_TIME_FACTOR)) ] && ok || bad "SIGTERM took ${ms} ms to stop a 5 s request"

# nothing above changed the file after the first write
expect_file_same "$CONFIGURE_PKCS11_CONFIG" "$T/before"

# ---- credential sources through real peers ----
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
M="--cluster-id cluster-2ab3cd4ef5g --region us-east-1 --hsm-ca-cert $CA"

# container credentials (ECS/EKS): full URI with a token, then the same keys
# sign the call that moto checks
AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAULT/c1/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer fault-token" \
  expect_code 0 add-cluster $M --endpoint "$ENDPOINT" --debug
expect_stderr "credentials: from container"
printf 'Bearer fault-token\n' > "$T/ctoken"
AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAULT/c2/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T/ctoken" \
  expect_code 0 add-cluster $M --endpoint "$ENDPOINT"
AWS_CONTAINER_CREDENTIALS_FULL_URI="$FAULT/c3/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer wrong" \
  expect_code 253 add-cluster $M --endpoint "$ENDPOINT"
expect_stderr "container credentials refused"
AWS_CONTAINER_CREDENTIALS_FULL_URI="http://10.0.0.1/creds" \
  expect_code 253 add-cluster $M --endpoint "$ENDPOINT"
expect_stderr "AWS_CONTAINER_CREDENTIALS_FULL_URI"

# web identity from the environment: STS AssumeRoleWithWebIdentity (moto),
# then DescribeClusters signed with the role's temporary keys
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.\n' > "$T/wi-token"
AWS_WEB_IDENTITY_TOKEN_FILE="$T/wi-token" AWS_ROLE_ARN="$ROLE_ARN" AWS_ENDPOINT_URL="$ENDPOINT" \
  expect_code 0 add-cluster $M --debug
expect_stderr "credentials: from web identity (access key ASIA****)"
# and from a profile's web_identity_token_file
printf '[profile wi]\nrole_arn = %s\nweb_identity_token_file = %s\n' "$ROLE_ARN" "$T/wi-token" > "$AWS_CONFIG_FILE"
AWS_ENDPOINT_URL="$ENDPOINT" expect_code 0 add-cluster $M --profile wi --debug
expect_stderr "credentials: from"
expect_stderr "(access key ASIA****)"
rm -f "$T/wi-token"
AWS_WEB_IDENTITY_TOKEN_FILE="$T/wi-token" AWS_ROLE_ARN="$ROLE_ARN" AWS_ENDPOINT_URL="$ENDPOINT" \
  expect_code 253 add-cluster $M
expect_stderr "wi-token"

# ---- refresh-clusters --wait: asks again for the clusters not ready ----
printf '{"clusters": [{"type": "hsm2m", "cluster": {"hsm_ca_file": "%s", "cluster_id": "%s", "servers": [{"hostname": "10.9.9.9", "port": 2223, "enable": true}]}}]}\n' \
  "$FAULT_CA" "$CID" > "$T/refresh.cfg"
cp "$T/refresh.cfg" "$T/refresh.orig"
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 254 refresh-clusters --config "$T/refresh.cfg" --region us-east-1 --endpoint "$FAULT/rw0/nohsm"
expect_stdout "failed $CID: no ACTIVE HSM"
expect_file_same "$T/refresh.cfg" "$T/refresh.orig"
# a cluster with no HSM at all (deleted to save cost): the slot is kept,
# with a warning, exit 0; --wait does not wait for it
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 0 refresh-clusters --config "$T/refresh.cfg" --region us-east-1 --endpoint "$FAULT/rw2/nohsms" --wait 30 --output json
expect_json '[(c["action"], c["reason"]) for c in d["clusters"]]' '[["unchanged", "no_hsms"]]'
expect_stderr "cluster $CID has no HSM: its slot is kept as it is"
expect_file_same "$T/refresh.cfg" "$T/refresh.orig"
[ "$(requests_to /rw2/nohsms)" = 1 ] && ok || bad "refresh --wait asked $(requests_to /rw2/nohsms) times for a cluster with no HSM"
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 0 refresh-clusters --config "$T/refresh.cfg" --region us-east-1 --endpoint "$FAULT/rw3/nohsms"
expect_stdout "unchanged $CID: it has no HSM, kept as it is"
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 0 refresh-clusters --config "$T/refresh.cfg" --region us-east-1 --endpoint "$FAULT/rw1/creating,nohsm,ok" --wait 30
expect_stdout "updated $CID (1 server)"
[ "$(requests_to /rw1/creating,nohsm,ok)" = 3 ] && ok || bad "refresh --wait: $(requests_to /rw1/creating,nohsm,ok) requests, wanted 3"
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 2 refresh-clusters --config "$T/refresh.cfg" --from-describe "$T/refresh.orig" --wait 5
# still not ready when --wait ends: the row says to wait longer, not to add --wait
AWS_ACCESS_KEY_ID=AKIAFAULTTEST AWS_SECRET_ACCESS_KEY=fault-secret-key \
  expect_code 254 refresh-clusters --config "$T/refresh.cfg" --region us-east-1 --endpoint "$FAULT/rw2/creating" --wait 2
expect_stdout "Wait longer (--wait <seconds>)"
grep -q "Run again with --wait" "$OUT" "$ERR" && bad "after --wait the hint is still to add --wait" || ok

# ---- STS takes the same HTTP settings as DescribeClusters ----
# a silent STS: --read-timeout 1 bounds each try, and a timeout is retried
# like any network failure (3 tries), where STS once waited 15 s, once
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.\n' > "$T/wi-token"
WI=(AWS_WEB_IDENTITY_TOKEN_FILE="$T/wi-token" AWS_ROLE_ARN="$ROLE_ARN")
# run_env VAR=VALUE... -- ARGS...: run with extra environment
run_env() {
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done; shift
  env "${vars[@]}" "$CP_BIN" "$@" >"$OUT" 2>"$ERR"; RC=$?
}
start=$(date +%s%N)
run_env "${WI[@]}" AWS_ENDPOINT_URL_STS="$FAULT/sts1/slow" -- \
  add-cluster $M --endpoint "$ENDPOINT" --read-timeout 1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$RC" = 255 ] && ok || bad "silent STS: exit $RC, wanted 255"
check_error_format
expect_stderr "request timed out"
[ "$(requests_to /sts1/slow)" = 3 ] && ok || bad "silent STS: $(requests_to /sts1/slow) tries, wanted 3"
[ "$ms" -lt $((9000 * CP_TIME_FACTOR)) ] && ok || bad "silent STS with --read-timeout 1 took ${ms} ms"
# a 500 from STS is retried; its keys then sign the call moto checks
run_env "${WI[@]}" AWS_ENDPOINT_URL_STS="$FAULT/sts2/e500,sts" -- \
  add-cluster $M --endpoint "$ENDPOINT" --debug
[ "$RC" = 0 ] && ok || { bad "STS 500 then ok: exit $RC"; cat "$ERR" >&2; }
[ "$(requests_to /sts2/e500,sts)" = 2 ] && ok || bad "STS 500 then ok: $(requests_to /sts2/e500,sts) tries, wanted 2"
expect_stderr "credentials: from web identity"

# ---- IAM Identity Center (SSO) profiles ----
# `aws sso login` leaves a token in ~/.aws/sso/cache/<sha1>.json; the portal
# (the fault server's sso mode) trades it for role keys, which sign the call
# moto checks
export HOME="$T/home"
mkdir -p "$HOME/.aws/sso/cache"
cat > "$AWS_CONFIG_FILE" <<CFG
[profile hsm-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = HsmAdmin
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = HsmAdmin

[profile wrong-role]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = NotMine

[profile half]
sso_session = corp
sso_role_name = HsmAdmin

[profile chained]
role_arn = $ROLE_ARN
source_profile = hsm-admin
CFG
sso_cache() { # sso_cache KEY TOKEN EXPIRES: the cache file `aws sso login` writes for KEY
  local f; f="$HOME/.aws/sso/cache/$(printf '%s' "$1" | sha1sum | cut -c1-40).json"
  printf '{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' "$2" "$3" > "$f"
}
later=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
sso_cache corp sso-cached-token "$later"
sso_cache https://legacy.awsapps.com/start sso-cached-token "$later"
M2="--cluster-id cluster-2ab3cd4ef5g --hsm-ca-cert $CA"
AWS_ENDPOINT_URL_SSO="$FAULT/sso1/sso" expect_code 0 add-cluster $M2 --endpoint "$ENDPOINT" --profile hsm-admin --debug
expect_stderr "credentials: from IAM Identity Center"
[ "$(requests_to /sso1/sso)" = 1 ] && ok || bad "sso: $(requests_to /sso1/sso) portal requests, wanted 1"
# the legacy form (the token cached under the start URL's hash), from AWS_PROFILE
AWS_PROFILE=legacy AWS_ENDPOINT_URL_SSO="$FAULT/sso2/sso" expect_code 0 add-cluster $M --endpoint "$ENDPOINT" --debug
expect_stderr "credentials: from IAM Identity Center"
# a role assumed with an SSO profile's keys (source_profile)
AWS_ENDPOINT_URL_SSO="$FAULT/sso3/sso" AWS_ENDPOINT_URL="$ENDPOINT" expect_code 0 add-cluster $M2 --profile chained --debug
expect_stderr "credentials: from profile assume role"
[ "$(requests_to /sso3/sso)" = 1 ] && ok || bad "sso chained: $(requests_to /sso3/sso) portal requests, wanted 1"
# the AWS CLI reads the same cache file and asks the same portal
if AWS_ENDPOINT_URL_SSO="$FAULT/sso4/sso" AWS_ENDPOINT_URL_STS="$ENDPOINT" \
    aws sts get-caller-identity --profile hsm-admin --output text >"$T/aws.out" 2>&1; then ok
else bad "aws CLI with the same SSO cache: $(cat "$T/aws.out")"; fi
[ "$(requests_to /sso4/sso)" = 1 ] && ok || bad "aws CLI: $(requests_to /sso4/sso) portal requests, wanted 1"
# an expired token: 253 and the login command, before any portal request
sso_cache corp sso-cached-token "$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"
AWS_ENDPOINT_URL_SSO="$FAULT/sso5/sso" expect_code 253 add-cluster $M2 --endpoint "$ENDPOINT" --profile hsm-admin
expect_stderr "aws sso login --profile hsm-admin"
expect_stderr "expired"
[ "$(requests_to /sso5/sso)" = 0 ] && ok || bad "expired token: the portal was asked"
# a token the portal no longer takes: 253, log in again
sso_cache corp stale-token "$later"
AWS_ENDPOINT_URL_SSO="$FAULT/sso6/sso" expect_code 253 add-cluster $M2 --endpoint "$ENDPOINT" --profile hsm-admin
expect_stderr "aws sso login --profile hsm-admin"
# no token cached at all
rm -f "$HOME"/.aws/sso/cache/*.json
AWS_ENDPOINT_URL_SSO="$FAULT/sso7/sso" expect_code 253 add-cluster $M2 --endpoint "$ENDPOINT" --profile hsm-admin
expect_stderr "aws sso login --profile hsm-admin"
# a role the account does not give: the role is named
sso_cache corp sso-cached-token "$later"
AWS_ENDPOINT_URL_SSO="$FAULT/sso8/sso" expect_code 253 add-cluster $M2 --endpoint "$ENDPOINT" --profile wrong-role
expect_stderr "NotMine"
# an incomplete profile names the missing key
expect_code 253 add-cluster $M2 --endpoint "$ENDPOINT" --profile half
expect_stderr "sso_account_id"
done_
