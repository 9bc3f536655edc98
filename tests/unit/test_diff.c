/* SPDX-License-Identifier: Apache-2.0 */
/* test_diff.c — the unified diff: exact output for known cases; for random
 * texts, applying the diff to a gives b, and the number of changed lines is
 * the minimum (checked against an LCS table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_diff.h"

static char *diff(const char *a, const char *b, int context)
{
  struct cp_buf out = CP_BUF_INIT;
  cp_diff_unified(a, b, "a", "b", context, &out);
  return out.ptr ? cp_buf_detach(&out) : cp_xstrdup("");
}

static void test_known(void **state)
{
  char *d;
  (void)state;
  d = diff("x\ny\n", "x\ny\n", 3);
  assert_string_equal(d, "");
  free(d);
  d = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", 3);
  assert_string_equal(d, "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  free(d);
  d = diff("", "new\n", 3);
  assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
  free(d);
  d = diff("a\nb", "a\nb\n", 1);
  assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  free(d);
  /* two changes far apart: two hunks */
  d = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "0\n2\n3\n4\n5\n6\n7\n8\n9\n11\n", 1);
  assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-1\n+0\n 2\n@@ -9,2 +9,2 @@\n 9\n-10\n+11\n");
  free(d);
}

/* Applies a unified diff to a; returns the result (caller frees). */
static char *apply(const char *a, const char *d)
{
  struct cp_buf out = CP_BUF_INIT;
  const char *p = d, *src = a;
  size_t line = 0; /* lines of a consumed */

  if (!*d)
    return cp_xstrdup(a);
  p = strchr(strchr(p, '\n') + 1, '\n') + 1; /* skip ---/+++ */
  while (*p) {
    size_t start, n;
    assert_int_equal(strncmp(p, "@@ -", 4), 0);
    start = strtoul(p + 4, NULL, 10);
    n = strchr(p + 4, ',') && strchr(p + 4, ',') < strchr(p + 4, ' ')
            ? strtoul(strchr(p + 4, ',') + 1, NULL, 10) : 1;
    if (n == 0)
      start++; /* an empty range names the line before */
    while (line + 1 < start) { /* copy up to the hunk */
      const char *nl = strchr(src, '\n');
      size_t len = nl ? (size_t)(nl - src) + 1 : strlen(src);
      cp_buf_add(&out, src, len);
      src += len;
      line++;
    }
    p = strchr(p, '\n') + 1;
    while (*p && *p != '@') {
      const char *nl = strchr(p, '\n');
      size_t len = (size_t)(nl - p); /* without '\n' */
      int no_nl = nl[1] == '\\';
      if (*p == ' ' || *p == '-') { /* must match a */
        assert_int_equal(strncmp(src, p + 1, len - 1), 0);
        src += len - 1 + (no_nl ? 0 : 1);
        line++;
      }
      if (*p == ' ' || *p == '+')
        cp_buf_add(&out, p + 1, len - 1 + (no_nl ? 0 : 1));
      p = nl + 1;
      if (no_nl)
        p = strchr(p, '\n') + 1;
    }
  }
  cp_buf_add(&out, src, strlen(src));
  return out.ptr ? cp_buf_detach(&out) : cp_xstrdup("");
}

static size_t lcs(const char **x, size_t n, const char **y, size_t m)
{
  size_t *t = cp_xcalloc((n + 1) * (m + 1), sizeof(*t)), i, j, r;
  for (i = 1; i <= n; i++)
    for (j = 1; j <= m; j++)
      t[i * (m + 1) + j] = !strcmp(x[i - 1], y[j - 1])
                               ? t[(i - 1) * (m + 1) + j - 1] + 1
                           : t[(i - 1) * (m + 1) + j] > t[i * (m + 1) + j - 1]
                               ? t[(i - 1) * (m + 1) + j]
                               : t[i * (m + 1) + j - 1];
  r = t[n * (m + 1) + m];
  free(t);
  return r;
}

static void test_random(void **state)
{
  static const char *const words[] = {"{", "}", "\"a\": 1,", "\"b\": 2,", "[", "]"};
  int round;
  (void)state;
  srand(7);
  for (round = 0; round < 2000; round++) {
    const char *x[40], *y[40];
    size_t n = (size_t)(rand() % 40), m = (size_t)(rand() % 40), i, changed = 0;
    struct cp_buf a = CP_BUF_INIT, b = CP_BUF_INIT;
    char *d, *got;
    const char *p;
    for (i = 0; i < n; i++) {
      x[i] = words[rand() % 6];
      cp_buf_printf(&a, "%s\n", x[i]);
    }
    for (i = 0; i < m; i++) {
      y[i] = i < n && rand() % 3 ? x[i] : words[rand() % 6];
      cp_buf_printf(&b, "%s\n", y[i]);
    }
    d = diff(cp_buf_str(&a), cp_buf_str(&b), rand() % 4);
    got = apply(cp_buf_str(&a), d);
    assert_string_equal(got, cp_buf_str(&b));
    for (p = d; *p; p = strchr(p, '\n') + 1)
      changed += (*p == '-' || *p == '+') && strncmp(p, "---", 3) && strncmp(p, "+++", 3);
    assert_int_equal(changed, n + m - 2 * lcs(x, n, y, m));
    free(d);
    free(got);
    cp_buf_release(&a);
    cp_buf_release(&b);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known),
      cmocka_unit_test(test_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
