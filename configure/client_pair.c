/* SPDX-License-Identifier: Apache-2.0 */
/* client_pair.c — check the client TLS pair options. */
#include "client_pair.h"

#include <stdlib.h>

#include "cert.h"
#include "cp_platform.h"

enum cp_err client_pair_check(struct client_pair *p, struct cp_errbuf *err)
{
  struct cert_info ci;
  enum cp_err rc;

  if (!p->cert && !p->key)
    return CP_OK;
  if (!p->cert != !p->key)
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "incomplete client TLS pair (%s): the certificate and the "
                   "key go together. Give both --client-cert-hsm-tls-file and "
                   "--client-key-hsm-tls-file",
                   p->cert ? "--client-cert-hsm-tls-file"
                           : "--client-key-hsm-tls-file");
  if ((rc = cert_check_client_pair(p->cert, p->key, &ci, err)) != CP_OK ||
      (rc = cli_path_for_config("--client-cert-hsm-tls-file", p->cert,
                                &p->cert_abs, err)) != CP_OK ||
      (rc = cli_path_for_config("--client-key-hsm-tls-file", p->key,
                                &p->key_abs, err)) != CP_OK)
    return rc;
  return CP_OK;
}

void client_pair_release(struct client_pair *p)
{
  free(p->cert_abs);
  free(p->key_abs);
  p->cert_abs = p->key_abs = NULL;
}
