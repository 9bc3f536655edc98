/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_check.c — the connectivity test: for each slot's servers, a TCP
 * connect and the server TLS handshake with the HSM's host (tls_probe.h),
 * presenting the slot's server-client pair when it has one; and the slot's
 * hsm_ca_file checked locally. The inner HSM session is the library's. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cfg_file.h"
#include "check_library.h"
#include "commands.h"
#include "component.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
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
    "the server TLS handshake with the HSM's host, which shows AWS's CloudHSM "
    "certificate (reported, not verified: the library holds its trust "
    "anchor) and asks for a client certificate: the slot's server-client "
    "pair must be accepted; without one the library presents its default. "
    "Each slot's hsm_ca_file is checked here (it exists, is a CA, is valid). "
    "Not proved: the HSM session inside (the cluster certificate against "
    "hsm_ca_file, the HSM-TLS pair), which only the library reaches. Exit 0 "
    "only when every server and CA file passed.",
    check_examples};

#define MAX_PROBES_AT_ONCE 32

struct tally {
  size_t passed, failed;
  char first_failure[256];
  enum cp_err first_code; /* what the first failure is: its exit status */
};

/* One line of the report, in the config's order: a server, probed (all at
 * once) unless it is disabled; a slot's unusable CA file; or a slot with
 * nothing to connect to. */
enum job_kind { JOB_SERVER, JOB_BAD_CA, JOB_UNCONFIGURED, JOB_NO_SERVERS };
struct probe_job {
  enum job_kind kind;
  const char *component;       /* several files: the slot's component */
  size_t slot;                 /* JOB_UNCONFIGURED */
  const char *placeholder;     /* JOB_UNCONFIGURED: the %%...%% host */
  char label[64];
  const char *cluster_id;      /* the slot's, or NULL; points into the model */
  struct cfg_server srv;
  const char *ca;                       /* points into the model */
  const char *client_cert, *client_key; /* the server-client pair, or NULL */
  char ca_problem[640];                 /* JOB_BAD_CA only: why */
  long timeout_ms;
  struct tls_probe_result r;
};

static int needs_probe(const struct probe_job *j)
{
  return j->kind == JOB_SERVER && j->srv.enable;
}

static void probe_one(size_t i, void *ud)
{
  struct probe_job *j = (struct probe_job *)ud + i;

  if (needs_probe(j))
    tls_probe(j->srv.hostname, j->srv.port, j->client_cert, j->client_key,
              j->timeout_ms, &j->r);
}

/* With several files: the line starts with the component (text), the
 * row has it (row); either may be NULL. */
static void name_component(const struct probe_job *j, struct cp_buf *text,
                           json_object *row)
{
  if (!j->component)
    return;
  if (text)
    cp_buf_printf(text, "%s: ", j->component);
  if (row)
    json_object_object_add(row, "component",
                           json_object_new_string(j->component));
}

/* One check's outcome; the first failure's words and kind (code) are
 * kept: a server that fails is CP_E_NETWORK, a CA file CP_E_CERT, a slot
 * with nothing to check CP_E_CONFIG. */
static void count(struct tally *t, int passed, const char *subject,
                  const char *what, enum cp_err code)
{
  if (passed) {
    t->passed++;
    return;
  }
  if (!t->failed++) {
    snprintf(t->first_failure, sizeof(t->first_failure), "%s %s", subject,
             what);
    t->first_code = code;
  }
}

/* Which slot a row is about, as list-clusters says it: its index in the
 * file and its cluster id (null for none); the status as a JSON token
 * ("client certificate refused": "client_certificate_refused"). */
static void row_slot(json_object *row, const struct probe_job *j,
                     const char *status)
{
  char token[64];
  size_t i;

  for (i = 0; status[i] && i + 1 < sizeof(token); i++)
    token[i] = status[i] == ' ' ? '_'
               : status[i] >= 'A' && status[i] <= 'Z'
                   ? (char)(status[i] - 'A' + 'a')
                   : status[i];
  token[i] = '\0';
  json_object_object_add(row, "index", json_object_new_int64((int64_t)j->slot));
  json_object_object_add(row, "cluster_id",
                         j->cluster_id ? json_object_new_string(j->cluster_id)
                                       : NULL);
  json_object_object_add(row, "status", json_object_new_string(token));
}

/* The host's certificate: a JSON object and a few words; warns when it is
 * not AWS's host certificate (a proxy, a relay such as socat) or expired. */
static json_object *host_certificate(const struct probe_job *j,
                                     const char *where, struct cp_buf *text)
{
  json_object *o;
  struct cp_errbuf cerr = CP_ERRBUF_INIT; /* this server's, not the run's */
  struct cert_info ci;
  int aws;

  if (!j->r.host_der_len ||
      cert_describe_der(j->r.host_der, j->r.host_der_len, &ci, &cerr) != CP_OK)
    return NULL;
  aws = !strcmp(ci.subject, TLS_PROBE_AWS_HOST_SUBJECT);
  o = json_object_new_object();
  json_object_object_add(o, "subject", json_object_new_string(ci.subject));
  json_object_object_add(o, "issuer", json_object_new_string(ci.issuer));
  json_object_object_add(o, "sha256", json_object_new_string(ci.sha256));
  json_object_object_add(o, "not_after", json_object_new_string(ci.not_after));
  json_object_object_add(o, "aws_host", json_object_new_boolean(aws));
  cp_buf_printf(text, "; host %s (sha256 %.17s..., expires %s)",
                aws ? "CloudHSM certificate" : ci.subject, ci.sha256,
                ci.not_after);
  if (!aws)
    cp_log(CP_LOG_WARN, "%s presents a certificate for %s, not AWS's CloudHSM "
           "host certificate (%s): a proxy or a relay (such as socat) answers "
           "there, and the library will not trust it unless it passes the "
           "session through", where, ci.subject, TLS_PROBE_AWS_HOST_SUBJECT);
  if (ci.days_left < 0)
    cp_log(CP_LOG_WARN, "%s presents a certificate that expired on %s", where,
           ci.not_after);
  return o;
}

/* What happened to the client certificate: a JSON object and words. */
static json_object *client_certificate(const struct probe_job *j,
                                       struct cp_buf *text)
{
  json_object *o = json_object_new_object();
  const struct tls_probe_result *r = &j->r;

  json_object_object_add(o, "requested",
                         json_object_new_boolean(r->cert_requested));
  json_object_object_add(o, "presented",
                         j->client_cert ? json_object_new_string(j->client_cert)
                                        : NULL);
  if (j->client_cert)
    json_object_object_add(
        o, "accepted",
        json_object_new_boolean(r->status == TLS_PROBE_OK && r->presented));
  if (!r->cert_requested)
    cp_buf_puts(text, "; the host asked for no client certificate");
  else if (!j->client_cert)
    cp_buf_puts(text, "; the host asks for a client certificate (the library "
                      "presents the SDK's default)");
  else if (r->status == TLS_PROBE_OK)
    cp_buf_printf(text, "; client certificate %s accepted", j->client_cert);
  return o;
}

/* One server: a text line, a JSON row, the tally. */
static void report_server(const struct probe_job *j, struct cp_buf *text,
                          json_object *rows, struct tally *t)
{
  json_object *row = json_object_new_object(), *host = NULL, *client = NULL;
  const struct cfg_server *srv = &j->srv;
  const struct tls_probe_result *r = &j->r;
  int v6 = strchr(srv->hostname, ':') != NULL;
  char where[160];
  const char *status;

  snprintf(where, sizeof(where), "%s%s%s:%d", v6 ? "[" : "", srv->hostname,
           v6 ? "]" : "", srv->port);
  name_component(j, text, row);
  if (!srv->enable) {
    status = "disabled";
    cp_buf_printf(text, "%s %s disabled (enable: false), skipped\n", j->label,
                  where);
  } else {
    status = tls_probe_status_name(r->status);
    if (r->status == TLS_PROBE_OK) {
      cp_buf_printf(text, "%s %s ok %s %ld ms", j->label, where,
                    r->tls_version[0] ? r->tls_version : "TLS", r->ms);
      host = host_certificate(j, where, text);
      client = client_certificate(j, text);
      cp_buf_puts(text, "\n");
      if (j->client_cert && !r->cert_requested)
        cp_log(CP_LOG_WARN, "%s asked for no client certificate, so the "
               "slot's server-client pair (%s) was not tried: a CloudHSM host "
               "asks for one", where, j->client_cert);
    } else if (r->status == TLS_PROBE_CLIENT_REFUSED) {
      struct cp_errbuf cerr = CP_ERRBUF_INIT;
      struct cert_info ci;
      int known = cert_check_client_pair(j->client_cert, j->client_key, &ci,
                                         &cerr) == CP_OK;
      cp_buf_printf(text, "%s %s client certificate refused: the host did not "
                    "accept %s (issued by %s): %s\n", j->label, where,
                    j->client_cert, known ? ci.issuer : "unreadable",
                    r->detail);
      host = host_certificate(j, where, text);
      client = client_certificate(j, text);
    } else {
      cp_buf_printf(text, "%s %s %s (%s)\n", j->label, where, status,
                    r->detail);
    }
  }
  if (srv->enable)
    count(t, r->status == TLS_PROBE_OK, where, status, CP_E_NETWORK);
  row_slot(row, j, status);
  json_object_object_add(row, "hostname",
                         json_object_new_string(srv->hostname));
  json_object_object_add(row, "port", json_object_new_int(srv->port));
  if (needs_probe(j) && r->status == TLS_PROBE_OK) {
    json_object_object_add(row, "tls_version",
                           json_object_new_string(r->tls_version));
    json_object_object_add(row, "ms", json_object_new_int64(r->ms));
  } else if (needs_probe(j)) {
    json_object_object_add(row, "detail", json_object_new_string(r->detail));
  }
  if (host)
    json_object_object_add(row, "host_certificate", host);
  if (client)
    json_object_object_add(row, "client_certificate", client);
  json_object_array_add(rows, row);
}

/* A slot whose hsm_ca_file cannot be used: its own line and row. */
static void report_ca(const struct probe_job *j, struct cp_buf *text,
                      json_object *rows, struct tally *t)
{
  json_object *row = json_object_new_object();

  name_component(j, text, row);
  cp_buf_printf(text, "%s hsm_ca_file %s\n", j->label, j->ca_problem);
  row_slot(row, j, "bad CA file");
  json_object_object_add(row, "hsm_ca_file",
                         j->ca ? json_object_new_string(j->ca) : NULL);
  json_object_object_add(row, "detail", json_object_new_string(j->ca_problem));
  json_object_array_add(rows, row);
  count(t, 0, j->label, "hsm_ca_file is not usable", CP_E_CERT);
}

/* A slot with nothing to connect to: a line (and for a placeholder slot a
 * row) instead of servers. */
static void report_slot(const struct probe_job *j, struct cp_buf *text,
                        json_object *rows, struct tally *t)
{
  json_object *row;
  char label[32];

  name_component(j, text, NULL);
  if (j->kind == JOB_NO_SERVERS) {
    cp_buf_printf(text, "%s has no servers\n", j->label);
    count(t, 0, j->label, "has no servers", CP_E_CONFIG);
    return;
  }
  row = json_object_new_object();
  name_component(j, NULL, row);
  snprintf(label, sizeof(label), "slot %zu", j->slot);
  cp_buf_printf(text, "%s not configured (%s): run configure-pkcs11 "
                "add-cluster to fill it\n", label,
                j->placeholder ? "placeholder" : "no servers");
  row_slot(row, j, "not configured");
  if (j->placeholder)
    json_object_object_add(row, "hostname",
                           json_object_new_string(j->placeholder));
  json_object_array_add(rows, row);
  count(t, 0, label, "is not configured", CP_E_CONFIG);
}

/* Why the slot's CA file cannot be used (it is missing, not a CA, not
 * valid now), or "". The library verifies the cluster's certificate with
 * it in the HSM session. */
static void slot_ca_problem(const struct cfg_slot_view *v, char *out,
                            size_t outlen)
{
  struct cp_errbuf ca_err = CP_ERRBUF_INIT; /* the slot's, not the run's */
  struct cert_info ci;
  enum cp_err rc;

  out[0] = '\0';
  if (!v->hsm_ca_file) {
    snprintf(out, outlen, "is not set: the library cannot verify the "
             "cluster. Set it with --hsm-ca-cert");
    return;
  }
  rc = cert_check_ca_file(v->hsm_ca_file, &ci, &ca_err);
  if (rc != CP_OK)
    snprintf(out, outlen, "%s", cp_errbuf_text(&ca_err, rc));
  else if (!ci.is_ca)
    snprintf(out, outlen, "%.256s is not a CA (%.256s has no CA basic constraint): "
             "give the CA that issued the cluster's certificate",
             v->hsm_ca_file, ci.subject);
}

/* A line of the report for slot i, of the given kind. */
static void new_job(struct probe_job *job, enum job_kind kind,
                    const char *component, const struct cfg_slot_view *v,
                    size_t i)
{
  memset(job, 0, sizeof(*job));
  job->kind = kind;
  job->component = component;
  snprintf(job->label, sizeof(job->label), "%s",
           v->cluster_id ? v->cluster_id : "slot");
  job->slot = i;
  job->cluster_id = v->cluster_id;
  job->placeholder = v->placeholder;
  job->ca = v->hsm_ca_file;
}

/* The report's lines for the slots of one file (of cluster_id, or all):
 * appended to *jobs; *matched counts the slots. */
static void collect_jobs(const struct cfg_file *f, const char *component,
                         const char *cluster_id, int timeout,
                         struct probe_job **jobs_out, size_t *njobs_out,
                         int *matched_out)
{
  struct probe_job *jobs = *jobs_out;
  size_t i, n, njobs = *njobs_out;
  int matched = *matched_out;

  n = cfg_model_slot_count(&f->model);
  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    char problem[640] = "";
    size_t k;
    cfg_model_slot(&f->model, i, &v);
    if (cluster_id && (!v.cluster_id || strcmp(v.cluster_id, cluster_id)))
      continue;
    matched++;
    jobs = cp_xrealloc(jobs, (njobs + v.nservers + 2) * sizeof(*jobs));
    if (v.unconfigured || v.nservers == 0) {
      new_job(&jobs[njobs++], v.unconfigured ? JOB_UNCONFIGURED
                                             : JOB_NO_SERVERS,
              component, &v, i);
      continue;
    }
    for (k = 0; k < v.nservers; k++) {
      struct probe_job *job = &jobs[njobs++];
      new_job(job, JOB_SERVER, component, &v, i);
      cfg_model_slot_server(&f->model, i, k, &job->srv);
      job->client_cert = v.pair_cert[CFG_PAIR_SERVER_CLIENT];
      job->client_key = v.pair_key[CFG_PAIR_SERVER_CLIENT];
      job->timeout_ms = timeout * 1000L;
    }
    slot_ca_problem(&v, problem, sizeof(problem));
    if (problem[0]) {
      struct probe_job *job = &jobs[njobs++];
      new_job(job, JOB_BAD_CA, component, &v, i);
      snprintf(job->ca_problem, sizeof(job->ca_problem), "%s", problem);
    }
  }
  *jobs_out = jobs;
  *njobs_out = njobs;
  *matched_out = matched;
}

enum cp_err cmd_check(int argc, char **argv, struct cli_ctx *ctx,
                      struct cp_errbuf *err)
{
  const char *cluster_id = NULL, *library = NULL;
  int timeout = 5;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &cluster_id, "<id>",
              "check only this cluster's slot", 0),
      CLI_INT("timeout", &timeout, "<seconds>",
              "connect and handshake timeout per server (default 5)"),
      CLI_OPTPATH("library", &library, "[<file>]",
                  "instead, load the PKCS#11 library (default: CloudHSM's) "
                  "and list its slots as an application sees them"),
      CLI_COMMON_OPTS(ctx), CLI_END()};
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct cfg_file *files = NULL;
  struct cp_buf text = CP_BUF_INIT;
  struct tally tl = {0, 0, "", CP_OK};
  json_object *root = NULL, *rows;
  struct probe_job *jobs = NULL;
  size_t j, k, njobs = 0;
  int matched = 0;
  enum cp_err rc;

  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &check_doc, err));
  if (ctx->help)
    goto out;
  if (library && cluster_id)
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (--library and --cluster-id): the "
            "library lists every slot. Drop one of them");
  if (library) {
    rc = check_library(library, ctx, err);
    goto out;
  }
  if (timeout < 1)
    CP_FAIL(rc, CP_E_USAGE,
            "invalid timeout (--timeout %d): each server needs at least 1 "
            "second. Give --timeout 1 or more",
            timeout);
  if (cluster_id)
    CP_TRY(rc, cfg_cluster_id_check(cluster_id, err));
  CP_TRY(rc, config_targets_resolve(ctx, &t, err));
  files = cp_xcalloc(t.n, sizeof(*files));
  for (k = 0; k < t.n; k++)
    files[k] = (struct cfg_file)CFG_FILE_INIT;
  root = json_object_new_object();
  rows = json_object_new_array();
  if (!t.several)
    json_object_object_add(root, "config", json_object_new_string(t.v[0].path));
  json_object_object_add(root, "servers", rows); /* root owns rows */
  /* every line of the report, in the config's order */
  for (k = 0; k < t.n; k++) {
    CP_TRY(rc, cfg_file_read(&files[k], t.v[k].path, err));
    collect_jobs(&files[k], t.several ? t.v[k].comp->name : NULL, cluster_id,
                 timeout, &jobs, &njobs, &matched);
  }
  /* all at once: the run takes about the slowest server's time */
  plat_parallel(njobs, probe_one, jobs, MAX_PROBES_AT_ONCE);
  for (j = 0; j < njobs; j++) {
    if (jobs[j].kind == JOB_SERVER)
      report_server(&jobs[j], &text, rows, &tl);
    else if (jobs[j].kind == JOB_BAD_CA)
      report_ca(&jobs[j], &text, rows, &tl);
    else
      report_slot(&jobs[j], &text, rows, &tl);
  }
  if (cluster_id && !matched && t.several)
    CP_FAIL(rc, CP_E_NOT_CONFIGURED,
            "cluster not configured (%s): no file of --component %s has a "
            "slot for it. See configure-pkcs11 list-clusters --component %s",
            cluster_id, ctx->component_arg, ctx->component_arg);
  if (cluster_id && !matched)
    CP_FAIL(rc, CP_E_NOT_CONFIGURED,
            "cluster not configured (%s): %s has no slot for it. See "
            "configure-pkcs11 list-clusters%s%s",
            cluster_id, t.v[0].path, CLI_FILE_HINT(t.v[0].path));
  if (!matched)
    CP_FAIL(rc, CP_E_CONFIG,
            "nothing to check (%s): the config has no slot. Add one with "
            "add-cluster and the cluster's id",
            t.several ? ctx->component_arg : t.v[0].path);
  json_object_object_add(root, "passed",
                         json_object_new_int64((int64_t)tl.passed));
  json_object_object_add(root, "failed",
                         json_object_new_int64((int64_t)tl.failed));
  if (ctx->output == CLI_OUT_TEXT)
    cli_print_text(cp_buf_str(&text));
  if (ctx->output == CLI_OUT_JSON) {
    ctx->json_result = root;
    root = NULL;
  }
  if (tl.failed)
    CP_FAIL(rc, tl.first_code,
            "check failed (%zu of %zu checks): first %s. Check the security "
            "groups (port 2223), the HSMs' state, the slot's client "
            "certificates and hsm_ca_file",
            tl.failed, tl.failed + tl.passed, tl.first_failure);
out:
  free(jobs);
  json_object_put(root);
  cp_buf_release(&text);
  for (k = 0; files && k < t.n; k++)
    cfg_file_release(&files[k]);
  free(files);
  config_targets_release(&t);
  return rc;
}
