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

/* What a refusal says: which path, what another user could do with it,
 * and the way out besides fixing it. */
struct refusal {
  const char *title, *risk, *other_way;
};
static const struct refusal linked_config = {
    "unsafe path behind a link", "the linked config could be swapped",
    "or give --config the real file"};
static const struct refusal code_file = {
    "unsafe library path", "another user could replace the code this run "
    "loads", "or give a copy only root can change"};

/* One component of a path, in its role. */
static enum cp_err check_role(const char *p, enum plat_role role,
                              const struct refusal *w, struct cp_errbuf *err)
{
  struct plat_exposure x;

  plat_path_exposure(p, role, &x);
  if (x.missing)
    return folder_missing(p, x.missing, err);
  if (!x.why)
    return CP_OK;
  return cp_fail(err, CP_E_UNSAFE_PATH, __FILE__, __LINE__,
                 "%s (%s): %s, so %s. Make it owned by %s and writable only "
                 "by its owner, %s",
                 w->title, p, x.why, w->risk, plat_admin_name(), w->other_way);
}

/* dir (nobody else may write it) and every folder above it (nobody else
 * may rename in it). */
static enum cp_err check_chain(const char *dir, const struct refusal *w,
                               struct cp_errbuf *err)
{
  char *p = cp_xstrdup(dir), *up;
  enum plat_role role = PLAT_ROLE_OWN;
  enum cp_err rc;

  for (;;) {
    if ((rc = check_role(p, role, w, err)) != CP_OK)
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

/* Every folder a link was met in: each could re-point it. */
static enum cp_err check_link_dirs(const struct plat_links *l,
                                   const struct refusal *w,
                                   struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  size_t i;

  for (i = 0; i < l->ndirs && rc == CP_OK; i++)
    rc = check_chain(l->dirs[i], w, err);
  return rc;
}

/* The link dirs, then the target's folders and the target itself (when
 * it exists). */
static enum cp_err check_linked(const struct plat_links *l,
                                const struct refusal *w, struct cp_errbuf *err)
{
  enum cp_err rc;
  char *dir;

  if ((rc = check_link_dirs(l, w, err)) != CP_OK)
    return rc;
  dir = plat_dirname(l->target);
  rc = check_chain(dir, w, err);
  free(dir);
  if (rc == CP_OK && plat_file_kind(l->target) != PLAT_NOTHING)
    rc = check_role(l->target, PLAT_ROLE_OWN, w, err);
  return rc;
}

enum cp_err safe_path_check_code(const char *path, struct cp_errbuf *err)
{
  struct plat_links links = PLAT_LINKS_INIT;
  enum cp_err rc;

  plat_resolve_links(path, &links);
  if (!links.target)
    rc = cp_fail(err, CP_E_UNSAFE_PATH, __FILE__, __LINE__,
                 "%s (%s): a folder on its way cannot be looked at, so who "
                 "may change it is not known. Give a path every user may "
                 "look along",
                 code_file.title, path);
  else
    rc = check_linked(&links, &code_file, err);
  plat_links_release(&links);
  return rc;
}

enum cp_err safe_path_for_config(const char *path, char **out,
                                 struct cp_errbuf *err)
{
  struct plat_links links = PLAT_LINKS_INIT;
  enum cp_err rc = CP_OK;
  char *dir = NULL;

  *out = NULL;
  /* a folder or a device is no config: said before any lock is made */
  if (!*path || plat_is_dir_sep(path[strlen(path) - 1]) ||
      plat_file_kind(path) == PLAT_OTHER)
    return plat_err_not_regular(CP_HERE, CP_E_CONFIG, path, err);
  plat_resolve_links(path, &links);
  if (!links.target || !links.via_link) {
    /* links met before the walk stopped count all the same */
    CP_TRY(rc, check_link_dirs(&links, &linked_config, err));
    dir = plat_dirname(path);
    CP_TRY(rc, safe_path_check_folder(dir, err));
    *out = cp_xstrdup(path);
    goto out;
  }
  CP_TRY(rc, check_linked(&links, &linked_config, err));
  *out = links.target;
  links.target = NULL;
out:
  free(dir);
  plat_links_release(&links);
  return rc;
}
