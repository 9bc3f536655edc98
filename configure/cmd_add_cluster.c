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
    "configure-pkcs11 add-cluster (--cluster-id <id> | --cluster-tag "
    "<key=value>) [<options>]",
    "Look the cluster up with the CloudHSMv2 DescribeClusters API (or a saved "
    "answer), check its certificate against the CA, and add (or refresh) its "
    "slot.",
    add_examples};

/* -a names the servers by hand: the API options have nothing to do. */
static enum cp_err check_by_hand(const struct cluster_opts *src,
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
  struct cluster_opts src;     /* as given */
  struct http_settings http;   /* from them */
  struct cluster_answer ans;   /* what the API (or saved answer) said */
  struct client_pairs pairs;
  struct slot_options so;
  const char *hsm_type;
  char *ca_abs;   /* --hsm-ca-cert, absolute (owned) */
  char *tag_id;   /* the cluster --cluster-tag found (owned) */
  char **ca_used; /* per file: the CA checked against the snapshot (owned) */
  enum cfg_action *actions; /* per file */
  int *idx;                 /* per file: the slot written */
};

/* The CA of file i's slot, checked before the lock: the one the slot will
 * name must be a CA file (with --hsm-ca-cert, checked already), and it must
 * have signed the cluster (after the fetch, with verify). */
static enum cp_err check_file_ca(struct add_run *a, struct edit_file *ef,
                                 size_t i, int verify, struct cp_errbuf *err)
{
  const struct cfg_model *m = &ef->f.model;
  struct cert_info ca_info;

  if (!verify) {
    int slot = cfg_model_slot_for(m, a->src.cluster_id);
    a->ca_used[i] = cluster_ca_for_slot(m, slot, a->ca_abs, CA_DEFAULT);
    if (a->ca_abs)
      return CP_OK;
    if (plat_file_kind(a->ca_used[i]) == PLAT_NOTHING) {
      char *own = cluster_ca_for_slot(m, slot, NULL, 0); /* the slot's */
      enum cp_err rc = cp_fail(
          err, CP_E_CERT, __FILE__, __LINE__,
          "HSM CA file not found (%s): it is %s. Give the CA that signed the "
          "cluster with --hsm-ca-cert FILE",
          a->ca_used[i],
          own ? "the slot's hsm_ca_file" : "the default, as no --hsm-ca-cert "
                                           "was given");
      free(own);
      return rc;
    }
    return cert_check_ca_file(a->ca_used[i], &ca_info, err);
  }
  return a->so.addrs.n ? CP_OK
                       : slot_plan_verify_ca(&a->ans, a->ca_used[i], err);
}

/* Every file's CA, before the fetch (verify 0) or after it. */
static enum cp_err check_cas(struct add_run *a, struct edit_set *s, int verify,
                             struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  size_t i;

  for (i = 0; i < s->n && rc == CP_OK; i++)
    if (!s->v[i].same_as &&
        (rc = check_file_ca(a, &s->v[i], i, verify, err)) != CP_OK)
      rc = edit_set_fail(s, i, rc, err);
  return rc;
}

/* Under the lock, the slot of file i, added or refreshed from what was
 * fetched and checked (pure: the one API answer serves every file). */
static enum cp_err add_to_file(void *arg, struct edit_set *s, size_t i,
                               struct cp_errbuf *err)
{
  struct add_run *a = arg;
  struct edit_file *ef = &s->v[i];
  struct cfg_model *m = &ef->f.model;
  struct cfg_slot_spec spec;
  const struct cfg_server *servers = a->so.servers;
  size_t nservers = a->so.nservers;
  int slot = cfg_model_slot_for(m, a->src.cluster_id);
  char *type = NULL, *ca = NULL;
  struct slot_plan plan = SLOT_PLAN_INIT;
  enum cp_err rc;

  CP_TRY(rc,
         component_check_room(ef->rules, m, a->src.cluster_id, ef->f.path, err));
  CP_TRY(rc, slot_options_check_file(&a->so, ef->comp, ef->f.path, err));
  ca = cluster_ca_for_slot(m, slot, a->ca_abs, CA_DEFAULT);
  if (strcmp(ca, a->ca_used[i]))
    CP_FAIL(rc, CP_E_LOCKED,
            "config changed meanwhile (%s): another run set the slot's "
            "hsm_ca_file to %s while the API answered, and the cluster was "
            "checked against %s. Run again",
            ef->f.path, ca, a->ca_used[i]);
  if (a->hsm_type)
    type = cp_xstrdup(a->hsm_type);
  if (!a->so.addrs.n) {
    slot_plan_servers(&plan, &a->ans, a->src.ip_family, m, slot);
    servers = plan.servers;
    nservers = plan.nservers;
    if (!a->hsm_type)
      type = cluster_answer_slot_type(&a->ans);
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
  cfg_model_upsert_slot(m, &spec, &a->actions[i]);
  a->idx[i] = cfg_model_find_slot(m, a->src.cluster_id);
  slot_options_apply(&a->so, m, a->idx[i]);
  client_pairs_apply(&a->pairs, m, a->idx[i]);
  if (a->actions[i] == CFG_UNCHANGED && cfg_file_changed(&ef->f))
    a->actions[i] = CFG_UPDATED; /* only an option changed */
  slot_warn_unconfigured(m, ef->f.path);
out:
  slot_plan_release(&plan);
  free(type);
  free(ca);
  return rc;
}

/* A cluster with no HSM (deleted to save cost) whose slot every file has
 * already: the slots are kept as they are, as refresh-clusters keeps
 * them. A new slot is refused (cluster_answer_check's message). */
static int keep_without_hsms(const struct add_run *a, const struct edit_set *s)
{
  size_t i;

  if (a->src.wait >= 0 || !cluster_answer_no_hsms(&a->ans))
    return 0;
  for (i = 0; i < s->n; i++)
    if (!s->v[i].same_as &&
        cfg_model_find_slot(&s->v[i].f.model, a->src.cluster_id) < 0)
      return 0;
  return 1;
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
                                     a->ans.region_used, v.type, servers,
                                     nservers, ef->f.path),
                  text);
  free(text);
  free(servers);
}

enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx,
                            struct cp_errbuf *err)
{
  struct add_run a = {.pairs = CLIENT_PAIRS_INIT,
                      .so = SLOT_OPTIONS_INIT,
                      .http = HTTP_SETTINGS_INIT,
                      .ans = CLUSTER_ANSWER_INIT};
  const char *ca_cert = NULL;
  struct edit e = EDIT_INIT;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &a.src.cluster_id, "<id>", "the cluster to add",
              0),
      CLI_STR(0, "cluster-tag", &a.src.cluster_tag, "<key=value>",
              "instead, the one cluster with this tag (as Name=payments)", 0),
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
  enum cp_err rc;
  size_t i;

  cluster_opts_init(&a.src);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &add_doc, err));
  if (ctx->help)
    goto out;
  /* every local check before any call */
  if (!a.src.cluster_id == !a.src.cluster_tag)
    CP_FAIL(rc, CP_E_USAGE,
            "%s (--cluster-id or --cluster-tag): give one of them. See "
            "configure-pkcs11 help add-cluster",
            a.src.cluster_id ? "contradictory options" : "missing option");
  if (a.so.addrs.n && a.src.cluster_tag)
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (-a and --cluster-tag): -a calls no API, "
            "and the tag is looked up there. Give --cluster-id with -a");
  if (a.so.addrs.n)
    CP_TRY(rc, check_by_hand(&a.src, err));
  else
    CP_TRY(rc, cluster_opts_check(&a.src, &a.http, err));
  CP_TRY(rc, client_pairs_check(&a.pairs, err));
  CP_TRY(rc, slot_options_check(&a.so, err));
  if (ca_cert) {
    CP_TRY(rc, cert_check_ca_file(ca_cert, &cinfo, err));
    CP_TRY(rc, cli_path_for_config("--hsm-ca-cert", ca_cert, &a.ca_abs, err));
  }
  if (a.src.cluster_tag) {
    CP_TRY(rc, cluster_source_find_tagged(&a.src, &a.http, &a.tag_id, err));
    a.src.cluster_id = a.tag_id;
  }
  /* the files as they are, then one API call (or saved answer) for all of
   * them with no lock held, then each under its lock */
  CP_TRY(rc, edit_set_peek(&s, &e, ctx, err));
  a.ca_used = cp_xcalloc(s.n, sizeof(*a.ca_used));
  a.actions = cp_xcalloc(s.n, sizeof(*a.actions));
  a.idx = cp_xcalloc(s.n, sizeof(*a.idx));
  CP_TRY(rc, check_cas(&a, &s, 0, err));
  if (!a.so.addrs.n) {
    rc = cluster_source_fetch(&a.src, &a.http, &a.ans, err);
    if (rc == CP_E_CLUSTER_STATE && keep_without_hsms(&a, &s)) {
      rc = CP_OK;
      cp_errbuf_clear(err);
      cp_log(CP_LOG_WARN, "cluster %s has no HSM: its slot is kept as it is "
             "(aws cloudhsmv2 create-hsm --cluster-id %s --availability-zone "
             "<zone> makes one)", a.src.cluster_id, a.src.cluster_id);
      for (i = 0; i < s.n; i++)
        if (!s.v[i].same_as)
          add_result(&a, &s, i, CFG_UNCHANGED,
                     cfg_model_find_slot(&s.v[i].f.model, a.src.cluster_id));
      edit_set_report(&s, ctx);
      goto out;
    }
    if (rc != CP_OK)
      goto out;
  }
  CP_TRY(rc, check_cas(&a, &s, 1, err));
  CP_TRY(rc, edit_set_commit(&s, ctx, add_to_file, &a, err));
  for (i = 0; i < s.n; i++)
    if (!s.v[i].same_as)
      add_result(&a, &s, i, a.actions[i], a.idx[i]);
  edit_set_report(&s, ctx);
out:
  for (i = 0; a.ca_used && i < s.n; i++)
    free(a.ca_used[i]);
  free(a.ca_used);
  free(a.actions);
  free(a.idx);
  free(a.ca_abs);
  free(a.tag_id);
  edit_set_release(&s);
  cluster_answer_release(&a.ans);
  client_pairs_release(&a.pairs);
  slot_options_release(&a.so);
  return rc;
}
