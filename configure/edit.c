/* SPDX-License-Identifier: Apache-2.0 */
/* edit.c — a command's files through cfg_txn, with --dry-run and --diff. */
#include "edit.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "component.h"
#include "cp_diff.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "safe_path.h"
#include "output.h"
#include "sdk_paths.h"

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

/* The diff of a file's change, kept for the result (and printed in text
 * mode). A dry run that changes nothing says so on stderr, so that stdout
 * stays a patch(1) can take: empty. */
static void keep_diff(const struct cli_ctx *ctx, const struct edit *e,
                      struct edit_file *ef)
{
  free(ef->diff_text);
  ef->diff_text = change_as_diff(ctx, &ef->f);
  if (ctx->output != CLI_OUT_TEXT)
    return;
  if (*ef->diff_text)
    fputs(ef->diff_text, stdout);
  else if (e->dry_run)
    cp_log(CP_LOG_INFO, "no change to %s", ef->f.path);
}

static struct json_object *annotate(const struct edit *e, const char *diff_text,
                                    struct json_object *result)
{
  json_object_object_add(result, "dry_run",
                         json_object_new_boolean(e->dry_run));
  if (e->diff)
    json_object_object_add(result, "diff",
                           json_object_new_string(diff_text ? diff_text : ""));
  return result;
}

/* ---- several files --------------------------------------------------- */

/* The file among v[0..i-1] that is target too; NULL if none. A path that
 * cannot be resolved yet compares as given. (Only for several files: one
 * file is resolved once, by cfg_file_lock.) */
static struct edit_file *earlier_same_file(struct edit_set *s, size_t i,
                                           char *const *targets)
{
  size_t j;

  for (j = 0; j < i; j++)
    if (plat_same_path(targets[j], targets[i]) ||
        plat_same_file(targets[j], targets[i]))
      return &s->v[j];
  return NULL;
}

/* The defaults of file (txn index) i's component. */
static void fresh_defaults(void *arg, size_t i, struct cfg_model *m)
{
  const struct edit_set *s = arg;

  component_new_file_defaults(s->v[s->file_of[i]].comp, m);
}

enum cp_err edit_set_peek(struct edit_set *s, struct edit *e,
                          const struct cli_ctx *ctx, struct cp_errbuf *err)
{
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct edit_file *same;
  char **targets = NULL;
  enum cp_err rc;
  size_t i;

  s->e = e;
  s->txn.dry_run = e->dry_run;
  s->txn.lock_timeout_ms = ctx->lock_timeout_ms;
  s->txn.fresh = fresh_defaults;
  s->txn.fresh_arg = s;
  CP_TRY(rc, config_targets_resolve(ctx, &t, err));
  s->several = t.several;
  s->v = cp_xcalloc(t.n, sizeof(*s->v));
  s->file_of = cp_xcalloc(t.n, sizeof(*s->file_of));
  targets = cp_xcalloc(t.n, sizeof(*targets));
  for (i = 0; i < t.n; i++) {
    struct edit_file *ef = &s->v[i];
    ef->f = (struct cfg_file)CFG_FILE_INIT;
    ef->comp = ef->rules = t.v[i].comp;
    s->n = i + 1;
    if (t.n > 1 &&
        safe_path_for_config(t.v[i].path, &targets[i], NULL) != CP_OK)
      targets[i] = cp_xstrdup(t.v[i].path);
    if (t.n > 1 && (same = earlier_same_file(s, i, targets))) {
      ef->same_as = same->comp ? same->comp->name : same->f.path;
      ef->f.path = cp_xstrdup(t.v[i].path);
      continue;
    }
    ef->rules = component_file_rules(ef->comp, t.v[i].path,
                                     ctx->config_dir ? ctx->config_dir
                                                     : sdk_config_dir());
    s->file_of[s->txn.n] = i;
    cfg_txn_add(&s->txn, &ef->f, t.v[i].path);
  }
  rc = cfg_txn_snapshot(&s->txn, err);
  if (rc != CP_OK)
    rc = edit_set_fail(s, s->file_of[s->txn.failed], rc, err);
out:
  for (i = 0; targets && i < t.n; i++)
    free(targets[i]);
  free(targets);
  config_targets_release(&t);
  if (rc != CP_OK)
    edit_set_release(s);
  return rc;
}

enum cp_err edit_set_fail(struct edit_set *s, size_t i, enum cp_err rc,
                          struct cp_errbuf *err)
{
  const struct edit_file *ef = &s->v[i];

  if (!s->several || !err)
    return rc;
  snprintf(err->scope, sizeof(err->scope), "%s",
           ef->comp ? ef->comp->name : "config");
  snprintf(err->outcome, sizeof(err->outcome), "No file was changed");
  return rc;
}

/* A write that failed after others succeeded: the message says which
 * files were written (each is whole: its own atomic write). */
static enum cp_err written_before(const struct edit_set *s, size_t i,
                                  enum cp_err rc, struct cp_errbuf *err)
{
  struct cp_buf done = CP_BUF_INIT;
  size_t j;

  for (j = 0; j < i; j++)
    if (!s->v[j].same_as)
      cp_buf_printf(&done, "%s%s", done.len ? ", " : "",
                    s->v[j].comp ? s->v[j].comp->name : s->v[j].f.path);
  if (err) {
    snprintf(err->scope, sizeof(err->scope), "%s",
             s->v[i].comp ? s->v[i].comp->name : "config");
    snprintf(err->outcome, sizeof(err->outcome), "Written before it: %s",
             done.len ? cp_buf_str(&done) : "none");
  }
  cp_buf_release(&done);
  return rc;
}

/* The command's edit of txn file i. */
struct edit_call {
  struct edit_set *s;
  edit_fn edit;
  void *arg;
};
static enum cp_err call_edit(void *arg, size_t i, struct cfg_file *f,
                             struct cp_errbuf *err)
{
  struct edit_call *c = arg;

  (void)f; /* it is c->s->v[c->s->file_of[i]].f */
  return c->edit(c->arg, c->s, c->s->file_of[i], err);
}

enum cp_err edit_set_commit(struct edit_set *s, const struct cli_ctx *ctx,
                            edit_fn edit, void *arg, struct cp_errbuf *err)
{
  struct edit_call call = {s, edit, arg};
  enum cp_err rc;
  size_t i;

  rc = cfg_txn_apply(&s->txn, call_edit, &call, err);
  if (rc != CP_OK)
    return edit_set_fail(s, s->file_of[s->txn.failed], rc, err);
  if (s->e->dry_run || s->e->diff)
    for (i = 0; i < s->n; i++)
      if (!s->v[i].same_as)
        keep_diff(ctx, s->e, &s->v[i]);
  rc = cfg_txn_commit(&s->txn, err);
  for (i = 0; i < s->txn.n; i++)
    s->v[s->file_of[i]].changed = s->txn.v[i].changed;
  if (rc != CP_OK && s->several)
    return written_before(s, s->file_of[s->txn.failed], rc, err);
  return rc;
}

void edit_set_result(struct edit_set *s, size_t i, struct json_object *row,
                     const char *text)
{
  struct edit_file *ef = &s->v[i];

  json_object_put(ef->row);
  free(ef->text);
  ef->row = row;
  ef->text = text ? cp_xstrdup(text) : NULL;
}

/* A file that is another component's, through a link: its row. */
static struct json_object *same_file_row(const struct edit_file *ef,
                                         char **text)
{
  struct json_object *o = json_object_new_object();

  json_object_object_add(o, "action", json_object_new_string("same_file"));
  json_object_object_add(o, "changed", json_object_new_boolean(0));
  json_object_object_add(o, "same_file_as",
                         json_object_new_string(ef->same_as));
  json_object_object_add(o, "config", json_object_new_string(ef->f.path));
  *text = cp_xasprintf("same file %s as %s's: edited once, there\n", ef->f.path,
                       ef->same_as);
  return o;
}

void edit_set_report(struct edit_set *s, struct cli_ctx *ctx)
{
  struct json_object *root, *rows;
  struct cp_buf text = CP_BUF_INIT;
  int any = 0;
  size_t i;

  if (!s->several && s->n == 1) {
    struct edit_file *ef = &s->v[0];
    output_result(ctx, annotate(s->e, ef->diff_text, ef->row),
                  s->e->dry_run ? NULL : ef->text);
    ef->row = NULL;
    return;
  }
  root = json_object_new_object();
  rows = json_object_new_array();
  for (i = 0; i < s->n; i++) {
    struct edit_file *ef = &s->v[i];
    char *line = NULL;
    struct json_object *row = ef->same_as
                                  ? same_file_row(ef, &line)
                                  : annotate(s->e, ef->diff_text, ef->row);
    ef->row = NULL;
    json_object_object_add(
        row, "component",
        json_object_new_string(ef->comp ? ef->comp->name : "config"));
    json_object_array_add(rows, row);
    any |= ef->changed;
    cp_buf_printf(&text, "%s: %s", ef->comp ? ef->comp->name : "config",
                  line       ? line
                  : ef->text ? ef->text
                             : "\n");
    free(line);
  }
  json_object_object_add(root, "changed", json_object_new_boolean(any));
  json_object_object_add(root, "dry_run",
                         json_object_new_boolean(s->e->dry_run));
  json_object_object_add(root, "results", rows);
  output_result(ctx, root, s->e->dry_run ? NULL : cp_buf_str(&text));
  cp_buf_release(&text);
}

void edit_set_release(struct edit_set *s)
{
  size_t i;

  cfg_txn_release(&s->txn);
  for (i = 0; i < s->n; i++) {
    cfg_file_release(&s->v[i].f); /* the same_as ones; the others: no-op */
    free(s->v[i].diff_text);
    json_object_put(s->v[i].row);
    free(s->v[i].text);
  }
  free(s->v);
  free(s->file_of);
  s->v = NULL;
  s->file_of = NULL;
  s->n = 0;
}
