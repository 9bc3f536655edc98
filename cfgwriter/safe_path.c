/* SPDX-License-Identifier: Apache-2.0 */
/* safe_path.c — the roles each component of a config's path plays, and
 * what is refused; the platform says who may change a path in a role. */
#include "safe_path.h"

#include <stdlib.h>
#include <string.h>

#include "cp_platform.h"

static enum cp_err folder_missing(const char *dir, const char *why,
                                  struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_IO, __FILE__, __LINE__,
                 "folder not found (%s): %s. Create it first, or use "
                 "--config to write elsewhere",
                 dir, why);
}

enum cp_err safe_path_check_folder(const char *dir, struct cp_errbuf *err)
{
  struct plat_exposure x;

  plat_path_exposure(dir, PLAT_ROLE_FOLDER, &x);
  if (x.missing)
    return folder_missing(dir, x.missing, err);
  if (x.not_dir)
    return cp_fail(err, CP_E_IO, __FILE__, __LINE__,
                   "not a folder (%s): the config path must be inside a "
                   "folder. Check --config",
                   dir);
  if (x.why)
    return cp_fail(err, CP_E_UNSAFE_PATH, __FILE__, __LINE__,
                   "unsafe folder (%s): %s, so the config could be replaced. "
                   "%s",
                   dir, x.why, x.fix);
  return CP_OK;
}

/* One component of a linked config's path, in its role. */
static enum cp_err check_linked(const char *p, enum plat_role role,
                                struct cp_errbuf *err)
{
  struct plat_exposure x;

  plat_path_exposure(p, role, &x);
  if (x.missing)
    return folder_missing(p, x.missing, err);
  if (!x.why)
    return CP_OK;
  return cp_fail(err, CP_E_UNSAFE_PATH, __FILE__, __LINE__,
                 "unsafe path behind a link (%s): %s, so the linked config "
                 "could be swapped. Make it owned by %s and writable only by "
                 "its owner, or give --config the real file",
                 p, x.why, plat_admin_name());
}

/* dir (nobody else may write it) and every folder above it (nobody else
 * may rename in it). */
static enum cp_err check_chain(const char *dir, struct cp_errbuf *err)
{
  char *p = cp_xstrdup(dir), *up;
  enum plat_role role = PLAT_ROLE_OWN;
  enum cp_err rc;

  for (;;) {
    if ((rc = check_linked(p, role, err)) != CP_OK)
      break;
    up = plat_dirname(p); /* "/" and "." are their own */
    if (!strcmp(up, p)) {
      free(up);
      break;
    }
    free(p);
    p = up;
    role = PLAT_ROLE_ABOVE;
  }
  free(p);
  return rc;
}

enum cp_err safe_path_for_config(const char *path, char **out,
                                 struct cp_errbuf *err)
{
  struct plat_links links = PLAT_LINKS_INIT;
  enum cp_err rc = CP_OK;
  char *dir = NULL;
  size_t i;

  *out = NULL;
  /* a folder or a device is no config: said before any lock is made */
  if (!*path || plat_is_dir_sep(path[strlen(path) - 1]) ||
      plat_file_kind(path) == PLAT_OTHER)
    return plat_err_not_regular(CP_HERE, CP_E_CONFIG, path, err);
  plat_resolve_links(path, &links);
  /* a folder holding a link met on the way could re-point it */
  for (i = 0; i < links.ndirs && rc == CP_OK; i++)
    rc = check_chain(links.dirs[i], err);
  if (rc != CP_OK)
    goto out;
  if (!links.target || !links.via_link) {
    dir = plat_dirname(path);
    CP_TRY(rc, safe_path_check_folder(dir, err));
    *out = cp_xstrdup(path);
    goto out;
  }
  dir = plat_dirname(links.target);
  CP_TRY(rc, check_chain(dir, err));
  if (plat_file_exists(links.target))
    CP_TRY(rc, check_linked(links.target, PLAT_ROLE_OWN, err));
  *out = links.target;
  links.target = NULL;
out:
  free(dir);
  plat_links_release(&links);
  return rc;
}
