/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_top.c — the original tool's top-level options: edit the slot(s) and
 * the logging section of the config, offline. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cert.h"
#include "cfg_file.h"
#include "client_pair.h"
#include "cluster_source.h"
#include "commands.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "output.h"

static const char *const log_types[] = {"term", "file", NULL};
static const char *const log_levels[] = {"error", "warn", "info", "debug",
                                         "trace", NULL};
static const char *const log_rotations[] = {"never", "hourly", "daily", NULL};
static const char *const retry_modes[] = {"off", "standard", NULL};

static const char *const top_examples[] = {
    "sudo configure-pkcs11 -a 10.0.1.12 10.0.2.7",
    "sudo configure-pkcs11 --cluster-id cluster-2ab3cd4ef5g --region us-east-1",
    "sudo configure-pkcs11 --hsm-ca-cert /home/ec2-user/customerCA.crt "
    "--disable-key-availability-check",
    NULL};

static const struct cli_cmd_doc top_doc = {
    "configure-pkcs11 [<options>]\n"
    "   or: configure-pkcs11 <command> [<options>]   (commands: add-cluster, "
    "remove-cluster, list-clusters, help)",
    "Edit the AWS CloudHSM PKCS#11 library's config file. Cluster options "
    "apply to the only slot; logging and check options to every slot.",
    top_examples};

struct top_opts {
  struct cluster_source src; /* --cluster-id: the servers from the API */
  struct cli_list addrs;
  const char *ca_cert;
  struct client_pair pair;
  const char *log_type, *log_file, *log_level, *log_rotation, *retry_mode;
  int key_check, validate_key, cert_storage; /* -1 unset, 0 off, 1 on */
};

static enum cp_err parse_servers(const struct cli_list *l,
                                 struct cfg_server **out, struct addr **store)
{
  enum cp_err rc = CP_OK;
  int i;

  *store = cp_xcalloc((size_t)l->n, sizeof(**store));
  *out = cp_xcalloc((size_t)l->n, sizeof(**out));
  for (i = 0; i < l->n; i++) {
    CP_TRY(rc, addr_parse(l->items[i], "-a", &(*store)[i]));
    (*out)[i].hostname = (*store)[i].host;
    (*out)[i].port = (*store)[i].port;
    (*out)[i].enable = 1;
  }
out:
  return rc;
}

/* Cluster options name one slot: refuse a config with several. */
static enum cp_err single_slot(const struct cfg_model *m, const char *flag)
{
  size_t n = cfg_model_slot_count(m);

  if (n <= 1)
    return CP_OK;
  return cp_fail(CP_E_INVALID, __FILE__, __LINE__,
                 "ambiguous option (%s): the config has %zu slots and %s "
                 "edits one. Use add-cluster --cluster-id <id> %s ... for "
                 "that cluster",
                 flag, n, flag, flag);
}

static int any_option(const struct top_opts *o)
{
  return o->src.cluster_id || o->addrs.n || o->ca_cert || o->pair.cert || o->pair.key ||
         o->log_type || o->log_file || o->log_level || o->log_rotation ||
         o->retry_mode || o->key_check >= 0 || o->validate_key >= 0 ||
         o->cert_storage >= 0;
}

enum cp_err cmd_top(int argc, char **argv, struct cli_ctx *ctx)
{
  struct top_opts o;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &o.src.cluster_id, "<id>",
              "set the servers (and the cluster id) of the single slot from "
              "the API", 0),
      CLI_CLUSTER_SOURCE_OPTS(&o.src),
      CLI_LIST('a', NULL, &o.addrs, "<address>",
               "set the HSM servers (IPv4, IPv6, HOST:PORT, [IPV6]:PORT)"),
      CLI_STR(0, "hsm-ca-cert", &o.ca_cert, "<file>",
              "the CA certificate that issued the cluster's certificate", 0),
      CLI_CLIENT_PAIR_OPTS(&o.pair),
      CLI_STR(0, "server-client-cert-file", &o.pair.cert, "<file>",
              "old name of --client-cert-hsm-tls-file", CLI_HIDDEN),
      CLI_STR(0, "server-client-key-file", &o.pair.key, "<file>",
              "old name of --client-key-hsm-tls-file", CLI_HIDDEN),
      CLI_CHOICE("log-type", &o.log_type, "<term|file>", log_types,
                 "where the library logs"),
      CLI_STR(0, "log-file", &o.log_file, "<file>", "the library's log file",
              0),
      CLI_CHOICE("log-level", &o.log_level,
                 "<error|warn|info|debug|trace>", log_levels,
                 "the library's log level"),
      CLI_CHOICE("log-rotation", &o.log_rotation, "<never|hourly|daily>",
                 log_rotations, "how often the library rotates its log"),
      CLI_CHOICE("default-retry-mode", &o.retry_mode, "<off|standard>",
                 retry_modes, "retries of non-terminal HSM failures"),
      CLI_SET("enable-key-availability-check", &o.key_check, 1,
              "check a key is on enough HSMs before use"),
      CLI_SET("disable-key-availability-check", &o.key_check, 0,
              "allow keys on a single HSM (one-HSM clusters)"),
      CLI_SET("enable-validate-key-at-init", &o.validate_key, 1,
              "validate parameters when a crypto operation starts"),
      CLI_SET("disable-validate-key-at-init", &o.validate_key, 0,
              "skip that validation"),
      CLI_SET("enable-certificate-storage", &o.cert_storage, 1,
              "store certificates on the HSMs"),
      CLI_SET("disable-certificate-storage", &o.cert_storage, 0,
              "do not store certificates on the HSMs"),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct cfg_file f = CFG_FILE_INIT;
  struct cfg_server *servers = NULL;
  struct addr *addr_store = NULL;
  struct cert_info ci;
  char *ca_abs = NULL, *log_abs = NULL;
  enum cfg_action action;
  int changed = 0;
  enum cp_err rc;

  memset(&o, 0, sizeof(o));
  cluster_source_init(&o.src);
  o.key_check = o.validate_key = o.cert_storage = -1;
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &top_doc));
  if (ctx->help)
    goto out;
  if (o.src.cluster_id && o.addrs.n)
    CP_FAIL(rc, CP_E_USAGE,
            "contradictory options (--cluster-id and -a): both set the "
            "servers. Give one of them");
  if (!any_option(&o))
    CP_FAIL(rc, CP_E_USAGE,
            "no option given (configure-pkcs11): nothing to change. Give an "
            "option or a command; see configure-pkcs11 --help");
  /* Check every value before touching the file. */
  CP_TRY(rc, client_pair_check(&o.pair));
  if (o.addrs.n)
    CP_TRY(rc, parse_servers(&o.addrs, &servers, &addr_store));
  if (o.ca_cert) {
    CP_TRY(rc, cert_check_ca_file(o.ca_cert, &ci));
    ca_abs = plat_abs_path(o.ca_cert);
  }
  if (o.log_file)
    log_abs = plat_abs_path(o.log_file);
  if (o.src.cluster_id)
    CP_TRY(rc, cluster_source_check(&o.src));

  CP_TRY(rc, cfg_file_lock(&f, cli_config_path(ctx), 10000));
  CP_TRY(rc, cfg_file_load(&f));
  if (o.src.cluster_id) {
    /* single-cluster bootstrap, as the original tool: the only slot gets the
     * cluster's servers and id; its CA (or --hsm-ca-cert) must have signed
     * the cluster. The lock is held while the API answers: a second run
     * waits rather than interleaving. */
    struct cfg_slot_view v;
    CP_TRY(rc, single_slot(&f.model, "--cluster-id"));
    if (!ca_abs && cfg_model_slot_count(&f.model) == 1) {
      cfg_model_slot(&f.model, 0, &v);
      if (v.hsm_ca_file)
        ca_abs = cp_xstrdup(v.hsm_ca_file);
    }
    if (!ca_abs) {
      CP_TRY(rc, cert_check_ca_file(plat_default_ca_path(), &ci));
      ca_abs = plat_abs_path(plat_default_ca_path());
    }
    CP_TRY(rc, cluster_source_fetch(&o.src, ca_abs));
    cfg_model_set_servers(&f.model, -1, o.src.servers, o.src.nservers);
    cfg_model_set_cluster_string(&f.model, -1, "cluster_id", o.src.cluster_id);
    if (!o.ca_cert)
      cfg_model_set_cluster_string(&f.model, -1, "hsm_ca_file", ca_abs);
  }
  if (o.addrs.n) {
    CP_TRY(rc, single_slot(&f.model, "-a"));
    cfg_model_set_servers(&f.model, -1, servers, (size_t)o.addrs.n);
  }
  if (ca_abs) {
    CP_TRY(rc, single_slot(&f.model, "--hsm-ca-cert"));
    cfg_model_set_cluster_string(&f.model, -1, "hsm_ca_file", ca_abs);
  }
  if (o.pair.cert_abs) {
    CP_TRY(rc, single_slot(&f.model, "--client-cert-hsm-tls-file"));
    cfg_model_set_cluster_string(&f.model, -1, "client_cert_path",
                                 o.pair.cert_abs);
    cfg_model_set_cluster_string(&f.model, -1, "client_key_path",
                                 o.pair.key_abs);
  }
  if (o.key_check >= 0)
    cfg_model_set_option_bool(&f.model, -1, "disable_key_availability_check",
                              !o.key_check);
  if (o.validate_key >= 0)
    cfg_model_set_option_bool(&f.model, -1, "validate_key_at_init",
                              o.validate_key);
  if (o.cert_storage >= 0)
    cfg_model_set_option_bool(&f.model, -1, "certificate_storage",
                              o.cert_storage);
  if (o.retry_mode)
    cfg_model_set_option_string(&f.model, -1, "default_retry_mode",
                                o.retry_mode);
  if (o.log_type)
    cfg_model_set_logging(&f.model, "log_type", o.log_type);
  if (log_abs)
    cfg_model_set_logging(&f.model, "log_file", log_abs);
  if (o.log_level)
    cfg_model_set_logging(&f.model, "log_level", o.log_level);
  if (o.log_rotation)
    cfg_model_set_logging(&f.model, "log_interval", o.log_rotation);
  CP_TRY(rc, cfg_file_commit(&f, &changed));
  action = changed ? (f.meta.exists ? CFG_UPDATED : CFG_ADDED) : CFG_UNCHANGED;
  {
    char *text = cp_xasprintf("%s %s\n", cfg_action_name(action), f.path);
    output_result(ctx,
                  output_slot_result(action, changed, o.src.cluster_id,
                                     o.src.region_used, NULL, o.src.servers,
                                     o.src.nservers, f.path),
                  text);
    free(text);
  }
out:
  cfg_file_release(&f);
  cluster_source_release(&o.src);
  free(servers);
  free(addr_store);
  free(ca_abs);
  client_pair_release(&o.pair);
  free(log_abs);
  cli_list_release(&o.addrs);
  return rc;
}
