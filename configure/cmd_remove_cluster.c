/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_remove_cluster.c — remove one cluster's slot from the config. */
#include <stdlib.h>

#include "cfg_file.h"
#include "commands.h"
#include "output.h"

static const char *const remove_examples[] = {
    "sudo configure-pkcs11 remove-cluster --cluster-id cluster-2ab3cd4ef5g",
    "configure-pkcs11 remove-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--ignore-missing --output json",
    NULL};

static const struct cli_cmd_doc remove_doc = {
    "configure-pkcs11 remove-cluster --cluster-id <id> [<options>]",
    "Remove the slot of a cluster from the config. Only the file changes.",
    remove_examples};

enum cp_err cmd_remove_cluster(int argc, char **argv, struct cli_ctx *ctx)
{
  const char *cluster_id = NULL;
  int ignore_missing = 0, changed = 0;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &cluster_id, "<id>", "the cluster to remove",
              CLI_REQUIRED),
      CLI_FLAG(0, "ignore-missing", &ignore_missing,
               "succeed (action \"absent\") when no slot has this id", 0),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct cfg_file f = CFG_FILE_INIT;
  enum cfg_action action = CFG_ABSENT;
  enum cp_err rc;
  char *text = NULL;

  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &remove_doc));
  if (ctx->help)
    goto out;
  CP_TRY(rc, cfg_file_lock(&f, cli_config_path(ctx), 10000));
  CP_TRY(rc, cfg_file_load(&f));
  cfg_model_remove_slot(&f.model, cluster_id, &action);
  if (action == CFG_ABSENT)
    CP_TRY(rc, cfg_cluster_id_check(cluster_id));
  if (action == CFG_ABSENT && !ignore_missing)
    CP_FAIL(rc, CP_E_NOT_CONFIGURED,
            "cluster not configured (%s): no slot in %s has this id. Add "
            "--ignore-missing to accept that",
            cluster_id, f.path);
  if (action == CFG_REMOVED)
    CP_TRY(rc, cfg_file_commit(&f, &changed));
  text = cp_xasprintf("%s %s %s %s\n", cfg_action_name(action), cluster_id,
                      action == CFG_REMOVED ? "from" : "not in", f.path);
  output_result(ctx,
                output_slot_result(action, changed, cluster_id, NULL, NULL,
                                   NULL, 0, f.path),
                text);
out:
  free(text);
  cfg_file_release(&f);
  return rc;
}
