/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_json_check.h — is a config strict JSON that can be kept exactly?
 *
 * RFC 8259 JSON, UTF-8 without a byte order mark, no comments, no single
 * quotes, no NaN or Infinity, no key twice in one object (json-c keeps only
 * the last), and only integers json-c gives back as written (int64, not
 * -0). Real numbers keep their text in json-c. On failure: CP_E_CONFIG
 * naming the file, what is wrong, and its byte, line and column. */
#ifndef CFG_JSON_CHECK_H
#define CFG_JSON_CHECK_H

#include <stddef.h>

#include "cp_err.h"

CP_MUST_USE enum cp_err cfg_json_check(const char *text, size_t len,
                                       const char *path, struct cp_errbuf *err);

#endif
