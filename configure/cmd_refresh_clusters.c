/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_refresh_clusters.c — refresh the servers of many slots at once: one
 * DescribeClusters call per region (or one saved answer) for all of them,
 * then every slot under one lock and one atomic write per file. A slot whose
 * cluster is gone is reported, never removed. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_creds.h"
#include "aws_profile.h"
#include "aws_target.h"
#include "cfg_file.h"
#include "cluster_source.h"
#include "commands.h"
#include "component.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "edit.h"
#include "output.h"

static const char *const refresh_examples[] = {
    "sudo configure-pkcs11 refresh-clusters",
    "sudo configure-pkcs11 refresh-clusters --region us-east-1 --region "
    "eu-west-1 --output json",
    "configure-pkcs11 refresh-clusters --cluster-id cluster-2ab3cd4ef5g "
    "--from-describe clusters.json --dry-run",
    NULL};

static const struct cli_cmd_doc refresh_doc = {
    "configure-pkcs11 refresh-clusters [--cluster-id <id>]... [--region "
    "<region>]... [<options>]",
    "Refresh the servers of every slot that has a cluster id (or of the "
    "clusters named): one DescribeClusters call per region for all of them, "
    "each slot checked against its own hsm_ca_file, one write. A slot whose "
    "cluster is not found is reported and kept.",
    refresh_examples};

/* One slot to refresh: found in a read without the lock, asked for with
 * no lock held, written under the lock to the slot of that cluster then. */
struct target {
  char *cluster_id;       /* owned */
  size_t file;            /* the index of its file in the set */
  char *ca;               /* what checks it (cluster_ca_for_slot); owned */
  int vanished;           /* another run removed the slot meanwhile */
  struct cluster_answer ans; /* its description */
  int asked;              /* described (or looked for) in a finished round */
  int found;
  int gone;               /* found, but deleted (or being deleted) */
  int no_hsms;            /* found with no HSM at all: the slot is kept */
  const char *region;     /* where it was found */
  struct slot_plan plan;     /* its servers, as written */
  enum cfg_action action;
  enum cp_err rc;         /* CP_OK, or why the slot was left as it was */
  struct cp_errbuf problem;
};

struct refresh {
  struct cluster_opts opts;   /* the API options, as given */
  struct http_settings http;  /* from them */
  char *region_used;          /* the one region asked without --region */
  struct cli_list ids, regions;
  struct target *t;
  size_t n, cap;
  int calls;
};

/* A cluster named with --cluster-id that no slot has: an error, before any
 * call. With several files, a slot in any of them will do. */
static enum cp_err check_named(const struct refresh *r, const char *where,
                               struct cp_errbuf *err)
{
  size_t i;
  int k;

  for (k = 0; k < r->ids.n; k++) {
    for (i = 0; i < r->n && strcmp(r->t[i].cluster_id, r->ids.items[k]); i++)
      ;
    if (i == r->n)
      return cp_fail(err, CP_E_NOT_CONFIGURED, __FILE__, __LINE__,
                     "cluster not configured (%s): no slot in %s has this id. "
                     "Add it with configure-pkcs11 add-cluster",
                     r->ids.items[k], where);
  }
  return CP_OK;
}

/* The slots of one file to refresh: every slot with a cluster id, or the
 * ones named. */
static void collect_targets(struct refresh *r, const struct edit_file *ef,
                            size_t file)
{
  const struct cfg_model *m = &ef->f.model;
  size_t i, n = cfg_model_slot_count(m);
  int k;

  r->cap += n + 1;
  r->t = cp_xrealloc(r->t, r->cap * sizeof(*r->t));
  memset(r->t + r->n, 0, (r->cap - r->n) * sizeof(*r->t));
  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    int wanted = !r->ids.n;
    cfg_model_slot(m, i, &v);
    if (!v.cluster_id)
      continue;
    for (k = 0; k < r->ids.n && !wanted; k++)
      wanted = !strcmp(r->ids.items[k], v.cluster_id);
    if (!wanted)
      continue;
    r->t[r->n].cluster_id = cp_xstrdup(v.cluster_id);
    r->t[r->n].ans.cluster_id = cp_xstrdup(v.cluster_id);
    r->t[r->n].file = file;
    /* the slot's own CA only: another slot's default is not its cluster's */
    r->t[r->n].ca = cluster_ca_for_slot(m, (int)i, NULL, CA_IF_PRESENT);
    r->n++;
  }
}

/* One question about the targets not found yet this round: their ids,
 * each once (a cluster in several components' files is asked for once). */
struct question {
  const char **ids;
  struct cluster_info *out; /* the answers */
  int *found;
  size_t m;
};

static int unsettled(const struct target *t)
{
  return !t->asked && !t->found;
}

/* The index of id in the question, or q->m. */
static size_t question_find(const struct question *q, const char *id)
{
  size_t k;

  for (k = 0; k < q->m && strcmp(q->ids[k], id); k++)
    ;
  return k;
}

static void question_start(const struct refresh *r, struct question *q)
{
  size_t i;

  q->ids = cp_xcalloc(r->n + 1, sizeof(*q->ids));
  q->out = cp_xcalloc(r->n + 1, sizeof(*q->out));
  q->found = cp_xcalloc(r->n + 1, sizeof(*q->found));
  q->m = 0;
  for (i = 0; i < r->n; i++)
    if (unsettled(&r->t[i]) && question_find(q, r->t[i].cluster_id) == q->m)
      q->ids[q->m++] = r->t[i].cluster_id;
}

/* Each answer found goes to every target of its cluster. */
static void question_take(struct refresh *r, struct question *q,
                          const char *region)
{
  size_t i, k;

  for (i = 0; i < r->n; i++) {
    struct target *t = &r->t[i];
    if (!unsettled(t) || (k = question_find(q, t->cluster_id)) == q->m ||
        !q->found[k])
      continue;
    t->found = 1;
    cluster_info_copy(&t->ans.ci, &q->out[k]);
    t->region = region;
  }
}

static void question_release(struct question *q)
{
  size_t k;

  for (k = 0; k < q->m; k++)
    cluster_info_release(&q->out[k]);
  free(q->out);
  free(q->found);
  free(q->ids);
}

/* Asks one region for every target not found yet. */
static enum cp_err ask_region(struct refresh *r, struct aws_profiles *profiles,
                              const struct aws_creds *creds,
                              const char *region, struct cp_errbuf *err)
{
  struct question q;
  struct aws_client client;
  char *endpoint = NULL;
  enum cp_err rc = CP_OK;

  question_start(r, &q);
  if (!q.m)
    goto out;
  CP_TRY(rc, cluster_source_client(&r->opts, &aws_service_cloudhsmv2,
                                   profiles, creds, region, &r->http, &client,
                                   &endpoint, err));
  cp_log(CP_LOG_DEBUG, "region %s: %zu cluster(s)", region, q.m);
  CP_TRY(rc, cloudhsm_describe_clusters(&client, q.ids, q.m, q.out, q.found,
                                        &r->calls, err));
  question_take(r, &q, region);
out:
  question_release(&q);
  free(endpoint);
  return rc;
}

static enum cp_err describe_from_api(struct refresh *r, struct cp_errbuf *err)
{
  struct aws_profiles *profiles = NULL;
  struct aws_creds creds = AWS_CREDS_INIT;
  const char *profile = aws_profile_name(r->opts.profile), *src;
  int k;
  enum cp_err rc;

  CP_TRY(rc, aws_profiles_load(&profiles, err));
  if (!r->regions.n && !r->region_used) {
    /* the one region the other commands would use, found once (rows of
     * earlier --wait rounds point at it) */
    CP_TRY(rc, aws_region_resolve(NULL, profiles, profile, &r->http,
                                  &r->region_used, &src, err));
    cp_log(CP_LOG_DEBUG, "region: %s (from %s)", r->region_used, src);
  }
  CP_TRY(rc, aws_creds_resolve(profiles, profile,
                               r->regions.n ? r->regions.items[0]
                                            : r->region_used,
                               &r->http, &creds, err));
  if (!r->regions.n)
    CP_TRY(rc, ask_region(r, profiles, &creds, r->region_used, err));
  for (k = 0; k < r->regions.n; k++)
    CP_TRY(rc, ask_region(r, profiles, &creds, r->regions.items[k], err));
out:
  aws_creds_release(&creds);
  aws_profiles_free(profiles);
  return rc;
}

static enum cp_err describe_from_saved(struct refresh *r, struct cp_errbuf *err)
{
  struct cp_buf raw = CP_BUF_INIT;
  struct question q;
  enum cp_err rc;

  question_start(r, &q);
  CP_TRY(rc, cluster_source_read_saved(&r->opts, &raw, err));
  rc = cloudhsm_parse_saved_many(cp_buf_str(&raw), raw.len, q.ids, q.m, q.out,
                                 q.found, err);
  CP_TRY(rc, cluster_source_saved_invalid(&r->opts, rc, err));
  question_take(r, &q, r->opts.region);
out:
  question_release(&q);
  cp_buf_release(&raw);
  return rc;
}

/* One found slot's answer: its servers picked, checked against its own CA
 * (no lock held). A failure leaves the slot as it was and is reported on
 * its row. */
static void check_slot(struct refresh *r, struct target *t)
{
  if (cluster_state_gone(t->ans.ci.state)) {
    t->gone = 1;
    cp_log(CP_LOG_WARN, "cluster %s is %s: its slot is kept (remove it with "
           "configure-pkcs11 remove-cluster --cluster-id %s)", t->cluster_id,
           t->ans.ci.state, t->cluster_id);
    return;
  }
  if (cluster_answer_no_hsms(&t->ans)) {
    t->no_hsms = 1; /* AWS's own sample: nothing to update */
    cp_log(CP_LOG_WARN, "cluster %s has no HSM: its slot is kept as it is, "
           "and written again once the cluster has one (aws cloudhsmv2 "
           "create-hsm --cluster-id %s --availability-zone <zone>)",
           t->cluster_id, t->cluster_id);
    return;
  }
  /* its message after --wait: wait longer */
  t->rc = cluster_answer_accept(&t->ans, r->opts.ip_family, r->opts.wait >= 0,
                                &t->problem);
  if (t->rc == CP_OK)
    t->rc = slot_plan_verify_ca(&t->ans, t->ca, &t->problem);
}

/* Under the lock: the servers into the slot of that cluster in the file as
 * it is now (another run may have moved or removed it meanwhile). */
static void apply_slot(struct target *t, const char *ip_family,
                       struct cfg_model *m)
{
  int slot = cfg_model_find_slot(m, t->cluster_id);

  if (!t->found || t->gone || t->no_hsms || t->rc != CP_OK)
    return;
  if (slot < 0) {
    t->vanished = 1;
    cp_log(CP_LOG_WARN, "the slot of cluster %s was removed by another run "
           "while the API answered: nothing written for it", t->cluster_id);
    return;
  }
  slot_plan_servers(&t->plan, &t->ans, ip_family, m, slot);
  t->action = cfg_model_set_servers(m, slot, t->plan.servers, t->plan.nservers)
                  ? CFG_UPDATED
                  : CFG_UNCHANGED;
}

/* Every answer for file i's slots. */
static enum cp_err apply_file(void *arg, struct edit_set *s, size_t i,
                              struct cp_errbuf *err)
{
  struct refresh *r = arg;
  size_t k;

  (void)err;
  for (k = 0; k < r->n; k++)
    if (r->t[k].file == i)
      apply_slot(&r->t[k], r->opts.ip_family, &s->v[i].f.model);
  return CP_OK;
}

static json_object *target_row(const struct target *t,
                               const struct edit_set *s, struct cp_buf *text)
{
  const struct edit_file *file = &s->v[t->file];
  int several = s->several;
  json_object *row = json_object_new_object();

  if (several) { /* which file: a row for each slot of each file */
    json_object_object_add(row, "component",
                           json_object_new_string(file->comp->name));
    json_object_object_add(row, "config",
                           json_object_new_string(file->f.path));
    cp_buf_printf(text, "%s: ", file->comp->name);
  }
  const char *action = !t->found          ? "not_found"
                       : t->gone          ? "deleted"
                       : t->no_hsms       ? "unchanged"
                       : t->rc != CP_OK   ? "failed"
                       : t->vanished      ? "absent"
                                          : cfg_action_name(t->action);

  json_object_object_add(row, "cluster_id",
                         json_object_new_string(t->cluster_id));
  json_object_object_add(row, "action", json_object_new_string(action));
  if (t->region)
    json_object_object_add(row, "region", json_object_new_string(t->region));
  if (t->no_hsms)
    json_object_object_add(row, "reason", json_object_new_string("no_hsms"));
  if (t->gone) {
    cp_buf_printf(text, "deleted %s (%s): kept as it is\n", t->cluster_id,
                  t->ans.ci.state);
  } else if (t->no_hsms) {
    cp_buf_printf(text, "unchanged %s: it has no HSM, kept as it is\n",
                  t->cluster_id);
  } else if (t->vanished) {
    cp_buf_printf(text, "absent %s: removed by another run meanwhile\n",
                  t->cluster_id);
  } else if (t->found && t->rc == CP_OK) {
    json_object_object_add(row, "servers",
                           output_servers(t->plan.servers, t->plan.nservers));
    cp_buf_printf(text, "%s %s (%zu server%s)\n", action, t->cluster_id,
                  t->plan.nservers, t->plan.nservers == 1 ? "" : "s");
  } else if (t->found) {
    json_object *e = json_object_new_object();
    json_object_object_add(e, "code", json_object_new_string(
                                          cp_err_name(t->rc)));
    json_object_object_add(e, "message", json_object_new_string(
                                             cp_errbuf_text(&t->problem, t->rc)));
    json_object_object_add(row, "error", e);
    cp_buf_printf(text, "failed %s: %s\n", t->cluster_id,
                  cp_errbuf_text(&t->problem, t->rc));
  } else {
    cp_buf_printf(text, "not found %s: kept as it is\n", t->cluster_id);
  }
  return row;
}

/* After a round: every target was asked for; with --wait, the ones not
 * ready yet are asked again. 1 when some are. */
static int settle_round(struct refresh *r)
{
  size_t i;
  int again = 0;

  for (i = 0; i < r->n; i++) {
    struct target *t = &r->t[i];
    t->asked = 1;
    if (r->opts.wait < 0 || t->rc != CP_E_CLUSTER_STATE || t->gone)
      continue;
    cluster_info_release(&t->ans.ci);
    slot_plan_release(&t->plan);
    cp_errbuf_clear(&t->problem);
    t->rc = CP_OK;
    t->found = t->asked = 0;
    t->region = NULL;
    again = 1;
  }
  return again;
}

static void refresh_release(struct refresh *r)
{
  size_t i;

  for (i = 0; i < r->n; i++) {
    cluster_answer_release(&r->t[i].ans);
    slot_plan_release(&r->t[i].plan);
    free(r->t[i].cluster_id);
    free(r->t[i].ca);
  }
  free(r->t);
  cli_list_release(&r->ids);
  cli_list_release(&r->regions);
  free(r->region_used);
}

enum cp_err cmd_refresh_clusters(int argc, char **argv, struct cli_ctx *ctx,
                                 struct cp_errbuf *err)
{
  struct refresh r;
  struct edit e = EDIT_INIT;
  const struct cli_opt opts[] = {
      CLI_LIST(0, "cluster-id", &r.ids, "<id>",
               "refresh only these clusters' slots (repeatable)"),
      CLI_LIST(0, "region", &r.regions, "<region>",
               "ask these regions, in order, for the clusters not found yet "
               "(repeatable; default: the one region of the environment, "
               "profile or instance)"),
      CLI_API_OPTS(&r.opts),
      CLI_SAVED_ANSWER_OPT(&r.opts),
      CLI_IP_FAMILY_OPT(&r.opts),
      CLI_OPTINT("wait", &r.opts.wait, "[<seconds>]",
                 CLUSTER_SOURCE_WAIT_DEFAULT,
                 "ask again for clusters without an ACTIVE HSM yet, until "
                 "they have one (default 1800 s)"),
      CLI_EDIT_OPTS(&e),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct edit_set s = EDIT_SET_INIT;
  struct cp_buf text = CP_BUF_INIT, diff = CP_BUF_INIT;
  json_object *root = NULL, *rows;
  enum cp_err rc, first_failure = CP_OK;
  struct cluster_wait w;
  size_t i;
  int k, changed = 0;

  memset(&r, 0, sizeof(r));
  cluster_opts_init(&r.opts);
  r.http = (struct http_settings)HTTP_SETTINGS_INIT;
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &refresh_doc, err));
  if (ctx->help)
    goto out;
  for (k = 0; k < r.ids.n; k++)
    CP_TRY(rc, cfg_cluster_id_check(r.ids.items[k], err));
  for (k = 0; k < r.regions.n; k++)
    if (!aws_region_valid(r.regions.items[k]))
      CP_FAIL(rc, CP_E_INVALID,
              "invalid region (--region): \"%s\" is not an AWS region name. "
              "Give one like us-east-1",
              r.regions.items[k]);
  if (r.opts.from_describe && r.regions.n > 1)
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (--from-describe and more than one "
            "--region): a saved answer calls no API. Give one region at most");
  r.opts.region = r.regions.n == 1 ? r.regions.items[0] : NULL;
  CP_TRY(rc, cluster_opts_check(&r.opts, &r.http, err));

  /* every file's slots, read without the lock and asked for together, one
   * call per region, with no lock held (nor while --wait waits) */
  CP_TRY(rc, edit_set_peek(&s, &e, ctx, err));
  for (i = 0; i < s.n; i++)
    if (!s.v[i].same_as)
      collect_targets(&r, &s.v[i], i);
  CP_TRY(rc,
         check_named(&r, s.several ? "any of the files" : s.v[0].f.path, err));
  cluster_wait_start(&w, &r.http, r.opts.wait);
  while (r.n) { /* a round: ask for every target not settled yet */
    if (r.opts.from_describe)
      CP_TRY(rc, describe_from_saved(&r, err));
    else
      CP_TRY(rc, describe_from_api(&r, err));
    for (i = 0; i < r.n; i++)
      if (r.t[i].found && !r.t[i].asked)
        check_slot(&r, &r.t[i]);
    if (!cluster_wait_more(&w, &r.http) || !settle_round(&r))
      break;
    cp_log(CP_LOG_INFO, "waiting for clusters without an ACTIVE HSM; next "
           "check in %ld s", w.pause_ms / 1000);
    CP_TRY(rc, cluster_wait_pause(&w, &r.http, err));
  }
  for (i = 0; i < r.n; i++) {
    if (!r.t[i].found) {
      cp_log(CP_LOG_WARN, "cluster %s was not found%s%s: its slot is kept "
             "(remove it with configure-pkcs11 remove-cluster --cluster-id %s)",
             r.t[i].cluster_id, r.opts.from_describe ? " in " : "",
             r.opts.from_describe ? r.opts.from_describe : "",
             r.t[i].cluster_id);
      continue;
    }
    if (r.t[i].rc != CP_OK && first_failure == CP_OK) {
      first_failure = r.t[i].rc;
      *err = r.t[i].problem;
    }
  }
  /* then the lock, the files read again, the answers applied to them */
  CP_TRY(rc, edit_set_commit(&s, ctx, apply_file, &r, err));

  root = json_object_new_object();
  rows = json_object_new_array();
  for (i = 0; i < r.n; i++)
    json_object_array_add(rows, target_row(&r.t[i], &s, &text));
  for (i = 0; i < s.n; i++) {
    changed |= s.v[i].changed;
    if (s.v[i].diff_text)
      cp_buf_puts(&diff, s.v[i].diff_text);
  }
  if (!r.n)
    cp_buf_printf(&text, "no slot with a cluster id in %s%s\n", s.v[0].f.path,
                  s.n > 1 ? " or the other files" : "");
  json_object_object_add(root, "changed", json_object_new_boolean(changed));
  if (!s.several)
    json_object_object_add(root, "config",
                           json_object_new_string(s.v[0].f.path));
  json_object_object_add(root, "api_calls", json_object_new_int(r.calls));
  json_object_object_add(root, "clusters", rows);
  json_object_object_add(root, "dry_run", json_object_new_boolean(e.dry_run));
  if (e.diff)
    json_object_object_add(root, "diff",
                           json_object_new_string(cp_buf_str(&diff)));
  if (first_failure != CP_OK && ctx->output == CLI_OUT_JSON) {
    ctx->json_result = root; /* printed with the error added */
  } else {
    output_result(ctx, root, e.dry_run ? NULL : cp_buf_str(&text));
  }
  root = NULL;
  rc = first_failure;
out:
  json_object_put(root);
  cp_buf_release(&text);
  cp_buf_release(&diff);
  edit_set_release(&s);
  refresh_release(&r);
  return rc;
}
