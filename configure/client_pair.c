/* SPDX-License-Identifier: Apache-2.0 */
/* client_pair.c — check and write the two client certificate pairs. */
#include "client_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cp_log.h"
#include "cp_platform.h"

const struct client_pair_names client_pair_names[CFG_NPAIRS] = {
    {"server-client-cert-file", "server-client-key-file",
     "clear-server-client-cert", "server-client pair"},
    {"client-cert-hsm-tls-file", "client-key-hsm-tls-file",
     "clear-client-cert-hsm-tls", "HSM-TLS pair"}};

int client_pairs_any(const struct client_pairs *ps)
{
  return client_pairs_option(ps) != NULL;
}

const char *client_pairs_option(const struct client_pairs *ps)
{
  static char opt[48];
  const struct client_pair_names *n;
  const struct client_pair *p;
  size_t i;

  for (i = 0; i < CFG_NPAIRS; i++) {
    p = &ps->p[i];
    n = &client_pair_names[i];
    if (p->cert || p->key || p->clear) {
      snprintf(opt, sizeof(opt), "--%s",
               p->clear ? n->clear : p->cert ? n->cert : n->key);
      return opt;
    }
  }
  return NULL;
}

/* The files of one pair: both or neither, usable, the key private. */
static enum cp_err check_pair(struct client_pair *p, enum cfg_pair which,
                              struct cp_errbuf *err)
{
  const struct client_pair_names *n = &client_pair_names[which];
  struct cert_info ci;
  char opt[48];
  enum cp_err rc;

  if (p->clear && (p->cert || p->key))
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "contradictory options (--%s and --%s): one removes the "
                   "%s, the other sets it. Give one of them",
                   n->clear, p->cert ? n->cert : n->key, n->what);
  if (!p->cert && !p->key)
    return CP_OK;
  if (!p->cert != !p->key)
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "incomplete %s (--%s): the certificate and the key go "
                   "together. Give both --%s and --%s",
                   n->what, p->cert ? n->cert : n->key, n->cert, n->key);
  CP_TRY(rc, cert_check_client_pair(p->cert, p->key, &ci, err));
  if (which == CFG_PAIR_HSM_TLS && ci.file_bytes > CLIENT_PAIR_HSM_TLS_MAX_BYTES)
    CP_FAIL(rc, CP_E_CERT,
            "HSM-TLS certificate file too large (%s): it holds %zu bytes, and "
            "an HSM takes a chain of at most %d. Give the leaf and only the "
            "chain the HSM needs",
            p->cert, ci.file_bytes, CLIENT_PAIR_HSM_TLS_MAX_BYTES);
  if (!ci.chain_in_order)
    cp_log(CP_LOG_WARN, "%s: the certificates after the first do not each "
           "issue the one before (the leaf comes first, then its issuer): "
           "the peer may refuse the chain", p->cert);
  if (plat_others_can_read(p->key))
    cp_log(CP_LOG_WARN, "private key %s can be read by other users: make it "
           "readable only by its owner (chmod 600 %s)", p->key, p->key);
  snprintf(opt, sizeof(opt), "--%s", n->cert);
  CP_TRY(rc, cli_path_for_config(opt, p->cert, &p->cert_abs, err));
  snprintf(opt, sizeof(opt), "--%s", n->key);
  CP_TRY(rc, cli_path_for_config(opt, p->key, &p->key_abs, err));
out:
  return rc;
}

enum cp_err client_pairs_check(struct client_pairs *ps, struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  size_t i;

  for (i = 0; i < CFG_NPAIRS && rc == CP_OK; i++)
    rc = check_pair(&ps->p[i], (enum cfg_pair)i, err);
  return rc;
}

void client_pairs_apply(const struct client_pairs *ps, struct cfg_model *m,
                        int slot)
{
  const struct client_pair *p;
  struct cfg_slot_view v;
  size_t i;

  for (i = 0; i < CFG_NPAIRS; i++) {
    p = &ps->p[i];
    if (p->clear)
      cfg_model_set_pair(m, slot, (enum cfg_pair)i, NULL, NULL);
    else if (p->cert_abs)
      cfg_model_set_pair(m, slot, (enum cfg_pair)i, p->cert_abs, p->key_abs);
  }
  if (!ps->p[CFG_PAIR_HSM_TLS].cert_abs || slot < 0)
    return;
  cfg_model_slot(m, (size_t)slot, &v);
  if (!v.type || strcmp(v.type, "hsm2m"))
    cp_log(CP_LOG_WARN, "slot %s is of type %s: mutual TLS with the HSMs (the "
           "HSM-TLS pair) is an hsm2m feature that %s clusters do not use",
           v.cluster_id ? v.cluster_id : "0", v.type ? v.type : "hsm1",
           v.type ? v.type : "hsm1");
}

void client_pairs_release(struct client_pairs *ps)
{
  size_t i;

  for (i = 0; i < CFG_NPAIRS; i++) {
    free(ps->p[i].cert_abs);
    free(ps->p[i].key_abs);
    ps->p[i].cert_abs = ps->p[i].key_abs = NULL;
  }
}
