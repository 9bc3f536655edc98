/* SPDX-License-Identifier: Apache-2.0 */
/* test_cloudhsm.c — DescribeClusters over the fake HTTP operations: how
 * many tries each failure gets and the pauses between them, clock-skew
 * correction, the error each kind of answer maps to (JSON, XML, HTML),
 * pagination. moto and the fault server prove the same end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudhsm.h"
#include "fake_http.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

#define CID "cluster-2ab3cd4ef5g"
#define OK_BODY                                                                \
  "{\"Clusters\":[{\"ClusterId\":\"" CID "\",\"State\":\"ACTIVE\","            \
  "\"Hsms\":[{\"HsmId\":\"hsm-1\",\"State\":\"ACTIVE\",\"EniIp\":\"10.0.0."    \
  "9\"}]}]}"
#define THROTTLE                                                               \
  {                                                                            \
    400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", \
        NULL, CP_OK                                                            \
  }
#define OK                                                                     \
  {                                                                            \
    200, OK_BODY, NULL, CP_OK                                                  \
  }

static char key_id[] = "AKIDEXAMPLE";
static char secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static struct aws_creds creds = {key_id, secret, NULL, "test"};
static struct http_settings hs;
static struct aws_client client;
static struct cluster_info ci;

/* DescribeClusters with the answers a[0..n), max_attempts tries (0: the
 * default). */
static enum cp_err describe_tries(int max_attempts, const struct fake_answer *a,
                                  size_t n)
{
  fake_reset(a, n);
  hs = fake_settings();
  hs.max_attempts = max_attempts;
  memset(&client, 0, sizeof(client));
  client.endpoint = "https://cloudhsmv2.us-east-1.amazonaws.com";
  client.region = "us-east-1";
  client.creds = &creds;
  client.http = &hs;
  cluster_info_release(&ci);
  return cloudhsm_describe_cluster(&client, CID, &ci, err);
}

static enum cp_err describe(const struct fake_answer *a, size_t n)
{
  return describe_tries(0, a, n);
}

/* A copy owns all its strings: the original released, the copy reads the
 * same (ASan and valgrind catch a shared pointer). */
static void test_cluster_info_copy(void **state)
{
  struct cluster_info orig, copy;
  int found = 0;
  char *next = NULL;
  (void)state;

  memset(&orig, 0, sizeof(orig));
  assert_int_equal(cloudhsm_parse_describe(OK_BODY, strlen(OK_BODY), CID, &orig,
                                           &found, &next, err),
                   CP_OK);
  assert_true(found);
  cluster_info_copy(&copy, &orig);
  cluster_info_release(&orig);
  assert_string_equal(copy.cluster_id, CID);
  assert_string_equal(copy.state, "ACTIVE");
  assert_null(copy.cluster_certificate);
  assert_int_equal(copy.nhsms, 1);
  assert_string_equal(copy.hsms[0].eni_ip, "10.0.0.9");
  assert_null(copy.hsms[0].eni_ip_v6);
  cluster_info_release(&copy);
  free(next);
}

static void test_ok_first_try(void **state)
{
  const struct fake_answer a[] = {OK};
  (void)state;
  assert_int_equal(describe(a, 1), CP_OK);
  assert_int_equal(fake.calls, 1);
  assert_int_equal(fake.nslept, 0);
  assert_string_equal(ci.hsms[0].eni_ip, "10.0.0.9");
  assert_string_equal(fake.method[0], "POST");
  assert_non_null(strstr(fake.headers[0],
                         "X-Amz-Target: BaldrApiService.DescribeClusters"));
  assert_non_null(strstr(fake.headers[0], "X-Amz-Date: 20261123T000000Z"));
  assert_non_null(strstr(fake.headers[0], "/us-east-1/cloudhsm/aws4_request"));
}

static void test_throttling_retried_with_backoff(void **state)
{
  const struct fake_answer a[] = {THROTTLE, THROTTLE, OK};
  (void)state;
  assert_int_equal(describe(a, FAKE_N(a)), CP_OK);
  assert_int_equal(fake.calls, 3);
  assert_int_equal(fake.nslept, 2);
  assert_true(fake.slept[0] < 200); /* full jitter after try 1 */
  assert_true(fake.slept[1] < 400); /* after try 2 */
}

static void test_throttling_gives_up_after_three(void **state)
{
  const struct fake_answer a[] = {THROTTLE};
  (void)state;
  assert_int_equal(describe(a, 1), CP_E_API_THROTTLED);
  assert_int_equal(fake.calls, 3);
  assert_int_equal(fake.nslept, 2);
  assert_non_null(strstr(err->text, "ThrottlingException"));
}

static void test_max_attempts_setting(void **state)
{
  const struct fake_answer a[] = {
      {500, "{\"__type\":\"InternalFailure\"}", NULL, CP_OK}};
  (void)state;
  assert_int_equal(describe_tries(5, a, 1), CP_E_API_THROTTLED);
  assert_int_equal(fake.calls, 5);
}

static void test_network_errors_retried_tls_not(void **state)
{
  const struct fake_answer net[] = {{0, NULL, NULL, CP_E_NETWORK}, OK};
  const struct fake_answer tls[] = {{0, NULL, NULL, CP_E_TLS}, OK};
  const struct fake_answer down[] = {{0, NULL, NULL, CP_E_NETWORK}};
  (void)state;
  assert_int_equal(describe(net, FAKE_N(net)), CP_OK);
  assert_int_equal(fake.calls, 2);
  assert_int_equal(describe(tls, FAKE_N(tls)), CP_E_TLS);
  assert_int_equal(fake.calls, 1);
  assert_int_equal(describe(down, 1), CP_E_NETWORK);
  assert_int_equal(fake.calls, 3);
}

/* The server's clock is an hour ahead: the refused signature is made again
 * with its time, once, and that does not count as a retry. */
static void test_clock_skew_corrected_once(void **state)
{
  const struct fake_answer a[] = {{400,
                                   "{\"__type\":\"InvalidSignatureException\","
                                   "\"message\":\"Signature expired\"}",
                                   "Mon, 23 Nov 2026 01:00:00 GMT", CP_OK},
                                  OK};
  const struct fake_answer always[] = {
      {400,
       "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature "
       "expired\"}",
       "Mon, 23 Nov 2026 01:00:00 GMT", CP_OK}};
  (void)state;
  assert_int_equal(describe(a, FAKE_N(a)), CP_OK);
  assert_int_equal(fake.calls, 2);
  assert_int_equal(fake.nslept, 0);
  assert_int_equal(client.skew_seconds, 3600);
  assert_non_null(strstr(fake.headers[0], "X-Amz-Date: 20261123T000000Z"));
  assert_non_null(strstr(fake.headers[1], "X-Amz-Date: 20261123T010000Z"));
  /* a signature refused again is an access error, not a loop */
  assert_int_equal(describe(always, 1), CP_E_API_ACCESS);
  assert_int_equal(fake.calls, 2);
}

static void test_small_skew_not_resigned(void **state)
{
  const struct fake_answer a[] = {
      {400, "{\"__type\":\"InvalidSignatureException\",\"message\":\"bad\"}",
       "Mon, 23 Nov 2026 00:01:00 GMT", CP_OK}};
  (void)state;
  assert_int_equal(describe(a, 1), CP_E_API_ACCESS);
  assert_int_equal(fake.calls, 1);
}

static void test_error_mapping(void **state)
{
  static const struct {
    struct fake_answer a;
    enum cp_err want;
    const char *in_detail;
  } cases[] = {
      {{400,
        "{\"__type\":\"CloudHsmAccessDeniedException\",\"message\":\"no\"}",
        NULL, CP_OK},
       CP_E_API_ACCESS,
       "cloudhsm:DescribeClusters"},
      {{400,
        "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
        "\"Message\":\"x\"}",
        NULL, CP_OK},
       CP_E_API_ACCESS,
       "cloudhsm:DescribeClusters"},
      {{400, "{\"__type\":\"UnrecognizedClientException\"}", NULL, CP_OK},
       CP_E_API_ACCESS,
       "credentials rejected"},
      {{403,
        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>sig</"
        "Message></Error></ErrorResponse>",
        NULL, CP_OK},
       CP_E_API_ACCESS,
       "SignatureDoesNotMatch"},
      {{400,
        "{\"__type\":\"CloudHsmResourceNotFoundException\",\"message\":"
        "\"gone\"}",
        NULL, CP_OK},
       CP_E_API_NOT_FOUND,
       "us-east-1"},
      {{400, "{\"__type\":\"ValidationException\",\"message\":\"bad filter\"}",
        NULL, CP_OK},
       CP_E_API,
       "bad filter"},
      {{503, "<html><body>503 Service Unavailable</body></html>", NULL, CP_OK},
       CP_E_NETWORK,
       "HTML"},
      {{407, "<!DOCTYPE html><html>proxy login</html>", NULL, CP_OK},
       CP_E_NETWORK,
       "HTML"},
      {{200, "<!DOCTYPE html><html>captive portal</html>", NULL, CP_OK},
       CP_E_NETWORK,
       "HTML"},
      {{404, "", NULL, CP_OK}, CP_E_NETWORK, "not the CloudHSMv2 API"},
      {{200, "{\"Clusters\": {}}", NULL, CP_OK}, CP_E_API, "not a list"},
      {{200, "{\"Clusters\": []}", NULL, CP_OK},
       CP_E_API_NOT_FOUND,
       "no such cluster"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    enum cp_err rc = describe(&cases[i].a, 1);
    if (rc != cases[i].want || !strstr(err->text, cases[i].in_detail))
      fail_msg("case %zu: %s (%s), wanted %s with \"%s\"", i, cp_err_name(rc),
               err->text, cp_err_name(cases[i].want), cases[i].in_detail);
  }
}

static void test_pages_followed(void **state)
{
  const struct fake_answer a[] = {{200,
                                   "{\"Clusters\":[{\"ClusterId\":\"cluster-"
                                   "other000000\"}],\"NextToken\":\"p2\"}",
                                   NULL, CP_OK},
                                  OK};
  const struct fake_answer endless[] = {
      {200, "{\"Clusters\":[],\"NextToken\":\"again\"}", NULL, CP_OK}};
  (void)state;
  assert_int_equal(describe(a, FAKE_N(a)), CP_OK);
  assert_int_equal(fake.calls, 2);
  assert_string_equal(ci.cluster_id, CID);
  /* the same NextToken again is an API fault of its own, not "not found" */
  assert_int_equal(describe(endless, 1), CP_E_API);
  assert_non_null(strstr(err->text, "pagination did not end"));
  assert_non_null(strstr(err->text, "sent the same NextToken again"));
  assert_int_equal(fake.calls, 2);
}

/* A NextToken that changes and never ends: bounded, and said so. */
static void test_pages_endless(void **state)
{
  static struct fake_answer pages[100];
  static char bodies[100][64];
  size_t i;
  (void)state;

  for (i = 0; i < 100; i++) {
    snprintf(bodies[i], sizeof(bodies[i]),
             "{\"Clusters\":[],\"NextToken\":\"t%zu\"}", i);
    pages[i] = (struct fake_answer){200, bodies[i], NULL, CP_OK};
  }
  assert_int_equal(describe(pages, 100), CP_E_API);
  assert_non_null(strstr(err->text, "after 100 pages the API still sent a "
                                    "NextToken"));
  assert_int_equal(fake.calls, 100);
}

static int teardown(void **state)
{
  (void)state;
  cluster_info_release(&ci);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cluster_info_copy),
      cmocka_unit_test_teardown(test_ok_first_try, teardown),
      cmocka_unit_test_teardown(test_throttling_retried_with_backoff, teardown),
      cmocka_unit_test_teardown(test_throttling_gives_up_after_three, teardown),
      cmocka_unit_test_teardown(test_max_attempts_setting, teardown),
      cmocka_unit_test_teardown(test_network_errors_retried_tls_not, teardown),
      cmocka_unit_test_teardown(test_clock_skew_corrected_once, teardown),
      cmocka_unit_test_teardown(test_small_skew_not_resigned, teardown),
      cmocka_unit_test_teardown(test_error_mapping, teardown),
      cmocka_unit_test_teardown(test_pages_followed, teardown),
      cmocka_unit_test_teardown(test_pages_endless, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
