/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_top.c — the original tool's top-level options: edit the slot(s) and
 * the logging section of the config, offline. */
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
#include "cp_log.h"
#include "cp_platform.h"
#include "output.h"
#include "slot_options.h"
#include "sdk_paths.h"

static const char *const log_types[] = {"term", "file", NULL};
static const char *const log_levels[] = {"error", "warn", "info", "debug",
                                         "trace", NULL};
static const char *const log_rotations[] = {"never", "hourly", "daily", NULL};

static const char *const top_examples[] = {
    "sudo configure-pkcs11 -a 10.0.1.12 10.0.2.7",
    "sudo configure-pkcs11 --cluster-id cluster-2ab3cd4ef5g --region us-east-1",
    "sudo configure-pkcs11 --hsm-ca-cert /home/ec2-user/customerCA.crt "
    "--disable-key-availability-check",
    NULL};

/* "configure-pkcs11 [<options>]\n   or: ... (commands: a, b, ...)", from
 * main's table, so the list cannot miss one. */
static const char *top_synopsis(void)
{
  static char buf[512];
  const struct cmd_entry *c;
  size_t len;

  len = (size_t)snprintf(buf, sizeof(buf),
                         "configure-pkcs11 [<options>]\n   or: "
                         "configure-pkcs11 <command> [<options>]   "
                         "(commands: ");
  for (c = commands; c->name && len < sizeof(buf); c++)
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
                            c == commands ? "" : ", ", c->name);
  if (len < sizeof(buf))
    snprintf(buf + len, sizeof(buf) - len, ")");
  return buf;
}

static struct cli_cmd_doc top_doc = {
    NULL,
    "Edit the AWS CloudHSM PKCS#11 library's config file. Cluster options "
    "(-a, --hsm-ca-cert, the client pairs) apply to the slot of --cluster-id, "
    "else to the only slot; cluster.options rows to that slot, else to every "
    "slot; logging to the file.",
    top_examples};

struct top_opts {
  struct cluster_opts src;     /* --cluster-id: the servers from the API */
  struct http_settings http;   /* from src */
  struct cluster_answer ans;   /* its answer */
  struct slot_options slot;  /* -a and the cluster.options rows */
  const char *ca_cert;
  struct client_pairs pairs;
  const char *log_type, *log_file, *log_level, *log_rotation;
  /* set by check_options(): the paths as the config stores them (owned) */
  char *ca_abs, *log_abs;
  char **ca_checked; /* per file: the CA the answer was checked against */
  struct slot_plan *plans; /* per file: the servers written */
  size_t nfiles;
  int argc; /* the command line, for hints */
  char **argv;
};

static int any_option(const struct top_opts *o)
{
  return o->src.cluster_id || o->slot.addrs.n || slot_options_any(&o->slot) ||
         o->ca_cert || client_pairs_any(&o->pairs) || o->log_type ||
         o->log_file || o->log_level || o->log_rotation;
}

/* "configure-pkcs11 add-cluster --cluster-id ID <the cluster options given>"
 * (logging options left out: add-cluster does not take them): a command
 * that runs as written. */
static char *add_cluster_hint(int argc, char **argv, const char *cluster_id)
{
  struct cp_buf b = CP_BUF_INIT;
  int i, with_id = 0;

  cp_buf_puts(&b, "configure-pkcs11 add-cluster");
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "--log-", 6)) {
      if (!strchr(a, '=') && i + 1 < argc)
        i++;
      continue;
    }
    if (!strcmp(a, "--cluster-id"))
      with_id = 1;
    cp_buf_printf(&b, " %s", a);
  }
  if (!with_id)
    cp_buf_printf(&b, " --cluster-id %s", cluster_id);
  return cp_buf_detach(&b);
}

/* The config's cluster ids, for a hint: "cluster-a, cluster-b" (at most
 * five, then "..."). Caller frees. */
static char *cluster_ids(const struct cfg_model *m)
{
  struct cp_buf b = CP_BUF_INIT;
  size_t i, n = cfg_model_slot_count(m), shown = 0;

  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(m, i, &v);
    if (!v.cluster_id)
      continue;
    if (shown++ == 5) {
      cp_buf_puts(&b, ", ...");
      break;
    }
    cp_buf_printf(&b, "%s%s", shown > 1 ? ", " : "", v.cluster_id);
  }
  return cp_buf_detach(&b);
}

/* The slot the cluster options edit: with --cluster-id, that cluster's slot
 * (the only slot of a single-cluster config, as the original tool); without
 * it, the only slot. -1 (every slot) when only cluster.options rows and
 * logging are given. warn: say when the only slot changes cluster. */
static enum cp_err target_slot(struct cfg_model *m, const struct top_opts *o,
                               int warn, int *slot, struct cp_errbuf *err)
{
  size_t n = cfg_model_slot_count(m);
  int cluster_opts =
      o->slot.addrs.n || o->ca_cert || client_pairs_any(&o->pairs);
  char *hint;
  enum cp_err rc;
  struct cfg_slot_view v;

  *slot = -1;
  if (o->src.cluster_id) {
    *slot = cfg_model_find_slot(m, o->src.cluster_id);
    if (*slot >= 0 || n <= 1) {
      if (*slot < 0 && n == 1 && warn) {
        cfg_model_slot(m, 0, &v);
        if (v.cluster_id)
          cp_log(CP_LOG_WARN, "the only slot was for cluster %s; it now holds "
                 "%s (configure-pkcs11 add-cluster keeps both)", v.cluster_id,
                 o->src.cluster_id);
      }
      if (*slot < 0)
        *slot = 0;
      return CP_OK;
    }
    hint = add_cluster_hint(o->argc, o->argv, o->src.cluster_id);
    rc = cp_fail(err, CP_E_NOT_CONFIGURED, __FILE__, __LINE__,
                 "cluster not configured (%s): none of the %zu slots has this "
                 "id. Add it: %s",
                 o->src.cluster_id, n, hint);
    free(hint);
    return rc;
  }
  if (!cluster_opts)
    return CP_OK;
  if (n <= 1) {
    *slot = 0;
    return CP_OK;
  }
  /* the ids, not a command with one of them: pasting that would edit a
   * slot the user did not choose */
  hint = cluster_ids(m);
  rc = cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
               "ambiguous option (%s): the config has %zu slots (%s) and it "
               "edits one. %s",
               o->slot.addrs.n ? "-a"
               : o->ca_cert    ? "--hsm-ca-cert"
                               : client_pairs_option(&o->pairs),
               n, *hint ? hint : "none with a cluster id",
               o->slot.addrs.n
                   ? "Run the same options as configure-pkcs11 add-cluster "
                     "--cluster-id <one of them>"
                   : "Add --cluster-id with one of them");
  free(hint);
  return rc;
}

/* Every value, before the file is touched: contradictions, the client
 * pair, the slot options, the CA file, the paths the config will hold. */
static enum cp_err check_options(struct top_opts *o, struct cp_errbuf *err)
{
  struct cert_info ci;
  enum cp_err rc;

  if (o->src.cluster_id && o->slot.addrs.n)
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (--cluster-id and -a): both set the "
            "servers. Give one of them");
  if (!any_option(o))
    CP_FAIL(rc, CP_E_USAGE,
            "no option given (configure-pkcs11): nothing to change. Give an "
            "option or a command; see configure-pkcs11 --help");
  CP_TRY(rc, client_pairs_check(&o->pairs, err));
  CP_TRY(rc, slot_options_check(&o->slot, err));
  if (o->ca_cert) {
    CP_TRY(rc, cert_check_ca_file(o->ca_cert, &ci, err));
    /* with no cluster to check it against, a certificate that is not a CA
     * is most likely the client certificate given by mistake */
    if (!ci.is_ca && !o->src.cluster_id)
      CP_FAIL(rc, CP_E_CERT,
              "HSM CA certificate is not a CA (%s): %s has no CA basic "
              "constraint. Give the CA that signed the cluster "
              "(customerCA.crt), or add --cluster-id to check it against the "
              "cluster",
              o->ca_cert, ci.subject);
    CP_TRY(rc,
           cli_path_for_config("--hsm-ca-cert", o->ca_cert, &o->ca_abs, err));
  }
  if (o->log_file)
    CP_TRY(rc,
           cli_path_for_config("--log-file", o->log_file, &o->log_abs, err));
  if (o->src.cluster_id)
    CP_TRY(rc, cluster_opts_check(&o->src, &o->http, err));
out:
  return rc;
}

/* The CA that checks the cluster of a slot about to be written (-1: the
 * one single-cluster slot a new file gets), as lenient as the original
 * tool: a CA that is not there is a warning (NULL). Caller frees. */
static char *slot_ca(const struct cfg_model *m, const struct top_opts *o,
                     int slot)
{
  return cluster_ca_for_slot(m, (size_t)slot < cfg_model_slot_count(m) ? slot
                                                                        : -1,
                             o->ca_abs, CA_DEFAULT | CA_IF_PRESENT);
}

/* The slot's servers: from the API's answer with --cluster-id (fetched and
 * checked against ca_checked with no lock held; the slot takes the
 * cluster's id), or as given with -a. */
static enum cp_err apply_servers(struct cfg_model *m, struct top_opts *o,
                                 int slot, const char *path,
                                 const char *ca_checked, struct slot_plan *plan,
                                 struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  char *ca = NULL;

  if (o->slot.addrs.n) {
    cfg_model_set_servers(m, slot, o->slot.servers, o->slot.nservers);
    return CP_OK;
  }
  if (!o->src.cluster_id)
    return CP_OK;
  ca = slot_ca(m, o, slot);
  if ((ca || ca_checked) && (!ca || !ca_checked || strcmp(ca, ca_checked)))
    CP_FAIL(rc, CP_E_LOCKED,
            "config changed meanwhile (%s): another run changed the slot's "
            "hsm_ca_file while the API answered, and the cluster was checked "
            "against %s. Run again",
            path, ca_checked ? ca_checked : "no CA");
  if (cfg_model_slot_count(m) == 0)
    cfg_model_set_servers(m, -1, NULL, 0); /* the one single-cluster slot */
  slot_plan_servers(plan, &o->ans, o->src.ip_family, m, slot);
  cfg_model_set_servers(m, slot, plan->servers, plan->nservers);
  cfg_model_set_cluster_string(m, slot, "cluster_id", o->src.cluster_id);
out:
  free(ca);
  return rc;
}

/* The slot's hsm_ca_file, written in one place: --hsm-ca-cert; else, for a
 * slot --cluster-id fills that has none, the default path. */
static void apply_ca(struct cfg_model *m, const struct top_opts *o, int slot)
{
  struct cfg_slot_view v;

  if (o->ca_abs) {
    cfg_model_set_cluster_string(m, slot, "hsm_ca_file", o->ca_abs);
    return;
  }
  if (!o->src.cluster_id)
    return;
  cfg_model_slot(m, (size_t)slot, &v);
  if (!v.hsm_ca_file)
    cfg_model_set_cluster_string(m, slot, "hsm_ca_file",
                                 sdk_ca_path());
}

static void apply_logging(struct cfg_model *m, const struct top_opts *o)
{
  if (o->log_type)
    cfg_model_set_logging(m, "log_type", o->log_type);
  if (o->log_abs)
    cfg_model_set_logging(m, "log_file", o->log_abs);
  if (o->log_level)
    cfg_model_set_logging(m, "log_level", o->log_level);
  if (o->log_rotation)
    cfg_model_set_logging(m, "log_interval", o->log_rotation);
}

static void report(struct edit_set *s, size_t i, const struct top_opts *o)
{
  const struct edit_file *ef = &s->v[i];
  enum cfg_action action = ef->changed
                               ? (ef->f.meta.exists ? CFG_UPDATED : CFG_ADDED)
                               : CFG_UNCHANGED;
  char *text = cp_xasprintf("%s %s\n", cfg_action_name(action), ef->f.path);

  edit_set_result(s, i,
                  output_slot_result(action, ef->changed, o->src.cluster_id,
                                     o->ans.region_used, NULL,
                                     o->plans ? o->plans[i].servers : NULL,
                                     o->plans ? o->plans[i].nservers : 0,
                                     ef->f.path),
                  text);
  free(text);
}

/* --cluster-id, before any lock: a cluster no slot has fails before any
 * call; the API is asked with no lock held (a slow answer must not keep
 * other runs from the file), and its certificate checked against each
 * file's CA. Under the lock the files are read again, and a slot that went
 * meanwhile is said so by target_slot(). */
static enum cp_err plan_files(struct top_opts *o, struct edit_set *s,
                              struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  int *slots = cp_xcalloc(s->n, sizeof(*slots));
  size_t i;

  for (i = 0; i < s->n && rc == CP_OK; i++)
    if (!s->v[i].same_as &&
        (rc = target_slot(&s->v[i].f.model, o, 0, &slots[i], err)) != CP_OK)
      rc = edit_set_fail(s, i, rc, err);
  if (rc != CP_OK || !o->src.cluster_id)
    goto out;
  CP_TRY(rc, cluster_source_fetch(&o->src, &o->http, &o->ans, err)); /* no lock */
  o->plans = cp_xcalloc(s->n, sizeof(*o->plans));
  o->ca_checked = cp_xcalloc(s->n, sizeof(*o->ca_checked));
  for (i = 0; i < s->n && rc == CP_OK; i++) {
    if (s->v[i].same_as)
      continue;
    o->ca_checked[i] = slot_ca(&s->v[i].f.model, o, slots[i]);
    rc = slot_plan_verify_ca(&o->ans, o->ca_checked[i], err);
    if (rc != CP_OK)
      rc = edit_set_fail(s, i, rc, err);
  }
out:
  free(slots);
  return rc;
}

/* Every change of the options to file i, under the lock. */
static enum cp_err apply_to_file(void *arg, struct edit_set *s, size_t i,
                                 struct cp_errbuf *err)
{
  struct top_opts *o = arg;
  struct edit_file *ef = &s->v[i];
  struct cfg_model *m = &ef->f.model;
  int slot;
  enum cp_err rc;

  CP_TRY(rc, slot_options_check_file(&o->slot, ef->comp, ef->f.path, err));
  CP_TRY(rc, target_slot(m, o, 1, &slot, err));
  CP_TRY(rc, apply_servers(m, o, slot, ef->f.path,
                           o->ca_checked ? o->ca_checked[i] : NULL,
                           o->plans ? &o->plans[i] : NULL, err));
  apply_ca(m, o, slot);
  client_pairs_apply(&o->pairs, m, slot);
  slot_options_apply(&o->slot, m, slot);
  apply_logging(m, o);
out:
  return rc;
}

static void top_opts_release(struct top_opts *o)
{
  cluster_answer_release(&o->ans);
  slot_options_release(&o->slot);
  client_pairs_release(&o->pairs);
  size_t i;

  for (i = 0; o->ca_checked && i < o->nfiles; i++)
    free(o->ca_checked[i]);
  for (i = 0; o->plans && i < o->nfiles; i++)
    slot_plan_release(&o->plans[i]);
  free(o->plans);
  free(o->ca_checked);
  free(o->ca_abs);
  free(o->log_abs);
}

enum cp_err cmd_top(int argc, char **argv, struct cli_ctx *ctx,
                    struct cp_errbuf *err)
{
  struct top_opts o;
  struct edit e = EDIT_INIT;
  const char *completion = NULL;
  int version = 0;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &o.src.cluster_id, "<id>",
              "set the servers (and the cluster id) of that cluster's slot, "
              "or of the only slot, from the API", 0),
      CLI_CLUSTER_SOURCE_OPTS(&o.src),
      CLI_SLOT_SERVERS_OPT(&o.slot),
      CLI_PATH(0, "hsm-ca-cert", &o.ca_cert, "<file>",
               "the CA certificate that issued the cluster's certificate", 0),
      CLI_CLIENT_PAIR_OPTS(&o.pairs),
      CLI_CHOICE("log-type", &o.log_type, "<term|file>", log_types,
                 "where the library logs"),
      CLI_PATH(0, "log-file", &o.log_file, "<file>", "the library's log file",
               0),
      CLI_CHOICE("log-level", &o.log_level,
                 "<error|warn|info|debug|trace>", log_levels,
                 "the library's log level"),
      CLI_CHOICE("log-rotation", &o.log_rotation, "<never|hourly|daily>",
                 log_rotations, "how often the library rotates its log"),
      CLI_SLOT_OPTIONS(&o.slot),
      CLI_EDIT_OPTS(&e),
      CLI_COMMON_OPTS(ctx),
      CLI_FLAG('V', "version", &version,
               "print the version and what it runs with, as curl -V", 0),
      CLI_STR(0, "completion", &completion, "<bash|zsh|fish>",
              "print the shell's completion script (for packagers)", 0),
      CLI_END()};
  struct edit_set s = EDIT_SET_INIT;
  enum cp_err rc;
  size_t i;

  memset(&o, 0, sizeof(o));
  cluster_opts_init(&o.src);
  o.http = (struct http_settings)HTTP_SETTINGS_INIT;
  o.pairs = (struct client_pairs)CLIENT_PAIRS_INIT;
  o.slot = (struct slot_options)SLOT_OPTIONS_INIT;
  top_doc.synopsis = top_synopsis();
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &top_doc, err));
  if (ctx->help)
    goto out;
  /* main runs them when they come alone, first; here they come with
   * others */
  if (version || completion)
    CP_FAIL(rc, CP_E_USAGE,
            "option with others (%s): it prints and does nothing else. Give "
            "it alone",
            version ? "--version" : "--completion");
  CP_TRY(rc, check_options(&o, err));
  o.argc = argc;
  o.argv = argv;
  CP_TRY(rc, edit_set_peek(&s, &e, ctx, err));
  o.nfiles = s.n;
  CP_TRY(rc, plan_files(&o, &s, err));
  CP_TRY(rc, edit_set_commit(&s, ctx, apply_to_file, &o, err));
  for (i = 0; i < s.n; i++)
    if (!s.v[i].same_as)
      report(&s, i, &o);
  edit_set_report(&s, ctx);
out:
  edit_set_release(&s);
  top_opts_release(&o);
  return rc;
}
