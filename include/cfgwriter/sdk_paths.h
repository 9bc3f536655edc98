/* SPDX-License-Identifier: Apache-2.0 */
/* sdk_paths.h — where AWS CloudHSM Client SDK 5 keeps its files, on Linux
 * and on Windows: the defaults every command and the config model use.
 * The strings are static (Windows' are built once from %ProgramData% and
 * %ProgramFiles%); never freed. */
#ifndef SDK_PATHS_H
#define SDK_PATHS_H

/* The PKCS#11 library's config: /opt/cloudhsm/etc/cloudhsm-pkcs11.cfg. */
const char *sdk_config_path(void);
/* The folder of every component's config: /opt/cloudhsm/etc. */
const char *sdk_config_dir(void);
/* The cluster's CA: /opt/cloudhsm/etc/customerCA.crt. */
const char *sdk_ca_path(void);
/* The folder the libraries log to by default: /opt/cloudhsm/run. */
const char *sdk_log_dir(void);
/* The PKCS#11 library: /opt/cloudhsm/lib/libcloudhsm_pkcs11.so. */
const char *sdk_pkcs11_library(void);

#endif
