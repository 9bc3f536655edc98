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
#include "component.h"
#include "edit.h"
#include "cp_buf.h"
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

/* What add-cluster writes into every file it edits. */
struct add_run {
  struct cluster_source src;
  struct client_pairs pairs;
  struct slot_options so;
  const char *hsm_type;
  char *ca_abs; /* --hsm-ca-cert, absolute (owned) */
};

/* The slot of one file, added or refreshed: its own CA checks the cluster
 * (a local check: the one API answer serves every file). */
static enum cp_err add_to_file(struct add_run *a, struct edit_file *ef,
                               enum cfg_action *action, int *idx,
                               struct cp_errbuf *err)
{
  struct cfg_model *m = &ef->f.model;
  struct cfg_slot_spec spec;
  const struct cfg_server *servers = a->so.servers;
  size_t nservers = a->so.nservers;
  char *type = NULL, *ca_used = NULL;
  struct cert_info ca_info;
  enum cp_err rc;

  CP_TRY(rc,
         component_check_room(ef->rules, m, a->src.cluster_id, ef->f.path, err));
  CP_TRY(rc, slot_options_check_file(&a->so, ef->comp, ef->f.path, err));
  /* the CA checked is the one the slot will name: it must be there */
  ca_used = cluster_ca_for_slot(m, cfg_model_slot_for(m, a->src.cluster_id),
                                a->ca_abs, CA_DEFAULT);
  if (!a->ca_abs)
    CP_TRY(rc, cert_check_ca_file(ca_used, &ca_info, err));
  if (a->hsm_type)
    type = cp_xstrdup(a->hsm_type);
  if (!a->so.addrs.n) {
    CP_TRY(rc, cluster_source_verify_ca(&a->src, ca_used, err));
    cluster_source_pick_for_slot(&a->src, m,
                                 cfg_model_slot_for(m, a->src.cluster_id));
    servers = a->src.servers;
    nservers = a->src.nservers;
    if (!a->hsm_type)
      type = cluster_source_slot_type(&a->src);
  }
  if (!a->hsm_type && cfg_model_find_slot(m, a->src.cluster_id) >= 0) {
    free(type); /* an existing slot keeps its type */
    type = NULL;
  }
  memset(&spec, 0, sizeof(spec));
  spec.cluster_id = a->src.cluster_id;
  spec.type = type;
  spec.hsm_ca_file = a->ca_abs;
  spec.servers = servers;
  spec.nservers = nservers;
  cfg_model_upsert_slot(m, &spec, action);
  *idx = cfg_model_find_slot(m, a->src.cluster_id);
  slot_options_apply(&a->so, m, *idx);
  client_pairs_apply(&a->pairs, m, *idx);
  if (*action == CFG_UNCHANGED && cfg_file_changed(&ef->f))
    *action = CFG_UPDATED; /* only an option changed */
  slot_warn_unconfigured(m, ef->f.path);
out:
  free(type);
  free(ca_used);
  return rc;
}

static void add_result(const struct add_run *a, struct edit_set *s, size_t i,
                       enum cfg_action action, int idx)
{
  struct edit_file *ef = &s->v[i];
  struct cfg_slot_view v;
  struct cfg_server *servers = NULL; /* as written into this file */
  size_t nservers = cfg_model_slot_servers(&ef->f.model, (size_t)idx, &servers);
  char *text;

  cfg_model_slot(&ef->f.model, (size_t)idx, &v);
  text = cp_xasprintf("%s %s (%zu server%s) in %s\n", cfg_action_name(action),
                      a->src.cluster_id, nservers, nservers == 1 ? "" : "s",
                      ef->f.path);
  edit_set_result(s, i,
                  output_slot_result(action, ef->changed, a->src.cluster_id,
                                     a->src.region_used, v.type, servers,
                                     nservers, ef->f.path),
                  text);
  free(text);
  free(servers);
}

enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx,
                            struct cp_errbuf *err)
{
  struct add_run a = {.pairs = CLIENT_PAIRS_INIT, .so = SLOT_OPTIONS_INIT};
  const char *ca_cert = NULL;
  struct edit e = EDIT_INIT;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &a.src.cluster_id, "<id>", "the cluster to add",
              CLI_REQUIRED),
      CLI_PATH(0, "hsm-ca-cert", &ca_cert, "<file>",
               "the CA that signed the cluster (default: the slot's, else "
               "customerCA.crt)",
               0),
      CLI_SLOT_SERVERS_OPT(&a.so),
      CLI_CLIENT_PAIR_OPTS(&a.pairs),
      CLI_STR(0, "hsm-type", &a.hsm_type, "<type>",
              "the slot's type (default: from the cluster's HsmType)", 0),
      CLI_SLOT_OPTIONS(&a.so),
      CLI_CLUSTER_SOURCE_OPTS(&a.src),
      CLI_EDIT_OPTS(&e),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct edit_set s = EDIT_SET_INIT;
  struct cert_info cinfo;
  enum cfg_action *actions = NULL;
  int *idx = NULL;
  enum cp_err rc;
  size_t i;

  cluster_source_init(&a.src);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &add_doc, err));
  if (ctx->help)
    goto out;
  /* every local check before any call */
  if (a.so.addrs.n)
    CP_TRY(rc, check_by_hand(&a.src, err));
  else
    CP_TRY(rc, cluster_source_check(&a.src, err));
  CP_TRY(rc, client_pairs_check(&a.pairs, err));
  CP_TRY(rc, slot_options_check(&a.so, err));
  if (ca_cert) {
    CP_TRY(rc, cert_check_ca_file(ca_cert, &cinfo, err));
    CP_TRY(rc, cli_path_for_config("--hsm-ca-cert", ca_cert, &a.ca_abs, err));
  }
  /* one API call (or saved answer) for every file */
  if (!a.so.addrs.n)
    CP_TRY(rc, cluster_source_fetch(&a.src, err));

  CP_TRY(rc, edit_set_open(&s, &e, ctx, err));
  actions = cp_xcalloc(s.n, sizeof(*actions));
  idx = cp_xcalloc(s.n, sizeof(*idx));
  for (i = 0; i < s.n; i++)
    if (!s.v[i].same_as &&
        (rc = add_to_file(&a, &s.v[i], &actions[i], &idx[i], err)) != CP_OK)
      CP_TRY(rc, edit_set_fail(&s, i, rc, err));
  CP_TRY(rc, edit_set_finish(&s, ctx, err));
  for (i = 0; i < s.n; i++)
    if (!s.v[i].same_as)
      add_result(&a, &s, i, actions[i], idx[i]);
  edit_set_report(&s, ctx);
out:
  free(actions);
  free(idx);
  free(a.ca_abs);
  edit_set_release(&s);
  cluster_source_release(&a.src);
  client_pairs_release(&a.pairs);
  slot_options_release(&a.so);
  return rc;
}
