/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_list_clusters.c — show each slot with its servers and certificates. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cfg_file.h"
#include "commands.h"
#include "component.h"
#include "cp_buf.h"
#include "output.h"

static const char *const list_examples[] = {
    "configure-pkcs11 list-clusters",
    "configure-pkcs11 list-clusters --output json | jq '.clusters[].cluster_id'",
    NULL};

static const struct cli_cmd_doc list_doc = {
    "configure-pkcs11 list-clusters [<options>]",
    "Show each slot of the config: index, cluster id, servers, the CA file "
    "with its subject and expiry, and both client certificate pairs.",
    list_examples};

/* {"path","status","subject","not_after"} of a CA file; status is "ok" or
 * the failing check's error name. */
static json_object *ca_status(const char *path, struct cp_buf *text)
{
  json_object *o = json_object_new_object();
  struct cp_errbuf problem = CP_ERRBUF_INIT; /* this row's, shown and kept */
  struct cert_info ci;
  enum cp_err rc;

  memset(&ci, 0, sizeof(ci));
  json_object_object_add(o, "path", json_object_new_string(path));
  rc = cert_check_ca_file(path, &ci, &problem);
  json_object_object_add(o, "status", json_object_new_string(
                                          rc == CP_OK ? "ok" : "invalid"));
  if (ci.subject[0]) {
    json_object_object_add(o, "subject", json_object_new_string(ci.subject));
    json_object_object_add(o, "not_after",
                           json_object_new_string(ci.not_after));
  }
  if (rc == CP_OK)
    cp_buf_printf(text, "  hsm_ca_file: %s (%s, expires %s)\n", path,
                  ci.subject, ci.not_after);
  else {
    json_object_object_add(
        o, "error", json_object_new_string(cp_errbuf_text(&problem, rc)));
    cp_buf_printf(text, "  hsm_ca_file: %s (problem: %s)\n", path,
                  cp_errbuf_text(&problem, rc));
  }
  return o;
}

/* One client pair of a slot: its JSON object and a text line. */
static json_object *client_status(const struct cfg_slot_view *v,
                                  enum cfg_pair which, struct cp_buf *text)
{
  static const char *const labels[CFG_NPAIRS] = {
      "server-client certificate", "HSM-TLS client certificate"};
  const char *cert = v->pair_cert[which], *key = v->pair_key[which];
  json_object *o = json_object_new_object();
  struct cp_errbuf problem = CP_ERRBUF_INIT;
  struct cert_info ci;
  enum cp_err rc;

  if (!cert && !key) {
    json_object_object_add(o, "status", json_object_new_string("none"));
    cp_buf_printf(text, "  %s: none\n", labels[which]);
    return o;
  }
  json_object_object_add(o, "cert_path",
                         cert ? json_object_new_string(cert) : NULL);
  json_object_object_add(o, "key_path", key ? json_object_new_string(key) : NULL);
  if (!cert || !key || !*cert || !*key) {
    json_object_object_add(o, "status", json_object_new_string("incomplete"));
    cp_buf_printf(text, "  %s: incomplete (%s is %s): the library fails to "
                  "start; set both or remove both\n", labels[which],
                  !cert || !*cert ? cfg_pair_keys[which].cert
                                  : cfg_pair_keys[which].key,
                  (!cert || !key) ? "missing" : "empty");
    return o;
  }
  memset(&ci, 0, sizeof(ci));
  rc = cert_check_client_pair(cert, key, &ci, &problem);
  json_object_object_add(o, "status", json_object_new_string(
                                          rc == CP_OK ? "ok" : "invalid"));
  if (rc == CP_OK) {
    json_object_object_add(o, "subject", json_object_new_string(ci.subject));
    json_object_object_add(o, "not_after",
                           json_object_new_string(ci.not_after));
    cp_buf_printf(text, "  %s: %s (%s, expires %s)\n", labels[which], cert,
                  ci.subject, ci.not_after);
  } else {
    json_object_object_add(
        o, "error", json_object_new_string(cp_errbuf_text(&problem, rc)));
    cp_buf_printf(text, "  %s: %s (problem: %s)\n", labels[which], cert,
                  cp_errbuf_text(&problem, rc));
  }
  return o;
}

/* The rows of one file's slots; comp names the file's component when the
 * run lists several. */
static void list_file(const struct cfg_file *f, const char *comp,
                      json_object *arr, struct cp_buf *text)
{
  size_t i, j, n;

  if (comp)
    cp_buf_printf(text, "%s: %s\n", comp, f->path);
  n = cfg_model_slot_count(&f->model);
  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    json_object *s = json_object_new_object(), *servers;

    cfg_model_slot(&f->model, i, &v);
    if (v.unconfigured)
      cp_buf_printf(text,
                    "slot %zu: not configured (%s%s): the library cannot "
                    "use it until add-cluster or -a fills it\n",
                    i, v.placeholder ? "placeholder " : "no servers",
                    v.placeholder ? v.placeholder : "");
    else
      cp_buf_printf(text, "slot %zu: %s (%s)\n", i,
                    v.cluster_id ? v.cluster_id : "(no cluster_id)",
                    v.type ? v.type : "no type");
    if (comp) { /* several files: each row says which */
      json_object_object_add(s, "component", json_object_new_string(comp));
      json_object_object_add(s, "config", json_object_new_string(f->path));
    }
    json_object_object_add(s, "index", json_object_new_int((int)i));
    json_object_object_add(s, "cluster_id",
                           v.cluster_id ? json_object_new_string(v.cluster_id)
                                        : NULL);
    json_object_object_add(s, "type",
                           v.type ? json_object_new_string(v.type) : NULL);
    json_object_object_add(s, "configured",
                           json_object_new_boolean(!v.unconfigured));
    if (v.placeholder)
      json_object_object_add(s, "placeholder",
                             json_object_new_string(v.placeholder));
    servers = json_object_new_array();
    cp_buf_puts(text, "  servers:");
    for (j = 0; j < v.nservers; j++) {
      struct cfg_server srv;
      json_object *so = json_object_new_object();
      int v6;
      cfg_model_slot_server(&f->model, i, j, &srv);
      v6 = srv.hostname && strchr(srv.hostname, ':') != NULL;
      cp_buf_printf(text, "%s %s%s%s:%d%s", j ? "," : "", v6 ? "[" : "",
                    srv.hostname, v6 ? "]" : "", srv.port,
                    srv.enable ? "" : " (disabled)");
      json_object_object_add(so, "hostname",
                             json_object_new_string(srv.hostname));
      json_object_object_add(so, "port", json_object_new_int(srv.port));
      json_object_object_add(so, "enable", json_object_new_boolean(srv.enable));
      json_object_array_add(servers, so);
    }
    cp_buf_puts(text, v.nservers ? "\n" : " none\n");
    json_object_object_add(s, "servers", servers);
    json_object_object_add(s, "hsm_ca_file",
                           v.hsm_ca_file ? ca_status(v.hsm_ca_file, text)
                                         : NULL);
    if (!v.hsm_ca_file)
      cp_buf_puts(text, "  hsm_ca_file: not set\n");
    json_object_object_add(s, "client_certificate",
                           client_status(&v, CFG_PAIR_SERVER_CLIENT, text));
    json_object_object_add(s, "hsm_tls_client_certificate",
                           client_status(&v, CFG_PAIR_HSM_TLS, text));
    json_object_array_add(arr, s);
  }
  if (n == 0)
    cp_buf_printf(text, "no clusters configured in %s\n", f->path);
}

enum cp_err cmd_list_clusters(int argc, char **argv, struct cli_ctx *ctx,
                              struct cp_errbuf *err)
{
  const struct cli_opt opts[] = {CLI_COMMON_OPTS(ctx), CLI_END()};
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct cp_buf text = CP_BUF_INIT;
  json_object *root = NULL, *arr;
  enum cp_err rc;
  size_t k;

  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &list_doc, err));
  if (ctx->help)
    goto out;
  CP_TRY(rc, config_targets_resolve(ctx, &t, err));
  root = json_object_new_object();
  arr = json_object_new_array();
  if (!t.several)
    json_object_object_add(root, "config", json_object_new_string(t.v[0].path));
  json_object_object_add(root, "clusters", arr);
  for (k = 0; k < t.n; k++) {
    struct cfg_file f = CFG_FILE_INIT;
    rc = cfg_file_read(&f, t.v[k].path, err);
    if (rc == CP_OK)
      list_file(&f, t.several ? t.v[k].comp->name : NULL, arr, &text);
    cfg_file_release(&f);
    if (rc != CP_OK)
      goto out;
  }
  output_result(ctx, root, cp_buf_str(&text));
  root = NULL;
out:
  json_object_put(root);
  cp_buf_release(&text);
  config_targets_release(&t);
  return rc;
}
