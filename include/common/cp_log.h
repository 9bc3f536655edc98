/* SPDX-License-Identifier: Apache-2.0 */
/* cp_log.h — diagnostics from the libraries go through one hook that the
 * front end installs (curl's debug callback): libraries never write to a
 * stream themselves. Without a hook, messages are dropped. Never pass a
 * secret to cp_log(): redact first (cp_log_redact_key()). */
#ifndef CP_LOG_H
#define CP_LOG_H

#include "cp_err.h"

enum cp_log_level { CP_LOG_DEBUG, CP_LOG_INFO, CP_LOG_WARN };

typedef void (*cp_log_fn)(enum cp_log_level level, const char *msg, void *ud);

void cp_log_set(cp_log_fn fn, void *ud);
void cp_log(enum cp_log_level level, const char *fmt, ...) CP_PRINTF(2, 3);
void cp_log_set_min(enum cp_log_level level);

/* "AKIDEXAMPLE" -> "AKID****": the first 4 characters, then "****". The
 * result is in a static buffer, valid until the next call. */
const char *cp_log_redact_key(const char *access_key_id);

#endif
