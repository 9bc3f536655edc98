/* SPDX-License-Identifier: Apache-2.0 */
/* cp_diff.c — unified diff with Myers' O((N+M)D) algorithm on the middle
 * that remains once the common first and last lines are set aside. */
#include "cp_diff.h"

#include <stdlib.h>
#include <string.h>

#define DIFF_MAX_D 1000 /* edit steps searched before one big replacement */

struct line {
  const char *p;
  size_t len; /* with its '\n', when it has one */
};

struct op {
  char kind;   /* ' ', '-', '+' */
  size_t a, b; /* positions in a and b before this op */
};

struct ops {
  struct op *v;
  size_t n, cap;
};

static size_t split_lines(const char *s, struct line **out)
{
  size_t n = 0, cap = 16;
  *out = cp_xcalloc(cap, sizeof(**out));
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);
    if (n == cap) {
      cap *= 2;
      *out = cp_xrealloc(*out, cap * sizeof(**out));
    }
    (*out)[n].p = s;
    (*out)[n++].len = len;
    s += len;
  }
  return n;
}

static int same(const struct line *x, const struct line *y)
{
  return x->len == y->len && !memcmp(x->p, y->p, x->len);
}

static void push(struct ops *o, char kind, size_t a, size_t b)
{
  if (o->n == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 64;
    o->v = cp_xrealloc(o->v, o->cap * sizeof(*o->v));
  }
  o->v[o->n++] = (struct op){kind, a, b};
}

/* Myers on a[0..n) and b[0..m); appends the ops (positions offset by base)
 * in order. Returns 0 when the edit script is longer than DIFF_MAX_D. */
static int myers(const struct line *a, long n, const struct line *b, long m,
                 size_t base, struct ops *o)
{
  long max = n + m, off = max + 1, d, k, x, y, dmax;
  long *v = cp_xcalloc((size_t)(2 * max + 3), sizeof(*v));
  long *trace = NULL; /* trace[d] holds v[-d..d] before step d */
  size_t tlen = 0;
  struct ops rev = {NULL, 0, 0};
  size_t i;

  dmax = max < DIFF_MAX_D ? max : DIFF_MAX_D;
  for (d = 0; d <= dmax; d++) {
    trace = cp_xrealloc(trace, (tlen + (size_t)(2 * d + 1)) * sizeof(*trace));
    memcpy(trace + tlen, v + off - d, (size_t)(2 * d + 1) * sizeof(*v));
    tlen += (size_t)(2 * d + 1);
    for (k = -d; k <= d; k += 2) {
      if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
        x = v[off + k + 1];
      else
        x = v[off + k - 1] + 1;
      y = x - k;
      while (x < n && y < m && same(&a[x], &b[y]))
        x++, y++;
      v[off + k] = x;
      if (x >= n && y >= m)
        goto found;
    }
  }
  free(v);
  free(trace);
  return 0;

found:
  x = n;
  y = m;
  for (; d > 0; d--) {
    const long *tv = trace + (size_t)(d * d); /* sum of 2j+1 for j < d */
    long pk, px, py;
#define TV(kk) tv[(kk) + d]
    k = x - y;
    pk = (k == -d || (k != d && TV(k - 1) < TV(k + 1))) ? k + 1 : k - 1;
    px = TV(pk);
#undef TV
    py = px - pk;
    while (x > px && y > py) {
      x--, y--;
      push(&rev, ' ', (size_t)x, (size_t)y);
    }
    if (x == px)
      push(&rev, '+', (size_t)x, (size_t)--y);
    else
      push(&rev, '-', (size_t)--x, (size_t)y);
    x = px;
    y = py;
  }
  while (x > 0 && y > 0) {
    x--, y--;
    push(&rev, ' ', (size_t)x, (size_t)y);
  }
  for (i = rev.n; i-- > 0;)
    push(o, rev.v[i].kind, rev.v[i].a + base, rev.v[i].b + base);
  free(rev.v);
  free(v);
  free(trace);
  return 1;
}

static void put_line(struct cp_buf *out, char kind, const struct line *l)
{
  cp_buf_printf(out, "%c%.*s", kind, (int)l->len, l->p);
  if (!l->len || l->p[l->len - 1] != '\n')
    cp_buf_printf(out, "\n\\ No newline at end of file\n");
}

static void put_range(struct cp_buf *out, char sign, size_t start, size_t count)
{
  /* diff(1): an empty range names the line before it */
  if (count == 1)
    cp_buf_printf(out, "%c%zu", sign, start + 1);
  else
    cp_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

void cp_diff_unified(const char *a_text, const char *b_text,
                     const char *label_a, const char *label_b, int context,
                     struct cp_buf *out)
{
  struct line *a, *b;
  size_t na = split_lines(a_text, &a), nb = split_lines(b_text, &b);
  size_t pre = 0, suf = 0, i, j;
  struct ops o = {NULL, 0, 0};
  size_t ctx = context < 0 ? 0 : (size_t)context;

  while (pre < na && pre < nb && same(&a[pre], &b[pre]))
    pre++;
  while (suf < na - pre && suf < nb - pre &&
         same(&a[na - 1 - suf], &b[nb - 1 - suf]))
    suf++;
  if (pre == na && pre == nb)
    goto done; /* equal */
  for (i = 0; i < pre; i++)
    push(&o, ' ', i, i);
  if (!myers(a + pre, (long)(na - pre - suf), b + pre, (long)(nb - pre - suf),
             pre, &o)) {
    for (i = pre; i < na - suf; i++)
      push(&o, '-', i, pre);
    for (j = pre; j < nb - suf; j++)
      push(&o, '+', na - suf, j);
  }
  for (i = 0; i < suf; i++)
    push(&o, ' ', na - suf + i, nb - suf + i);

  cp_buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
  for (i = 0; i < o.n;) {
    size_t first, last, end, start, ca = 0, cb = 0, k;
    while (i < o.n && o.v[i].kind == ' ')
      i++;
    if (i == o.n)
      break;
    first = last = i;
    /* extend over changes closer than 2*context lines apart */
    for (k = i + 1; k < o.n; k++) {
      if (o.v[k].kind != ' ') {
        if (k - last - 1 > 2 * ctx)
          break;
        last = k;
      }
    }
    start = first > ctx ? first - ctx : 0;
    end = last + ctx + 1 < o.n ? last + ctx + 1 : o.n;
    for (k = start; k < end; k++) {
      ca += o.v[k].kind != '+';
      cb += o.v[k].kind != '-';
    }
    cp_buf_printf(out, "@@ ");
    put_range(out, '-', o.v[start].a, ca);
    cp_buf_printf(out, " ");
    put_range(out, '+', o.v[start].b, cb);
    cp_buf_printf(out, " @@\n");
    for (k = start; k < end; k++)
      put_line(out, o.v[k].kind,
               o.v[k].kind == '+' ? &b[o.v[k].b] : &a[o.v[k].a]);
    i = end;
  }
done:
  free(o.v);
  free(a);
  free(b);
}
