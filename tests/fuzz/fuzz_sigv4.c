/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sigv4.c — SigV4 canonicalization: method, path, query and headers
 * from the input's lines ("method\npath\nquery\nname:value\n..."). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sigv4.h"

#define MAX_HEADERS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size), *lines[3 + MAX_HEADERS], *p = text;
  struct sigv4_header h[MAX_HEADERS];
  struct sigv4_input in;
  struct cp_buf creq = CP_BUF_INIT, signed_headers = CP_BUF_INIT;
  size_t n = 0, nh = 0, i;

  while (n < 3 + MAX_HEADERS) {
    lines[n++] = p;
    if (!(p = strchr(p, '\n')))
      break;
    *p++ = '\0';
  }
  for (i = 3; i < n; i++) {
    char *colon = strchr(lines[i], ':');
    if (!colon)
      continue;
    *colon = '\0';
    h[nh].name = lines[i];
    h[nh++].value = colon + 1;
  }
  memset(&in, 0, sizeof(in));
  in.method = lines[0];
  in.path = n > 1 ? lines[1] : "/";
  in.query = n > 2 ? lines[2] : NULL;
  in.headers = h;
  in.nheaders = nh;
  in.payload_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  in.normalize_path = size & 1;
  sigv4_canonical_request(&in, &creq, &signed_headers);
  if (!memchr(cp_buf_str(&creq), '\n', creq.len))
    abort(); /* a canonical request has at least its method line */
  cp_buf_release(&creq);
  cp_buf_release(&signed_headers);
  free(text);
  return 0;
}
