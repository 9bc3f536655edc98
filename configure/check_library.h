/* SPDX-License-Identifier: Apache-2.0 */
/* check_library.h — `check --library`: the slots as an application sees
 * them through the PKCS#11 module (p11_probe.h), and for CloudHSM's own
 * library the config's cluster each slot is. */
#ifndef CHECK_LIBRARY_H
#define CHECK_LIBRARY_H

#include "cli.h"

/* path "" or NULL: CloudHSM's library where AWS installs it. Prints the
 * report (text or JSON); CP_E_IO or CP_E_ENVIRONMENT when the module cannot
 * be loaded or a call fails. */
CP_MUST_USE enum cp_err check_library(const char *path, struct cli_ctx *ctx,
                                      struct cp_errbuf *err);

#endif
