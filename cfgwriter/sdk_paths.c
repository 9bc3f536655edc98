/* SPDX-License-Identifier: Apache-2.0 */
/* sdk_paths.c — the Client SDK 5 layout. Linux: AWS's "Client SDK 5
 * configure tool" page (/opt/cloudhsm/etc) and "client SDK logs" page
 * (/opt/cloudhsm/run). Windows: the installer's folders, the config under
 * %ProgramData%\Amazon\CloudHSM\data, the CA in %ProgramData%\Amazon\
 * CloudHSM, the logs in %ProgramFiles%\Amazon\CloudHSM (the same pages). */
#include "sdk_paths.h"

#include <stdio.h>
#include <stdlib.h>

#include "cp_platform.h"

#define POSIX_ETC "/opt/cloudhsm/etc"

/* buf: the folder named by environment variable var (else fallback),
 * followed by rest. */
static const char *under(char *buf, size_t n, const char *var,
                         const char *fallback, const char *rest)
{
  const char *v = getenv(var);

  snprintf(buf, n, "%s%s", v && *v ? v : fallback, rest);
  return buf;
}

const char *sdk_config_dir(void)
{
  static char buf[1024];

  if (!plat_is_windows())
    return POSIX_ETC;
  return under(buf, sizeof(buf), "ProgramData", "C:\\ProgramData",
               "\\Amazon\\CloudHSM\\data");
}

const char *sdk_config_path(void)
{
  static char buf[1024];

  if (!plat_is_windows())
    return POSIX_ETC "/cloudhsm-pkcs11.cfg";
  return under(buf, sizeof(buf), "ProgramData", "C:\\ProgramData",
               "\\Amazon\\CloudHSM\\data\\cloudhsm-pkcs11.cfg");
}

const char *sdk_ca_path(void)
{
  static char buf[1024];

  if (!plat_is_windows())
    return POSIX_ETC "/customerCA.crt";
  return under(buf, sizeof(buf), "ProgramData", "C:\\ProgramData",
               "\\Amazon\\CloudHSM\\customerCA.crt");
}

const char *sdk_log_dir(void)
{
  static char buf[1024];

  if (!plat_is_windows())
    return "/opt/cloudhsm/run";
  return under(buf, sizeof(buf), "ProgramFiles", "C:\\Program Files",
               "\\Amazon\\CloudHSM");
}
