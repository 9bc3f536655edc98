/* SPDX-License-Identifier: Apache-2.0 */
/* edit.h — the two ends of every command that writes the config: open it
 * (locked, or a lock-free snapshot with --dry-run), and finish (commit, or
 * only compute the change), with the result's "dry_run" and "diff".
 *
 *   struct edit e = EDIT_INIT;          rows: CLI_EDIT_OPTS(&e)
 *   CP_TRY(rc, edit_open(&e, ctx, &f, err));
 *   ... change f.model ...
 *   CP_TRY(rc, edit_finish(&e, ctx, &f, &changed, err));
 *   output_result(ctx, edit_annotate(&e, json), e.dry_run ? NULL : text);
 *   edit_release(&e);
 */
#ifndef EDIT_H
#define EDIT_H

#include "cfg_file.h"
#include "cli.h"

struct json_object;

struct edit {
  int dry_run; /* --dry-run: nothing written, no lock taken */
  int diff;    /* --diff: the unified diff in the JSON result (and on
                  stdout in text mode) */
  char *diff_text; /* owned; the change as a unified diff, when computed */
};
#define EDIT_INIT {0, 0, NULL}

#define CLI_EDIT_OPTS(e)                                                       \
  CLI_FLAG(0, "dry-run", &(e)->dry_run,                                        \
           "show the change as a diff, write nothing", 0),                     \
      CLI_FLAG(0, "diff", &(e)->diff,                                          \
               "also give the change as a unified diff (JSON: \"diff\")", 0)

/* Locks and loads the config, or snapshots it with --dry-run. */
CP_MUST_USE enum cp_err edit_open(struct edit *e, const struct cli_ctx *ctx,
                                  struct cfg_file *f, struct cp_errbuf *err);
/* Computes the diff (with --dry-run or --diff) and commits unless
 * --dry-run; *changed says whether the file changes (or would). In text
 * mode the diff goes to stdout. */
CP_MUST_USE enum cp_err edit_finish(struct edit *e, const struct cli_ctx *ctx,
                                    struct cfg_file *f, int *changed,
                                    struct cp_errbuf *err);
/* Adds "dry_run" and, with --diff, "diff" to a JSON result; returns it. */
struct json_object *edit_annotate(const struct edit *e,
                                  struct json_object *result);
void edit_release(struct edit *e);

#endif
