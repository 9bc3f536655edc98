/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_txn.h — one edit of one or more config files, with the lock never
 * held across anything slow (an API call, a --wait pause):
 *
 *   struct cfg_txn t = CFG_TXN_INIT;
 *   cfg_txn_add(&t, &f1, path1); cfg_txn_add(&t, &f2, path2);  lock order
 *   CP_TRY(rc, cfg_txn_snapshot(&t, err));  read each, no lock: the slots
 *   ... ask the API, check the answer: no lock is held ...
 *   CP_TRY(rc, cfg_txn_apply(&t, fn, arg, err));  lock each,
 *                     in order, read again, fn(arg, i, f_i)
 *   CP_TRY(rc, cfg_txn_commit(&t, err));    each file's atomic write
 *   cfg_txn_release(&t);   drops every lock (the cfg_files stay the caller's)
 *
 * An edit another run made between the snapshot and the lock is kept: the
 * edit function sees the file as it is under the lock, and must be pure (it
 * changes f->model from what f and arg hold, with no I/O that can wait).
 * With t.dry_run, apply reads again without a lock and commit writes
 * nothing. On failure t.failed is the index of the file it failed for; no
 * file is written unless every edit succeeded, and a commit failing at file
 * i has written the files before i, each whole (cfg_file.h). */
#ifndef CFG_TXN_H
#define CFG_TXN_H

#include "cfg_file.h"

/* What a file that does not exist yet holds: its component's defaults. */
typedef void (*cfg_txn_fresh_fn)(void *arg, size_t i, struct cfg_model *m);
/* The edit of file i: pure, see above. */
typedef enum cp_err (*cfg_txn_edit_fn)(void *arg, size_t i, struct cfg_file *f,
                                       struct cp_errbuf *err);

struct cfg_txn_file {
  struct cfg_file *f; /* the caller's */
  char *path;         /* owned: as given */
  int changed;        /* after commit: written (with dry_run: would be) */
};
struct cfg_txn {
  struct cfg_txn_file *v; /* owned, in lock order */
  size_t n;
  int dry_run;
  int lock_timeout_ms;
  cfg_txn_fresh_fn fresh; /* may be NULL */
  void *fresh_arg;
  size_t failed; /* the file the last failure was for */
};
#define CFG_TXN_INIT                                                           \
  {                                                                            \
    NULL, 0, 0, 10000, NULL, NULL, 0                                           \
  }

/* Adds a file, after the ones added before it in lock order. f starts as
 * CFG_FILE_INIT and is filled by the calls below. */
void cfg_txn_add(struct cfg_txn *t, struct cfg_file *f, const char *path);
CP_MUST_USE enum cp_err cfg_txn_snapshot(struct cfg_txn *t,
                                         struct cp_errbuf *err);
CP_MUST_USE enum cp_err cfg_txn_apply(struct cfg_txn *t, cfg_txn_edit_fn fn,
                                      void *arg, struct cp_errbuf *err);
CP_MUST_USE enum cp_err cfg_txn_commit(struct cfg_txn *t,
                                       struct cp_errbuf *err);
/* Releases every file (cfg_file_release) and the txn's own memory. */
void cfg_txn_release(struct cfg_txn *t);

#endif
