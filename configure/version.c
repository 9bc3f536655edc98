/* SPDX-License-Identifier: Apache-2.0 */
/* version.c — the version and what it runs with. */
#include "version.h"

#include <stdio.h>
#include <string.h>

#include "cert.h"
#include "cfg_model.h"
#include "cp_platform.h"
#include "cp_version.h"
#include "http.h"
#include "xml_tree.h"

void version_print(void)
{
  const char *curl = http_library_versions(); /* "libcurl/7.88.1 ..." */

  const char *expat = xml_library_version(); /* "expat_2.5.0" */

  printf("configure-pkcs11 %s %.*s OpenSSL/%s json-c/%s expat/%s "
         "inih/vendored\n",
         CP_VERSION, (int)strcspn(curl, " "), curl, cert_library_version(),
         cfg_model_library_version(), expat + strcspn(expat, "0123456789"));
  printf("libcurl: %s\n", curl);
  printf("Build: %s\n", CP_BUILD_KIND);
  printf("Platform: %s\n", plat_system_name());
}
