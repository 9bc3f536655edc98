/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_add_cluster.c — look a cluster up with DescribeClusters and add (or
 * refresh) its slot in the config. The cluster's description comes from
 * cluster_source.c; this file edits the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cfg_file.h"
#include "client_pair.h"
#include "cluster_source.h"
#include "commands.h"
#include "edit.h"
#include "cp_buf.h"
#include "cp_diff.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "output.h"
#include "slot_options.h"

static const char *const add_examples[] = {
    "sudo configure-pkcs11 add-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--region us-east-1 --hsm-ca-cert /opt/cloudhsm/etc/cluster-2ab3cd4ef5g-CA.crt",
    "configure-pkcs11 add-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--output json --dry-run",
    "aws cloudhsmv2 describe-clusters --output json | sudo configure-pkcs11 "
    "add-cluster --cluster-id cluster-2ab3cd4ef5g --from-describe -",
    NULL};

static const struct cli_cmd_doc add_doc = {
    "configure-pkcs11 add-cluster --cluster-id <id> [<options>]",
    "Look the cluster up with the CloudHSMv2 DescribeClusters API (or a saved "
    "answer), check its certificate against the CA, and add (or refresh) its "
    "slot.",
    add_examples};

/* -a names the servers by hand: the API options have nothing to do. */
static enum cp_err check_by_hand(const struct cluster_source *src,
                                 struct cp_errbuf *err)
{
  const char *other = src->from_describe ? "--from-describe"
                      : src->wait >= 0   ? "--wait"
                      : src->ip_family   ? "--ip-family"
                                         : NULL;
  if (other)
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "contradictory options (-a and %s): -a gives the servers "
                   "and calls no API. Drop one of them",
                   other);
  if (src->region || src->endpoint || src->profile || src->fips ||
      src->dualstack || src->ca_bundle)
    cp_log(CP_LOG_WARN, "-a gives the servers, so no API is called: the API "
           "options (--region, --endpoint, --profile, ...) are not used");
  return cfg_cluster_id_check(src->cluster_id, err);
}

/* The CA to check the cluster against and to write: --hsm-ca-cert, else the
 * hsm_ca_file of the slot that will be written, else the default. */
static enum cp_err slot_ca(const struct cfg_model *m, const char *cluster_id,
                           const char *given_abs, char **out,
                           struct cp_errbuf *err)
{
  int idx = cfg_model_slot_for(m, cluster_id);
  struct cfg_slot_view v;
  struct cert_info ci;

  *out = NULL;
  if (given_abs) {
    *out = cp_xstrdup(given_abs);
    return CP_OK;
  }
  if (idx >= 0)
    cfg_model_slot(m, (size_t)idx, &v);
  *out = cp_xstrdup(idx >= 0 && v.hsm_ca_file ? v.hsm_ca_file
                                              : plat_default_ca_path());
  return cert_check_ca_file(*out, &ci, err);
}

enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx,
                            struct cp_errbuf *err)
{
  struct cluster_source src;
  struct client_pair pair = CLIENT_PAIR_INIT;
  struct slot_options so = SLOT_OPTIONS_INIT;
  const char *ca_cert = NULL, *hsm_type = NULL;
  struct edit e = EDIT_INIT;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &src.cluster_id, "<id>", "the cluster to add",
              CLI_REQUIRED),
      CLI_STR(0, "hsm-ca-cert", &ca_cert, "<file>",
              "the CA that signed the cluster (default: the slot's, else "
              "customerCA.crt)", 0),
      CLI_SLOT_SERVERS_OPT(&so),
      CLI_CLIENT_PAIR_OPTS(&pair),
      CLI_STR(0, "server-client-cert-file", &pair.cert, "<file>",
              "old name of --client-cert-hsm-tls-file", CLI_HIDDEN),
      CLI_STR(0, "server-client-key-file", &pair.key, "<file>",
              "old name of --client-key-hsm-tls-file", CLI_HIDDEN),
      CLI_STR(0, "hsm-type", &hsm_type, "<type>",
              "the slot's type (default: from the cluster's HsmType)", 0),
      CLI_SLOT_OPTIONS(&so),
      CLI_CLUSTER_SOURCE_OPTS(&src),
      CLI_EDIT_OPTS(&e),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct cfg_file f = CFG_FILE_INIT;
  struct cfg_slot_spec spec;
  struct cert_info cinfo;
  char *type = NULL, *text = NULL, *ca_abs = NULL, *ca_used = NULL;
  const struct cfg_server *servers;
  size_t nservers;
  enum cfg_action action = CFG_UNCHANGED;
  int changed = 0, idx;
  enum cp_err rc;

  cluster_source_init(&src);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &add_doc, err));
  if (ctx->help)
    goto out;
  /* every local check before any call */
  if (so.addrs.n)
    CP_TRY(rc, check_by_hand(&src, err));
  else
    CP_TRY(rc, cluster_source_check(&src, err));
  CP_TRY(rc, client_pair_check(&pair, err));
  CP_TRY(rc, slot_options_check(&so, err));
  if (ca_cert) {
    CP_TRY(rc, cert_check_ca_file(ca_cert, &cinfo, err));
    CP_TRY(rc, cli_path_for_config("--hsm-ca-cert", ca_cert, &ca_abs, err));
  }
  if (!so.addrs.n)
    CP_TRY(rc, cluster_source_fetch(&src, err));

  CP_TRY(rc, edit_open(&e, ctx, &f, err));
  /* the CA of the slot this writes, checked against the cluster's
   * certificate under the lock (a local check: no call is made here) */
  CP_TRY(rc, slot_ca(&f.model, src.cluster_id, ca_abs, &ca_used, err));
  if (so.addrs.n) {
    servers = so.servers;
    nservers = so.nservers;
    type = hsm_type ? cp_xstrdup(hsm_type) : NULL;
  } else {
    CP_TRY(rc, cluster_source_verify_ca(&src, ca_used, err));
    servers = src.servers;
    nservers = src.nservers;
    type = hsm_type ? cp_xstrdup(hsm_type) : cluster_source_slot_type(&src);
  }
  if (!hsm_type && cfg_model_find_slot(&f.model, src.cluster_id) >= 0) {
    free(type); /* an existing slot keeps its type */
    type = NULL;
  }
  memset(&spec, 0, sizeof(spec));
  spec.cluster_id = src.cluster_id;
  spec.type = type;
  spec.hsm_ca_file = ca_abs;
  spec.client_cert_path = pair.cert_abs;
  spec.client_key_path = pair.key_abs;
  spec.servers = servers;
  spec.nservers = nservers;
  cfg_model_upsert_slot(&f.model, &spec, &action);
  idx = cfg_model_find_slot(&f.model, src.cluster_id);
  slot_options_apply(&so, &f.model, idx);
  if (action == CFG_UNCHANGED && cfg_file_changed(&f))
    action = CFG_UPDATED; /* only an option changed */
  slot_warn_unconfigured(&f.model, ctx->config_path);
  CP_TRY(rc, edit_finish(&e, ctx, &f, &changed, err));
  {
    struct cfg_slot_view v;
    cfg_model_slot(&f.model, (size_t)idx, &v);
    text = cp_xasprintf("%s %s (%zu server%s) in %s\n", cfg_action_name(action),
                        src.cluster_id, nservers, nservers == 1 ? "" : "s",
                        f.path);
    output_result(ctx,
                  edit_annotate(&e, output_slot_result(
                                        action, changed, src.cluster_id,
                                        src.region_used, v.type, servers,
                                        nservers, f.path)),
                  e.dry_run ? NULL : text);
  }
out:
  free(text);
  free(type);
  free(ca_abs);
  free(ca_used);
  cfg_file_release(&f);
  edit_release(&e);
  cluster_source_release(&src);
  client_pair_release(&pair);
  slot_options_release(&so);
  return rc;
}
