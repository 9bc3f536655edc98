/* SPDX-License-Identifier: Apache-2.0 */
/* cluster_source.c — describe a cluster (API, waiting, or a saved answer),
 * pick its servers and check its certificate against the CA. */
#include "cluster_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_creds.h"
#include "aws_profile.h"
#include "aws_target.h"
#include "cert.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"

#define DESCRIBE_MAX_BYTES (16u << 20)

const char *const cluster_source_ip_families[] = {"ipv4", "ipv6", "both", NULL};

void cluster_source_init(struct cluster_source *s)
{
  const struct http_settings hs = HTTP_SETTINGS_INIT;

  memset(s, 0, sizeof(*s));
  s->connect_timeout = s->read_timeout = s->wait = -1;
  s->http = hs;
}

void cluster_source_release(struct cluster_source *s)
{
  cluster_info_release(&s->ci);
  free(s->servers);
  free(s->region_used);
  s->servers = NULL;
  s->region_used = NULL;
  s->nservers = 0;
}

char *cluster_source_slot_type(const struct cluster_source *s)
{
  const char *t = s->ci.hsm_type;
  if (!t || !*t)
    return NULL;
  return cp_xstrndup(t, strcspn(t, "."));
}

static const char *ca_bundle_of(const struct cluster_source *s)
{
  const char *b = s->ca_bundle ? s->ca_bundle : getenv("AWS_CA_BUNDLE");
  return b && *b ? b : NULL;
}

enum cp_err cluster_source_check(struct cluster_source *s,
                                 struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;

  /* no cluster id: refresh-clusters, which checks its own ids */
  if (s->cluster_id && (rc = cfg_cluster_id_check(s->cluster_id, err)) != CP_OK)
    return rc;
  if (s->from_describe) {
    const char *other = s->wait >= 0     ? "--wait"
                        : s->endpoint    ? "--endpoint"
                        : s->profile     ? "--profile"
                        : s->fips        ? "--fips"
                        : s->dualstack   ? "--dualstack"
                        : s->ca_bundle   ? "--ca-bundle"
                                         : NULL;
    if (other)
      return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                     "contradictory options (--from-describe and %s): a saved "
                     "answer calls no API. Drop one of them",
                     other);
    if (s->region && !aws_region_valid(s->region))
      return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                     "invalid region (--region): \"%s\" is not an AWS region "
                     "name. Give one like us-east-1",
                     s->region);
    return CP_OK;
  }
  if (ca_bundle_of(s) &&
      (rc = cert_check_bundle(ca_bundle_of(s), err)) != CP_OK)
    return rc;
  s->http.ca_bundle = ca_bundle_of(s);
  s->http.connect_ms = s->connect_timeout >= 0 ? s->connect_timeout * 1000L : 0;
  s->http.read_ms = s->read_timeout >= 0 ? s->read_timeout * 1000L : 0;
  return CP_OK;
}

/* ---- the servers -------------------------------------------------------- */

/* What a cluster state means for its slot. A usable state has HSMs a client
 * can reach: its ACTIVE HSMs are written, with `warning` (NULL for ACTIVE)
 * saying what the state means. The others are refused with `fix`. States
 * this table does not know are written, with a warning, as the original
 * tool (which never looked at the state) would. */
struct state_rule {
  const char *state;
  int usable;
  const char *text; /* usable: the warning; else the fix */
};
static const struct state_rule state_rules[] = {
    {"ACTIVE", 1, NULL},
    {"INITIALIZED", 1,
     "it is INITIALIZED, not yet activated: activate it with CloudHSM CLI "
     "(cloudhsm-cli cluster activate) before using keys"},
    {"DEGRADED", 1,
     "it is DEGRADED: some of its HSMs are unavailable; the ACTIVE ones are "
     "written"},
    {"UPDATE_IN_PROGRESS", 1,
     "it is UPDATE_IN_PROGRESS: run again when the update ends to refresh "
     "the servers"},
    {"MODIFY_IN_PROGRESS", 1,
     "it is MODIFY_IN_PROGRESS (an HSM being added or replaced): run again "
     "when it ends to refresh the servers"},
    {"ROLLBACK_IN_PROGRESS", 1,
     "it is ROLLBACK_IN_PROGRESS: run again when the rollback ends to "
     "refresh the servers"},
    {"CREATE_IN_PROGRESS", 0,
     "Run again with --wait to wait until it can be reached"},
    {"UNINITIALIZED", 0,
     "Initialize it first (sign its CSR with your CA), or add --wait"},
    {"INITIALIZE_IN_PROGRESS", 0,
     "Run again with --wait to wait until it can be reached"},
    {"DELETE_IN_PROGRESS", 0, "Configure another cluster"},
    {"DELETED", 0, "Configure another cluster"},
};

static const struct state_rule *state_rule(const char *state)
{
  size_t i;

  for (i = 0; state && i < sizeof(state_rules) / sizeof(state_rules[0]); i++)
    if (!strcmp(state_rules[i].state, state))
      return &state_rules[i];
  return NULL;
}

/* The length of s without a closing period, so an AWS sentence ("The
 * cluster is ready for use.") ends in one period inside our message. */
static int sentence_len(const char *s)
{
  size_t n = s ? strlen(s) : 0;

  while (n && (s[n - 1] == '.' || s[n - 1] == ' '))
    n--;
  return (int)n;
}

/* "hsm2m.medium": [a-z0-9]+(\.[a-z0-9]+)* */
static int plain_type_name(const char *t)
{
  int run = 0;

  for (; *t; t++) {
    if ((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9'))
      run++;
    else if (*t == '.' && run)
      run = 0;
    else
      return 0;
  }
  return run > 0;
}

static enum cp_err bad_value(const char *file, int line, const char *field,
                             const char *value, const char *why,
                             struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_API, file, line,
                 "invalid value in the cluster's description (%s): \"%.60s%s\" "
                 "is %s. Check --endpoint points at the CloudHSMv2 API, or the "
                 "saved answer",
                 field, value, strlen(value) > 60 ? "..." : "", why);
}

/* What reaches the file must be what it claims to be: addresses are IP
 * literals of their family, the type a plain name (a saved answer could
 * carry a host name or shell text). */
static enum cp_err check_answer(const struct cluster_source *s,
                                struct cp_errbuf *err)
{
  const struct cluster_info *ci = &s->ci;
  char field[48];
  size_t i;

  if (ci->cluster_id && strcmp(ci->cluster_id, s->cluster_id))
    return cp_fail(err, CP_E_API, __FILE__, __LINE__,
                   "invalid value in the cluster's description (ClusterId): "
                   "\"%.60s\" is not the cluster asked for, %s. Check the "
                   "saved answer",
                   ci->cluster_id, s->cluster_id);
  if (ci->hsm_type && *ci->hsm_type && !plain_type_name(ci->hsm_type))
    return bad_value(CP_HERE, "HsmType", ci->hsm_type,
                     "not a plain type name such as hsm2m.medium", err);
  for (i = 0; i < ci->nhsms; i++) {
    const struct hsm_info *h = &ci->hsms[i];
    if (h->eni_ip && *h->eni_ip && plat_ip_family(h->eni_ip) != 4) {
      snprintf(field, sizeof(field), "Hsms[%zu].EniIp", i);
      return bad_value(CP_HERE, field, h->eni_ip, "not an IPv4 address", err);
    }
    if (h->eni_ip_v6 && *h->eni_ip_v6 && plat_ip_family(h->eni_ip_v6) != 6) {
      snprintf(field, sizeof(field), "Hsms[%zu].EniIpV6", i);
      return bad_value(CP_HERE, field, h->eni_ip_v6, "not an IPv6 address",
                       err);
    }
  }
  return CP_OK;
}

/* s->servers: the ACTIVE HSMs' addresses of the families asked for (an
 * HSM with only an IPv6 address gives it unless only IPv4 is asked for). */
static void select_servers(struct cluster_source *s, int v4, int v6)
{
  const struct cluster_info *ci = &s->ci;
  size_t i;

  free(s->servers);
  s->servers = cp_xcalloc(ci->nhsms * 2 + 1, sizeof(*s->servers));
  s->nservers = 0;
  for (i = 0; i < ci->nhsms; i++) {
    const struct hsm_info *h = &ci->hsms[i];
    int has4 = h->eni_ip && *h->eni_ip, has6 = h->eni_ip_v6 && *h->eni_ip_v6;
    if (!h->state || strcmp(h->state, "ACTIVE"))
      continue;
    if (has4 && v4)
      s->servers[s->nservers++] = (struct cfg_server){h->eni_ip, CFG_DEFAULT_PORT, 1};
    if (has6 && (v6 || !has4))
      s->servers[s->nservers++] = (struct cfg_server){h->eni_ip_v6, CFG_DEFAULT_PORT, 1};
  }
}

/* The families --ip-family asks for (none given: IPv4). */
static void wanted_families(const char *family, int *v4, int *v6)
{
  *v4 = !family || strcmp(family, "ipv6") != 0;
  *v6 = family && strcmp(family, "ipv4") != 0;
}

/* Which families a list of servers holds: bit 4 and bit 6. */
static int families(const struct cfg_server *srv, size_t n)
{
  int f = 0;
  size_t i;

  for (i = 0; i < n; i++)
    if (srv[i].hostname)
      f |= 1 << plat_ip_family(srv[i].hostname);
  return f & ((1 << 4) | (1 << 6));
}

/* A usable cluster with at least one ACTIVE HSM: its servers. */
static enum cp_err pick_servers(struct cluster_source *s, struct cp_errbuf *err)
{
  const struct cluster_info *ci = &s->ci;
  const struct state_rule *rule = state_rule(ci->state);
  int v4, v6;
  enum cp_err rc = check_answer(s, err);

  if (rc != CP_OK)
    return rc;
  if (!ci->state || (rule && !rule->usable))
    return cp_fail(
        err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
        "cluster not ready (%s): it is %s%s%.*s. %s", s->cluster_id,
        ci->state ? ci->state : "in no state",
        sentence_len(ci->state_message) ? ": " : "",
        sentence_len(ci->state_message),
        ci->state_message ? ci->state_message : "",
        s->wait >= 0 && !cluster_state_gone(ci->state)
            ? "Wait longer (--wait <seconds>), or check it in the console"
        : rule ? rule->text
               : "Run again with --wait to wait until it can be reached");
  wanted_families(s->ip_family, &v4, &v6);
  select_servers(s, v4, v6);
  if (cfg_servers_dedupe(s->servers, &s->nservers))
    cp_log(CP_LOG_WARN, "cluster %s lists an HSM address more than once: "
           "each is written once", s->cluster_id);
  if (s->nservers == 0)
    return cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                   "no ACTIVE HSM (%s): the cluster has %zu HSM(s), none "
                   "ACTIVE with an address. Create an HSM, or run again with "
                   "--wait",
                   s->cluster_id, ci->nhsms);
  return CP_OK;
}

/* Says what a usable state other than ACTIVE means, and names the HSMs that
 * pick_servers() left out. */
static void warn_state(const struct cluster_source *s)
{
  const struct state_rule *rule = state_rule(s->ci.state);
  size_t i;

  if (!s->ci.state || (rule && !rule->usable))
    return;
  if (!rule)
    cp_log(CP_LOG_WARN, "cluster %s is in state %s, which this tool does not "
           "know: its ACTIVE HSMs are written", s->cluster_id, s->ci.state);
  else if (rule->text)
    cp_log(CP_LOG_WARN, "cluster %s: %s", s->cluster_id, rule->text);
  for (i = 0; i < s->ci.nhsms; i++) {
    const struct hsm_info *h = &s->ci.hsms[i];
    if (h->state && !strcmp(h->state, "ACTIVE"))
      continue;
    cp_log(CP_LOG_WARN, "HSM %s (%s) is %s: left out of the slot",
           h->hsm_id ? h->hsm_id : "?",
           h->eni_ip && *h->eni_ip ? h->eni_ip : "no address",
           h->state ? h->state : "in no state");
  }
}

/* Why the cluster is not ready yet, in a few words, for waiting. */
static void not_ready_why(const struct cluster_source *s, char *buf, size_t n)
{
  const struct state_rule *rule = state_rule(s->ci.state);

  if (!s->ci.state || (rule && !rule->usable))
    snprintf(buf, n, "it is %s", s->ci.state ? s->ci.state : "in no state");
  else
    snprintf(buf, n, "it has %zu HSM(s), none ACTIVE", s->ci.nhsms);
}

/* 1 when every IPv6 server of a slot is one the default (IPv4) choice
 * writes too: the address of an HSM that has no IPv4 address. A slot
 * written with --ip-family both or ipv6 holds an IPv6 address of an HSM
 * that has both, or one the answer does not know (the HSM was replaced). */
static int v6_by_default(const struct cluster_info *ci,
                         const struct cfg_server *srv, size_t n)
{
  size_t i, k;

  for (i = 0; i < n; i++) {
    if (!srv[i].hostname || plat_ip_family(srv[i].hostname) != 6)
      continue;
    for (k = 0; k < ci->nhsms; k++) {
      const struct hsm_info *h = &ci->hsms[k];
      if (h->eni_ip_v6 && !strcmp(h->eni_ip_v6, srv[i].hostname) &&
          !(h->eni_ip && *h->eni_ip))
        break;
    }
    if (k == ci->nhsms)
      return 0;
  }
  return 1;
}

/* Names the slot's servers that an ACTIVE HSM still has but the family
 * chosen leaves out (an HSM replaced is not a drop: its address is gone);
 * 1 when it warned. */
static int warn_family_drops(const struct cluster_source *s,
                             const struct cfg_server *old, size_t nold)
{
  struct cp_buf names = CP_BUF_INIT;
  size_t i, k, n = 0;

  for (i = 0; i < nold; i++) {
    const char *h = old[i].hostname;
    int active = 0, kept = 0;
    for (k = 0; h && k < s->ci.nhsms; k++) {
      const struct hsm_info *hsm = &s->ci.hsms[k];
      if (hsm->state && !strcmp(hsm->state, "ACTIVE") &&
          ((hsm->eni_ip && !strcmp(hsm->eni_ip, h)) ||
           (hsm->eni_ip_v6 && !strcmp(hsm->eni_ip_v6, h))))
        active = 1;
    }
    for (k = 0; h && k < s->nservers; k++)
      kept |= !strcmp(s->servers[k].hostname, h);
    if (active && !kept)
      cp_buf_printf(&names, "%s%s", n++ ? ", " : "", h);
  }
  n = n && s->ip_family; /* a family chosen by the slot keeps its servers */
  if (n)
    cp_log(CP_LOG_WARN, "cluster %s: %s %s left out of the slot: --ip-family "
           "%s writes %s addresses only (--ip-family both keeps every one)",
           s->cluster_id, cp_buf_str(&names), strchr(cp_buf_str(&names), ',')
           ? "are" : "is", s->ip_family,
           !strcmp(s->ip_family, "ipv4") ? "IPv4" : "IPv6");
  cp_buf_release(&names);
  return n != 0;
}

void cluster_source_pick_for_slot(struct cluster_source *s,
                                  const struct cfg_model *m, int slot)
{
  struct cfg_server *old = NULL;
  size_t nold = 0;
  int had = 0, now, named, v4, v6;

  if (slot >= 0 && (size_t)slot < cfg_model_slot_count(m))
    nold = cfg_model_slot_servers(m, (size_t)slot, &old);
  had = families(old, nold);
  wanted_families(s->ip_family, &v4, &v6);
  if (!s->ip_family && !v6_by_default(&s->ci, old, nold)) {
    v6 = 1; /* the slot keeps its family */
    v4 = (had & (1 << 4)) != 0;
  }
  select_servers(s, v4, v6);
  cfg_servers_dedupe(s->servers, &s->nservers);
  now = families(s->servers, s->nservers);
  named = warn_family_drops(s, old, nold);
  if (!named && (had & (1 << 6)) && !(now & (1 << 6)))
    cp_log(CP_LOG_WARN, "cluster %s: the slot's IPv6 servers are dropped: %s",
           s->cluster_id, s->ip_family ? "--ip-family ipv4 writes IPv4 "
           "addresses only" : "no ACTIVE HSM has an EniIpV6 now");
  if (!named && (had & (1 << 4)) && !(now & (1 << 4)))
    cp_log(CP_LOG_WARN, "cluster %s: the slot's IPv4 servers are dropped: %s",
           s->cluster_id, s->ip_family ? "--ip-family ipv6 writes IPv6 "
           "addresses only" : "no ACTIVE HSM has an EniIp now");
  free(old);
}

int cluster_state_gone(const char *state)
{
  return state && (!strcmp(state, "DELETED") ||
                   !strcmp(state, "DELETE_IN_PROGRESS"));
}

/* ---- a saved answer ------------------------------------------------------ */

static enum cp_err read_all_stdin(struct cp_buf *out, struct cp_errbuf *err)
{
  char chunk[16384];
  size_t n;

  while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
    if (out->len + n > DESCRIBE_MAX_BYTES)
      return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                     "saved answer too large (--from-describe -): more than "
                     "%u bytes. Save the answer for this cluster only "
                     "(--cluster-ids)",
                     DESCRIBE_MAX_BYTES);
    cp_buf_add(out, chunk, n);
    /* a read cut short by Ctrl-C returns what it had with the error set:
     * stop here, or the next fread would wait again */
    if (ferror(stdin) || plat_interrupted())
      break;
  }
  if (plat_interrupted())
    return plat_check_interrupt(err);
  if (ferror(stdin))
    return cp_fail(err, CP_E_IO, __FILE__, __LINE__,
                   "cannot read standard input (--from-describe -): read "
                   "failed. Pipe the saved answer into the command");
  return CP_OK;
}

enum cp_err cluster_source_read_saved(const struct cluster_source *s,
                                      struct cp_buf *raw,
                                      struct cp_errbuf *err)
{
  if (!strcmp(s->from_describe, "-"))
    return read_all_stdin(raw, err);
  return plat_read_file(s->from_describe, DESCRIBE_MAX_BYTES, raw, NULL,
                        CP_E_INVALID, err);
}

enum cp_err cluster_source_saved_invalid(const struct cluster_source *s,
                                         enum cp_err rc, struct cp_errbuf *err)
{
  char why[sizeof(err->why)];

  if (rc != CP_E_API) /* the parser's checks, but the fault is in the file */
    return rc;
  snprintf(why, sizeof(why), "%s",
           err->why[0] ? err->why : "it is not a DescribeClusters answer");
  return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "invalid saved answer (--from-describe %s): %s. Save it with "
                 "aws cloudhsmv2 describe-clusters --output json",
                 s->from_describe, why);
}

static enum cp_err from_saved(struct cluster_source *s, struct cp_errbuf *err)
{
  struct cp_buf raw = CP_BUF_INIT;
  int found = 0;
  enum cp_err rc;

  CP_TRY(rc, cluster_source_read_saved(s, &raw, err));
  rc = cloudhsm_parse_saved(cp_buf_str(&raw), raw.len, s->cluster_id, &s->ci,
                            &found, err);
  rc = cluster_source_saved_invalid(s, rc, err);
  if (rc == CP_OK && !found)
    rc = cp_fail(err, CP_E_API_NOT_FOUND, __FILE__, __LINE__,
                 "cluster not found (%s): the saved answer (%s) does not "
                 "describe it. Save it with aws cloudhsmv2 describe-clusters "
                 "--filters clusterIds=%s",
                 s->cluster_id, s->from_describe, s->cluster_id);
  if (rc == CP_OK && s->region)
    s->region_used = cp_xstrdup(s->region);
out:
  cp_buf_release(&raw);
  return rc;
}

/* ---- the API ------------------------------------------------------------- */

enum cp_err cluster_source_target(struct cluster_source *s,
                                  struct aws_profiles **profiles,
                                  char **endpoint, const char **region_src,
                                  const char **endpoint_src,
                                  struct cp_errbuf *err)
{
  const char *profile;
  enum cp_err rc;

  *endpoint = NULL;
  CP_TRY(rc, aws_profiles_load(profiles, err));
  profile = aws_profile_name(s->profile);
  CP_TRY(rc, aws_region_resolve(s->region, *profiles, profile, &s->http,
                                &s->region_used, region_src, err));
  cp_log(CP_LOG_DEBUG, "region: %s (from %s)", s->region_used, *region_src);
  CP_TRY(rc, aws_endpoint_resolve(&aws_service_cloudhsmv2, s->endpoint,
                                  s->region_used, s->fips ? 1 : -1,
                                  s->dualstack ? 1 : -1, *profiles, profile,
                                  endpoint, endpoint_src, err));
  cp_log(CP_LOG_DEBUG, "endpoint: %s (from %s)", *endpoint, *endpoint_src);
out:
  return rc;
}

#define WAIT_FIRST_MS 1000L
#define WAIT_MAX_MS 15000L

void cluster_wait_start(struct cluster_wait *w, const struct http_settings *hs,
                        int wait)
{
  w->start_ms = http_clock_ms(hs);
  w->deadline_ms = wait >= 0 ? w->start_ms + wait * 1000LL : 0;
  w->pause_ms = WAIT_FIRST_MS;
}

int cluster_wait_more(const struct cluster_wait *w,
                      const struct http_settings *hs)
{
  return http_clock_ms(hs) < w->deadline_ms;
}

long cluster_wait_waited_s(const struct cluster_wait *w,
                           const struct http_settings *hs)
{
  return (long)((http_clock_ms(hs) - w->start_ms + 500) / 1000);
}

enum cp_err cluster_wait_pause(struct cluster_wait *w,
                               const struct http_settings *hs,
                               struct cp_errbuf *err)
{
  long long left = w->deadline_ms - http_clock_ms(hs);

  http_sleep_ms(hs, left < w->pause_ms ? (long)(left > 0 ? left : 0)
                                       : w->pause_ms);
  w->pause_ms = w->pause_ms * 2 > WAIT_MAX_MS ? WAIT_MAX_MS : w->pause_ms * 2;
  return plat_check_interrupt(err);
}

static enum cp_err from_api(struct cluster_source *s, struct cp_errbuf *err)
{
  struct aws_profiles *profiles = NULL;
  struct aws_creds creds = AWS_CREDS_INIT;
  struct cloudhsm_client client;
  char *endpoint = NULL;
  const char *region_src, *endpoint_src;
  struct cluster_wait w;
  char why[128];
  enum cp_err rc;

  CP_TRY(rc, cluster_source_target(s, &profiles, &endpoint, &region_src,
                                   &endpoint_src, err));
  CP_TRY(rc, aws_creds_resolve(profiles, aws_profile_name(s->profile),
                               s->region_used, &s->http, &creds, err));

  memset(&client, 0, sizeof(client));
  client.endpoint = endpoint;
  client.region = s->region_used;
  client.creds = &creds;
  client.http = &s->http;
  cluster_wait_start(&w, &s->http, s->wait);
  for (;;) {
    cluster_info_release(&s->ci);
    CP_TRY(rc, cloudhsm_describe_cluster(&client, s->cluster_id, &s->ci, err));
    rc = pick_servers(s, err);
    if (rc != CP_E_CLUSTER_STATE || s->wait < 0 ||
        cluster_state_gone(s->ci.state))
      break;
    not_ready_why(s, why, sizeof(why));
    cp_errbuf_clear(err); /* not a failure yet: we wait */
    if (!cluster_wait_more(&w, &s->http)) {
      rc = cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                   "cluster not ready after %ld s (%s): %s. Wait longer "
                   "(--wait <seconds>) or check the cluster in the console",
                   cluster_wait_waited_s(&w, &s->http), s->cluster_id, why);
      break;
    }
    cp_log(CP_LOG_INFO, "waiting for %s: %s; next check in %ld s",
           s->cluster_id, why, w.pause_ms / 1000);
    CP_TRY(rc, cluster_wait_pause(&w, &s->http, err));
  }
  if (rc == CP_OK || s->wait < 0)
    warn_state(s); /* once, for the answer used (or refused) */
out:
  aws_creds_release(&creds);
  aws_profiles_free(profiles);
  free(endpoint);
  return rc;
}

static enum cp_err need_certificate(const struct cluster_source *s,
                                    struct cp_errbuf *err)
{
  if (s->ci.cluster_certificate)
    return CP_OK;
  return cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                 "cluster has no certificate (%s): DescribeClusters returned "
                 "no ClusterCertificate. Initialize the cluster first",
                 s->cluster_id);
}

enum cp_err cluster_source_use(struct cluster_source *s,
                               struct cluster_info *ci, struct cp_errbuf *err)
{
  enum cp_err rc;

  cluster_info_release(&s->ci);
  s->ci = *ci;
  memset(ci, 0, sizeof(*ci));
  rc = pick_servers(s, err);
  warn_state(s);
  return rc != CP_OK ? rc : need_certificate(s, err);
}

enum cp_err cluster_source_fetch(struct cluster_source *s,
                                 struct cp_errbuf *err)
{
  enum cp_err rc;

  if (s->from_describe) {
    CP_TRY(rc, from_saved(s, err));
    rc = pick_servers(s, err);
    warn_state(s);
    if (rc != CP_OK)
      goto out;
  } else {
    CP_TRY(rc, from_api(s, err));
  }
  rc = need_certificate(s, err);
out:
  return rc;
}

char *cluster_ca_for_slot(const struct cfg_model *m, int slot,
                          const char *given, unsigned how)
{
  const char *cand[2] = {NULL, NULL};
  struct cfg_slot_view v;
  size_t i;

  if (given)
    return cp_xstrdup(given);
  if (slot >= 0) {
    cfg_model_slot(m, (size_t)slot, &v);
    cand[0] = v.hsm_ca_file;
  }
  if (how & CA_DEFAULT)
    cand[1] = plat_default_ca_path();
  for (i = 0; i < 2; i++)
    if (cand[i] && (!(how & CA_IF_PRESENT) || plat_file_exists(cand[i])))
      return cp_xstrdup(cand[i]);
  return NULL;
}

enum cp_err cluster_source_verify_ca(const struct cluster_source *s,
                                     const char *ca_path, struct cp_errbuf *err)
{
  int is_cluster_cert;
  enum cp_err rc;

  if (!ca_path) {
    cp_log(CP_LOG_WARN, "no HSM CA file to check cluster %s against (neither "
           "the slot's hsm_ca_file nor %s exists): servers written unchecked; "
           "give --hsm-ca-cert to check them", s->cluster_id,
           plat_default_ca_path());
    return CP_OK;
  }
  rc = cert_verify_cluster(ca_path, s->ci.cluster_certificate,
                           strlen(s->ci.cluster_certificate), s->cluster_id,
                           &is_cluster_cert, err);
  if (rc == CP_OK && is_cluster_cert)
    cp_log(CP_LOG_WARN, "%s holds the certificate of cluster %s itself, not "
           "the CA that issued it: it works, but the issuing CA "
           "(customerCA.crt) is the usual choice and survives a new cluster "
           "certificate", ca_path, s->cluster_id);
  return rc;
}
