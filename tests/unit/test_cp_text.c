/* SPDX-License-Identifier: Apache-2.0 */
/* test_cp_text.c — text from outside shown safely: escapes, UTF-8, cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cp_text.h"

static void expect_safe(const char *in, enum cp_text_mode mode,
                        const char *want)
{
  struct cp_buf b = CP_BUF_INIT;

  cp_text_safe(in, mode, &b);
  if (strcmp(cp_buf_str(&b), want))
    fail_msg("\"%s\" became \"%s\", wanted \"%s\"", in, cp_buf_str(&b), want);
  assert_int_equal(cp_text_is_safe(in, mode), !strcmp(in, want));
  cp_buf_release(&b);
}

/* A terminal title change, a cleared screen, a forged second line: shown,
 * never obeyed. */
static void test_controls_escaped(void **state)
{
  (void)state;
  expect_safe("plain text, tab\tand \\ kept", CP_TEXT_LINE,
              "plain text, tab\tand \\ kept");
  expect_safe("\x1b]0;owned\x07", CP_TEXT_LINE, "\\x1B]0;owned\\x07");
  expect_safe("\x1b[2J", CP_TEXT_LINE, "\\x1B[2J");
  expect_safe("ok\r\nconfigure-pkcs11: info: forged", CP_TEXT_LINE,
              "ok\\r\\nconfigure-pkcs11: info: forged");
  expect_safe("a\x7f", CP_TEXT_LINE, "a\\x7F");
  /* C1 controls, CSI as U+009B */
  expect_safe("\xc2\x9b" "2J", CP_TEXT_LINE, "\\u009B2J");
  /* report lines keep their breaks, not the rest */
  expect_safe("one\ntwo\x1b\n", CP_TEXT_LINES, "one\ntwo\\x1B\n");
}

static void test_utf8(void **state)
{
  (void)state;
  expect_safe("Zürich – 東京 – 🔐", CP_TEXT_LINE, "Zürich – 東京 – 🔐");
  expect_safe("bad \xff byte", CP_TEXT_LINE, "bad \\xFF byte");
  expect_safe("overlong \xc0\xaf", CP_TEXT_LINE, "overlong \\xC0\\xAF");
  expect_safe("surrogate \xed\xa0\x80!", CP_TEXT_LINE,
              "surrogate \\xED\\xA0\\x80!");
  /* a character cut off at the end (a message cut short) is dropped */
  expect_safe("cut \xe2\x82", CP_TEXT_LINE, "cut ");
  expect_safe("cut \xf0\x9f", CP_TEXT_UTF8, "cut ");
  /* JSON strings: only what is not UTF-8 (json-c escapes controls) */
  expect_safe("\x1b ok \xfe", CP_TEXT_UTF8, "\x1b ok \\xFE");
  expect_safe("", CP_TEXT_LINE, "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_controls_escaped),
      cmocka_unit_test(test_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
