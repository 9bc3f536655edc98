/* SPDX-License-Identifier: Apache-2.0 */
/* cluster_source.h — where a cluster's description comes from: the
 * CloudHSMv2 API (optionally waiting until it is ready) or a saved
 * DescribeClusters answer (--from-describe FILE|-). The API options are one
 * set of rows for every command; what an answer means for a slot is
 * slot_plan.h's. Three types: the options as given, the HTTP settings made
 * from them, and the answer (struct cluster_answer). */
#ifndef CLUSTER_SOURCE_H
#define CLUSTER_SOURCE_H

#include "cfg_model.h"
#include "cli.h"
#include "cloudhsm.h"
#include "http.h"
#include "slot_plan.h"

/* The options, as given (argv strings). */
struct cluster_opts {
  const char *cluster_id, *region, *endpoint, *profile, *ca_bundle;
  const char *from_describe, *ip_family;
  const char *cluster_tag; /* --cluster-tag KEY=VALUE (add-cluster) */
  int fips, dualstack, connect_timeout, read_timeout;
  int wait; /* seconds; -1: do not wait */
};
#define CLUSTER_SOURCE_WAIT_DEFAULT 1800 /* --wait with no number: 30 min */

/* --wait's policy, shared by add-cluster and refresh-clusters: a deadline
 * wait seconds away, and pauses of 1 s doubling up to 15 s between
 * questions. wait < 0: no waiting (cluster_wait_more() is always 0). */
struct cluster_wait {
  long long start_ms;    /* on the settings' monotonic clock */
  long long deadline_ms;
  long pause_ms;         /* the next pause */
};
void cluster_wait_start(struct cluster_wait *w, const struct http_settings *hs,
                        int wait);
/* 1 while the deadline is still ahead: one more pause, then a look. */
int cluster_wait_more(const struct cluster_wait *w,
                      const struct http_settings *hs);
/* Seconds waited so far (rounded), for messages. */
long cluster_wait_waited_s(const struct cluster_wait *w,
                           const struct http_settings *hs);
/* Makes the next pause (doubling the one after), cut to end at the
 * deadline; CP_E_INTERRUPTED on Ctrl-C. */
CP_MUST_USE enum cp_err cluster_wait_pause(struct cluster_wait *w,
                                           const struct http_settings *hs,
                                           struct cp_errbuf *err);

/* The API options, one set of rows for every command that reaches the API
 * (add-cluster, refresh-clusters, show-endpoint, the top level) and, the
 * AWS CLI's global ones, for the options typed before a command (main.c).
 * --region is each command's own: refresh-clusters takes several. */
#define CLI_API_GLOBAL_OPTS(s)                                                 \
  CLI_STR(0, "endpoint", &(s)->endpoint, "<url>",                              \
          "the CloudHSMv2 API endpoint (e.g. a VPC endpoint)", 0),             \
  CLI_STR(0, "endpoint-url", &(s)->endpoint, "<url>",                          \
          "same as --endpoint (the AWS CLI's name)", 0),                       \
  CLI_STR(0, "profile", &(s)->profile, "<name>", "the AWS profile to use", 0), \
  CLI_PATH(0, "ca-bundle", &(s)->ca_bundle, "<file>",                          \
           "CA bundle for the API's TLS (default AWS_CA_BUNDLE, system)", 0),  \
  CLI_INT("cli-connect-timeout", &(s)->connect_timeout, "<seconds>",           \
          "same as --connect-timeout"),                                        \
  CLI_INT("cli-read-timeout", &(s)->read_timeout, "<seconds>",                 \
          "same as --read-timeout")
#define CLI_API_OPTS(s)                                                        \
  CLI_API_GLOBAL_OPTS(s),                                                      \
  CLI_INT("connect-timeout", &(s)->connect_timeout, "<seconds>",               \
          "API connect timeout (default 10)"),                                 \
  CLI_INT("read-timeout", &(s)->read_timeout, "<seconds>",                     \
          "API request timeout (default 60)"),                                 \
  CLI_FLAG(0, "fips", &(s)->fips, "use the FIPS endpoint", 0),                 \
  CLI_FLAG(0, "dualstack", &(s)->dualstack, "use the dual-stack endpoint", 0)
#define CLI_REGION_OPT(s)                                                      \
  CLI_STR(0, "region", &(s)->region, "<region>", "the cluster's region", 0)
/* What the AWS CLI has as global options: they may come before the command,
 * as in `aws --region R cloudhsmv2 ...`. */
#define CLI_CLUSTER_SOURCE_GLOBAL_OPTS(s)                                      \
  CLI_REGION_OPT(s), CLI_API_GLOBAL_OPTS(s)
/* Where the description of one cluster comes from, and which addresses. */
#define CLI_SAVED_ANSWER_OPT(s)                                                \
  CLI_PATH(0, "from-describe", &(s)->from_describe, "<file|->",                \
           "use a saved DescribeClusters answer instead of calling the API",   \
           0)
#define CLI_IP_FAMILY_OPT(s)                                                   \
  CLI_CHOICE("ip-family", &(s)->ip_family, "<ipv4|ipv6|both>",                 \
             cluster_source_ip_families,                                       \
             "which HSM addresses to write (default: the slot's, else ipv4)")
#define CLI_CLUSTER_SOURCE_OPTS(s)                                             \
  CLI_REGION_OPT(s), CLI_API_OPTS(s), CLI_SAVED_ANSWER_OPT(s),                 \
  CLI_OPTINT("wait", &(s)->wait, "[<seconds>]", CLUSTER_SOURCE_WAIT_DEFAULT,   \
             "wait until the cluster has an ACTIVE HSM to reach "              \
             "(default 1800 s)"),                                              \
  CLI_IP_FAMILY_OPT(s)

extern const char *const cluster_source_ip_families[];

/* Sets the defaults (no wait, no timeouts) before parsing. */
void cluster_opts_init(struct cluster_opts *o);

/* Every local check, before any call: the cluster id (when set),
 * contradictions (--from-describe with --wait or --endpoint: CP_E_USAGE),
 * the CA bundle. Then fills *http, the settings of every API call, from the
 * options and the environment. */
CP_MUST_USE enum cp_err cluster_opts_check(const struct cluster_opts *o,
                                           struct http_settings *http,
                                           struct cp_errbuf *err);

/* Where the DescribeClusters call goes: the region (*region, owned) and the
 * endpoint, each with its source for --debug and show-endpoint, and the
 * profiles (for credentials). Caller frees *region, *endpoint, *profiles. */
struct aws_profiles;
CP_MUST_USE enum cp_err
cluster_source_target(const struct cluster_opts *o,
                      const struct http_settings *http,
                      struct aws_profiles **profiles, char **region,
                      char **endpoint, const char **region_src,
                      const char **endpoint_src, struct cp_errbuf *err);

/* Describes the cluster o->cluster_id into *a, from the API or the saved
 * answer, and accepts it (cluster_answer_check: the states; with --wait the
 * API is asked again, with cluster_wait's pauses, while the state may still
 * change). A cluster without a certificate: CP_E_CLUSTER_STATE. */
CP_MUST_USE enum cp_err cluster_source_fetch(const struct cluster_opts *o,
                                             const struct http_settings *http,
                                             struct cluster_answer *a,
                                             struct cp_errbuf *err);

/* --cluster-tag KEY=VALUE: the id of the one cluster whose TagList has it
 * (*id owned), from every page of DescribeClusters in the region, or from
 * the saved answer. None: CP_E_API_NOT_FOUND; several: CP_E_INVALID naming
 * them; a tag that is not KEY=VALUE: CP_E_INVALID. */
CP_MUST_USE enum cp_err cluster_source_find_tagged(
    const struct cluster_opts *o, const struct http_settings *http, char **id,
    struct cp_errbuf *err);

/* Many clusters described at once (doctor --api), the server's clock
 * minus ours in *skew_s, from the answers' Date, and the region asked
 * (*region, owned; NULL when none was found). found[i]: ids[i] is in
 * out[i] (released by the caller). */
CP_MUST_USE enum cp_err cluster_source_describe_many(
    const struct cluster_opts *o, const struct http_settings *http,
    const char *const *ids, size_t n, struct cluster_info *out, int *found,
    long *skew_s, char **region, struct cp_errbuf *err);

/* A client of svc in region, signing with creds: the endpoint resolved as
 * aws_target.h says (o->endpoint is CloudHSMv2's alone), in *endpoint,
 * which the caller frees after the client. */
struct aws_service;
struct aws_creds;
struct aws_client;
CP_MUST_USE enum cp_err cluster_source_client(
    const struct cluster_opts *o, const struct aws_service *svc,
    const struct aws_profiles *profiles, const struct aws_creds *creds,
    const char *region, const struct http_settings *http,
    struct aws_client *c, char **endpoint, struct cp_errbuf *err);

/* The security groups ids (n of them) in the region, from EC2's
 * DescribeSecurityGroups with the same credentials (doctor --api). The
 * endpoint: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, the profile's, then
 * the partition's; --endpoint-url is CloudHSMv2's alone. */
struct sg_list;
CP_MUST_USE enum cp_err cluster_source_security_groups(
    const struct cluster_opts *o, const struct http_settings *http,
    const char *const *ids, size_t n, struct sg_list *out,
    struct cp_errbuf *err);

/* The saved answer's bytes (--from-describe FILE or -). */
CP_MUST_USE enum cp_err cluster_source_read_saved(const struct cluster_opts *o,
                                                  struct cp_buf *raw,
                                                  struct cp_errbuf *err);
/* A parse failure (CP_E_API) of the saved answer, said as the file's fault
 * (CP_E_INVALID naming it); other codes pass through. */
CP_MUST_USE enum cp_err cluster_source_saved_invalid(
    const struct cluster_opts *o, enum cp_err rc, struct cp_errbuf *err);

#endif
