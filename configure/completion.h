/* SPDX-License-Identifier: Apache-2.0 */
/* completion.h — `configure-pkcs11 --completion bash|zsh|fish`: a completion
 * script for that shell on stdout, made from every command's option table.
 * An unknown shell is CP_E_USAGE. */
#ifndef COMPLETION_H
#define COMPLETION_H

#include "cp_err.h"

CP_MUST_USE enum cp_err completion_print(const char *shell,
                                         struct cp_errbuf *err);

#endif
