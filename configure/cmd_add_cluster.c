/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_add_cluster.c — look a cluster up with DescribeClusters and add (or
 * refresh) its slot in the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_creds.h"
#include "aws_profile.h"
#include "aws_target.h"
#include "cert.h"
#include "cfg_file.h"
#include "client_pair.h"
#include "cloudhsm.h"
#include "commands.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "http.h"
#include "output.h"

static const char *const ip_families[] = {"ipv4", "ipv6", "both", NULL};

static const char *const add_examples[] = {
    "sudo configure-pkcs11 add-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--region us-east-1 --hsm-ca-cert /opt/cloudhsm/etc/cluster-2ab3cd4ef5g-CA.crt",
    "configure-pkcs11 add-cluster --cluster-id cluster-2ab3cd4ef5g "
    "--output json --dry-run",
    NULL};

static const struct cli_cmd_doc add_doc = {
    "configure-pkcs11 add-cluster --cluster-id <id> [<options>]",
    "Look the cluster up with the CloudHSMv2 DescribeClusters API, check its "
    "certificate against the CA, and add (or refresh) its slot.",
    add_examples};

struct add_opts {
  const char *cluster_id, *region, *endpoint, *profile, *ca_cert;
  const char *hsm_type, *ip_family, *ca_bundle;
  struct client_pair pair;
  int dry_run, fips, dualstack, connect_timeout, read_timeout;
};

/* "hsm1.medium" -> "hsm1" */
static char *slot_type(const char *hsm_type)
{
  if (!hsm_type || !*hsm_type)
    return NULL;
  return cp_xstrndup(hsm_type, strcspn(hsm_type, "."));
}

static enum cp_err pick_servers(const struct cluster_info *ci,
                                const char *family, struct cfg_server **out,
                                size_t *n)
{
  size_t i;
  int v4 = !family || strcmp(family, "ipv6"), v6 = family && strcmp(family, "ipv4");

  *out = cp_xcalloc(ci->nhsms * 2 + 1, sizeof(**out));
  *n = 0;
  for (i = 0; i < ci->nhsms; i++) {
    const struct hsm_info *h = &ci->hsms[i];
    if (!h->state || strcmp(h->state, "ACTIVE")) {
      cp_log(CP_LOG_WARN, "HSM %s (%s) is %s: left out of the slot",
             h->hsm_id ? h->hsm_id : "?", h->eni_ip ? h->eni_ip : "no address",
             h->state ? h->state : "in no state");
      continue;
    }
    if (h->eni_ip && *h->eni_ip && v4)
      (*out)[(*n)++] = (struct cfg_server){h->eni_ip, CFG_DEFAULT_PORT, 1};
    if (h->eni_ip_v6 && *h->eni_ip_v6 && (v6 || !h->eni_ip || !*h->eni_ip))
      (*out)[(*n)++] = (struct cfg_server){h->eni_ip_v6, CFG_DEFAULT_PORT, 1};
  }
  if (*n == 0)
    return cp_fail(CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                   "no ACTIVE HSM (%s): the cluster has %zu HSM(s), none "
                   "ACTIVE with an address. Create an HSM and wait until it "
                   "is ACTIVE",
                   ci->cluster_id, ci->nhsms);
  return CP_OK;
}

/* Prints the whole new config for --dry-run, each line marked as in a diff
 * against the old one when lines differ (a simple line-by-line view). */
static void print_dry_run(const struct cli_ctx *ctx, struct cfg_file *f)
{
  struct cp_buf old = CP_BUF_INIT;

  if (ctx->output != CLI_OUT_TEXT)
    return;
  cfg_model_serialize(&f->loaded, &old);
  cfg_file_render(f);
  printf("--- %s\n+++ %s (after add-cluster)\n", f->path, f->path);
  {
    const char *a = f->meta.exists ? cp_buf_str(&old) : "";
    const char *b = cp_buf_str(&f->text);
    while (*a || *b) {
      size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
      if (la == lb && !strncmp(a, b, la)) {
        printf(" %.*s\n", (int)la, a);
      } else {
        if (*a)
          printf("-%.*s\n", (int)la, a);
        if (*b)
          printf("+%.*s\n", (int)lb, b);
      }
      a += la + (a[la] ? 1 : 0);
      b += lb + (b[lb] ? 1 : 0);
    }
  }
  cp_buf_release(&old);
}

enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx)
{
  struct add_opts o;
  const struct cli_opt opts[] = {
      CLI_STR(0, "cluster-id", &o.cluster_id, "<id>", "the cluster to add",
              CLI_REQUIRED),
      CLI_STR(0, "region", &o.region, "<region>", "the cluster's region", 0),
      CLI_STR(0, "endpoint", &o.endpoint, "<url>",
              "the CloudHSMv2 API endpoint (e.g. a VPC endpoint)", 0),
      CLI_STR(0, "endpoint-url", &o.endpoint, "<url>", "same as --endpoint",
              CLI_HIDDEN),
      CLI_STR(0, "profile", &o.profile, "<name>", "the AWS profile to use", 0),
      CLI_STR(0, "hsm-ca-cert", &o.ca_cert, "<file>",
              "the CA that signed the cluster (default customerCA.crt)", 0),
      CLI_CLIENT_PAIR_OPTS(&o.pair),
      CLI_STR(0, "hsm-type", &o.hsm_type, "<type>",
              "the slot's type (default: from the cluster's HsmType)", 0),
      CLI_CHOICE("ip-family", &o.ip_family, "<ipv4|ipv6|both>", ip_families,
                 "which HSM addresses to write (default ipv4)"),
      CLI_STR(0, "ca-bundle", &o.ca_bundle, "<file>",
              "CA bundle for the API's TLS (default AWS_CA_BUNDLE, system)", 0),
      CLI_INT("connect-timeout", &o.connect_timeout, "<seconds>",
              "API connect timeout (default 10)"),
      CLI_INT("read-timeout", &o.read_timeout, "<seconds>",
              "API request timeout (default 60)"),
      CLI_INT("cli-connect-timeout", &o.connect_timeout, "<seconds>",
              "same as --connect-timeout"),
      CLI_INT("cli-read-timeout", &o.read_timeout, "<seconds>",
              "same as --read-timeout"),
      CLI_FLAG(0, "fips", &o.fips, "use the FIPS endpoint", 0),
      CLI_FLAG(0, "dualstack", &o.dualstack, "use the dual-stack endpoint", 0),
      CLI_FLAG(0, "dry-run", &o.dry_run, "show the change, write nothing", 0),
      CLI_COMMON_OPTS(ctx),
      CLI_END()};
  struct aws_profiles *profiles = NULL;
  struct aws_creds creds = AWS_CREDS_INIT;
  struct cluster_info ci;
  struct cloudhsm_client client;
  struct cfg_file f = CFG_FILE_INIT;
  struct cfg_slot_spec spec;
  struct cfg_server *servers = NULL;
  struct cert_info cinfo;
  size_t nservers = 0;
  char *region = NULL, *endpoint = NULL, *type = NULL, *text = NULL;
  char *ca_abs = NULL;
  const char *region_src, *endpoint_src, *profile, *ca_path;
  enum cfg_action action = CFG_UNCHANGED;
  const char *ca_bundle;
  int changed = 0;
  enum cp_err rc;

  memset(&o, 0, sizeof(o));
  memset(&ci, 0, sizeof(ci));
  o.connect_timeout = o.read_timeout = -1;
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &add_doc));
  if (ctx->help)
    goto out;
  /* every local check before any call */
  if (!cfg_cluster_id_valid(o.cluster_id))
    CP_FAIL(rc, CP_E_INVALID,
            "invalid cluster id (%s): a cluster id is \"cluster-\" and 11 to "
            "16 letters or digits 2-7. Check the id in the CloudHSM console",
            o.cluster_id);
  CP_TRY(rc, client_pair_check(&o.pair));
  ca_path = o.ca_cert ? o.ca_cert : plat_default_ca_path();
  CP_TRY(rc, cert_check_ca_file(ca_path, &cinfo));
  ca_abs = plat_abs_path(ca_path);
  ca_bundle = o.ca_bundle ? o.ca_bundle : getenv("AWS_CA_BUNDLE");
  if (ca_bundle && !*ca_bundle)
    ca_bundle = NULL;
  if (ca_bundle)
    CP_TRY(rc, cert_check_bundle(ca_bundle));

  /* where, and as whom */
  CP_TRY(rc, aws_profiles_load(&profiles));
  profile = aws_profile_name(o.profile);
  CP_TRY(rc, aws_region_resolve(o.region, profiles, profile, &region, &region_src));
  cp_log(CP_LOG_DEBUG, "region: %s (from %s)", region, region_src);
  CP_TRY(rc, aws_endpoint_resolve(&aws_service_cloudhsmv2, o.endpoint, region,
                                  o.fips ? 1 : -1, o.dualstack ? 1 : -1,
                                  profiles, profile, &endpoint, &endpoint_src));
  cp_log(CP_LOG_DEBUG, "endpoint: %s (from %s)", endpoint, endpoint_src);
  CP_TRY(rc, aws_creds_resolve(profiles, profile, region, &creds));

  memset(&client, 0, sizeof(client));
  client.endpoint = endpoint;
  client.region = region;
  client.creds = &creds;
  client.ca_bundle = ca_bundle;
  client.connect_timeout_ms = o.connect_timeout >= 0 ? o.connect_timeout * 1000L : 0;
  client.timeout_ms = o.read_timeout >= 0 ? o.read_timeout * 1000L : 0;
  CP_TRY(rc, cloudhsm_describe_cluster(&client, o.cluster_id, &ci));

  if (!ci.state || strcmp(ci.state, "ACTIVE"))
    CP_FAIL(rc, CP_E_CLUSTER_STATE,
            "cluster not ACTIVE (%s): it is %s%s%s. %s",
            o.cluster_id, ci.state ? ci.state : "in no state",
            ci.state_message ? ": " : "", ci.state_message ? ci.state_message : "",
            ci.state && !strcmp(ci.state, "UNINITIALIZED")
                ? "Initialize it first (sign its CSR with your CA)"
                : "Wait until it is ACTIVE and run again");
  CP_TRY(rc, pick_servers(&ci, o.ip_family, &servers, &nservers));
  if (!ci.cluster_certificate)
    CP_FAIL(rc, CP_E_CLUSTER_STATE,
            "cluster has no certificate (%s): DescribeClusters returned no "
            "ClusterCertificate. Initialize the cluster first",
            o.cluster_id);
  CP_TRY(rc, cert_verify_cluster(ca_abs, ci.cluster_certificate,
                                 strlen(ci.cluster_certificate), o.cluster_id));

  type = o.hsm_type ? cp_xstrdup(o.hsm_type) : slot_type(ci.hsm_type);
  CP_TRY(rc, cfg_file_lock(&f, cli_config_path(ctx), 10000));
  CP_TRY(rc, cfg_file_load(&f));
  if (!o.hsm_type && cfg_model_find_slot(&f.model, o.cluster_id) >= 0) {
    free(type); /* an existing slot keeps its type */
    type = NULL;
  }
  memset(&spec, 0, sizeof(spec));
  spec.cluster_id = o.cluster_id;
  spec.type = type;
  spec.hsm_ca_file = ca_abs;
  spec.client_cert_path = o.pair.cert_abs;
  spec.client_key_path = o.pair.key_abs;
  spec.servers = servers;
  spec.nservers = nservers;
  cfg_model_upsert_slot(&f.model, &spec, &action);
  if (o.dry_run) {
    print_dry_run(ctx, &f);
    changed = cfg_file_changed(&f);
  } else {
    CP_TRY(rc, cfg_file_commit(&f, &changed));
  }
  {
    struct cfg_slot_view v;
    int idx = cfg_model_find_slot(&f.model, o.cluster_id);
    cfg_model_slot(&f.model, (size_t)idx, &v);
    text = cp_xasprintf("%s%s %s (%zu server%s) in %s\n",
                        o.dry_run ? "would be " : "", cfg_action_name(action),
                        o.cluster_id, nservers, nservers == 1 ? "" : "s", f.path);
    output_result(ctx,
                  output_slot_result(action, changed, o.cluster_id, region,
                                     v.type, servers, nservers, f.path),
                  o.dry_run ? NULL : text);
  }
out:
  free(text);
  free(type);
  free(servers);
  cluster_info_release(&ci);
  cfg_file_release(&f);
  aws_creds_release(&creds);
  aws_profiles_free(profiles);
  free(region);
  free(endpoint);
  free(ca_abs);
  client_pair_release(&o.pair);
  return rc;
}
