/* SPDX-License-Identifier: Apache-2.0 */
/* cp_log.c — the diagnostics hook. */
#include "cp_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static cp_log_fn log_fn;
static void *log_ud;
static enum cp_log_level log_min = CP_LOG_WARN;

void cp_log_set(cp_log_fn fn, void *ud)
{
  log_fn = fn;
  log_ud = ud;
}

void cp_log_set_min(enum cp_log_level level) { log_min = level; }

static int cp_log_enabled(enum cp_log_level level)
{
  return log_fn != NULL && level >= log_min;
}

void cp_log(enum cp_log_level level, const char *fmt, ...)
{
  char msg[2048];
  va_list ap;

  if (!cp_log_enabled(level))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_fn(level, msg, log_ud);
}

const char *cp_log_redact_key(const char *key)
{
  static char out[16];
  size_t n = key ? strlen(key) : 0;

  snprintf(out, sizeof(out), "%.4s****", n >= 8 ? key : "");
  return out;
}
