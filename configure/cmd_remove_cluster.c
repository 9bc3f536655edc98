/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_remove_cluster.c — remove one cluster's slot from the config. */
#include <stdio.h>
#include <stdlib.h>

#include "cfg_file.h"
#include "commands.h"
#include "edit.h"
#include "output.h"

static const char *const remove_examples[] = {
    "sudo configure-pkcs11 remove-cluster --cluster-id cluster-2ab3cd4ef5g",
    "configure-pkcs11 remove-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--ignore-missing --output json",
    NULL};

static const struct cli_cmd_doc remove_doc = {
    "configure-pkcs11 remove-cluster (--cluster-id <id> | --slot <n>) [<options>]",
    "Remove the slot of a cluster (or slot n, one without a cluster id) from "
    "the config. Only the file changes.",
    remove_examples};

/* --slot N: a slot with no cluster_id (the placeholder slot of the config
 * the CloudHSM package installs), as list-clusters numbers them. */
static enum cp_err remove_by_index(struct cfg_file *f, int slot,
                                   enum cfg_action *action,
                                   struct cp_errbuf *err)
{
  size_t n = cfg_model_slot_count(&f->model);
  struct cfg_slot_view v;

  if ((size_t)slot >= n)
    return cp_fail(err, CP_E_NOT_CONFIGURED, __FILE__, __LINE__,
                   "no such slot (--slot %d): %s has %zu slot%s, numbered from "
                   "0. See configure-pkcs11 list-clusters%s%s",
                   slot, f->path, n, n == 1 ? "" : "s", CLI_FILE_HINT(f->path));
  cfg_model_slot(&f->model, (size_t)slot, &v);
  if (v.cluster_id)
    return cp_fail(
        err, CP_E_INVALID, __FILE__, __LINE__,
        "slot has a cluster id (--slot %d): it is %s's slot. Remove "
        "it with configure-pkcs11 remove-cluster --cluster-id %s%s%s",
        slot, v.cluster_id, v.cluster_id, CLI_FILE_HINT(f->path));
  cfg_model_remove_slot_at(&f->model, (size_t)slot);
  *action = CFG_REMOVED;
  return CP_OK;
}

/* What to remove, and what each file's removal did. */
struct removal {
  const char *cluster_id;
  int slot;
  int ignore_missing;
  enum cfg_action *actions; /* one per file */
};

/* The removal from file i: the slot of cluster_id, or slot `slot`. */
static enum cp_err remove_from_file(void *arg, struct edit_set *s, size_t i,
                                    struct cp_errbuf *err)
{
  struct removal *r = arg;
  struct cfg_file *f = &s->v[i].f;
  enum cfg_action *action = &r->actions[i];
  enum cp_err rc = CP_OK;

  *action = CFG_ABSENT;
  if (r->slot >= 0)
    return remove_by_index(f, r->slot, action, err);
  cfg_model_remove_slot(&f->model, r->cluster_id, action);
  if (*action == CFG_ABSENT)
    CP_TRY(rc, cfg_cluster_id_check(r->cluster_id, err));
  if (*action == CFG_ABSENT && !r->ignore_missing)
    CP_FAIL(rc, CP_E_NOT_CONFIGURED,
            "cluster not configured (%s): no slot in %s has this id. Add "
            "--ignore-missing to accept that",
            r->cluster_id, f->path);
out:
  return rc;
}

enum cp_err cmd_remove_cluster(int argc, char **argv, struct cli_ctx *ctx,
                               struct cp_errbuf *err)
{
  struct removal r = {NULL, -1, 0, NULL};
  struct edit e = EDIT_INIT;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &r.cluster_id, "<id>", "the cluster to remove",
              0),
      CLI_INT("slot", &r.slot, "<n>",
              "remove slot n, one with no cluster id (see list-clusters)"),
      CLI_FLAG(0, "ignore-missing", &r.ignore_missing,
               "succeed (action \"absent\") when no slot has this id", 0),
      CLI_EDIT_OPTS(&e),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct edit_set s = EDIT_SET_INIT;
  enum cp_err rc;
  char *text, label[32];
  size_t i;

  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &remove_doc, err));
  if (ctx->help)
    goto out;
  if (!r.cluster_id == (r.slot < 0))
    CP_FAIL(rc, CP_E_USAGE,
            "%s (--cluster-id or --slot): give one of them. See "
            "configure-pkcs11 list-clusters",
            r.cluster_id ? "contradictory options" : "missing option");
  if (r.slot >= 0)
    snprintf(label, sizeof(label), "slot %d", r.slot);
  else
    snprintf(label, sizeof(label), "%s", r.cluster_id);
  CP_TRY(rc, edit_set_peek(&s, &e, ctx, err));
  r.actions = cp_xcalloc(s.n, sizeof(*r.actions));
  CP_TRY(rc, edit_set_commit(&s, ctx, remove_from_file, &r, err));
  for (i = 0; i < s.n; i++) {
    struct edit_file *ef = &s.v[i];
    if (ef->same_as)
      continue;
    text = cp_xasprintf("%s %s %s %s\n", cfg_action_name(r.actions[i]), label,
                        r.actions[i] == CFG_REMOVED ? "from" : "not in",
                        ef->f.path);
    edit_set_result(&s, i,
                    output_slot_result(r.actions[i], ef->changed, r.cluster_id,
                                       NULL, NULL, NULL, 0, ef->f.path),
                    text);
    free(text);
  }
  edit_set_report(&s, ctx);
out:
  free(r.actions);
  edit_set_release(&s);
  return rc;
}
