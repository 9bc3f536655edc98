/* SPDX-License-Identifier: Apache-2.0 */
/* component.h — the Client SDK 5 components whose config files this tool
 * edits (the same JSON format, one file each), and which of them a run
 * edits: --config, --config-dir, --component, or the name it was invoked by
 * (a link named configure-jce edits cloudhsm-jce.cfg).
 *
 *   struct config_targets t = CONFIG_TARGETS_INIT;
 *   CP_TRY(rc, config_targets_resolve(ctx, &t, err));
 *   for (i = 0; i < t.n; i++) ... t.v[i].path, t.v[i].comp ...
 *   config_targets_release(&t);
 */
#ifndef COMPONENT_H
#define COMPONENT_H

#include <stddef.h>

#include "cli.h"
#include "cp_err.h"

struct component {
  const char *name;    /* --component: "pkcs11", "cli", "jce", "dyn", "ksp" */
  const char *tool;    /* AWS's configure tool: "configure-jce" */
  const char *file;    /* in the config folder: "cloudhsm-jce.cfg" */
  const char *library; /* for messages: "the JCE provider" */
  int one_cluster;     /* the library reads one cluster (jce, dyn, ksp) */
  const char *log_name; /* its default log file in sdk_log_dir();
                           NULL: it logs to the terminal (dyn) */
  enum { COMPONENT_ANYWHERE, COMPONENT_POSIX, COMPONENT_WINDOWS } only;
};

/* The component a program name stands for ("/x/configure-jce",
 * "configure-ksp.exe"), else NULL. */
const struct component *component_by_program(const char *argv0);
const struct component *component_by_name(const char *name);

/* The components' names, for messages: "pkcs11, cli, jce, dyn". */
const char *component_names(void);
/* The values --component takes, for completions: "pkcs11 cli jce dyn
 * installed". */
void component_choices(char *out, size_t size);

struct config_target {
  const struct component *comp; /* NULL: --config or the environment gave
                                   the file */
  char *path;                   /* owned */
};
struct config_targets {
  struct config_target *v; /* owned; in the table's order, which is also
                              the order the locks are taken in */
  size_t n;
  int several; /* --component was given: one result row per file */
};
#define CONFIG_TARGETS_INIT                                                    \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }

/* The files this run edits or reads: --config; else --component (each in
 * --config-dir; "installed": the components whose file exists there);
 * else the invoked name's component, or CONFIGURE_PKCS11_CONFIG, or
 * pkcs11, in --config-dir. CP_E_USAGE for --config with --config-dir or
 * --component, CP_E_INVALID for an unknown name, CP_E_NOT_CONFIGURED when
 * "installed" finds none. */
CP_MUST_USE enum cp_err config_targets_resolve(const struct cli_ctx *ctx,
                                               struct config_targets *t,
                                               struct cp_errbuf *err);
void config_targets_release(struct config_targets *t);

/* The rules a file obeys: c's, or those of a one-cluster component (jce,
 * dyn, ksp) whose file in dir is the same file (a link or a hard link to
 * it), so that file keeps one cluster whichever name edits it. */
const struct component *component_file_rules(const struct component *c,
                                             const char *path,
                                             const char *dir);

struct cfg_model;
/* Gives a config file the component makes (c NULL: the PKCS#11 library's)
 * that component's default logging, from AWS's "client SDK logs" page. */
void component_new_file_defaults(const struct component *c,
                                 struct cfg_model *m);

/* CP_E_INVALID when adding cluster_id to a one-cluster component's file
 * (jce, dyn, ksp) would make a second slot; CP_OK for every other case. */
CP_MUST_USE enum cp_err component_check_room(const struct component *c,
                                             const struct cfg_model *m,
                                             const char *cluster_id,
                                             const char *path,
                                             struct cp_errbuf *err);

#endif
