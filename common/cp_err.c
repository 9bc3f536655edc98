/* SPDX-License-Identifier: Apache-2.0 */
/* cp_err.c — the error table, and recording a failure in a struct cp_errbuf. */
#include "cp_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
  int status;
  const char *name;
  const char *text;
} err_table[] = {
#define CP_X(code, status, name, text) {status, name, text},
    CP_ERR_LIST(CP_X)
#undef CP_X
};

enum cp_err cp_fail(struct cp_errbuf *err, enum cp_err code, const char *file,
                    int line, const char *fmt, ...)
{
  va_list ap;
  char text[sizeof(err->text)]; /* the arguments may be err's old text */

  if (!err)
    return code;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  memcpy(err->text, text, sizeof(text));
  err->file = file;
  err->line = line;
  err->why[0] = err->scope[0] = err->outcome[0] = '\0';
  return code;
}

void cp_err_why(struct cp_errbuf *err, const char *fmt, ...)
{
  va_list ap;

  if (!err)
    return;
  va_start(ap, fmt);
  vsnprintf(err->why, sizeof(err->why), fmt, ap);
  va_end(ap);
}

int cp_err_status(enum cp_err code)
{
  if ((unsigned)code >= CP_ERR_COUNT)
    return 255;
  return err_table[code].status;
}

const char *cp_err_name(enum cp_err code)
{
  if ((unsigned)code >= CP_ERR_COUNT)
    return "internal_error";
  return err_table[code].name;
}

const char *cp_err_text(enum cp_err code)
{
  if ((unsigned)code >= CP_ERR_COUNT)
    return "internal error";
  return err_table[code].text;
}

const char *cp_errbuf_text(const struct cp_errbuf *err, enum cp_err code)
{
  return err && err->text[0] ? err->text : cp_err_text(code);
}

void cp_errbuf_where(const struct cp_errbuf *err, char *out, size_t outlen)
{
  const char *base;

  if (!err || !err->file) {
    snprintf(out, outlen, "%s", "");
    return;
  }
  base = strrchr(err->file, '/');
  snprintf(out, outlen, "%s:%d", base ? base + 1 : err->file, err->line);
}

void cp_errbuf_clear(struct cp_errbuf *err)
{
  err->text[0] = '\0';
  err->file = NULL;
  err->line = 0;
  err->why[0] = err->scope[0] = err->outcome[0] = '\0';
}
