/* SPDX-License-Identifier: Apache-2.0 */
/* cp_text.c — show text from outside safely (see cp_text.h). */
#include "cp_text.h"

#include <string.h>

/* How to show the character of len bytes at p: 0 as it is, else the
 * escape was appended to out (when out is not NULL). */
static int escape(const unsigned char *p, size_t len, enum cp_text_mode mode,
                  struct cp_buf *out)
{
  unsigned c = p[0];

  if (len == 0) { /* not UTF-8 */
    if (out)
      cp_buf_printf(out, "\\x%02X", c);
    return 1;
  }
  if (mode == CP_TEXT_UTF8)
    return 0;
  if (len == 1 && (c >= 0x20 || c == '\t' || (c == '\n' && mode == CP_TEXT_LINES)) &&
      c != 0x7f)
    return 0;
  if (len == 2 && c == 0xc2 && p[1] < 0xa0) { /* C1 controls, U+0080-009F */
    if (out)
      cp_buf_printf(out, "\\u%04X", (unsigned)p[1]);
    return 1;
  }
  if (len > 1)
    return 0;
  if (out) {
    if (c == '\n')
      cp_buf_puts(out, "\\n");
    else if (c == '\r')
      cp_buf_puts(out, "\\r");
    else
      cp_buf_printf(out, "\\x%02X", c);
  }
  return 1;
}

/* The length of the character at p, or 0 when it is not UTF-8; *cut is
 * set when an otherwise valid start runs past the end of the text. */
static size_t char_len(const unsigned char *p, size_t left, int *cut)
{
  size_t len = cp_utf8_len(p, left), want, i;

  *cut = 0;
  if (len)
    return len;
  want = p[0] >= 0xf5   ? 0
         : p[0] >= 0xf0 ? 4
         : p[0] >= 0xe0 ? 3
         : p[0] >= 0xc2 ? 2
                        : 0;
  if (!want || want <= left)
    return 0;
  for (i = 1; i < left && (p[i] & 0xc0) == 0x80; i++)
    ;
  *cut = i == left;
  return 0;
}

/* The one walk over s: appends its safe form to out, or with out NULL
 * stops at the first character that needs a change; 1 when none did. */
static int walk(const char *s, enum cp_text_mode mode, struct cp_buf *out)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t left = strlen((const char *)p), len;
  int cut, clean = 1;

  while (left) {
    len = char_len(p, left, &cut);
    if (cut)
      return 0; /* a character cut off at the end: dropped */
    if (escape(p, len, mode, out)) {
      clean = 0;
      if (!out)
        break;
    } else if (out) {
      cp_buf_add(out, (const char *)p, len);
    }
    len = len ? len : 1;
    p += len;
    left -= len;
  }
  return clean;
}

void cp_text_safe(const char *s, enum cp_text_mode mode, struct cp_buf *out)
{
  walk(s, mode, out);
  cp_buf_str(out); /* "" rather than NULL for empty text */
}

int cp_text_is_safe(const char *s, enum cp_text_mode mode)
{
  return walk(s, mode, NULL);
}
