/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_check.c — the connectivity test: for each slot's servers, a TCP
 * connect and a TLS handshake that verifies the server against the slot's
 * hsm_ca_file, with the slot's client certificate when it has one. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cfg_file.h"
#include "commands.h"
#include "cp_buf.h"
#include "output.h"
#include "tls_probe.h"

static const char *const check_examples[] = {
    "configure-pkcs11 check",
    "configure-pkcs11 check --cluster-id cluster-2ab3cd4ef5g --timeout 2 "
    "--output json",
    NULL};

static const struct cli_cmd_doc check_doc = {
    "configure-pkcs11 check [--cluster-id <id>] [--timeout <seconds>] [<options>]",
    "Connect to every server of every slot (or of one cluster) and complete "
    "a TLS handshake verified against the slot's hsm_ca_file. Exit 0 only "
    "when every server passed.",
    check_examples};

struct tally {
  size_t passed, failed;
  char first_failure[256];
};

/* One server: a text line, a JSON row, the tally. */
static void check_server(const char *label, const struct cfg_server *srv,
                         const char *ca, const char *ca_problem,
                         const struct cfg_slot_view *v, long timeout_ms,
                         struct cp_buf *text, json_object *rows,
                         struct tally *t)
{
  json_object *row = json_object_new_object();
  struct tls_probe_result r;
  int v6 = strchr(srv->hostname, ':') != NULL;
  char where[160];
  const char *status;

  snprintf(where, sizeof(where), "%s%s%s:%d", v6 ? "[" : "", srv->hostname,
           v6 ? "]" : "", srv->port);
  memset(&r, 0, sizeof(r));
  if (!srv->enable) {
    status = "disabled";
    cp_buf_printf(text, "%s %s disabled (enable: false), skipped\n", label, where);
  } else if (ca_problem) {
    status = "bad CA file";
    snprintf(r.detail, sizeof(r.detail), "%s", ca_problem);
    cp_buf_printf(text, "%s %s not checked: %s\n", label, where, ca_problem);
  } else {
    tls_probe(srv->hostname, srv->port, ca, v->client_cert_path,
              v->client_key_path, timeout_ms, &r);
    status = tls_probe_status_name(r.status);
    if (r.status == TLS_PROBE_OK)
      cp_buf_printf(text, "%s %s ok %s %ld ms\n", label, where, r.tls_version, r.ms);
    else if (r.status == TLS_PROBE_UNTRUSTED)
      cp_buf_printf(text, "%s %s certificate not signed by %s\n", label, where, ca);
    else
      cp_buf_printf(text, "%s %s %s (%s)\n", label, where, status, r.detail);
  }
  if (srv->enable && (ca_problem || r.status != TLS_PROBE_OK)) {
    if (!t->failed++)
      snprintf(t->first_failure, sizeof(t->first_failure), "%s %s", where,
               r.status == TLS_PROBE_UNTRUSTED ? "certificate not signed by the CA"
                                               : status);
  } else if (srv->enable) {
    t->passed++;
  }
  json_object_object_add(row, "slot", json_object_new_string(label));
  json_object_object_add(row, "hostname", json_object_new_string(srv->hostname));
  json_object_object_add(row, "port", json_object_new_int(srv->port));
  json_object_object_add(row, "status", json_object_new_string(status));
  if (r.status == TLS_PROBE_OK && srv->enable && !ca_problem) {
    json_object_object_add(row, "tls_version", json_object_new_string(r.tls_version));
    json_object_object_add(row, "ms", json_object_new_int64(r.ms));
  } else if (r.detail[0]) {
    json_object_object_add(row, "detail", json_object_new_string(r.detail));
  }
  json_object_array_add(rows, row);
}

enum cp_err cmd_check(int argc, char **argv, struct cli_ctx *ctx,
                      struct cp_errbuf *err)
{
  const char *cluster_id = NULL;
  int timeout = 5;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &cluster_id, "<id>", "check only this cluster's slot", 0),
      CLI_INT("timeout", &timeout, "<seconds>",
              "connect and handshake timeout per server (default 5)"),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct cfg_file f = CFG_FILE_INIT;
  struct cp_buf text = CP_BUF_INIT;
  struct tally t = {0, 0, ""};
  json_object *root = NULL, *rows;
  size_t i, j, n;
  int matched = 0;
  enum cp_err rc;

  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &check_doc, err));
  if (ctx->help)
    goto out;
  if (cluster_id)
    CP_TRY(rc, cfg_cluster_id_check(cluster_id, err));
  CP_TRY(rc, cfg_file_read(&f, cli_config_path(ctx), err));
  root = json_object_new_object();
  rows = json_object_new_array();
  json_object_object_add(root, "config", json_object_new_string(f.path));
  json_object_object_add(root, "servers", rows); /* root owns rows */
  n = cfg_model_slot_count(&f.model);
  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    struct cert_info ci;
    char label[64], problem[256] = "";
    cfg_model_slot(&f.model, i, &v);
    if (cluster_id && (!v.cluster_id || strcmp(v.cluster_id, cluster_id)))
      continue;
    matched++;
    snprintf(label, sizeof(label), "%s", v.cluster_id ? v.cluster_id : "slot");
    if (v.unconfigured) {
      /* nothing to connect to: say so instead of a CA or TLS failure */
      json_object *row = json_object_new_object();
      snprintf(label, sizeof(label), "slot %zu", i);
      cp_buf_printf(&text, "%s not configured (%s): run configure-pkcs11 "
                    "add-cluster to fill it\n", label,
                    v.placeholder ? "placeholder" : "no servers");
      json_object_object_add(row, "slot", json_object_new_string(label));
      json_object_object_add(row, "status", json_object_new_string("not configured"));
      if (v.placeholder)
        json_object_object_add(row, "hostname", json_object_new_string(v.placeholder));
      json_object_array_add(rows, row);
      if (!t.failed++)
        snprintf(t.first_failure, sizeof(t.first_failure),
                 "%s is not configured", label);
      continue;
    }
    if (!v.hsm_ca_file) {
      snprintf(problem, sizeof(problem), "the slot has no hsm_ca_file");
    } else {
      struct cp_errbuf ca_err = CP_ERRBUF_INIT; /* the slot's, not the run's */
      enum cp_err ca_rc = cert_check_ca_file(v.hsm_ca_file, &ci, &ca_err);
      if (ca_rc != CP_OK)
        snprintf(problem, sizeof(problem), "%s",
                 cp_errbuf_text(&ca_err, ca_rc));
    }
    if (v.nservers == 0) {
      cp_buf_printf(&text, "%s has no servers\n", label);
      if (!t.failed++)
        snprintf(t.first_failure, sizeof(t.first_failure), "%s has no servers", label);
    }
    for (j = 0; j < v.nservers; j++) {
      struct cfg_server srv;
      cfg_model_slot_server(&f.model, i, j, &srv);
      check_server(label, &srv, v.hsm_ca_file, problem[0] ? problem : NULL,
                   &v, timeout * 1000L, &text, rows, &t);
    }
  }
  if (cluster_id && !matched)
    CP_FAIL(rc, CP_E_NOT_CONFIGURED,
            "cluster not configured (%s): %s has no slot for it. See "
            "configure-pkcs11 list-clusters%s%s",
            cluster_id, f.path, CLI_CONFIG_HINT(ctx));
  if (!matched)
    CP_FAIL(rc, CP_E_CONFIG,
            "nothing to check (%s): the config has no slot. Add one with "
            "add-cluster and the cluster's id",
            f.path);
  json_object_object_add(root, "passed", json_object_new_int64((int64_t)t.passed));
  json_object_object_add(root, "failed", json_object_new_int64((int64_t)t.failed));
  if (ctx->output == CLI_OUT_TEXT)
    fputs(cp_buf_str(&text), stdout);
  if (ctx->output == CLI_OUT_JSON) {
    ctx->json_result = root;
    root = NULL;
  }
  if (t.failed)
    CP_FAIL(rc, CP_E_NETWORK,
            "check failed (%zu of %zu servers): first %s. Check security "
            "groups, the HSMs' state and the slot's hsm_ca_file",
            t.failed, t.failed + t.passed, t.first_failure);
out:
  json_object_put(root);
  cp_buf_release(&text);
  cfg_file_release(&f);
  return rc;
}
