/* SPDX-License-Identifier: Apache-2.0 */
/* cp_err.c — the error table and the record of the last failure's detail. */
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

static char last_detail[1024];
static char last_where[128];

enum cp_err cp_fail(enum cp_err code, const char *file, int line,
                    const char *fmt, ...)
{
  va_list ap;
  const char *base = strrchr(file, '/');
  char text[sizeof(last_detail)]; /* the arguments may be the old detail */

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  memcpy(last_detail, text, sizeof(last_detail));
  snprintf(last_where, sizeof(last_where), "%s:%d", base ? base + 1 : file,
           line);
  return code;
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

const char *cp_err_detail(void) { return last_detail; }

const char *cp_err_where(void) { return last_where; }

void cp_err_clear(void)
{
  last_detail[0] = '\0';
  last_where[0] = '\0';
}
