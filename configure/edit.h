/* SPDX-License-Identifier: Apache-2.0 */
/* edit.h — the files a command writes (one; or several with --component,
 * see component.h), edited in cfg_txn's one order: a snapshot read with no
 * lock, the slow part (the API) with no lock held, then every file locked
 * in the table's order, read again, edited by a pure function and written,
 * each atomically; nothing is written unless every file's edit was made.
 * With --dry-run no lock is taken and nothing written; --diff and
 * --dry-run give the change as a unified diff.
 *   struct edit e = EDIT_INIT;          rows: CLI_EDIT_OPTS(&e)
 *   struct edit_set s = EDIT_SET_INIT;
 *   CP_TRY(rc, edit_set_peek(&s, &e, ctx, err));   s.v[i].f: the snapshot
 *   ... plan from the snapshot, ask the API ...
 *     (a file's plan failing: CP_TRY(rc, edit_set_fail(&s, i, rc, err)))
 *   CP_TRY(rc, edit_set_commit(&s, ctx, edit, arg, err));
 *   for (i = 0; i < s.n; i++) edit_set_result(&s, i, json, text);
 *   edit_set_report(&s, ctx);
 *   edit_set_release(&s);
 */
#ifndef EDIT_H
#define EDIT_H

#include "cfg_file.h"
#include "cfg_txn.h"
#include "cli.h"

struct json_object;

struct edit {
  int dry_run; /* --dry-run: nothing written, no lock taken */
  int diff;    /* --diff: the unified diff in the JSON result (and on
                  stdout in text mode) */
};
#define EDIT_INIT                                                              \
  {                                                                            \
    0, 0                                                                       \
  }
#define CLI_EDIT_OPTS(e)                                                       \
  CLI_FLAG(0, "dry-run", &(e)->dry_run,                                        \
           "show the change as a diff, write nothing", 0),                     \
      CLI_FLAG(0, "diff", &(e)->diff,                                          \
               "also give the change as a unified diff (JSON: \"diff\")", 0)

struct component;
/* One file of a set: its lock, model, change and result. */
struct edit_file {
  const struct component *comp; /* NULL: --config gave the file */
  const struct component *rules; /* whose rules the file obeys: comp, or a
                                    one-cluster component whose file it is
                                    too (component_file_rules) */
  struct cfg_file f;
  const char *same_as; /* the component whose file this one is (a link to
                          it): edited there, left alone here */
  int changed;
  char *diff_text;         /* owned, with --dry-run or --diff */
  struct json_object *row; /* owned: the command's result for the file */
  char *text;              /* owned: its text line */
};
struct edit_set {
  struct edit *e;
  struct edit_file *v; /* owned, in lock order */
  size_t n;
  int several; /* --component: the result is {"results":[one per file]} */
  struct cfg_txn txn; /* every file but the same_as ones */
  size_t *file_of;    /* owned: txn index -> index in v */
};
#define EDIT_SET_INIT                                                          \
  {                                                                            \
    NULL, NULL, 0, 0, CFG_TXN_INIT, NULL                                       \
  }

/* A file's edit, under the lock: pure (cfg_txn.h), changing s->v[i].f.model
 * from the file as read there and arg. Not called for same_as files. */
typedef enum cp_err (*edit_fn)(void *arg, struct edit_set *s, size_t i,
                               struct cp_errbuf *err);

/* Resolves the files (component.h) and reads each without a lock; a new
 * file gets its component's defaults. A file that is another's (the same
 * file through a link) is marked same_as and read once. On failure nothing
 * is held. */
CP_MUST_USE enum cp_err edit_set_peek(struct edit_set *s, struct edit *e,
                                      const struct cli_ctx *ctx,
                                      struct cp_errbuf *err);
/* Names the file a change to v[i] failed for (with several files): rc
 * returned, with err's scope the component ("jce: ...") and its outcome
 * "No file was changed". */
CP_MUST_USE enum cp_err edit_set_fail(struct edit_set *s, size_t i,
                                      enum cp_err rc, struct cp_errbuf *err);
/* Locks every file in order (none with --dry-run), reads it again, calls
 * edit for each, then gives each file's diff (--dry-run, --diff) and its
 * atomic write unless --dry-run. A failed write (a full disk) names the
 * files already written, each whole. */
CP_MUST_USE enum cp_err edit_set_commit(struct edit_set *s,
                                        const struct cli_ctx *ctx, edit_fn edit,
                                        void *arg, struct cp_errbuf *err);
/* Hands file i's result (owned from here) and text line (copied). */
void edit_set_result(struct edit_set *s, size_t i, struct json_object *row,
                     const char *text);
/* Prints the results: one file as before, several as {"changed",
 * "dry_run", "results": [each with "component"]} and a line per file. */
void edit_set_report(struct edit_set *s, struct cli_ctx *ctx);
void edit_set_release(struct edit_set *s);

#endif
