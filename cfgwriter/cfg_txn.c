/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_txn.c — snapshot, lock, read again, pure edit, commit: one order for
 * every command that writes. */
#include "cfg_txn.h"

#include <stdlib.h>

void cfg_txn_add(struct cfg_txn *t, struct cfg_file *f, const char *path)
{
  t->v = cp_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
  t->v[t->n].f = f;
  t->v[t->n].path = cp_xstrdup(path);
  t->v[t->n].changed = 0;
  t->n++;
}

/* A file that is not there yet holds its defaults, in both models: the
 * defaults alone are no change. */
static void fill_fresh(struct cfg_txn *t, size_t i)
{
  struct cfg_file *f = t->v[i].f;

  if (f->meta.exists || !t->fresh)
    return;
  t->fresh(t->fresh_arg, i, &f->model);
  t->fresh(t->fresh_arg, i, &f->loaded);
}

/* Reads file i again from nothing: locked, or (locked 0) as a snapshot. */
static enum cp_err read_file(struct cfg_txn *t, size_t i, int locked,
                             struct cp_errbuf *err)
{
  struct cfg_file *f = t->v[i].f;
  enum cp_err rc;

  cfg_file_release(f);
  *f = (struct cfg_file)CFG_FILE_INIT;
  if (locked) {
    CP_TRY(rc, cfg_file_lock(f, t->v[i].path, t->lock_timeout_ms, err));
    CP_TRY(rc, cfg_file_load(f, err));
  } else {
    CP_TRY(rc, cfg_file_snapshot(f, t->v[i].path, err));
  }
  fill_fresh(t, i);
out:
  return rc;
}

enum cp_err cfg_txn_snapshot(struct cfg_txn *t, struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;

  for (t->failed = 0; t->failed < t->n; t->failed++)
    CP_TRY(rc, read_file(t, t->failed, 0, err));
out:
  return rc;
}

enum cp_err cfg_txn_apply(struct cfg_txn *t, cfg_txn_edit_fn fn, void *arg,
                          struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;

  /* every lock first, in order, so two runs never hold one each */
  for (t->failed = 0; t->failed < t->n; t->failed++)
    CP_TRY(rc, read_file(t, t->failed, !t->dry_run, err));
  for (t->failed = 0; t->failed < t->n; t->failed++)
    CP_TRY(rc, fn(arg, t->failed, t->v[t->failed].f, err));
out:
  return rc;
}

enum cp_err cfg_txn_commit(struct cfg_txn *t, struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;

  for (t->failed = 0; t->failed < t->n; t->failed++) {
    struct cfg_txn_file *tf = &t->v[t->failed];
    if (t->dry_run)
      tf->changed = cfg_file_changed(tf->f);
    else
      CP_TRY(rc, cfg_file_commit(tf->f, &tf->changed, err));
  }
out:
  return rc;
}

void cfg_txn_release(struct cfg_txn *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    cfg_file_release(t->v[i].f);
    free(t->v[i].path);
  }
  free(t->v);
  t->v = NULL;
  t->n = 0;
}
