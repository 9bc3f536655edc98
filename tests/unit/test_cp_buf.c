/* SPDX-License-Identifier: Apache-2.0 */
/* test_cp_buf.c — the growable buffer: appends, the size cap, trimming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cp_buf.h"

static void test_cap_refuses_and_keeps(void **state)
{
  struct cp_buf b = CP_BUF_INIT;
  (void)state;

  b.max = 8;
  assert_int_equal(cp_buf_puts(&b, "12345"), 0);
  assert_int_equal(cp_buf_puts(&b, "6789"), -1); /* would be 9 bytes */
  assert_string_equal(cp_buf_str(&b), "12345");
  assert_int_equal(cp_buf_printf(&b, "%d", 678), 0);
  assert_string_equal(cp_buf_str(&b), "12345678");
  assert_int_equal(cp_buf_addc(&b, 'x'), -1);
  cp_buf_release(&b);
  assert_null(b.ptr);
  assert_string_equal(cp_buf_str(&b), "");
}

static void test_rtrim(void **state)
{
  struct cp_buf b = CP_BUF_INIT;
  (void)state;

  cp_buf_rtrim(&b, "\n"); /* empty buffer: nothing to do */
  assert_int_equal(b.len, 0);
  cp_buf_puts(&b, "token\r\n\n");
  cp_buf_rtrim(&b, "\r\n");
  assert_string_equal(cp_buf_str(&b), "token");
  assert_int_equal(b.len, 5);
  cp_buf_reset(&b);
  cp_buf_puts(&b, "role/\n");
  cp_buf_rtrim(&b, "\n/");
  assert_string_equal(cp_buf_str(&b), "role");
  cp_buf_reset(&b);
  cp_buf_puts(&b, "\n\n");
  cp_buf_rtrim(&b, "\n");
  assert_string_equal(cp_buf_str(&b), "");
  cp_buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cap_refuses_and_keeps),
      cmocka_unit_test(test_rtrim),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
