/* SPDX-License-Identifier: Apache-2.0 */
/* test_addr.c — server addresses for -a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "addr.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static void ok(const char *text, const char *host, int port, int family)
{
  struct addr a;
  if (addr_parse(text, "-a", &a, err) != CP_OK)
    fail_msg("%s: %s", text, err->text);
  assert_string_equal(a.host, host);
  assert_int_equal(a.port, port);
  assert_int_equal(a.family, family);
}

static void bad(const char *text, const char *needle)
{
  struct addr a;
  assert_int_equal(addr_parse(text, "-a", &a, err), CP_E_INVALID);
  if (!strstr(err->text, needle))
    fail_msg("%s: detail \"%s\" lacks \"%s\"", text, err->text, needle);
  assert_non_null(strstr(err->text, "-a"));
}

static void test_good(void **state)
{
  (void)state;
  ok("10.0.1.12", "10.0.1.12", 2223, 4);
  ok("10.0.1.12:2224", "10.0.1.12", 2224, 4);
  ok("fd00:ec2::23", "fd00:ec2::23", 2223, 6);
  ok("[fd00:ec2::23]", "fd00:ec2::23", 2223, 6);
  ok("[fd00:ec2::23]:9000", "fd00:ec2::23", 9000, 6);
  ok("::1", "::1", 2223, 6);
  ok("hsm-proxy.internal", "hsm-proxy.internal", 2223, 0);
  ok("nlb-1.elb.us-east-1.amazonaws.com:2223",
     "nlb-1.elb.us-east-1.amazonaws.com", 2223, 0);
}

static void test_bad(void **state)
{
  (void)state;
  bad("", "empty");
  bad("10.0.0.256", "invalid server address");
  bad("10.0.0", "invalid server address");
  bad("1.2.3.4.5", "invalid server address");
  bad("10.0.0.1:0", "port");
  bad("10.0.0.1:65536", "port");
  bad("10.0.0.1:22x", "port");
  bad("10.0.0.1:", "port");
  bad("[10.0.0.1]:2223", "invalid server address");
  bad("[fd00::1", "invalid server address");
  bad("[fd00::1]x", "invalid server address");
  bad("fd00:::1", "invalid server address");
  bad("host_name", "invalid server address");
  bad("-host", "invalid server address");
  bad("host-.x", "invalid server address");
  bad("a..b", "invalid server address");
  bad("10.0.0.1 ", "invalid server address");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good),
      cmocka_unit_test(test_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
