/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_url.c — the URL parser behind every URL check (http_url_parse). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "cp_platform.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size);
  struct http_url u;

  if (http_url_parse(text, &u) == 0) {
    unsigned char a[16];
    /* a host it calls loopback is localhost or a loopback literal */
    if (u.loopback && strcmp(u.host, "localhost") &&
        strcasecmp(u.host, "localhost") && !plat_ip_bytes(u.host, a))
      abort();
    if (!u.host[0] || strchr(u.host, '@') || strchr(u.host, '/'))
      abort();
  }
  free(text);
  return 0;
}
