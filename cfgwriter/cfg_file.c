/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_file.c — the locked read-edit-replace cycle of the config file. */
#include "cfg_file.h"

#include <stdlib.h>
#include <string.h>

#include "cp_log.h"
#include "file_replace.h"
#include "safe_path.h"

enum cp_err cfg_file_lock(struct cfg_file *f, const char *path, int timeout_ms,
                          struct cp_errbuf *err)
{
  enum cp_err rc;
  char *lock_path = NULL;
  int stale;

  f->path = cp_xstrdup(path);
  CP_TRY(rc, safe_path_for_config(path, &f->target, err));
  if (strcmp(f->target, path))
    cp_log(CP_LOG_DEBUG, "%s is a link: editing its target %s", path, f->target);
  lock_path = cp_xasprintf("%s.lock", f->target);
  CP_TRY(rc, plat_lock_acquire(lock_path, timeout_ms, &f->lock, err));
  stale = plat_remove_stale_temps(f->target);
  if (stale)
    cp_log(CP_LOG_INFO, "removed %d temporary file(s) an interrupted run left "
           "beside %s", stale, path);
out:
  free(lock_path);
  return rc;
}

static enum cp_err read_and_parse(struct cfg_file *f, int missing_ok,
                                  struct cp_errbuf *err)
{
  enum cp_err rc;
  struct cp_buf *raw = &f->original;

  f->meta.exists = 0;
  cp_buf_reset(raw);
  CP_TRY(rc, plat_read_file(f->target ? f->target : f->path, CFG_MAX_BYTES, raw,
                            &f->meta, CP_E_CONFIG, err));
  if (!f->meta.exists) {
    if (!missing_ok)
      CP_FAIL(rc, CP_E_IO,
              "config file not found (%s): nothing is configured yet. Run "
              "add-cluster first, or give --config",
              f->path);
    cfg_model_init_default(&f->model);
  } else {
    CP_TRY(rc,
           cfg_model_parse(&f->model, cp_buf_str(raw), raw->len, f->path, err));
  }
  cfg_model_copy(&f->model, &f->loaded);
out:
  return rc;
}

enum cp_err cfg_file_load(struct cfg_file *f, struct cp_errbuf *err)
{
  return read_and_parse(f, 1, err);
}

enum cp_err cfg_file_read(struct cfg_file *f, const char *path,
                          struct cp_errbuf *err)
{
  f->path = cp_xstrdup(path);
  return read_and_parse(f, 0, err);
}

enum cp_err cfg_file_snapshot(struct cfg_file *f, const char *path,
                              struct cp_errbuf *err)
{
  f->path = cp_xstrdup(path);
  return read_and_parse(f, 1, err);
}

int cfg_file_changed(const struct cfg_file *f)
{
  /* a missing file loaded the default model: it is made only when the edit
   * put something into it (remove-cluster --ignore-missing makes nothing) */
  return !cfg_model_equal(&f->model, &f->loaded);
}

void cfg_file_render(struct cfg_file *f)
{
  cp_buf_reset(&f->text);
  cfg_model_serialize(&f->model, &f->text);
}

enum cp_err cfg_file_commit(struct cfg_file *f, int *changed,
                            struct cp_errbuf *err)
{
  enum cp_err rc;

  *changed = 0;
  if (!cfg_file_changed(f))
    return CP_OK;
  CP_TRY(rc, plat_check_interrupt(err)); /* Ctrl-C before here: no change */
  cfg_file_render(f);
  CP_TRY(rc,
         file_replace(f->target, f->text.ptr, f->text.len, &f->meta, err));
  *changed = f->written = 1;
out:
  return rc;
}

void cfg_file_release(struct cfg_file *f)
{
  plat_lock_release(f->lock, !f->written);
  f->lock = NULL;
  cfg_model_release(&f->model);
  cfg_model_release(&f->loaded);
  cp_buf_release(&f->original);
  cp_buf_release(&f->text);
  free(f->path);
  free(f->target);
  f->path = f->target = NULL;
}
