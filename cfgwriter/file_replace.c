/* SPDX-License-Identifier: Apache-2.0 */
/* file_replace.c — the atomic replace, written once over the platform's
 * temporary-file primitives. The kill-* fault steps let the crash tests
 * stop the process between any two of them. */
#include "file_replace.h"

#include <stdlib.h>

enum cp_err file_replace(const char *path, const void *data, size_t len,
                         const struct plat_file_meta *old,
                         struct cp_errbuf *err)
{
  struct plat_temp *t = NULL;
  enum cp_err rc;
  char *dir = NULL;

  CP_TRY(rc, plat_temp_create(path, &t, err));
  plat_fault("kill-after-create");
  /* two halves, so a test can kill the process with half the data written */
  CP_TRY(rc, plat_temp_write(t, data, len / 2, err));
  plat_fault("kill-mid-write");
  CP_TRY(rc, plat_temp_write(t, (const char *)data + len / 2, len - len / 2,
                             err));
  CP_TRY(rc, plat_temp_keep_meta(t, old, err));
  CP_TRY(rc, plat_temp_flush(t, err));
  plat_fault("kill-after-fsync");
  plat_fault("kill-before-rename");
  CP_TRY(rc, plat_temp_commit(t, old && old->exists, err));
  plat_fault("kill-after-rename");
  dir = plat_dirname(path);
  rc = plat_sync_dir(dir, err);
out:
  plat_temp_discard(t);
  free(dir);
  return rc;
}
