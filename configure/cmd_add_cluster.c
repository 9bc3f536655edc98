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
#include "cp_buf.h"
#include "cp_diff.h"
#include "cp_platform.h"
#include "output.h"

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

/* --dry-run: a unified diff from the file's bytes on disk to what would be
 * written, so patch(1) applies it to the real file. Nothing when nothing
 * would be written. */
static void print_dry_run(const struct cli_ctx *ctx, struct cfg_file *f)
{
  struct cp_buf diff = CP_BUF_INIT;
  char *after;

  if (ctx->output != CLI_OUT_TEXT || !cfg_file_changed(f))
    return;
  cfg_file_render(f);
  after = cp_xasprintf("%s (after %s)", f->path, ctx->cmd ? ctx->cmd : "change");
  cp_diff_unified(cp_buf_str(&f->original), cp_buf_str(&f->text),
                  f->meta.exists ? f->path : "/dev/null", after, 3, &diff);
  fputs(cp_buf_str(&diff), stdout);
  free(after);
  cp_buf_release(&diff);
}

enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx)
{
  struct cluster_source src;
  struct client_pair pair = CLIENT_PAIR_INIT;
  const char *ca_cert = NULL, *hsm_type = NULL;
  int dry_run = 0;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &src.cluster_id, "<id>", "the cluster to add",
              CLI_REQUIRED),
      CLI_STR(0, "hsm-ca-cert", &ca_cert, "<file>",
              "the CA that signed the cluster (default customerCA.crt)", 0),
      CLI_CLIENT_PAIR_OPTS(&pair),
      CLI_STR(0, "hsm-type", &hsm_type, "<type>",
              "the slot's type (default: from the cluster's HsmType)", 0),
      CLI_CLUSTER_SOURCE_OPTS(&src),
      CLI_FLAG(0, "dry-run", &dry_run, "show the change as a diff, write nothing", 0),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct cfg_file f = CFG_FILE_INIT;
  struct cfg_slot_spec spec;
  struct cert_info cinfo;
  char *type = NULL, *text = NULL, *ca_abs = NULL;
  const char *ca_path;
  enum cfg_action action = CFG_UNCHANGED;
  int changed = 0;
  enum cp_err rc;

  cluster_source_init(&src);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &add_doc));
  if (ctx->help)
    goto out;
  /* every local check before any call */
  CP_TRY(rc, cluster_source_check(&src));
  CP_TRY(rc, client_pair_check(&pair));
  ca_path = ca_cert ? ca_cert : plat_default_ca_path();
  CP_TRY(rc, cert_check_ca_file(ca_path, &cinfo));
  ca_abs = plat_abs_path(ca_path);

  CP_TRY(rc, cluster_source_fetch(&src, ca_abs));

  type = hsm_type ? cp_xstrdup(hsm_type) : cluster_source_slot_type(&src);
  CP_TRY(rc, cfg_file_lock(&f, cli_config_path(ctx), 10000));
  CP_TRY(rc, cfg_file_load(&f));
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
  spec.servers = src.servers;
  spec.nservers = src.nservers;
  cfg_model_upsert_slot(&f.model, &spec, &action);
  if (dry_run) {
    print_dry_run(ctx, &f);
    changed = cfg_file_changed(&f);
  } else {
    CP_TRY(rc, cfg_file_commit(&f, &changed));
  }
  {
    struct cfg_slot_view v;
    int idx = cfg_model_find_slot(&f.model, src.cluster_id);
    cfg_model_slot(&f.model, (size_t)idx, &v);
    text = cp_xasprintf("%s%s %s (%zu server%s) in %s\n",
                        dry_run ? "would be " : "", cfg_action_name(action),
                        src.cluster_id, src.nservers,
                        src.nservers == 1 ? "" : "s", f.path);
    output_result(ctx,
                  output_slot_result(action, changed, src.cluster_id,
                                     src.region_used, v.type, src.servers,
                                     src.nservers, f.path),
                  dry_run ? NULL : text);
  }
out:
  free(text);
  free(type);
  free(ca_abs);
  cfg_file_release(&f);
  cluster_source_release(&src);
  client_pair_release(&pair);
  return rc;
}
