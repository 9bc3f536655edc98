/* SPDX-License-Identifier: Apache-2.0 */
/* edit.c — open and finish a config edit, with --dry-run and --diff. */
#include "edit.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "cp_diff.h"

enum cp_err edit_open(struct edit *e, const struct cli_ctx *ctx,
                      struct cfg_file *f, struct cp_errbuf *err)
{
  enum cp_err rc;

  if (e->dry_run)
    return cfg_file_snapshot(f, cli_config_path(ctx), err);
  CP_TRY(rc, cfg_file_lock(f, cli_config_path(ctx), ctx->lock_timeout_ms, err));
  CP_TRY(rc, cfg_file_load(f, err));
out:
  return rc;
}

/* A unified diff from the file's bytes on disk to what would be written,
 * so patch(1) applies it to the real file; "" when nothing changes. */
static char *change_as_diff(const struct cli_ctx *ctx, struct cfg_file *f)
{
  struct cp_buf diff = CP_BUF_INIT;
  char *after;

  if (!cfg_file_changed(f))
    return cp_xstrdup("");
  cfg_file_render(f);
  after = cp_xasprintf("%s (after %s)", f->path,
                       ctx->cmd ? ctx->cmd : "configure-pkcs11");
  cp_diff_unified(cp_buf_str(&f->original), cp_buf_str(&f->text),
                  f->meta.exists ? f->path : "/dev/null", after, 3, &diff);
  free(after);
  return cp_buf_detach(&diff);
}

enum cp_err edit_finish(struct edit *e, const struct cli_ctx *ctx,
                        struct cfg_file *f, int *changed,
                        struct cp_errbuf *err)
{
  if (e->dry_run || e->diff) {
    free(e->diff_text);
    e->diff_text = change_as_diff(ctx, f);
    if (ctx->output == CLI_OUT_TEXT)
      fputs(e->diff_text, stdout);
  }
  if (e->dry_run) {
    *changed = cfg_file_changed(f);
    return CP_OK;
  }
  return cfg_file_commit(f, changed, err);
}

struct json_object *edit_annotate(const struct edit *e,
                                  struct json_object *result)
{
  json_object_object_add(result, "dry_run",
                         json_object_new_boolean(e->dry_run));
  if (e->diff)
    json_object_object_add(result, "diff",
                           json_object_new_string(e->diff_text ? e->diff_text
                                                               : ""));
  return result;
}

void edit_release(struct edit *e)
{
  free(e->diff_text);
  e->diff_text = NULL;
}
