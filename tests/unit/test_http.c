/* SPDX-License-Identifier: Apache-2.0 */
/* test_http.c — the retry policy every API call shares: which failures are
 * retried, how many tries, the bounds of the pauses; and the helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fake_http.h"
#include "http.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static void test_retryable_answers(void **state)
{
  (void)state;
  assert_true(http_retryable_answer(500, ""));
  assert_true(http_retryable_answer(503, NULL));
  assert_true(http_retryable_answer(429, ""));
  assert_true(http_retryable_answer(400, "ThrottlingException"));
  assert_true(http_retryable_answer(400, "Throttling"));
  assert_true(http_retryable_answer(400, "RequestLimitExceeded"));
  assert_true(http_retryable_answer(400, "TooManyRequestsException"));
  assert_false(http_retryable_answer(400, "AccessDeniedException"));
  assert_false(http_retryable_answer(400, "CloudHsmResourceNotFoundException"));
  assert_false(http_retryable_answer(403, ""));
  assert_false(http_retryable_answer(200, NULL));
  /* a code that merely contains the word is not throttling */
  assert_false(http_retryable_answer(400, "NotThrottlingAtAll"));
}

static void test_retryable_failures(void **state)
{
  (void)state;
  assert_true(http_retryable_failure(CP_E_NETWORK));
  assert_false(http_retryable_failure(CP_E_TLS));
  assert_false(http_retryable_failure(CP_E_INTERRUPTED));
  assert_false(http_retryable_failure(CP_E_INTERNAL));
  assert_false(http_retryable_failure(CP_OK));
}

static void test_attempts(void **state)
{
  struct http_settings hs = fake_settings();
  (void)state;
  assert_int_equal(http_retry_attempts(NULL), 3);
  assert_int_equal(http_retry_attempts(&hs), 3);
  hs.max_attempts = 5;
  assert_int_equal(http_retry_attempts(&hs), 5);
  hs.max_attempts = -1;
  assert_int_equal(http_retry_attempts(&hs), 3);
}

/* Full jitter: [0, min(2 s, 100 ms * 2^attempt)). */
static void test_delay_bounds(void **state)
{
  static const long cap[] = {0, 200, 400, 800, 1600, 2000, 2000, 2000};
  struct http_settings hs = fake_settings();
  int a;
  (void)state;
  fake_reset(NULL, 0);
  for (a = 1; a < 8; a++) {
    fake.random = 0xffffffffu;
    assert_true(http_retry_delay_ms(&hs, a) < cap[a]);
    fake.random = (uint32_t)cap[a] - 1;
    assert_int_equal(http_retry_delay_ms(&hs, a), cap[a] - 1);
    fake.random = (uint32_t)cap[a];
    assert_int_equal(http_retry_delay_ms(&hs, a), 0);
  }
  /* no overflow however many tries */
  fake.random = 1999;
  assert_int_equal(http_retry_delay_ms(&hs, 1000), 1999);
}

static void test_pause_sleeps_through_ops(void **state)
{
  struct http_settings hs = fake_settings();
  (void)state;
  fake_reset(NULL, 0);
  fake.random = 150;
  assert_int_equal(http_retry_pause(&hs, 1, err), CP_OK);
  assert_int_equal(fake.nslept, 1);
  assert_int_equal(fake.slept[0], 150);
  assert_int_equal(http_clock_ms(&hs), 150);
}

static void expect_url(const char *url, int ok_, const char *host, int plain,
                       int loopback)
{
  struct http_url u;
  int rc = http_url_parse(url, &u);
  if (rc != (ok_ ? 0 : -1))
    fail_msg("%s: parse %d, wanted %s", url, rc, ok_ ? "ok" : "refused");
  if (!ok_)
    return;
  assert_string_equal(u.host, host);
  assert_int_equal(u.plain_http, plain);
  assert_int_equal(u.loopback, loopback);
}

/* The host is the one a request would go to, as libcurl reads it. */
static void test_url_parse(void **state)
{
  (void)state;
  expect_url("https://a.example:443/x", 1, "a.example", 0, 0);
  expect_url("http://[fd00:ec2::23]/creds", 1, "fd00:ec2::23", 1, 0);
  expect_url("http://127.0.0.1:4566", 1, "127.0.0.1", 1, 1);
  expect_url("http://127.9.9.9/", 1, "127.9.9.9", 1, 1);
  expect_url("http://LOCALHOST:1", 1, "LOCALHOST", 1, 1);
  expect_url("http://[::1]:4566/", 1, "::1", 1, 1);
  expect_url("http://[::ffff:127.0.0.1]/", 1, "::ffff:127.0.0.1", 1, 1);
  /* the text of a loopback address is not a loopback host */
  expect_url("http://127.0.0.1.example.com/", 1, "127.0.0.1.example.com", 1, 0);
  expect_url("http://localhost.example.com/", 1, "localhost.example.com", 1, 0);
  expect_url("http://[::2]/", 1, "::2", 1, 0);
  /* user info would hide the real host: refused outright */
  expect_url("http://127.0.0.1@example.com/", 0, NULL, 0, 0);
  expect_url("http://user:pw@127.0.0.1/", 0, NULL, 0, 0);
  expect_url("file:///etc/passwd", 0, NULL, 0, 0);
  expect_url("ftp://x.example", 0, NULL, 0, 0);
  expect_url("https://", 0, NULL, 0, 0);
  expect_url("https://a.example/x y", 0, NULL, 0, 0);
  expect_url("https://a.example/x\ny", 0, NULL, 0, 0);
}

static void test_url_host(void **state)
{
  char h[64];
  (void)state;
  assert_string_equal(http_url_host("https://a.example:8443/x?y", h, sizeof(h)),
                      "a.example:8443");
  assert_string_equal(http_url_host("http://[::1]:9/", h, sizeof(h)),
                      "[::1]:9");
  assert_string_equal(http_url_host("https://a.example/", h, sizeof(h)),
                      "a.example");
  /* what libcurl would not send to is not given a host */
  assert_string_equal(http_url_host("no-scheme/path", h, sizeof(h)), "?");
}

static void test_date_parse(void **state)
{
  (void)state;
  assert_int_equal(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  assert_int_equal(http_date_parse("not a date"), -1);
  assert_int_equal(http_date_parse(""), -1);
  assert_int_equal(http_date_parse(NULL), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_retryable_answers),
      cmocka_unit_test(test_retryable_failures),
      cmocka_unit_test(test_attempts),
      cmocka_unit_test(test_delay_bounds),
      cmocka_unit_test(test_pause_sleeps_through_ops),
      cmocka_unit_test(test_url_parse),
      cmocka_unit_test(test_url_host),
      cmocka_unit_test(test_date_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
