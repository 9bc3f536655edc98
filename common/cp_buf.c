/* SPDX-License-Identifier: Apache-2.0 */
/* cp_buf.c — growable buffer and allocation helpers that abort on OOM. */
#include "cp_buf.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cp_buf_vprintf(struct cp_buf *b, const char *fmt, va_list ap);

static void out_of_memory(size_t n)
{
  fprintf(stderr, "configure-pkcs11: fatal: out of memory (%zu bytes)\n", n);
  abort();
}

void *cp_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    out_of_memory(n);
  return p;
}

void *cp_xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    out_of_memory(n * size);
  return p;
}

void *cp_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q)
    out_of_memory(n);
  return q;
}

char *cp_xstrndup(const char *s, size_t n)
{
  char *p = cp_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *cp_xstrdup(const char *s) { return cp_xstrndup(s, strlen(s)); }

char *cp_xasprintf(const char *fmt, ...)
{
  struct cp_buf b = CP_BUF_INIT;
  va_list ap;

  va_start(ap, fmt);
  cp_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (!b.ptr)
    return cp_xstrdup("");
  return cp_buf_detach(&b);
}

void cp_free_secret(char *s)
{
  if (!s)
    return;
  OPENSSL_cleanse(s, strlen(s));
  free(s);
}

static int grow(struct cp_buf *b, size_t extra)
{
  size_t need;

  if (extra > (size_t)-1 - b->len - 1)
    return -1;
  need = b->len + extra + 1;
  if (b->max && need - 1 > b->max)
    return -1;
  if (need <= b->cap)
    return 0;
  {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
      cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    b->ptr = cp_xrealloc(b->ptr, cap);
    b->cap = cap;
  }
  return 0;
}

int cp_buf_add(struct cp_buf *b, const void *data, size_t len)
{
  if (grow(b, len))
    return -1;
  if (len)
    memcpy(b->ptr + b->len, data, len);
  b->len += len;
  b->ptr[b->len] = '\0';
  return 0;
}

int cp_buf_puts(struct cp_buf *b, const char *s)
{
  return cp_buf_add(b, s, strlen(s));
}

int cp_buf_addc(struct cp_buf *b, char c) { return cp_buf_add(b, &c, 1); }

static int cp_buf_vprintf(struct cp_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;

  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0 || grow(b, (size_t)n))
    return -1;
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int cp_buf_printf(struct cp_buf *b, const char *fmt, ...)
{
  va_list ap;
  int rc;

  va_start(ap, fmt);
  rc = cp_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

const char *cp_buf_str(const struct cp_buf *b) { return b->ptr ? b->ptr : ""; }

void cp_buf_reset(struct cp_buf *b)
{
  b->len = 0;
  if (b->ptr)
    b->ptr[0] = '\0';
}

void cp_buf_rtrim(struct cp_buf *b, const char *chars)
{
  while (b->len && strchr(chars, b->ptr[b->len - 1]))
    b->ptr[--b->len] = '\0';
}

char *cp_buf_detach(struct cp_buf *b)
{
  char *p = b->ptr ? b->ptr : cp_xstrdup("");
  b->ptr = NULL;
  b->len = b->cap = 0;
  return p;
}

void cp_buf_release(struct cp_buf *b)
{
  free(b->ptr);
  b->ptr = NULL;
  b->len = b->cap = 0;
}

void cp_buf_release_secure(struct cp_buf *b)
{
  if (b->ptr)
    OPENSSL_cleanse(b->ptr, b->cap);
  cp_buf_release(b);
}

size_t cp_utf8_len(const unsigned char *p, size_t n)
{
  size_t len, i;
  unsigned cp;

  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    len = 2, cp = p[0] & 0x1f;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    len = 3, cp = p[0] & 0x0f;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    len = 4, cp = p[0] & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return len;
}
