/* SPDX-License-Identifier: Apache-2.0 */
/* sdk_paths.c — the Client SDK 5 layout. Linux: AWS's "Client SDK 5
 * configure tool" page (/opt/cloudhsm/etc) and "client SDK logs" page
 * (/opt/cloudhsm/run). Windows: the installer's folders, the config under
 * %ProgramData%\Amazon\CloudHSM\data, the CA in %ProgramData%\Amazon\
 * CloudHSM, the logs in %ProgramFiles%\Amazon\CloudHSM (the same pages).
 * The PKCS#11 library: AWS's "Install the PKCS #11 library" page (Linux)
 * and the default of AWS's own samples, aws-samples/aws-cloudhsm-pkcs11-
 * examples (%ProgramFiles%\Amazon\CloudHSM\lib\cloudhsm_pkcs11.dll). */
#include "sdk_paths.h"

#include <stdio.h>
#include <stdlib.h>

#include "cp_platform.h"

#define ETC "/opt/cloudhsm/etc"
#define DATA "ProgramData", "C:\\ProgramData"

/* One path: on POSIX as it is; on Windows the folder environment variable
 * var names (else fallback), then rest, built into buf. */
struct sdk_path {
  const char *posix, *var, *fallback, *rest;
};

static const char *path_of(const struct sdk_path *p, char *buf, size_t n)
{
  const char *v = getenv(p->var);

  if (!plat_is_windows())
    return p->posix;
  snprintf(buf, n, "%s%s", v && *v ? v : p->fallback, p->rest);
  return buf;
}

const char *sdk_config_dir(void)
{
  static const struct sdk_path p = {ETC, DATA, "\\Amazon\\CloudHSM\\data"};
  static char buf[1024];
  return path_of(&p, buf, sizeof(buf));
}

const char *sdk_config_path(void)
{
  static const struct sdk_path p = {
      ETC "/cloudhsm-pkcs11.cfg", DATA,
      "\\Amazon\\CloudHSM\\data\\cloudhsm-pkcs11.cfg"};
  static char buf[1024];
  return path_of(&p, buf, sizeof(buf));
}

const char *sdk_ca_path(void)
{
  static const struct sdk_path p = {ETC "/customerCA.crt", DATA,
                                    "\\Amazon\\CloudHSM\\customerCA.crt"};
  static char buf[1024];
  return path_of(&p, buf, sizeof(buf));
}

const char *sdk_log_dir(void)
{
  static const struct sdk_path p = {"/opt/cloudhsm/run", "ProgramFiles",
                                    "C:\\Program Files", "\\Amazon\\CloudHSM"};
  static char buf[1024];
  return path_of(&p, buf, sizeof(buf));
}

const char *sdk_pkcs11_library(void)
{
  static const struct sdk_path p = {
      "/opt/cloudhsm/lib/libcloudhsm_pkcs11.so", "ProgramFiles",
      "C:\\Program Files", "\\Amazon\\CloudHSM\\lib\\cloudhsm_pkcs11.dll"};
  static char buf[1024];
  return path_of(&p, buf, sizeof(buf));
}
