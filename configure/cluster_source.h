/* SPDX-License-Identifier: Apache-2.0 */
/* cluster_source.h — a cluster's description and the servers to write for
 * it, from the CloudHSMv2 API (optionally waiting until it is ready) or from
 * a saved DescribeClusters answer (--from-describe FILE|-). Shared by
 * add-cluster and the top-level --cluster-id. */
#ifndef CLUSTER_SOURCE_H
#define CLUSTER_SOURCE_H

#include "cfg_model.h"
#include "cli.h"
#include "cloudhsm.h"
#include "http.h"

struct cluster_source {
  /* options, as given (argv strings) */
  const char *cluster_id, *region, *endpoint, *profile, *ca_bundle;
  const char *from_describe, *ip_family;
  int fips, dualstack, connect_timeout, read_timeout;
  int wait; /* seconds; -1: do not wait */

  /* every API call's HTTP settings, from the options above and the
   * environment; set by cluster_source_check() */
  struct http_settings http;

  /* results of cluster_source_fetch(); owned, freed by _release() */
  struct cluster_info ci;
  struct cfg_server *servers; /* hostnames point into ci */
  size_t nservers;
  char *region_used;          /* NULL with --from-describe and no --region */
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
  CLI_STR(0, "endpoint-url", &(s)->endpoint, "<url>", "same as --endpoint",    \
          CLI_HIDDEN),                                                         \
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
void cluster_source_init(struct cluster_source *s);

/* Every local check, before any call: the cluster id (when set),
 * contradictions
 * (--from-describe with --wait or --endpoint: CP_E_USAGE), the CA bundle.
 * Then sets s->http. */
CP_MUST_USE enum cp_err cluster_source_check(struct cluster_source *s,
                                             struct cp_errbuf *err);

/* Where the DescribeClusters call goes: the region (into s->region_used)
 * and the endpoint, each with its source for --debug and show-endpoint, and
 * the profiles (for credentials). Caller frees *endpoint and *profiles. */
struct aws_profiles;
CP_MUST_USE enum cp_err
cluster_source_target(struct cluster_source *s, struct aws_profiles **profiles,
                      char **endpoint, const char **region_src,
                      const char **endpoint_src, struct cp_errbuf *err);

/* Describes the cluster and picks its servers (ACTIVE HSMs only; the others
 * are named in a warning). A usable state (ACTIVE, INITIALIZED, DEGRADED,
 * UPDATE/MODIFY/ROLLBACK_IN_PROGRESS, or one this tool does not know) with
 * an ACTIVE HSM is written, with a warning saying what a state other than
 * ACTIVE means; the others (CREATE_IN_PROGRESS, UNINITIALIZED,
 * INITIALIZE_IN_PROGRESS, DELETE_*), or no ACTIVE HSM: CP_E_CLUSTER_STATE,
 * unless waiting. A cluster without a certificate: CP_E_CLUSTER_STATE. */
CP_MUST_USE enum cp_err cluster_source_fetch(struct cluster_source *s,
                                             struct cp_errbuf *err);

/* The saved answer's bytes (--from-describe FILE or -). */
CP_MUST_USE enum cp_err cluster_source_read_saved(const struct cluster_source *s,
                                                  struct cp_buf *raw,
                                                  struct cp_errbuf *err);
/* A parse failure (CP_E_API) of the saved answer, said as the file's fault
 * (CP_E_INVALID naming it); other codes pass through. */
CP_MUST_USE enum cp_err cluster_source_saved_invalid(
    const struct cluster_source *s, enum cp_err rc, struct cp_errbuf *err);

/* Takes a cluster described elsewhere (refresh-clusters describes many in
 * one call; *ci is left empty) and picks its servers as fetch does. */
CP_MUST_USE enum cp_err cluster_source_use(struct cluster_source *s,
                                           struct cluster_info *ci,
                                           struct cp_errbuf *err);

/* Which CA file checks a slot's cluster, the one rule of every command:
 * --hsm-ca-cert (given); else the hsm_ca_file of slot `slot` (-1: none
 * yet); else, with CA_DEFAULT, the default path. With CA_IF_PRESENT a
 * path that does not exist is passed over, and NULL means none does (the
 * original tool never checked: cluster_source_verify_ca warns). Caller
 * frees. */
#define CA_DEFAULT 1
#define CA_IF_PRESENT 2
char *cluster_ca_for_slot(const struct cfg_model *m, int slot,
                          const char *given, unsigned how);

/* After fetch: a certificate of the CA file ca_path (a bundle counts) signed
 * the cluster's certificate (else CP_E_CA_MISMATCH naming both subjects), or
 * the file holds that very certificate (passes, with a warning). ca_path
 * NULL: no CA file to check against; passes with a warning. */
CP_MUST_USE enum cp_err cluster_source_verify_ca(const struct cluster_source *s,
                                                 const char *ca_path,
                                                 struct cp_errbuf *err);

/* After fetch or use: s->servers for the slot `slot` of m about to be
 * written (-1: a new slot). --ip-family when given; else the slot keeps its
 * family: one holding the IPv6 address of an HSM that also has an IPv4
 * one, or an IPv6 address the answer does not know (a replaced HSM), keeps
 * IPv6 (and IPv4 if it has that too); any other slot gets the default,
 * IPv4 (an HSM with only an IPv6 address gives it). Warns when the slot
 * would lose every server of a family it has, or an ACTIVE HSM's address
 * that --ip-family leaves out. */
void cluster_source_pick_for_slot(struct cluster_source *s,
                                  const struct cfg_model *m, int slot);

void cluster_source_release(struct cluster_source *s);

/* 1 for DELETE_IN_PROGRESS and DELETED: states waiting cannot fix. */
int cluster_state_gone(const char *state);

/* "hsm1.medium" -> "hsm1"; NULL when unknown. Caller frees. */
char *cluster_source_slot_type(const struct cluster_source *s);

#endif
