/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_doctor.c — what keeps an application from using the config, each
 * finding with what to do: the files parse, the application's user can
 * read what they name, keys are private, certificates are CAs and in date,
 * the HSM-TLS chain fits, the log folder is writable, the library is there.
 * It connects to no HSM and calls no API unless --api is given (the clock,
 * the clusters' HSMs against the slots, and on EC2 the security groups). */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cfg_file.h"
#include "client_pair.h"
#include "cluster_source.h"
#include "commands.h"
#include "component.h"
#include "cp_buf.h"
#include "cp_platform.h"
#include "ec2.h"
#include "output.h"
#include "p11_probe.h"
#include "sdk_paths.h"
#include "sg_verdict.h"
#include "slot_plan.h"

static const char *const doctor_examples[] = {
    "sudo configure-pkcs11 doctor",
    "configure-pkcs11 doctor --as-user app --output json",
    "configure-pkcs11 doctor --api --region us-east-1",
    NULL};

static const struct cli_cmd_doc doctor_doc = {
    "configure-pkcs11 doctor [--as-user <user>] [--library [<file>]] [--api] "
    "[<options>]",
    "Name what keeps an application from using the config, each finding "
    "with what to do: every component file parses; the config and every "
    "file it names can be read by the application's user (--as-user; "
    "default the user who ran sudo, else you); keys are not readable by "
    "others; each CA is a CA and in date (a warning within 30 days), and so "
    "are the client certificates; the HSM-TLS chain fits in 6,980 bytes; a "
    "file log's folder is writable; the library is installed. With --api "
    "also the clock against AWS's, each cluster's HSMs against its slot, "
    "and on EC2 whether the security groups let TCP 2223-2225 from this "
    "instance to the cluster (a missing rule named as the aws ec2 command "
    "that adds it). Connects to no HSM. Exit 0 when nothing is wrong "
    "(warnings allowed), 253 when something is.",
    doctor_examples};

#define EXPIRY_WARN_DAYS 30
#define SKEW_LIMIT_S 300 /* SigV4 refuses a request 5 minutes off */

enum severity { SEV_OK, SEV_WARNING, SEV_PROBLEM, SEV_SKIPPED };
static const char *const severity_names[] = {"ok", "warning", "problem",
                                             "skipped"};

struct report {
  json_object *rows;
  struct cp_buf text;
  int problems, warnings;
  char first[300]; /* the first problem, for the error line */
  const char *user;
  char **seen; /* files checked already (a CA several slots share) */
  size_t nseen;
};

/* One finding; fix (or NULL) is a command that mends it, also in JSON. */
static void vfinding(struct report *r, enum severity sev, const char *check,
                     const char *subject, const char *fix, const char *fmt,
                     va_list ap)
{
  json_object *o = json_object_new_object();
  char msg[700];

  vsnprintf(msg, sizeof(msg), fmt, ap);
  json_object_object_add(o, "check", json_object_new_string(check));
  json_object_object_add(o, "status",
                         json_object_new_string(severity_names[sev]));
  if (subject)
    json_object_object_add(o, "subject", json_object_new_string(subject));
  json_object_object_add(o, "message", json_object_new_string(msg));
  if (fix)
    json_object_object_add(o, "fix", json_object_new_string(fix));
  json_object_array_add(r->rows, o);
  cp_buf_printf(&r->text, "%-7s %s%s%s%s: %s%s%s\n", severity_names[sev],
                check, subject ? " (" : "", subject ? subject : "",
                subject ? ")" : "", msg, fix ? "\n        " : "",
                fix ? fix : "");
  if (sev == SEV_WARNING)
    r->warnings++;
  if (sev == SEV_PROBLEM && !r->problems++)
    snprintf(r->first, sizeof(r->first), "%s%s%s", check, subject ? " " : "",
             subject ? subject : "");
}

static void finding(struct report *r, enum severity sev, const char *check,
                    const char *subject, const char *fmt, ...) CP_PRINTF(5, 6);
static void finding(struct report *r, enum severity sev, const char *check,
                    const char *subject, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfinding(r, sev, check, subject, NULL, fmt, ap);
  va_end(ap);
}

static void finding_fix(struct report *r, enum severity sev, const char *check,
                        const char *subject, const char *fix, const char *fmt,
                        ...) CP_PRINTF(6, 7);
static void finding_fix(struct report *r, enum severity sev, const char *check,
                        const char *subject, const char *fix, const char *fmt,
                        ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfinding(r, sev, check, subject, fix, fmt, ap);
  va_end(ap);
}

/* 1 the first time path is met. */
static int first_look(struct report *r, const char *path)
{
  size_t i;

  for (i = 0; i < r->nseen; i++)
    if (!strcmp(r->seen[i], path))
      return 0;
  r->seen = cp_xrealloc(r->seen, (r->nseen + 1) * sizeof(*r->seen));
  r->seen[r->nseen++] = cp_xstrdup(path);
  return 1;
}

/* The application's user can read path (or write into it). */
static int user_may(struct report *r, const char *check, const char *path,
                    int write)
{
  int may = plat_user_may(r->user, path, write);

  if (may == 0)
    finding(r, SEV_PROBLEM, check, path,
            "%s cannot %s it. Give the user access (chgrp the user's group "
            "and chmod g+%s), or run the application as a user who can",
            r->user ? r->user : "this user", write ? "write into" : "read",
            write ? "w" : "r");
  else if (may < 0)
    finding(r, SEV_WARNING, check, path,
            "whether %s can %s it cannot be told here (checking another "
            "user's access needs root)",
            r->user ? r->user : "the user", write ? "write into" : "read");
  return may != 0;
}

static void check_ca(struct report *r, const char *path)
{
  struct cert_info ci;
  struct cp_errbuf e = CP_ERRBUF_INIT;

  if (!first_look(r, path))
    return;
  if (plat_file_kind(path) == PLAT_NOTHING) {
    finding(r, SEV_PROBLEM, "ca_file", path,
            "it does not exist, and the library needs it. Put the CA that "
            "signed the cluster there (customerCA.crt)");
    return;
  }
  if (!user_may(r, "ca_readable", path, 0))
    return;
  if (cert_check_ca_file(path, &ci, &e) != CP_OK)
    finding(r, SEV_PROBLEM, "ca_file", path, "%s", cp_errbuf_text(&e, 0));
  else if (!ci.is_ca)
    finding(r, SEV_PROBLEM, "ca_file", path,
            "%s is not a CA. Give the CA that signed the cluster",
            ci.subject);
  else if (ci.days_left < EXPIRY_WARN_DAYS)
    finding(r, SEV_WARNING, "ca_expiry", path,
            "%s expires in %ld day%s (%s). Renew it, and the certificates it "
            "signed", ci.subject, ci.days_left, ci.days_left == 1 ? "" : "s",
            ci.not_after);
  else
    finding(r, SEV_OK, "ca_file", path, "%s, valid until %s", ci.subject,
            ci.not_after);
}

static void check_pair(struct report *r, enum cfg_pair which,
                       const char *cert, const char *key)
{
  const char *what = client_pair_names[which].what;
  struct cert_info ci;
  struct cp_errbuf e = CP_ERRBUF_INIT;

  if (!first_look(r, cert))
    return;
  if (!user_may(r, "pair_readable", cert, 0) ||
      !user_may(r, "pair_readable", key, 0))
    return;
  if (plat_others_can_read(key))
    finding(r, SEV_PROBLEM, "key_private", key,
            "others may read this key of the %s. chmod o-r (and g-r unless "
            "the application's group needs it)", what);
  if (cert_check_client_pair(cert, key, &ci, &e) != CP_OK) {
    finding(r, SEV_PROBLEM, "client_pair", cert, "%s",
            cp_errbuf_text(&e, 0));
    return;
  }
  if (which == CFG_PAIR_HSM_TLS && ci.file_bytes > CLIENT_PAIR_HSM_TLS_MAX_BYTES)
    finding(r, SEV_PROBLEM, "hsm_tls_chain", cert,
            "the chain is %zu bytes, over the %d an HSM takes. Leave out the "
            "root, or use a shorter chain", ci.file_bytes,
            CLIENT_PAIR_HSM_TLS_MAX_BYTES);
  if (ci.days_left < EXPIRY_WARN_DAYS)
    finding(r, SEV_WARNING, "client_cert_expiry", cert,
            "the %s's certificate %s expires in %ld day%s (%s). Renew it",
            what, ci.subject, ci.days_left, ci.days_left == 1 ? "" : "s",
            ci.not_after);
  else
    finding(r, SEV_OK, "client_pair", cert, "the %s, %s, valid until %s",
            what, ci.subject, ci.not_after);
}

static void check_log(struct report *r, const struct cfg_model *m)
{
  const char *type = cfg_model_logging_value(m, "log_type");
  const char *file = cfg_model_logging_value(m, "log_file");
  char *dir;

  if (!type || strcmp(type, "file") || !file)
    return;
  dir = plat_dirname(file);
  if (first_look(r, dir)) {
    if (plat_file_kind(dir) != PLAT_OTHER)
      finding(r, SEV_PROBLEM, "log_folder", dir,
              "the library logs to %s, and this folder does not exist. "
              "Create it, writable by the application's user", file);
    else if (user_may(r, "log_folder", dir, 1))
      finding(r, SEV_OK, "log_folder", dir, "the library can log to %s",
              file);
  }
  free(dir);
}

/* One component file: it parses, the user reads it, and every file its
 * slots name. */
static void check_file(struct report *r, const char *path,
                       struct cfg_model *keep)
{
  struct cfg_file f = CFG_FILE_INIT;
  struct cp_errbuf e = CP_ERRBUF_INIT;
  size_t i, n;
  int k;

  if (cfg_file_read(&f, path, &e) != CP_OK) {
    finding(r, SEV_PROBLEM, "config_parses", path, "%s",
            cp_errbuf_text(&e, 0));
    goto out;
  }
  finding(r, SEV_OK, "config_parses", path, "%zu slot%s",
          cfg_model_slot_count(&f.model),
          cfg_model_slot_count(&f.model) == 1 ? "" : "s");
  user_may(r, "config_readable", path, 0);
  n = cfg_model_slot_count(&f.model);
  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(&f.model, i, &v);
    if (v.unconfigured)
      finding(r, SEV_PROBLEM, "slot_configured", path,
              "slot %zu has no cluster (%s). Fill it: configure-pkcs11 "
              "add-cluster --cluster-id <id>",
              i, v.placeholder ? v.placeholder : "no servers");
    if (v.hsm_ca_file)
      check_ca(r, v.hsm_ca_file);
    for (k = 0; k < CFG_NPAIRS; k++)
      if (v.pair_cert[k] && v.pair_key[k])
        check_pair(r, (enum cfg_pair)k, v.pair_cert[k], v.pair_key[k]);
  }
  check_log(r, &f.model);
  if (keep && !keep->root)
    cfg_model_copy(&f.model, keep);
out:
  cfg_file_release(&f);
}

static void check_installed_library(struct report *r, const char *library)
{
  const char *path = library && *library ? library : sdk_pkcs11_library();
  struct p11_report p;
  struct cp_errbuf e = CP_ERRBUF_INIT;

  if (plat_file_kind(path) == PLAT_NOTHING) {
    finding(r, SEV_WARNING, "library", path,
            "it is not installed: the config may be ready before the SDK is. "
            "Install AWS's PKCS#11 library before the application starts");
    return;
  }
  if (p11_probe(path, &p, &e) != CP_OK) {
    finding(r, SEV_PROBLEM, "library", path, "%s", cp_errbuf_text(&e, 0));
    return;
  }
  finding(r, SEV_OK, "library", path, "%s, %s %u.%u (Cryptoki %u.%u)",
          p.manufacturer, p.description, p.library_major, p.library_minor,
          p.cryptoki_major, p.cryptoki_minor);
  p11_report_release(&p);
}

/* Adds group g to want unless it is there already (or not an sg- id). */
static void want_group(struct ec2_strs *want, const char *g)
{
  size_t k;

  if (!g || !ec2_id_valid(g, "sg-"))
    return;
  for (k = 0; k < want->n; k++)
    if (!strcmp(want->v[k], g))
      return;
  ec2_strs_add(want, g);
}

/* The instance's and the clusters' groups, each once (one EC2 call). */
static void groups_wanted(struct ec2_strs *want,
                          const struct ec2_instance_net *inst,
                          const struct cluster_info *ci, const int *found,
                          size_t n)
{
  size_t i;

  for (i = 0; i < inst->groups.n; i++)
    want_group(want, inst->groups.v[i]);
  for (i = 0; i < n; i++)
    if (found[i])
      want_group(want, ci[i].security_group);
}

/* One cluster's verdict, said as findings. */
static void judge_cluster(struct report *r, const struct sg_list *groups,
                          const struct ec2_instance_net *inst,
                          const struct cluster_info *c, const char *region)
{
  const char **addrs = cp_xcalloc(2 * c->nhsms + 1, sizeof(*addrs));
  char ports[32], mine[160];
  struct sg_verdict v;
  size_t h, n = 0, at = 0;

  for (h = 0; h < c->nhsms; h++) {
    if (!c->hsms[h].state || strcmp(c->hsms[h].state, "ACTIVE"))
      continue;
    if (c->hsms[h].eni_ip)
      addrs[n++] = c->hsms[h].eni_ip;
    if (c->hsms[h].eni_ip_v6)
      addrs[n++] = c->hsms[h].eni_ip_v6;
  }
  for (h = 0; h < inst->groups.n && at < sizeof(mine) - 1; h++)
    at += (size_t)snprintf(mine + at, sizeof(mine) - at, "%s%s",
                           h ? ", " : "", inst->groups.v[h]);
  if (!inst->groups.n)
    snprintf(mine, sizeof(mine), "none");
  if (inst->vpc_id && c->vpc_id && ec2_id_valid(c->vpc_id, "vpc-") &&
      strcmp(inst->vpc_id, c->vpc_id))
    finding(r, SEV_WARNING, "security_groups", c->cluster_id,
            "this instance is in %s and the cluster in %s: the HSMs are "
            "reached only through peering or a transit gateway, and rules "
            "naming a group of the other VPC do not count",
            inst->vpc_id, c->vpc_id);
  sg_verdict_judge(groups, c->security_group, inst, addrs, n, region, &v);
  if (v.unknown_group)
    finding(r, SEV_WARNING, "security_groups", c->cluster_id,
            "EC2 did not describe %s, so its rules were not judged. Check it "
            "in the console", v.unknown_group);
  if (v.fix_ingress[0]) { /* the cluster's group known, and closed */
    sg_ports_text(SG_PORTS_ALL & ~v.ingress, ports, sizeof(ports));
    finding_fix(r, v.prefix_lists ? SEV_WARNING : SEV_PROBLEM,
                "security_groups", c->cluster_id, v.fix_ingress,
                "the cluster's group %s does not let TCP %s in from this "
                "instance (groups %s)%s. Add the rule, or attach %s to the "
                "instance",
                c->security_group, ports, mine,
                v.prefix_lists ? "; rules naming prefix lists were not "
                                 "judged and may allow it"
                               : "",
                c->security_group);
  }
  if (v.fix_egress[0]) {
    sg_ports_text(SG_PORTS_ALL & ~v.egress, ports, sizeof(ports));
    finding_fix(r, v.prefix_lists ? SEV_WARNING : SEV_PROBLEM,
                "security_groups", c->cluster_id, v.fix_egress,
                "this instance's groups (%s) do not let TCP %s out to the "
                "cluster's group %s%s. Add the rule",
                mine, ports, c->security_group,
                v.prefix_lists ? "; rules naming prefix lists were not "
                                 "judged and may allow it"
                               : "");
  }
  if (v.ingress == SG_PORTS_ALL && v.egress == SG_PORTS_ALL)
    finding(r, SEV_OK, "security_groups", c->cluster_id,
            "TCP %d-%d is allowed from this instance (groups %s) to the "
            "cluster's group %s, and out of the instance's groups",
            SG_PORT_FIRST, SG_PORT_LAST, mine, c->security_group);
  free(addrs);
}

/* --api on EC2: whether the groups let this instance reach each slot's
 * cluster on TCP 2223-2225 (instance metadata, then one EC2 call). */
static void check_security_groups(struct report *r,
                                  const struct cluster_opts *o,
                                  const struct http_settings *http,
                                  const char *region,
                                  const struct cluster_info *ci,
                                  const int *found, size_t n)
{
  struct ec2_instance_net inst;
  struct ec2_strs want = {NULL, 0};
  struct sg_list groups = {NULL, 0};
  struct cp_errbuf e = CP_ERRBUF_INIT;
  int on_ec2 = 0;
  size_t i;

  if (ec2_instance_net_read(http, &inst, &on_ec2, &e) != CP_OK) {
    finding(r, SEV_WARNING, "security_groups", NULL, "%s",
            cp_errbuf_text(&e, 0));
    return;
  }
  if (!on_ec2) {
    finding(r, SEV_SKIPPED, "security_groups", NULL,
            "not checked: no instance metadata answered (not on EC2, or "
            "AWS_EC2_METADATA_DISABLED)");
    return;
  }
  groups_wanted(&want, &inst, ci, found, n);
  if (want.n && cluster_source_security_groups(o, http,
                                               (const char *const *)want.v,
                                               want.n, &groups, &e) != CP_OK) {
    finding(r, SEV_WARNING, "security_groups", NULL,
            "not checked: %s", cp_errbuf_text(&e, 0));
    goto out;
  }
  for (i = 0; i < n; i++) {
    if (!found[i])
      continue;
    if (!ci[i].security_group)
      finding(r, SEV_SKIPPED, "security_groups", ci[i].cluster_id,
              "not checked: DescribeClusters names no SecurityGroup for "
              "the cluster");
    else if (!ec2_id_valid(ci[i].security_group, "sg-"))
      finding(r, SEV_WARNING, "security_groups", ci[i].cluster_id,
              "not checked: DescribeClusters names a SecurityGroup that is "
              "not sg- and hex digits. Check --endpoint points at the "
              "CloudHSMv2 API");
    else
      judge_cluster(r, &groups, &inst, &ci[i], region);
  }
out:
  sg_list_release(&groups);
  ec2_strs_release(&want);
  ec2_instance_net_release(&inst);
}

static int has_host(const struct cfg_server *s, size_t n, const char *host)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!strcmp(s[i].hostname, host))
      return 1;
  return 0;
}

/* How many of the n servers a have a hostname none of the nb in b has. */
static size_t servers_not_in(const struct cfg_server *a, size_t n,
                             const struct cfg_server *b, size_t nb)
{
  size_t i, missing = 0;

  for (i = 0; i < n; i++)
    missing += !has_host(b, nb, a[i].hostname);
  return missing;
}

/* Whether slot i's servers are what refresh-clusters would write from
 * the cluster's answer c (slot_plan.c's rule): its ACTIVE HSMs. */
static void check_slot_servers(struct report *r, const struct cfg_model *m,
                               size_t i, const struct cluster_info *c)
{
  struct slot_plan plan = SLOT_PLAN_INIT;
  struct cfg_server *srv = NULL;
  size_t ns = cfg_model_slot_servers(m, i, &srv), gone, added;

  slot_plan_select(&plan, c, m, i);
  gone = servers_not_in(srv, ns, plan.servers, plan.nservers);
  added = servers_not_in(plan.servers, plan.nservers, srv, ns);
  if (!plan.nservers)
    finding(r, SEV_PROBLEM, "cluster", c->cluster_id,
            "slot %zu's cluster (%s) has no ACTIVE HSM, so the application "
            "reaches none. Create one (aws cloudhsmv2 create-hsm) or wait "
            "for it", i, c->state ? c->state : "with no state");
  else if (gone || added)
    finding(r, SEV_PROBLEM, "cluster", c->cluster_id,
            "slot %zu is stale: %zu of its %zu servers are no ACTIVE HSM, "
            "and %zu ACTIVE HSM address%s not among them (cluster %s). Run "
            "configure-pkcs11 refresh-clusters",
            i, gone, ns, added, added == 1 ? " is" : "es are",
            c->state ? c->state : "with no state");
  else
    finding(r, SEV_OK, "cluster", c->cluster_id,
            "%s, the slot's %zu server%s %s its ACTIVE HSMs' addresses",
            c->state ? c->state : "no state", ns, ns == 1 ? "" : "s",
            ns == 1 ? "is one of" : "are");
  slot_plan_release(&plan);
  free(srv);
}

/* --api: the clock against the answer's Date, and each slot's servers
 * against its cluster's ACTIVE HSMs. */
static void check_api(struct report *r, const struct cluster_opts *o,
                      const struct http_settings *http,
                      const struct cfg_model *m)
{
  size_t i, k, n = m && m->root ? cfg_model_slot_count(m) : 0, nids = 0;
  const char **ids = cp_xcalloc(n + 1, sizeof(*ids));
  struct cluster_info *ci = cp_xcalloc(n + 1, sizeof(*ci));
  int *found = cp_xcalloc(n + 1, sizeof(*found));
  struct cp_errbuf e = CP_ERRBUF_INIT;
  long skew = 0;
  char *region = NULL;

  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(m, i, &v);
    if (v.cluster_id)
      ids[nids++] = v.cluster_id;
  }
  if (cluster_source_describe_many(o, http, ids, nids, ci, found, &skew,
                                   &region, &e) != CP_OK) {
    finding(r, SEV_PROBLEM, "api", NULL, "%s", cp_errbuf_text(&e, 0));
    goto out;
  }
  if (labs(skew) > SKEW_LIMIT_S)
    finding(r, SEV_PROBLEM, "clock", NULL,
            "this host's clock is %ld s off AWS's, and SigV4 refuses a "
            "request 5 minutes off. Sync it (chronyd, or the Amazon Time "
            "Sync Service at 169.254.169.123)", skew);
  else
    finding(r, SEV_OK, "clock", NULL, "%ld s off AWS's", skew);
  for (i = 0, k = 0; i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(m, i, &v);
    if (!v.cluster_id)
      continue;
    if (!found[k])
      finding(r, SEV_PROBLEM, "cluster", v.cluster_id,
              "slot %zu's cluster is not found in the region. Check "
              "--region, or remove the slot", i);
    else
      check_slot_servers(r, m, i, &ci[k]);
    k++;
  }
  check_security_groups(r, o, http, region, ci, found, nids);
out:
  free(region);
  for (i = 0; i < nids; i++)
    cluster_info_release(&ci[i]);
  free(ci);
  free(found);
  free(ids);
}

enum cp_err cmd_doctor(int argc, char **argv, struct cli_ctx *ctx,
                       struct cp_errbuf *err)
{
  const char *as_user = NULL, *library = NULL;
  int api = 0;
  struct cluster_opts o;
  struct http_settings http = HTTP_SETTINGS_INIT;
  const struct cli_opt opts[] = {
      CLI_STR(0, "as-user", &as_user, "<user>",
              "the user the application runs as (default: who ran sudo, "
              "else you)", 0),
      CLI_OPTPATH("library", &library, "[<file>]",
                  "the PKCS#11 library to look for (default: CloudHSM's)"),
      CLI_FLAG(0, "api", &api,
               "also ask the API: the clock, each cluster's HSMs against "
               "its slot, and on EC2 the security groups", 0),
      CLI_REGION_OPT(&o),
      CLI_API_OPTS(&o),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct cfg_model first = CFG_MODEL_INIT;
  struct report r;
  json_object *root = NULL;
  enum cp_err rc = CP_OK;
  size_t i;

  memset(&r, 0, sizeof(r));
  cluster_opts_init(&o);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &doctor_doc, err));
  if (ctx->help)
    goto out;
  if (api)
    CP_TRY(rc, cluster_opts_check(&o, &http, err));
  r.user = as_user ? as_user : plat_invoking_user();
  r.rows = json_object_new_array();
  /* every component installed, unless one file or set is named */
  if (!ctx->config_path && !ctx->component_arg && !ctx->config_dir &&
      !getenv("CONFIGURE_PKCS11_CONFIG"))
    ctx->component_arg = "installed";
  if (config_targets_resolve(ctx, &t, err) != CP_OK) {
    finding(&r, SEV_PROBLEM, "config_found", NULL, "%s",
            cp_errbuf_text(err, 0));
    cp_errbuf_clear(err);
  }
  for (i = 0; i < t.n; i++)
    check_file(&r, t.v[i].path, i == 0 ? &first : NULL);
  check_installed_library(&r, library);
  if (api)
    check_api(&r, &o, &http, &first);
  root = json_object_new_object();
  if (r.user)
    json_object_object_add(root, "as_user", json_object_new_string(r.user));
  json_object_object_add(root, "problems", json_object_new_int(r.problems));
  json_object_object_add(root, "warnings", json_object_new_int(r.warnings));
  json_object_object_add(root, "findings", r.rows);
  r.rows = NULL;
  if (r.problems && ctx->output == CLI_OUT_JSON) {
    ctx->json_result = root; /* printed with the error added */
  } else {
    output_result(ctx, root, cp_buf_str(&r.text));
  }
  root = NULL;
  if (r.problems)
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "doctor found %d problem%s (first %s): the application cannot "
            "use the config as it is. Fix each finding marked problem, then "
            "run doctor again",
            r.problems, r.problems == 1 ? "" : "s", r.first);
out:
  json_object_put(r.rows);
  json_object_put(root);
  cp_buf_release(&r.text);
  for (i = 0; i < r.nseen; i++)
    free(r.seen[i]);
  free(r.seen);
  cfg_model_release(&first);
  config_targets_release(&t);
  return rc;
}
