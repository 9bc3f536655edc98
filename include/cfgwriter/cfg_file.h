/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_file.h — read and rewrite the config under an exclusive lock.
 *
 * Calling sequence (git's lockfile.h):
 *
 *   struct cfg_file f = CFG_FILE_INIT;
 *   CP_TRY(rc, cfg_file_lock(&f, path, 10000, err)); lock beside the config
 *   CP_TRY(rc, cfg_file_load(&f, err));               re-read under the lock
 *   ... edit f.model (cfg_model_*) ...
 *   CP_TRY(rc, cfg_file_commit(&f, &changed, err));   atomic replace, or no-op
 *   out: cfg_file_release(&f);     always; drops the lock (see below)
 *
 * Contract: when any call fails, the config on disk is byte for byte what it
 * was, with one exception: commit() failing to fsync the folder after the
 * rename (CP_E_IO "config written but its folder could not be synced"),
 * when the file is the new one. A config that does not parse is never overwritten. commit() writes
 * nothing (the file keeps its mtime) when the model holds the same data as
 * the file did. */
#ifndef CFG_FILE_H
#define CFG_FILE_H

#include "cfg_model.h"
#include "cp_platform.h"

struct cfg_file {
  char *path;                 /* as given, for messages and results */
  char *target;               /* the file read and replaced: path, or the
                                 target of its links (cfg_file_lock) */
  struct plat_lock *lock;
  struct plat_file_meta meta; /* of the file as loaded */
  struct cfg_model model;     /* edit this */
  struct cfg_model loaded;    /* as read, to tell whether anything changed */
  struct cp_buf original;     /* the file's bytes as read ("" when new) */
  struct cp_buf text;         /* the new text, after commit() or render() */
  int written;                /* commit() replaced the file */
};
#define CFG_FILE_INIT                                                          \
  {NULL, NULL, NULL, PLAT_FILE_META_INIT, CFG_MODEL_INIT, CFG_MODEL_INIT,      \
   CP_BUF_INIT, CP_BUF_INIT, 0}

/* Resolves the path (a linked config is edited at its target, the link
 * kept, when safe_path_for_config() finds the way safe), takes the lock
 * beside the target (waiting up to timeout_ms) and removes temporary files
 * an interrupted run left. */
CP_MUST_USE enum cp_err cfg_file_lock(struct cfg_file *f, const char *path,
                                      int timeout_ms, struct cp_errbuf *err);
/* Reads and parses the file; a missing file loads the default model. */
CP_MUST_USE enum cp_err cfg_file_load(struct cfg_file *f,
                                      struct cp_errbuf *err);
/* Reads without a lock (list-clusters, check), following links: never
 * writes. A missing file is CP_E_IO naming it. */
CP_MUST_USE enum cp_err cfg_file_read(struct cfg_file *f, const char *path,
                                      struct cp_errbuf *err);
/* Reads like cfg_file_load() (a missing file loads the default model) but
 * takes no lock and makes no file: for --dry-run, which writes nothing, so
 * a user who cannot write the config still sees the change. Never commit
 * after it. */
CP_MUST_USE enum cp_err cfg_file_snapshot(struct cfg_file *f, const char *path,
                                          struct cp_errbuf *err);
/* 1 when the model differs from what was loaded (for a missing file, the
 * default model: a new file is written only when the edit changed it). */
int cfg_file_changed(const struct cfg_file *f);
/* Renders the new text into f->text (for --dry-run diffs against
 * f->original). */
void cfg_file_render(struct cfg_file *f);
/* Writes the model if it changed; *changed says whether it did. */
CP_MUST_USE enum cp_err cfg_file_commit(struct cfg_file *f, int *changed,
                                        struct cp_errbuf *err);
/* Drops the lock; a lock file this run made beside a file it did not
 * write is removed, so a refused run leaves nothing there. */
void cfg_file_release(struct cfg_file *f);

#endif
