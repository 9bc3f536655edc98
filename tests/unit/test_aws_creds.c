/* SPDX-License-Identifier: Apache-2.0 */
/* test_aws_creds.c — the credentials chain over the fake HTTP operations:
 * the order of the sources, and what each provider does with a good, a
 * malformed and a refused answer (STS, container, instance metadata, the
 * IAM Identity Center portal). moto and the fault server prove the same
 * end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws_creds.h"
#include "fake_http.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

#define STS_OK                                                                 \
  "<AssumeRoleResponse><AssumeRoleResult><Credentials>"                        \
  "<AccessKeyId>ASIASTSKEY</AccessKeyId><SecretAccessKey>sts-secret"           \
  "</SecretAccessKey><SessionToken>sts-token</SessionToken></Credentials>"     \
  "</AssumeRoleResult></AssumeRoleResponse>"
#define CONTAINER_OK                                                           \
  "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"c-secret\","       \
  "\"Token\":\"c-token\",\"Expiration\":\"2026-11-23T06:00:00Z\"}"
#define SSO_OK                                                                 \
  "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":"     \
  "\"sso-secret\",\"sessionToken\":\"sso-token\",\"expiration\":"              \
  "1795395600000}}"
#define DEFAULT_KEYS                                                           \
  "[default]\naws_access_key_id = AKIAPROF\naws_secret_access_key = p\n"
/* sha1("corp"), as `aws sso login` names the cache file */
#define CORP_CACHE "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"

static char dir[64], token_path[128];
static struct aws_profiles *profiles;
static struct aws_creds out = AWS_CREDS_INIT;
static struct http_settings hs;

static const char *const vars[] = {"AWS_ACCESS_KEY_ID",
                                   "AWS_SECRET_ACCESS_KEY",
                                   "AWS_SESSION_TOKEN",
                                   "AWS_PROFILE",
                                   "AWS_WEB_IDENTITY_TOKEN_FILE",
                                   "AWS_ROLE_ARN",
                                   "AWS_ROLE_SESSION_NAME",
                                   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                   "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                   "AWS_EC2_METADATA_DISABLED",
                                   "AWS_ENDPOINT_URL",
                                   "AWS_ENDPOINT_URL_STS",
                                   "AWS_ENDPOINT_URL_SSO",
                                   "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                   "SUDO_USER"};

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int setup(void **state)
{
  char path[160];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
    unsetenv(vars[i]);
  snprintf(dir, sizeof(dir), "/tmp/cp-creds-XXXXXX");
  assert_non_null(mkdtemp(dir));
  setenv("HOME", dir, 1);
  snprintf(path, sizeof(path), "%s/.aws", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/.aws/sso", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/.aws/sso/cache", dir);
  mkdir(path, 0700);
  snprintf(token_path, sizeof(token_path), "%s/token", dir);
  write_file(token_path, "eyJ0eXAiOiJKV1QifQ.e30.\n");
  /* instance metadata: asked through the fake, never for real */
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
  return 0;
}

static int teardown(void **state)
{
  char cmd[128];
  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Loads profiles from text, scripts the fake, runs the chain. */
static enum cp_err resolve(const char *config, const char *credentials,
                           const char *profile, const struct fake_answer *a,
                           size_t n)
{
  aws_creds_release(&out);
  aws_profiles_free(profiles);
  profiles = NULL;
  assert_int_equal(aws_profiles_parse(config ? config : "",
                                      credentials ? credentials : "", &profiles,
                                      err),
                   CP_OK);
  fake_reset(a, n);
  hs = fake_settings();
  return aws_creds_resolve(profiles, profile, "us-east-1", &hs, &out, err);
}

static int reset_env(void **state)
{
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
    unsetenv(vars[i]);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  return 0;
}

/* ---- the order ----------------------------------------------------------- */

static void test_environment_first(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c", 1);
  assert_int_equal(resolve(NULL, DEFAULT_KEYS, "default", NULL, 0), CP_OK);
  assert_string_equal(out.access_key_id, "AKIAENV");
  assert_string_equal(out.source, "environment");
  assert_int_equal(fake.calls, 0);
  /* half a pair is an error, not a fall-through */
  unsetenv("AWS_SECRET_ACCESS_KEY");
  assert_int_equal(resolve(NULL, NULL, "default", NULL, 0),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "AWS_SECRET_ACCESS_KEY"));
}

static void test_profile_before_container(void **state)
{
  (void)state;
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c", 1);
  assert_int_equal(resolve(NULL, DEFAULT_KEYS, "default", NULL, 0), CP_OK);
  assert_string_equal(out.source, "profile");
  assert_int_equal(fake.calls, 0);
}

static void test_missing_named_profile(void **state)
{
  (void)state;
  assert_int_equal(resolve(NULL, NULL, "nope", NULL, 0), CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "nope"));
}

static void test_nothing_anywhere(void **state)
{
  (void)state;
  assert_int_equal(resolve(NULL, NULL, "default", NULL, 0),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text,
                         "environment, profile default, web identity, "
                         "container, instance metadata"));
  setenv("SUDO_USER", "ec2-user", 1);
  assert_int_equal(resolve(NULL, NULL, "default", NULL, 0),
                   CP_E_NO_CREDENTIALS);
  /* not "sudo -E": that hands the caller's AWS files to root */
  assert_non_null(strstr(err->text, "Under sudo root's own AWS settings count"));
  assert_null(strstr(err->text, "sudo -E"));
}

/* ---- STS ------------------------------------------------------------------
 */

static void test_web_identity_env(void **state)
{
  const struct fake_answer a[] = {{200, STS_OK, NULL, CP_OK}};
  (void)state;
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_path, 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/hsm", 1);
  assert_int_equal(resolve(NULL, NULL, "default", a, 1), CP_OK);
  assert_string_equal(out.access_key_id, "ASIASTSKEY");
  assert_string_equal(out.session_token, "sts-token");
  assert_string_equal(out.source, "web identity");
  assert_int_equal(fake.calls, 1);
  assert_string_equal(fake.url[0], "https://sts.us-east-1.amazonaws.com");
  assert_null(strstr(fake.headers[0], "Authorization:")); /* unsigned */
}

static void test_sts_retried_then_refused(void **state)
{
  const struct fake_answer busy[] = {{503, "", NULL, CP_OK},
                                     {200, STS_OK, NULL, CP_OK}};
  const struct fake_answer denied[] = {
      {403,
       "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not authorized"
       "</Message></Error></ErrorResponse>",
       NULL, CP_OK}};
  const struct fake_answer empty[] = {
      {200, "<AssumeRoleResponse/>", NULL, CP_OK}};
  const struct fake_answer silent[] = {{0, NULL, NULL, CP_E_NETWORK}};
  (void)state;
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_path, 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/hsm", 1);
  assert_int_equal(resolve(NULL, NULL, "default", busy, 2), CP_OK);
  assert_int_equal(fake.calls, 2);
  assert_int_equal(fake.nslept, 1);
  assert_int_equal(resolve(NULL, NULL, "default", denied, 1),
                   CP_E_NO_CREDENTIALS);
  assert_int_equal(fake.calls, 1); /* a refusal is not retried */
  assert_non_null(strstr(err->text, "AccessDenied: Not authorized"));
  assert_int_equal(resolve(NULL, NULL, "default", empty, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "no credentials"));
  assert_int_equal(resolve(NULL, NULL, "default", silent, 1), CP_E_NETWORK);
  assert_int_equal(fake.calls, 3);
}

static void test_assume_role_signed_by_source(void **state)
{
  const struct fake_answer a[] = {{200, STS_OK, NULL, CP_OK}};
  (void)state;
  assert_int_equal(
      resolve(
          "[profile admin]\nrole_arn = arn:aws:iam::1:role/r\n"
          "source_profile = base\n",
          "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n",
          "admin", a, 1),
      CP_OK);
  assert_string_equal(out.source, "profile assume role");
  assert_non_null(
      strstr(fake.headers[0], "Credential=AKIABASE/20261123/us-east-1/sts/"));
  /* a loop of source profiles ends */
  assert_int_equal(
      resolve(
          "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n"
          "[profile b]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n",
          NULL, "a", a, 1),
      CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 0);
}

/* ---- container ------------------------------------------------------------
 */

static void test_container(void **state)
{
  const struct fake_answer good[] = {{200, CONTAINER_OK, NULL, CP_OK}};
  const struct fake_answer bad_json[] = {
      {200, "{\"AccessKeyId\": 7}", NULL, CP_OK}};
  const struct fake_answer refused[] = {{403, "", NULL, CP_OK}};
  (void)state;
  setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer t0k", 1);
  assert_int_equal(resolve(NULL, NULL, "default", good, 1), CP_OK);
  assert_string_equal(out.access_key_id, "ASIACONTAINER");
  assert_string_equal(out.source, "container");
  assert_string_equal(fake.url[0], "http://169.254.170.2/v2/credentials/abc");
  assert_non_null(strstr(fake.headers[0], "Authorization: Bearer t0k"));
  assert_int_equal(resolve(NULL, NULL, "default", bad_json, 1),
                   CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "malformed"));
  assert_int_equal(resolve(NULL, NULL, "default", refused, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "HTTP 403"));
  /* a token that would add headers (a forged Host): refused unsent, from
   * the variable and from the token file */
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer t0k\r\nHost: evil", 1);
  assert_int_equal(resolve(NULL, NULL, "default", good, 1), CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "invalid Authorization value "
                                    "(AWS_CONTAINER_AUTHORIZATION_TOKEN)"));
  assert_int_equal(fake.calls, 0);
  write_file(token_path, "Bearer a\nHost: evil\n");
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_path, 1);
  assert_int_equal(resolve(NULL, NULL, "default", good, 1), CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 0);
  write_file(token_path, "eyJ0eXAiOiJKV1QifQ.e30.\n");
  unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer t0k", 1);
  /* credentials that would: the session token goes into a header */
  setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  setenv("AWS_SESSION_TOKEN", "tok\nX-Evil: 1", 1);
  assert_int_equal(resolve(NULL, NULL, "default", good, 1), CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "invalid credentials (from environment)"));
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  unsetenv("AWS_SESSION_TOKEN");
  /* a full URI to a host that is not loopback or an agent: refused unasked */
  unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/creds", 1);
  assert_int_equal(resolve(NULL, NULL, "default", good, 1), CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 0);
}

/* ---- instance metadata ----------------------------------------------------
 */

static void test_instance_metadata(void **state)
{
  const struct fake_answer a[] = {{200, "imds-session-token", NULL, CP_OK},
                                  {200, "hsm-instance-role\n", NULL, CP_OK},
                                  {200, CONTAINER_OK, NULL, CP_OK}};
  const struct fake_answer malformed[] = {
      {200, "hsm-instance-role\n", NULL, CP_OK},
      {200, "not json", NULL, CP_OK}};
  (void)state;
  unsetenv("AWS_EC2_METADATA_DISABLED");
  assert_int_equal(resolve(NULL, NULL, "default", a, FAKE_N(a)), CP_OK);
  assert_string_equal(out.source, "instance metadata");
  assert_string_equal(fake.method[0], "PUT");
  assert_string_equal(fake.url[0], "http://127.0.0.1:9/latest/api/token");
  assert_string_equal(fake.url[2], "http://127.0.0.1:9/latest/meta-data/iam/"
                                   "security-credentials/hsm-instance-role");
  assert_non_null(
      strstr(fake.headers[2], "X-aws-ec2-metadata-token: imds-session-token"));
  /* the session token is kept for the run: no second PUT */
  assert_int_equal(resolve(NULL, NULL, "default", malformed, 2),
                   CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 2);
  assert_string_equal(fake.method[0], "GET");
}

/* A token request refused with 403, 404 or 405: no token to be had (as
 * botocore has it), so the metadata is asked without one (IMDSv1). Another
 * endpoint than the other tests', so nothing learnt there is reused. */
static void test_instance_metadata_v1(void **state)
{
  const struct fake_answer a[] = {{403, "", NULL, CP_OK},
                                  {200, "hsm-instance-role\n", NULL, CP_OK},
                                  {200, CONTAINER_OK, NULL, CP_OK}};
  (void)state;
  unsetenv("AWS_EC2_METADATA_DISABLED");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.2:9", 1);
  assert_int_equal(resolve(NULL, NULL, "default", a, FAKE_N(a)), CP_OK);
  assert_string_equal(out.source, "instance metadata");
  assert_string_equal(fake.method[0], "PUT");
  assert_string_equal(fake.method[1], "GET");
  assert_null(strstr(fake.headers[1], "X-aws-ec2-metadata-token"));
  assert_null(strstr(fake.headers[2], "X-aws-ec2-metadata-token"));
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
}

/* A token that would add a header line is refused where it arrives: no
 * request carries it. */
static void test_instance_metadata_bad_token(void **state)
{
  const struct fake_answer a[] = {{200, "tok\r\nX-Evil: 1", NULL, CP_OK},
                                  {200, "hsm-instance-role\n", NULL, CP_OK}};
  (void)state;
  unsetenv("AWS_EC2_METADATA_DISABLED");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.3:9", 1);
  assert_int_equal(resolve(NULL, NULL, "default", a, FAKE_N(a)),
                   CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 1);
  assert_string_equal(fake.method[0], "PUT");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
}

/* ---- IAM Identity Center --------------------------------------------------
 */

#define SSO_CONFIG                                                             \
  "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n"         \
  "sso_role_name = HsmAdmin\naws_access_key_id = AKIAIGNORED\n"                \
  "aws_secret_access_key = x\n"                                                \
  "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"       \
  "sso_region = eu-west-1\n"

static void sso_cache(const char *expires)
{
  char path[200], text[256];
  snprintf(path, sizeof(path), "%s/.aws/sso/cache/" CORP_CACHE, dir);
  snprintf(text, sizeof(text),
           "{\"accessToken\": \"cached-token\", \"expiresAt\": \"%s\"}",
           expires);
  write_file(path, text);
}

static void test_sso(void **state)
{
  const struct fake_answer good[] = {{200, SSO_OK, NULL, CP_OK}};
  const struct fake_answer bad[] = {
      {200, "{\"roleCredentials\": {}}", NULL, CP_OK}};
  const struct fake_answer gone[] = {
      {401, "{\"message\":\"expired\"}", NULL, CP_OK}};
  (void)state;
  sso_cache("2026-11-23T08:00:00Z");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1), CP_OK);
  assert_string_equal(out.access_key_id, "ASIASSO"); /* before static keys */
  assert_string_equal(out.source, "IAM Identity Center");
  assert_string_equal(fake.url[0], "https://portal.sso.eu-west-1.amazonaws.com/"
                                   "federation/credentials?role_name=HsmAdmin"
                                   "&account_id=111122223333");
  assert_non_null(
      strstr(fake.headers[0], "x-amz-sso_bearer_token: cached-token"));
  /* the forms the CLI versions wrote the expiry in */
  sso_cache("2026-11-23T08:00:00UTC");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1), CP_OK);
  sso_cache("2026-11-23T08:00:00.123456+00:00");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1), CP_OK);
  /* expired (the fake clock says 2026-11-23T00:00Z): no request */
  sso_cache("2026-11-22T23:59:59Z");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "aws sso login --profile sso"));
  assert_int_equal(fake.calls, 0);
  sso_cache("tomorrow");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "expiresAt"));
  /* a cached token that would add headers: refused, nothing sent */
  {
    char path[200];
    snprintf(path, sizeof(path), "%s/.aws/sso/cache/" CORP_CACHE, dir);
    write_file(path, "{\"accessToken\": \"t\\r\\nHost: evil\", "
                     "\"expiresAt\": \"2026-11-23T08:00:00Z\"}");
    assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1),
                     CP_E_ENVIRONMENT);
    assert_non_null(strstr(err->text, "invalid x-amz-sso_bearer_token value"));
    assert_int_equal(fake.calls, 0);
  }
  /* the portal's answers */
  sso_cache("2026-11-23T08:00:00Z");
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", bad, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "malformed"));
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", gone, 1),
                   CP_E_NO_CREDENTIALS);
  assert_non_null(strstr(err->text, "aws sso login"));
  /* the endpoint override */
  setenv("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:7/portal/", 1);
  assert_int_equal(resolve(SSO_CONFIG, NULL, "sso", good, 1), CP_OK);
  assert_string_equal(fake.url[0],
                      "http://127.0.0.1:7/portal/federation/credentials"
                      "?role_name=HsmAdmin&account_id=111122223333");
}

static void test_sso_profile_checks(void **state)
{
  (void)state;
  assert_int_equal(
      resolve("[profile s]\nsso_session = nowhere\nsso_account_id = 1\n"
              "sso_role_name = r\n",
              NULL, "s", NULL, 0),
      CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "[sso-session nowhere]"));
  assert_int_equal(resolve("[profile s]\nsso_start_url = https://x/start\n"
                           "sso_region = us-east-1\nsso_account_id = 1\n",
                           NULL, "s", NULL, 0),
                   CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "sso_role_name"));
  assert_int_equal(
      resolve(
          "[profile s]\nsso_session = corp\nsso_start_url = https://other/\n"
          "sso_account_id = 1\nsso_role_name = r\n"
          "[sso-session corp]\nsso_start_url = https://corp/\n"
          "sso_region = us-east-1\n",
          NULL, "s", NULL, 0),
      CP_E_ENVIRONMENT);
  assert_non_null(strstr(err->text, "conflicting"));
  assert_int_equal(
      resolve("[profile s]\nsso_start_url = https://x/start\n"
              "sso_region = moon-1\nsso_account_id = 1\nsso_role_name = r\n",
              NULL, "s", NULL, 0),
      CP_E_ENVIRONMENT);
  assert_int_equal(fake.calls, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, reset_env)
  const struct CMUnitTest tests[] = {
      T(test_environment_first),
      T(test_profile_before_container),
      T(test_missing_named_profile),
      T(test_nothing_anywhere),
      T(test_web_identity_env),
      T(test_sts_retried_then_refused),
      T(test_assume_role_signed_by_source),
      T(test_container),
      T(test_instance_metadata),
      T(test_instance_metadata_v1),
      T(test_instance_metadata_bad_token),
      T(test_sso),
      T(test_sso_profile_checks),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  aws_creds_release(&out);
  aws_profiles_free(profiles);
  return rc;
}
