/* SPDX-License-Identifier: Apache-2.0 */
/* test_aws_target.c — where the region and the endpoint come from: the order
 * of the sources, the partition rules, FIPS and dual-stack, and the checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_target.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static char dir[64];
static char config_path[128], creds_path[128];

static const char *const vars[] = {
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDHSM_V2",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT"};

static void write_config(const char *text)
{
  FILE *f = fopen(config_path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int setup(void **state)
{
  size_t i;
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/cp-target-XXXXXX");
  assert_non_null(mkdtemp(dir));
  snprintf(config_path, sizeof(config_path), "%s/config", dir);
  snprintf(creds_path, sizeof(creds_path), "%s/credentials", dir);
  setenv("AWS_CONFIG_FILE", config_path, 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
  /* never ask a real instance metadata service */
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
    unsetenv(vars[i]);
  write_config("");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  unlink(config_path);
  unlink(creds_path);
  rmdir(dir);
  return 0;
}

/* Resolves the region with the current environment and config file. */
static enum cp_err region(const char *flag, const char *profile, char **out,
                          const char **src)
{
  struct aws_profiles *p = NULL;
  enum cp_err rc = aws_profiles_load(&p, err);
  if (rc == CP_OK)
    rc = aws_region_resolve(flag, p, aws_profile_name(profile), NULL, out, src,
                            err);
  aws_profiles_free(p);
  return rc;
}

static void expect_region(const char *flag, const char *profile,
                          const char *want, const char *want_src)
{
  char *r = NULL;
  const char *src = NULL;
  if (region(flag, profile, &r, &src) != CP_OK)
    fail_msg("region: %s", err->text);
  assert_string_equal(r, want);
  assert_string_equal(src, want_src);
  free(r);
}

static void expect_endpoint(const char *flag, const char *reg, int fips,
                            int dualstack, const char *profile,
                            const char *want, const char *want_src)
{
  struct aws_profiles *p = NULL;
  char *url = NULL;
  const char *src = NULL;
  assert_int_equal(aws_profiles_load(&p, err), CP_OK);
  if (aws_endpoint_resolve(&aws_service_cloudhsmv2, flag, reg, fips, dualstack,
                           p, aws_profile_name(profile), &url, &src,
                           err) != CP_OK)
    fail_msg("endpoint: %s", err->text);
  assert_string_equal(url, want);
  assert_string_equal(src, want_src);
  free(url);
  aws_profiles_free(p);
}

static void expect_endpoint_error(const char *flag, const char *needle)
{
  struct aws_profiles *p = NULL;
  char *url = NULL;
  const char *src = NULL;
  assert_int_equal(aws_profiles_load(&p, err), CP_OK);
  assert_int_equal(aws_endpoint_resolve(&aws_service_cloudhsmv2, flag,
                                        "us-east-1", -1, -1, p, "default", &url,
                                        &src, err),
                   CP_E_INVALID);
  assert_null(url);
  if (!strstr(err->text, needle))
    fail_msg("detail \"%s\" lacks \"%s\"", err->text, needle);
  aws_profiles_free(p);
}

static void test_region_order(void **state)
{
  (void)state;
  write_config("[default]\nregion = eu-west-1\n[profile hsm]\nregion = ap-south-1\n");
  expect_region(NULL, NULL, "eu-west-1", "profile");
  expect_region(NULL, "hsm", "ap-south-1", "profile");
  setenv("AWS_DEFAULT_REGION", "us-west-2", 1);
  expect_region(NULL, "hsm", "us-west-2", "AWS_DEFAULT_REGION");
  setenv("AWS_REGION", "eu-central-1", 1);
  expect_region(NULL, "hsm", "eu-central-1", "AWS_REGION");
  expect_region("ca-central-1", "hsm", "ca-central-1", "--region");
  unsetenv("AWS_REGION");
  unsetenv("AWS_DEFAULT_REGION");
  write_config("");
  /* no instance metadata: the default */
  expect_region(NULL, NULL, "us-east-1", "default");
}

static void test_region_invalid(void **state)
{
  char *r = NULL;
  const char *src;
  (void)state;
  assert_int_equal(region("us east 1", NULL, &r, &src), CP_E_INVALID);
  assert_non_null(strstr(err->text, "--region"));
  setenv("AWS_REGION", "US-EAST-1", 1);
  assert_int_equal(region(NULL, NULL, &r, &src), CP_E_INVALID);
  assert_non_null(strstr(err->text, "AWS_REGION"));
  unsetenv("AWS_REGION");
  write_config("[default]\nregion = us-east-1;\n");
  assert_int_equal(region(NULL, NULL, &r, &src), CP_E_INVALID);
  assert_non_null(strstr(err->text, config_path));
  assert_null(r);
  assert_int_equal(aws_region_valid("us-gov-west-1"), 1);
  assert_int_equal(aws_region_valid("us-east"), 0);
  assert_int_equal(aws_region_valid("us--east-1"), 0);
  assert_int_equal(aws_region_valid("us-east-1-"), 0);
}

static void test_partitions(void **state)
{
  (void)state;
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL,
                  "https://cloudhsmv2.us-east-1.amazonaws.com", "partition rule");
  expect_endpoint(NULL, "cn-north-1", 0, 0, NULL,
                  "https://cloudhsmv2.cn-north-1.amazonaws.com.cn", "partition rule");
  expect_endpoint(NULL, "us-gov-west-1", 1, 0, NULL,
                  "https://cloudhsmv2-fips.us-gov-west-1.amazonaws.com", "partition rule");
  expect_endpoint(NULL, "eu-west-1", 0, 1, NULL,
                  "https://cloudhsmv2.eu-west-1.api.aws", "partition rule");
  expect_endpoint(NULL, "us-east-1", 1, 1, NULL,
                  "https://cloudhsmv2-fips.us-east-1.api.aws", "partition rule");
  expect_endpoint(NULL, "cn-northwest-1", 0, 1, NULL,
                  "https://cloudhsmv2.cn-northwest-1.api.amazonwebservices.com.cn",
                  "partition rule");
  expect_endpoint(NULL, "us-iso-east-1", 0, 0, NULL,
                  "https://cloudhsmv2.us-iso-east-1.c2s.ic.gov", "partition rule");
  expect_endpoint(NULL, "us-isob-east-1", 0, 0, NULL,
                  "https://cloudhsmv2.us-isob-east-1.sc2s.sgov.gov", "partition rule");
  /* FIPS and dual-stack from the environment and from the profile */
  setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
  expect_endpoint(NULL, "us-east-2", -1, -1, NULL,
                  "https://cloudhsmv2-fips.us-east-2.amazonaws.com", "partition rule");
  unsetenv("AWS_USE_FIPS_ENDPOINT");
  write_config("[default]\nuse_dualstack_endpoint = true\n");
  expect_endpoint(NULL, "us-east-2", -1, -1, NULL,
                  "https://cloudhsmv2.us-east-2.api.aws", "partition rule");
  write_config("");
}

static void test_endpoint_order(void **state)
{
  (void)state;
  write_config("[default]\nendpoint_url = https://profile.example\nservices = s\n"
               "[services s]\ncloudhsm_v2 =\n  endpoint_url = https://section.example/\n");
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL, "https://section.example",
                  "profile services section");
  write_config("[default]\nendpoint_url = https://profile.example\n");
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL, "https://profile.example",
                  "profile endpoint_url");
  setenv("AWS_ENDPOINT_URL", "https://all.example", 1);
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL, "https://all.example",
                  "AWS_ENDPOINT_URL");
  setenv("AWS_ENDPOINT_URL_CLOUDHSM_V2", "https://vpce-1.cloudhsmv2.example", 1);
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL,
                  "https://vpce-1.cloudhsmv2.example", "AWS_ENDPOINT_URL_CLOUDHSM_V2");
  expect_endpoint("http://127.0.0.1:4566", "us-east-1", -1, -1, NULL,
                  "http://127.0.0.1:4566", "--endpoint");
  /* ignoring configured endpoints: everything but the flag */
  setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL,
                  "https://cloudhsmv2.us-east-1.amazonaws.com", "partition rule");
  expect_endpoint("https://flag.example", "us-east-1", -1, -1, NULL,
                  "https://flag.example", "--endpoint");
  unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_ENDPOINT_URL_CLOUDHSM_V2");
  write_config("[default]\nendpoint_url = https://profile.example\n"
               "ignore_configured_endpoint_urls = true\n");
  expect_endpoint(NULL, "us-east-1", -1, -1, NULL,
                  "https://cloudhsmv2.us-east-1.amazonaws.com", "partition rule");
  write_config("");
}

static void test_endpoint_checks(void **state)
{
  (void)state;
  expect_endpoint_error("ftp://x.example", "must start with https://");
  expect_endpoint_error("https://", "has no host");
  expect_endpoint_error("http://10.0.0.1:8080", "plain http is allowed only to a loopback");
  expect_endpoint_error("http://localhost.evil.example", "plain http is allowed only to a loopback");
  expect_endpoint_error("http://127.0.0.1.example.com/", "plain http is allowed only to a loopback");
  expect_endpoint_error("http://127.0.0.1@example.com/", "a user name");
  expect_endpoint("http://localhost:4566", "us-east-1", -1, -1, NULL,
                  "http://localhost:4566", "--endpoint");
  expect_endpoint("http://[::1]:4566/", "us-east-1", -1, -1, NULL,
                  "http://[::1]:4566", "--endpoint");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_region_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_region_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_partitions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_endpoint_order, setup, teardown),
      cmocka_unit_test_setup_teardown(test_endpoint_checks, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
