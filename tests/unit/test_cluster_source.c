/* SPDX-License-Identifier: Apache-2.0 */
/* test_cluster_source.c — the --wait policy over the fake HTTP operations:
 * how often the cluster is asked, the pauses between (1 s doubling to 15 s),
 * the deadline, and the states not worth waiting for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_source.h"
#include "cp_platform.h"
#include "fake_http.h"
#include "sdk_paths.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

#define CID "cluster-2ab3cd4ef5g"
#define CLUSTER(state, hsms)                                                   \
  "{\"Clusters\":[{\"ClusterId\":\"" CID "\",\"State\":\"" state "\","         \
  "\"Certificates\":{\"ClusterCertificate\":\"PEM\"},\"Hsms\":[" hsms "]}]}"
#define HSM(state)                                                             \
  "{\"HsmId\":\"hsm-1\",\"State\":\"" state "\",\"EniIp\":\"10.0.0.9\"}"
#define CREATING                                                               \
  {                                                                            \
    200, CLUSTER("CREATE_IN_PROGRESS", ""), NULL, CP_OK                        \
  }
#define HSM_COMING                                                             \
  {                                                                            \
    200, CLUSTER("ACTIVE", HSM("CREATE_IN_PROGRESS")), NULL, CP_OK             \
  }
#define READY                                                                  \
  {                                                                            \
    200, CLUSTER("ACTIVE", HSM("ACTIVE")), NULL, CP_OK                         \
  }
#define DELETED                                                                \
  {                                                                            \
    200, CLUSTER("DELETED", ""), NULL, CP_OK                                   \
  }

static struct cluster_opts s;
static struct http_settings http;
static struct cluster_answer ans;

static enum cp_err fetch(int wait, const struct fake_answer *a, size_t n)
{
  enum cp_err rc;

  cluster_answer_release(&ans);
  cluster_opts_init(&s);
  s.cluster_id = CID;
  s.region = "us-east-1";
  s.endpoint = "https://cloudhsmv2.us-east-1.amazonaws.com";
  s.wait = wait;
  rc = cluster_opts_check(&s, &http, err);
  assert_int_equal(rc, CP_OK);
  fake_reset(a, n);
  http.ops = &fake_ops;
  return cluster_source_fetch(&s, &http, &ans, err);
}

static int setup(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_CA_BUNDLE");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  cluster_answer_release(&ans);
  return 0;
}

static void test_no_wait_refuses_at_once(void **state)
{
  const struct fake_answer a[] = {CREATING};
  (void)state;
  assert_int_equal(fetch(-1, a, 1), CP_E_CLUSTER_STATE);
  assert_int_equal(fake.calls, 1);
  assert_int_equal(fake.nslept, 0);
}

static void test_waits_with_doubling_pauses(void **state)
{
  const struct fake_answer a[] = {CREATING, HSM_COMING, READY};
  (void)state;
  assert_int_equal(fetch(600, a, FAKE_N(a)), CP_OK);
  assert_int_equal(fake.calls, 3);
  assert_int_equal(fake.nslept, 2);
  assert_int_equal(fake.slept[0], 1000);
  assert_int_equal(fake.slept[1], 2000);
  {
    struct slot_plan p = SLOT_PLAN_INIT;
    slot_plan_servers(&p, &ans, NULL, NULL, -1);
    assert_int_equal(p.nservers, 1);
    assert_string_equal(p.servers[0].hostname, "10.0.0.9");
    slot_plan_release(&p);
  }
}

static void test_pauses_capped_and_deadline_kept(void **state)
{
  const struct fake_answer a[] = {CREATING};
  size_t i;
  long total = 0;
  (void)state;
  assert_int_equal(fetch(100, a, 1), CP_E_CLUSTER_STATE);
  assert_non_null(strstr(err->text, "not ready after 100 s"));
  for (i = 0; i < fake.nslept; i++) {
    assert_true(fake.slept[i] <= 15000);
    total += fake.slept[i];
  }
  assert_int_equal(fake.slept[4], 15000);
  assert_int_equal(total, 100000); /* the last pause ends at the deadline */
  assert_int_equal(fake.calls, fake.nslept + 1); /* and a last look there */
}

/* --wait 10: pauses of 1, 2, 4 s, then 3 s (not 8) to the deadline and a
 * last look at 10 s; the message says the time really waited. */
static void test_short_wait_looks_at_the_deadline(void **state)
{
  const struct fake_answer a[] = {CREATING};
  (void)state;
  assert_int_equal(fetch(10, a, 1), CP_E_CLUSTER_STATE);
  assert_int_equal(fake.nslept, 4);
  assert_int_equal(fake.slept[3], 3000);
  assert_int_equal(fake.calls, 5); /* at 0, 1, 3, 7 and 10 s */
  assert_non_null(strstr(err->text, "not ready after 10 s"));
}

static void test_hopeless_state_not_waited_for(void **state)
{
  const struct fake_answer a[] = {DELETED};
  (void)state;
  assert_int_equal(fetch(600, a, 1), CP_E_CLUSTER_STATE);
  assert_int_equal(fake.calls, 1);
  assert_int_equal(fake.nslept, 0);
}

/* The one CA rule: --hsm-ca-cert, the slot's file, the default; with
 * CA_IF_PRESENT what is not there is passed over. */
static void expect_ca(const struct cfg_model *m, int slot, const char *given,
                      unsigned how, const char *want)
{
  char *got = cluster_ca_for_slot(m, slot, given, how);
  if (want)
    assert_string_equal(got, want);
  else
    assert_null(got);
  free(got);
}

static void test_ca_rule(void **state)
{
  const char *text = "{\"clusters\": [{\"type\": \"hsm1\", \"cluster\": "
                     "{\"hsm_ca_file\": \"" TEST_DATA_DIR "\"}}]}";
  const char *gone = "/nonexistent/customerCA.crt";
  struct cfg_model m = CFG_MODEL_INIT;
  struct cp_errbuf perr = CP_ERRBUF_INIT;
  (void)state;

  assert_int_equal(cfg_model_parse(&m, text, strlen(text), "x", &perr), CP_OK);
  expect_ca(&m, 0, "/given.crt", CA_DEFAULT | CA_IF_PRESENT, "/given.crt");
  expect_ca(&m, 0, NULL, CA_DEFAULT, TEST_DATA_DIR);
  expect_ca(&m, 0, NULL, CA_IF_PRESENT, TEST_DATA_DIR);
  expect_ca(&m, -1, NULL, CA_DEFAULT, sdk_ca_path());
  expect_ca(&m, -1, NULL, 0, NULL);
  cfg_model_set_cluster_string(&m, 0, "hsm_ca_file", gone);
  expect_ca(&m, 0, NULL, CA_DEFAULT, gone);
  /* the slot's file is gone: lenient commands check nothing (no default
   * here on a test machine), and refresh never takes the default */
  if (!plat_file_exists(sdk_ca_path()))
    expect_ca(&m, 0, NULL, CA_DEFAULT | CA_IF_PRESENT, NULL);
  expect_ca(&m, 0, NULL, CA_IF_PRESENT, NULL);
  cfg_model_release(&m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_wait_refuses_at_once),
      cmocka_unit_test(test_waits_with_doubling_pauses),
      cmocka_unit_test(test_pauses_capped_and_deadline_kept),
      cmocka_unit_test(test_short_wait_looks_at_the_deadline),
      cmocka_unit_test(test_hopeless_state_not_waited_for),
      cmocka_unit_test(test_ca_rule),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
