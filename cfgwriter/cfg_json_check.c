/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_json_check.c — the config must be strict JSON (RFC 8259) that json-c
 * can keep exactly: checked before json-c reads it, because json-c accepts
 * more than JSON and silently resolves what it cannot keep (the last of two
 * duplicate keys wins; an integer past int64 is clamped). */
#include "cfg_json_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"

#define MAX_DEPTH 64

struct scan {
  const char *text, *path;
  size_t len, pos;
};

static void where(const struct scan *s, size_t at, size_t *line, size_t *col)
{
  size_t i;

  *line = 1;
  *col = 1;
  for (i = 0; i < at && i < s->len; i++) {
    if (s->text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static enum cp_err refuse(const struct scan *s, size_t at, const char *what,
                          struct cp_errbuf *err)
{
  size_t line, col;

  if (at >= s->len)
    what = "it ends early";
  where(s, at, &line, &col);
  return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                 "config file is not valid JSON (%s): %s at byte %zu (line "
                 "%zu, column %zu). Fix it by hand, or restore the file from a "
                 "backup",
                 s->path, what, at, line, col);
}

static int peek(const struct scan *s)
{
  return s->pos < s->len ? (unsigned char)s->text[s->pos] : -1;
}

static void skip_ws(struct scan *s)
{
  while (s->pos < s->len && strchr(" \t\r\n", s->text[s->pos]))
    s->pos++;
}

/* What a character that cannot start a value most likely is. */
static enum cp_err unexpected(const struct scan *s, struct cp_errbuf *err)
{
  int c = peek(s);
  const char *rest = s->text + s->pos;
  size_t left = s->len - s->pos;

  if (c < 0)
    return refuse(s, s->pos, "it ends early", err); /* the same from refuse() */
  if (c == '\'')
    return refuse(s, s->pos, "a single-quoted string (JSON uses \")", err);
  if (c == '/')
    return refuse(s, s->pos, "a comment (JSON has none)", err);
  if ((left >= 3 && !strncmp(rest, "NaN", 3)) ||
      (left >= 8 && !strncmp(rest, "Infinity", 8)) ||
      (left >= 9 && !strncmp(rest, "-Infinity", 9)))
    return refuse(s, s->pos, "NaN or Infinity (not JSON numbers)", err);
  if (c == ',' || c == ']' || c == '}')
    return refuse(s, s->pos, "a missing value or a trailing comma", err);
  return refuse(s, s->pos, "a character that starts no JSON value", err);
}

static int hex4(const char *p, unsigned *out)
{
  int i;

  *out = 0;
  for (i = 0; i < 4; i++) {
    char c = p[i];
    unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                        : 16u;
    if (d == 16)
      return 0;
    *out = *out * 16 + d;
  }
  return 1;
}

static void put_utf8(struct cp_buf *b, unsigned cp)
{
  if (cp < 0x80) {
    cp_buf_addc(b, (char)cp);
  } else if (cp < 0x800) {
    cp_buf_addc(b, (char)(0xc0 | (cp >> 6)));
    cp_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    cp_buf_addc(b, (char)(0xe0 | (cp >> 12)));
    cp_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
    cp_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
  } else {
    cp_buf_addc(b, (char)(0xf0 | (cp >> 18)));
    cp_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
    cp_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
    cp_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
  }
}

/* A string; its decoded text goes to out (for comparing keys) when given. */
static enum cp_err string(struct scan *s, struct cp_buf *out,
                          struct cp_errbuf *err)
{
  size_t start = s->pos++;

  while (s->pos < s->len) {
    unsigned char c = (unsigned char)s->text[s->pos];
    size_t n;
    if (c == '"') {
      s->pos++;
      return CP_OK;
    }
    if (c < 0x20)
      return refuse(s, s->pos, "a control character inside a string", err);
    if (c == '\\') {
      const char *e = s->text + s->pos + 1;
      unsigned u;
      if (s->pos + 1 >= s->len)
        break;
      if (strchr("\"\\/bfnrt", *e)) {
        if (out)
          cp_buf_addc(out, *e);
        s->pos += 2;
        continue;
      }
      if (*e != 'u' || s->pos + 6 > s->len || !hex4(e + 1, &u))
        return refuse(s, s->pos, "an invalid escape in a string", err);
      if (u >= 0xd800 && u <= 0xdbff && s->pos + 12 <= s->len &&
          e[5] == '\\' && e[6] == 'u') { /* a surrogate pair: one character */
        unsigned lo;
        if (hex4(e + 7, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
          u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
          s->pos += 6;
        }
      }
      if (out) /* decoded, as json-c decodes it: "a" and "\u0061" are one key */
        put_utf8(out, u);
      s->pos += 6;
      continue;
    }
    n = cp_utf8_len((const unsigned char *)s->text + s->pos, s->len - s->pos);
    if (!n)
      return refuse(s, s->pos, "a byte that is not UTF-8 inside a string", err);
    if (out)
      cp_buf_add(out, s->text + s->pos, n);
    s->pos += n;
  }
  return refuse(s, start, "a string that never ends", err);
}

/* A number, which json-c must be able to give back as written. */
static enum cp_err number(struct scan *s, struct cp_errbuf *err)
{
  size_t start = s->pos;
  int integer = 1;
  char buf[32], *end;
  long long v;

  if (peek(s) == '-')
    s->pos++;
  if (peek(s) == '0')
    s->pos++;
  else if (peek(s) >= '1' && peek(s) <= '9')
    while (peek(s) >= '0' && peek(s) <= '9')
      s->pos++;
  else
    return unexpected(s, err);
  if (peek(s) >= '0' && peek(s) <= '9')
    return refuse(s, start, "a number with a leading zero", err);
  if (peek(s) == '.') {
    integer = 0;
    s->pos++;
    if (!(peek(s) >= '0' && peek(s) <= '9'))
      return refuse(s, start, "a number with no digit after the point", err);
    while (peek(s) >= '0' && peek(s) <= '9')
      s->pos++;
  }
  if (peek(s) == 'e' || peek(s) == 'E') {
    integer = 0;
    s->pos++;
    if (peek(s) == '+' || peek(s) == '-')
      s->pos++;
    if (!(peek(s) >= '0' && peek(s) <= '9'))
      return refuse(s, start, "a number with no digit in its exponent", err);
    while (peek(s) >= '0' && peek(s) <= '9')
      s->pos++;
  }
  if (!integer)
    return CP_OK; /* json-c keeps a real number's text as written */
  if (s->pos - start >= sizeof(buf))
    return refuse(s, start, "an integer too large to keep exactly", err);
  memcpy(buf, s->text + start, s->pos - start);
  buf[s->pos - start] = '\0';
  errno = 0;
  v = strtoll(buf, &end, 10);
  if (errno == ERANGE)
    return refuse(s, start, "an integer too large to keep exactly", err);
  if (v == 0 && buf[0] == '-')
    return refuse(s, start, "-0, which would be written back as 0", err);
  return CP_OK;
}

static enum cp_err value(struct scan *s, int depth, struct cp_errbuf *err);

static enum cp_err object(struct scan *s, int depth, struct cp_errbuf *err)
{
  struct cp_buf keys = CP_BUF_INIT, key = CP_BUF_INIT; /* NUL-separated */
  enum cp_err rc = CP_OK;

  s->pos++;
  skip_ws(s);
  if (peek(s) == '}') {
    s->pos++;
    return CP_OK;
  }
  for (;;) {
    size_t at = s->pos;
    const char *k;
    skip_ws(s);
    at = s->pos;
    if (peek(s) != '"') {
      rc = peek(s) == '\'' || peek(s) == '/' ? unexpected(s, err)
           : peek(s) == '}'
               ? refuse(s, s->pos, "a trailing comma", err)
               : refuse(s, s->pos, "a key that is not a string", err);
      break;
    }
    cp_buf_reset(&key);
    if ((rc = string(s, &key, err)) != CP_OK)
      break;
    for (k = keys.ptr; k && k < keys.ptr + keys.len; k += strlen(k) + 1)
      if (!strcmp(k, cp_buf_str(&key))) {
        char what[160];
        snprintf(what, sizeof(what), "the key \"%.40s\" a second time",
                 cp_buf_str(&key));
        rc = refuse(s, at, what, err);
        goto out;
      }
    cp_buf_add(&keys, cp_buf_str(&key), key.len + 1);
    skip_ws(s);
    if (peek(s) != ':') {
      rc = refuse(s, s->pos, "a missing ':' after a key", err);
      break;
    }
    s->pos++;
    if ((rc = value(s, depth + 1, err)) != CP_OK)
      break;
    skip_ws(s);
    if (peek(s) == ',') {
      s->pos++;
      continue;
    }
    if (peek(s) == '}') {
      s->pos++;
      break;
    }
    rc = peek(s) == '/'
             ? unexpected(s, err)
             : refuse(s, s->pos, "a missing ',' or '}' in an object", err);
    break;
  }
out:
  cp_buf_release(&keys);
  cp_buf_release(&key);
  return rc;
}

static enum cp_err array(struct scan *s, int depth, struct cp_errbuf *err)
{
  enum cp_err rc;

  s->pos++;
  skip_ws(s);
  if (peek(s) == ']') {
    s->pos++;
    return CP_OK;
  }
  for (;;) {
    if ((rc = value(s, depth + 1, err)) != CP_OK)
      return rc;
    skip_ws(s);
    if (peek(s) == ',') {
      s->pos++;
      continue;
    }
    if (peek(s) == ']') {
      s->pos++;
      return CP_OK;
    }
    return peek(s) == '/'
               ? unexpected(s, err)
               : refuse(s, s->pos, "a missing ',' or ']' in an array", err);
  }
}

static enum cp_err literal(struct scan *s, const char *word,
                           struct cp_errbuf *err)
{
  size_t n = strlen(word);

  if (s->len - s->pos < n || strncmp(s->text + s->pos, word, n))
    return unexpected(s, err);
  s->pos += n;
  return CP_OK;
}

static enum cp_err value(struct scan *s, int depth, struct cp_errbuf *err)
{
  int c;

  if (depth > MAX_DEPTH)
    return refuse(s, s->pos, "values nested too deep", err);
  skip_ws(s);
  c = peek(s);
  switch (c) {
  case '{':
    return object(s, depth, err);
  case '[':
    return array(s, depth, err);
  case '"':
    return string(s, NULL, err);
  case 't':
    return literal(s, "true", err);
  case 'f':
    return literal(s, "false", err);
  case 'n':
    return literal(s, "null", err);
  default:
    if (c == '-' && s->pos + 1 < s->len && s->text[s->pos + 1] == 'I')
      return unexpected(s, err);
    if (c == '-' || (c >= '0' && c <= '9'))
      return number(s, err);
    return unexpected(s, err);
  }
}

enum cp_err cfg_json_check(const char *text, size_t len, const char *path,
                           struct cp_errbuf *err)
{
  struct scan s = {text, path, len, 0};
  enum cp_err rc;
  int first;

  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file starts with a byte order mark (%s): the bytes "
                   "EF BB BF, which strict JSON readers refuse. Save it as "
                   "UTF-8 without a BOM",
                   path);
  skip_ws(&s);
  first = peek(&s);
  if ((rc = value(&s, 0, err)) != CP_OK)
    return rc;
  skip_ws(&s);
  if (s.pos < len)
    return refuse(&s, s.pos, "more data after the end of the JSON value", err);
  if (first != '{')
    return cp_fail(
        err, CP_E_CONFIG, __FILE__, __LINE__,
        "config file has a wrong value (%s): the top level must be a "
        "JSON object, not %s. Fix the file, or restore it from a "
        "backup",
        path,
        first == 'n'                   ? "null"
        : first == '['                 ? "an array"
        : first == '"'                 ? "a string"
        : first == 't' || first == 'f' ? "a boolean"
                                       : "a number");
  return CP_OK;
}
