/* SPDX-License-Identifier: Apache-2.0 */
/* edit.h — the two ends of every command that writes the config: open it
 * (locked, or a lock-free snapshot with --dry-run), and finish (commit, or
 * only compute the change), with the result's "dry_run" and "diff".
 *
 * Every file the run names (one; or several with --component, see
 * component.h), each with its own lock, taken in a fixed order, and its own
 * atomic write; nothing is written unless every file's change was made.
 * The lock is never held across the network: a command that asks the API
 * reads the files first without it (an open with dry_run), asks, and only
 * then opens them locked and applies the answer to what it reads there.
 *   struct edit e = EDIT_INIT;          rows: CLI_EDIT_OPTS(&e)
 *   struct edit_set s = EDIT_SET_INIT;
 *   CP_TRY(rc, edit_set_open(&s, &e, ctx, err));
 *   for (i = 0; i < s.n; i++) if (!s.v[i].same_as) ... change s.v[i].f ...
 *     (on failure: CP_TRY(rc, edit_set_fail(&s, i, rc, err)))
 *   CP_TRY(rc, edit_set_finish(&s, ctx, err));
 *   for (i = 0; i < s.n; i++) edit_set_result(&s, i, json, text);
 *   edit_set_report(&s, ctx);
 *   edit_set_release(&s);
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
};
#define EDIT_INIT                                                              \
  {                                                                            \
    0, 0                                                                       \
  }
/* An open that only reads, as --dry-run does: no lock, no file made. */
#define EDIT_PEEK                                                              \
  {                                                                            \
    1, 0                                                                       \
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
};
#define EDIT_SET_INIT                                                          \
  {                                                                            \
    NULL, NULL, 0, 0                                                           \
  }

/* Resolves the files (component.h) and opens each, in order: locked and
 * read, or with e->dry_run read without a lock (no file made), as a command
 * also does to learn the slots before a slow API call; a new file gets its
 * component's defaults. A file that is another's (the same file through a
 * link) is marked same_as and not opened twice. On failure every lock is
 * dropped. Nothing slow may happen between this and edit_set_finish(). */
CP_MUST_USE enum cp_err edit_set_open(struct edit_set *s, struct edit *e,
                                      const struct cli_ctx *ctx,
                                      struct cp_errbuf *err);
/* Names the file a change to v[i] failed for (with several files): rc
 * returned, err's text prefixed with the component ("jce: ..."). */
CP_MUST_USE enum cp_err edit_set_fail(struct edit_set *s, size_t i,
                                      enum cp_err rc, struct cp_errbuf *err);
/* Each file, in order: its diff (--dry-run, --diff), then its atomic write
 * unless --dry-run. A failed write (a full disk) names the files already
 * written, each whole. */
CP_MUST_USE enum cp_err edit_set_finish(struct edit_set *s,
                                        const struct cli_ctx *ctx,
                                        struct cp_errbuf *err);
/* Hands file i's result (owned from here) and text line (copied). */
void edit_set_result(struct edit_set *s, size_t i, struct json_object *row,
                     const char *text);
/* Prints the results: one file as before, several as {"changed",
 * "dry_run", "results": [each with "component"]} and a line per file. */
void edit_set_report(struct edit_set *s, struct cli_ctx *ctx);
void edit_set_release(struct edit_set *s);

#endif
