/* SPDX-License-Identifier: Apache-2.0 */
/* check_library.c — the PKCS#11 module's report, in text and JSON, with
 * CloudHSM's slots named by the config's clusters. */
#include "check_library.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_file.h"
#include "component.h"
#include "cp_buf.h"
#include "output.h"
#include "cp_platform.h"
#include "p11_probe.h"
#include "safe_path.h"
#include "sdk_paths.h"

/* CloudHSM's library, by its file name on either system. */
static int is_cloudhsm_library(const char *path)
{
  char *base = plat_program_name(path); /* the file name, as for argv[0] */
  int is = !strcmp(base, "libcloudhsm_pkcs11.so") ||
           !strcmp(base, "cloudhsm_pkcs11.dll");

  free(base);
  return is;
}

/* The cluster ids of the config's slots in order (NULL where a slot has
 * none), for CloudHSM's library: slot k of C_GetSlotList is taken to be
 * clusters[k] (README: an observation, not a documented rule). A config
 * that cannot be read gives no names. */
static char **cluster_names(const struct cli_ctx *ctx, size_t *n)
{
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct cfg_file f = CFG_FILE_INIT;
  struct cp_errbuf quiet = CP_ERRBUF_INIT;
  char **names = NULL;
  size_t i;

  *n = 0;
  if (config_targets_resolve(ctx, &t, &quiet) == CP_OK && t.n &&
      cfg_file_read(&f, t.v[0].path, &quiet) == CP_OK) {
    *n = cfg_model_slot_count(&f.model);
    names = cp_xcalloc(*n + 1, sizeof(*names));
    for (i = 0; i < *n; i++) {
      struct cfg_slot_view v;
      cfg_model_slot(&f.model, i, &v);
      names[i] = v.cluster_id ? cp_xstrdup(v.cluster_id) : NULL;
    }
  }
  cfg_file_release(&f);
  config_targets_release(&t);
  return names;
}

static json_object *token_json(const struct p11_token *t)
{
  json_object *o = json_object_new_object();

  json_object_object_add(o, "label", json_object_new_string(t->label));
  json_object_object_add(o, "manufacturer",
                         json_object_new_string(t->manufacturer));
  json_object_object_add(o, "model", json_object_new_string(t->model));
  json_object_object_add(o, "serial", json_object_new_string(t->serial));
  json_object_object_add(o, "initialized",
                         json_object_new_boolean(t->initialized));
  json_object_object_add(o, "flags", json_object_new_int64((int64_t)t->flags));
  return o;
}

/* One slot's row and text line; cluster may be NULL. */
static json_object *slot_json(const struct p11_slot *s, const char *cluster,
                              struct cp_buf *text)
{
  json_object *o = json_object_new_object();

  json_object_object_add(o, "id", json_object_new_int64((int64_t)s->id));
  json_object_object_add(o, "description",
                         json_object_new_string(s->description));
  json_object_object_add(o, "manufacturer",
                         json_object_new_string(s->manufacturer));
  json_object_object_add(o, "token_present",
                         json_object_new_boolean(s->token_present));
  if (s->token_present)
    json_object_object_add(o, "token", token_json(&s->token));
  if (cluster)
    json_object_object_add(o, "cluster_id", json_object_new_string(cluster));
  cp_buf_printf(text, "slot %lu (0x%lx)%s%s: ", s->id, s->id,
                cluster ? ", cluster " : "", cluster ? cluster : "");
  if (!s->token_present)
    cp_buf_puts(text, "no token\n");
  else if (!s->token.initialized)
    cp_buf_puts(text, "token not initialized\n");
  else
    cp_buf_printf(text, "token \"%s\" (%s %s, serial %s)\n", s->token.label,
                  s->token.manufacturer, s->token.model, s->token.serial);
  return o;
}

enum cp_err check_library(const char *path, struct cli_ctx *ctx,
                          struct cp_errbuf *err)
{
  struct p11_report r;
  struct cp_buf text = CP_BUF_INIT;
  json_object *root = NULL, *lib, *rows;
  const char *dflt = NULL;
  char **names = NULL, v[32];
  size_t i, nnames = 0;
  enum cp_err rc;

  if (!path || !*path)
    path = dflt = sdk_pkcs11_library();
  if (plat_file_kind(path) == PLAT_NOTHING)
    CP_FAIL(rc, CP_E_IO, "PKCS#11 library not found (%s): no such file. %s",
            path,
            dflt ? "Install AWS's CloudHSM PKCS#11 library, or give --library "
                   "the module's path"
                 : "Check the path, or leave out --library's value to load "
                   "CloudHSM's");
  /* loading a library runs its code: as root, only code nobody else can
   * change (under sudo, the user could otherwise run anything as root) */
  if (plat_running_as_root())
    CP_TRY(rc, safe_path_check_code(path, err));
  CP_TRY(rc, p11_probe(path, &r, err));
  if (is_cloudhsm_library(path))
    names = cluster_names(ctx, &nnames);
  root = json_object_new_object();
  lib = json_object_new_object();
  json_object_object_add(lib, "path", json_object_new_string(path));
  json_object_object_add(lib, "manufacturer",
                         json_object_new_string(r.manufacturer));
  json_object_object_add(lib, "description",
                         json_object_new_string(r.description));
  snprintf(v, sizeof(v), "%u.%u", r.library_major, r.library_minor);
  json_object_object_add(lib, "version", json_object_new_string(v));
  snprintf(v, sizeof(v), "%u.%u", r.cryptoki_major, r.cryptoki_minor);
  json_object_object_add(lib, "cryptoki_version", json_object_new_string(v));
  if (names)
    json_object_object_add(lib, "slots_mapped_by",
                           json_object_new_string("position"));
  json_object_object_add(root, "library", lib);
  cp_buf_printf(&text, "library %s: %s, %s %u.%u (Cryptoki %u.%u), %zu slot%s\n",
                path, r.manufacturer, r.description, r.library_major,
                r.library_minor, r.cryptoki_major, r.cryptoki_minor, r.nslots,
                r.nslots == 1 ? "" : "s");
  rows = json_object_new_array();
  for (i = 0; i < r.nslots; i++)
    json_object_array_add(rows, slot_json(&r.slots[i],
                                          i < nnames ? names[i] : NULL, &text));
  json_object_object_add(root, "slots", rows);
  output_result(ctx, root, cp_buf_str(&text));
  for (i = 0; i < nnames; i++)
    free(names[i]);
  free(names);
  p11_report_release(&r);
out:
  cp_buf_release(&text);
  return rc;
}
