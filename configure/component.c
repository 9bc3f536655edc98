/* SPDX-License-Identifier: Apache-2.0 */
/* component.c — the Client SDK 5 components and the config files a run
 * edits (see component.h). */
#include "component.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_model.h"
#include "cp_buf.h"
#include "cp_platform.h"
#include "safe_path.h"
#include "sdk_paths.h"

/* AWS's configure tools and the files they edit. The order is the order
 * of the locks: every run takes them in this order, so two runs never wait
 * on each other in a circle. The OpenSSL Provider (configure-openssl-
 * provider, SDK 5.17) is not here: its file's name is not documented.
 * One cluster: a JCE CloudHsmProvider built from the file is one cluster
 * (AWS's "Connecting to multiple clusters with the JCE provider": more
 * clusters are more providers, configured in code). Log files: AWS's
 * "client SDK logs" page; the KSP's follows its pattern (the KSP pages name
 * none). */
static const struct component table[] = {
    {"pkcs11", "configure-pkcs11", "cloudhsm-pkcs11.cfg", "the PKCS#11 library",
     0, "cloudhsm-pkcs11.log", COMPONENT_ANYWHERE},
    {"cli", "configure-cli", "cloudhsm-cli.cfg", "CloudHSM CLI", 0,
     "cloudhsm-cli.log", COMPONENT_ANYWHERE},
    {"jce", "configure-jce", "cloudhsm-jce.cfg", "the JCE provider", 1,
     "cloudhsm-jce.log", COMPONENT_ANYWHERE},
    {"dyn", "configure-dyn", "cloudhsm-dyn.cfg", "the OpenSSL Dynamic Engine",
     1, NULL, COMPONENT_POSIX},
    {"ksp", "configure-ksp", "cloudhsm-ksp.cfg", "the Key Storage Provider", 1,
     "cloudhsm-ksp.log", COMPONENT_WINDOWS},
};
#define NCOMP (sizeof(table) / sizeof(table[0]))

/* 1 when the SDK has the component on this system. */
static int on_this_system(const struct component *c)
{
  return c->only == COMPONENT_ANYWHERE ||
         (c->only == COMPONENT_WINDOWS) == plat_is_windows();
}

const struct component *component_by_name(const char *name)
{
  size_t i;

  for (i = 0; i < NCOMP; i++)
    if (on_this_system(&table[i]) && !strcmp(name, table[i].name))
      return &table[i];
  return NULL;
}

const struct component *component_by_program(const char *argv0)
{
  char *name;
  const struct component *found = NULL;
  size_t i;

  if (!argv0)
    return NULL;
  name = plat_program_name(argv0);
  for (i = 0; i < NCOMP && !found; i++)
    if (on_this_system(&table[i]) && !strcmp(name, table[i].tool))
      found = &table[i];
  free(name);
  return found;
}

/* The names joined by sep into out; the length written. */
static size_t join_names(const char *sep, char *out, size_t size)
{
  size_t i, len = 0;

  out[0] = '\0';
  for (i = 0; i < NCOMP && len < size; i++)
    if (on_this_system(&table[i]))
      len += (size_t)snprintf(out + len, size - len, "%s%s", len ? sep : "",
                              table[i].name);
  return len;
}

const char *component_names(void)
{
  static char buf[64];

  join_names(", ", buf, sizeof(buf));
  return buf;
}

void component_choices(char *out, size_t size)
{
  size_t len = join_names(" ", out, size);

  if (len < size)
    snprintf(out + len, size - len, " installed");
}

static void add_target(struct config_targets *t, const struct component *c,
                       const char *path)
{
  t->v = cp_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
  t->v[t->n].comp = c;
  t->v[t->n].path = cp_xstrdup(path);
  t->n++;
}

static char *path_in(const char *dir, const struct component *c)
{
  return plat_path_join(dir, c->file);
}

/* --component a,b,installed: the chosen set, as flags in table order. */
static enum cp_err parse_components(const char *arg, const char *dir,
                                    int chosen[NCOMP], struct cp_errbuf *err)
{
  char *copy = cp_xstrdup(arg), *name, *next, *path;
  const struct component *c;
  enum cp_err rc = CP_OK;
  size_t i;

  memset(chosen, 0, NCOMP * sizeof(*chosen));
  for (name = copy; name; name = next) {
    if ((next = strchr(name, ',')))
      *next++ = '\0';
    if (!*name)
      continue; /* "pkcs11,,jce", a trailing comma */
    if (!strcmp(name, "installed")) {
      for (i = 0; i < NCOMP; i++) {
        if (!on_this_system(&table[i]))
          continue;
        path = path_in(dir, &table[i]);
        chosen[i] |= plat_file_exists(path);
        free(path);
      }
      continue;
    }
    if (!(c = component_by_name(name)))
      CP_FAIL(rc, CP_E_INVALID,
              "unknown component (--component %s): it is none of %s. Give "
              "those names, or installed",
              name, component_names());
    chosen[c - table] = 1;
  }
  for (i = 0; i < NCOMP && !chosen[i]; i++)
    ;
  if (i < NCOMP)
    goto out;
  if (!strstr(arg, "installed"))
    CP_FAIL(rc, CP_E_USAGE,
            "missing component (--component %s): no name is given. Give "
            "one or more of %s, or installed",
            arg, component_names());
  CP_FAIL(rc, CP_E_NOT_CONFIGURED,
          "no component installed (--component %s): none of the config "
          "files of %s is in %s. Install a Client SDK 5 component, or give "
          "--config-dir",
          arg, component_names(), dir);
out:
  free(copy);
  return rc;
}

/* Run as root on behalf of another user (sudo), the tool grants no more
 * than AWS's own tool, which writes only its files in the config folder: a
 * config elsewhere, given with --config, --config-dir or
 * CONFIGURE_PKCS11_CONFIG (or reached through a link), is refused. path
 * is the file, or with is_dir the folder, that `given` names. */
static enum cp_err check_delegated(const char *path, int is_dir,
                                   const char *given, struct cp_errbuf *err)
{
  const char *by = NULL;
  char *target = NULL, *dir = NULL;
  enum cp_err rc = CP_OK;

  if (!plat_delegated(&by))
    return CP_OK;
  if (is_dir) {
    dir = cp_xstrdup(path);
  } else {
    CP_TRY(rc, safe_path_for_config(path, &target, err));
    dir = plat_dirname(target);
  }
  if (!plat_same_file(dir, sdk_config_dir()))
    CP_FAIL(rc, CP_E_UNSAFE_PATH,
            "refused under %s (%s %s): run for another user, this tool edits "
            "only %s, as AWS's tool does. %s, or run it as root yourself",
            by, given, path, sdk_config_dir(),
            is_dir ? "Leave --config-dir out" : "Give a file there");
out:
  free(dir);
  free(target);
  return rc;
}

enum cp_err config_targets_resolve(const struct cli_ctx *ctx,
                                   struct config_targets *t,
                                   struct cp_errbuf *err)
{
  const char *env = getenv("CONFIGURE_PKCS11_CONFIG");
  const char *dir =
      ctx->config_dir ? ctx->config_dir : sdk_config_dir();
  const struct component *invoked = component_by_program(ctx->program);
  int chosen[NCOMP];
  enum cp_err rc = CP_OK;
  char *path;
  size_t i;

  config_targets_release(t);
  if (ctx->config_dir)
    CP_TRY(rc, check_delegated(ctx->config_dir, 1, "--config-dir", err));
  if (ctx->config_path && (ctx->config_dir || ctx->component_arg))
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (--config and %s): --config names one "
            "file. Give --config, or --config-dir and --component",
            ctx->config_dir ? "--config-dir" : "--component");
  if (ctx->config_path) {
    CP_TRY(rc, check_delegated(ctx->config_path, 0, "--config", err));
    add_target(t, NULL, ctx->config_path);
    goto out;
  }
  if (ctx->component_arg) {
    CP_TRY(rc, parse_components(ctx->component_arg, dir, chosen, err));
    for (i = 0; i < NCOMP; i++)
      if (chosen[i]) {
        path = path_in(dir, &table[i]);
        add_target(t, &table[i], path);
        free(path);
      }
    /* one file's result has one shape, however it was named */
    t->several = t->n > 1;
    goto out;
  }
  if (!invoked)
    invoked = &table[0];
  if (invoked == &table[0] && !ctx->config_dir && env && *env) {
    CP_TRY(rc, check_delegated(env, 0, "CONFIGURE_PKCS11_CONFIG", err));
    add_target(t, NULL, env);
    goto out;
  }
  path = path_in(dir, invoked);
  add_target(t, invoked, path);
  free(path);
out:
  return rc;
}

void config_targets_release(struct config_targets *t)
{
  size_t i;

  for (i = 0; i < t->n; i++)
    free(t->v[i].path);
  free(t->v);
  t->v = NULL;
  t->n = 0;
  t->several = 0;
}

enum cp_err component_check_room(const struct component *c,
                                 const struct cfg_model *m,
                                 const char *cluster_id, const char *path,
                                 struct cp_errbuf *err)
{
  struct cfg_slot_view v;

  if (!c || !c->one_cluster || cfg_model_slot_count(m) == 0 ||
      cfg_model_slot_for(m, cluster_id) >= 0)
    return CP_OK;
  cfg_model_slot(m, 0, &v);
  return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "one cluster only (%s): %s reads one cluster and %s holds %s "
                 "already. Remove it first: configure-pkcs11 remove-cluster "
                 "--component %s %s %s",
                 c->name, c->library, path,
                 v.cluster_id ? v.cluster_id : "servers given with -a", c->name,
                 v.cluster_id ? "--cluster-id" : "--slot",
                 v.cluster_id ? v.cluster_id : "0");
}

const struct component *component_file_rules(const struct component *c,
                                             const char *path,
                                             const char *dir)
{
  size_t i;
  char *other;
  int same;

  if (c && c->one_cluster)
    return c;
  for (i = 0; i < NCOMP; i++) {
    if (!table[i].one_cluster || !on_this_system(&table[i]))
      continue;
    other = path_in(dir, &table[i]);
    same = plat_same_file(path, other);
    free(other);
    if (same)
      return &table[i];
  }
  return c;
}

void component_new_file_defaults(const struct component *c,
                                 struct cfg_model *m)
{
  char *log_file;

  if (!c)
    return; /* cfg_model_init_default() is the PKCS#11 library's */
  if (!c->log_name) {
    cfg_model_set_logging(m, "log_type", "term");
    cfg_model_set_logging(m, "log_file", NULL);
    return;
  }
  log_file = plat_path_join(sdk_log_dir(), c->log_name);
  cfg_model_set_logging(m, "log_file", log_file);
  free(log_file);
}
