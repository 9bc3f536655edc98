/* SPDX-License-Identifier: Apache-2.0 */
/* slot_plan.c — what a cluster's answer means for a slot: its checks and
 * states, the servers by family, the CA rule, the type. */
#include "slot_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "sdk_paths.h"

void cluster_answer_release(struct cluster_answer *a)
{
  cluster_info_release(&a->ci);
  free(a->cluster_id);
  free(a->region_used);
  a->cluster_id = a->region_used = NULL;
}

void slot_plan_release(struct slot_plan *p)
{
  free(p->servers);
  p->servers = NULL;
  p->nservers = 0;
}

/* ---- the answer --------------------------------------------------------- */

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
static enum cp_err check_answer(const struct cluster_answer *a,
                                struct cp_errbuf *err)
{
  const struct cluster_info *ci = &a->ci;
  char field[48];
  size_t i;

  if (ci->cluster_id && strcmp(ci->cluster_id, a->cluster_id))
    return cp_fail(err, CP_E_API, __FILE__, __LINE__,
                   "invalid value in the cluster's description (ClusterId): "
                   "\"%.60s\" is not the cluster asked for, %s. Check the "
                   "saved answer",
                   ci->cluster_id, a->cluster_id);
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

/* p: the ACTIVE HSMs' addresses of the families asked for (an HSM with
 * only an IPv6 address gives it unless only IPv4 is asked for), each once. */
static void select_servers(struct slot_plan *p, const struct cluster_info *ci,
                           int v4, int v6)
{
  size_t i;

  free(p->servers);
  p->servers = cp_xcalloc(ci->nhsms * 2 + 1, sizeof(*p->servers));
  p->nservers = 0;
  for (i = 0; i < ci->nhsms; i++) {
    const struct hsm_info *h = &ci->hsms[i];
    int has4 = h->eni_ip && *h->eni_ip, has6 = h->eni_ip_v6 && *h->eni_ip_v6;
    if (!h->state || strcmp(h->state, "ACTIVE"))
      continue;
    if (has4 && v4)
      p->servers[p->nservers++] = (struct cfg_server){h->eni_ip, CFG_DEFAULT_PORT, 1};
    if (has6 && (v6 || !has4))
      p->servers[p->nservers++] = (struct cfg_server){h->eni_ip_v6, CFG_DEFAULT_PORT, 1};
  }
}

enum cp_err cluster_answer_check(const struct cluster_answer *a,
                                 const char *ip_family, int waiting,
                                 struct cp_errbuf *err)
{
  const struct cluster_info *ci = &a->ci;
  const struct state_rule *rule = state_rule(ci->state);
  struct slot_plan p = SLOT_PLAN_INIT;
  int v4, v6, dup;
  enum cp_err rc = check_answer(a, err);

  if (rc != CP_OK)
    return rc;
  if (!ci->state || (rule && !rule->usable))
    return cp_fail(
        err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
        "cluster not ready (%s): it is %s%s%.*s. %s", a->cluster_id,
        ci->state ? ci->state : "in no state",
        sentence_len(ci->state_message) ? ": " : "",
        sentence_len(ci->state_message),
        ci->state_message ? ci->state_message : "",
        waiting && !cluster_state_gone(ci->state)
            ? "Wait longer (--wait <seconds>), or check it in the console"
        : rule ? rule->text
               : "Run again with --wait to wait until it can be reached");
  wanted_families(ip_family, &v4, &v6);
  select_servers(&p, ci, v4, v6);
  dup = cfg_servers_dedupe(p.servers, &p.nservers);
  if (cluster_answer_no_hsms(a))
    rc = cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                 "cluster has no HSM (%s): it is %s with none (deleted, or "
                 "none made yet). Create one: aws cloudhsmv2 create-hsm "
                 "--cluster-id %s --availability-zone <zone>",
                 a->cluster_id, ci->state, a->cluster_id);
  else if (p.nservers == 0)
    rc = cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                 "no ACTIVE HSM (%s): the cluster has %zu HSM(s), none "
                 "ACTIVE with an address. Create an HSM, or run again with "
                 "--wait",
                 a->cluster_id, ci->nhsms);
  else if (dup)
    cp_log(CP_LOG_WARN, "cluster %s lists an HSM address more than once: "
           "each is written once", a->cluster_id);
  slot_plan_release(&p);
  return rc;
}

void cluster_answer_warn(const struct cluster_answer *a)
{
  const struct cluster_info *ci = &a->ci;
  const struct state_rule *rule = state_rule(ci->state);
  size_t i;

  if (!ci->state || (rule && !rule->usable))
    return;
  if (!rule)
    cp_log(CP_LOG_WARN, "cluster %s is in state %s, which this tool does not "
           "know: its ACTIVE HSMs are written", a->cluster_id, ci->state);
  else if (rule->text)
    cp_log(CP_LOG_WARN, "cluster %s: %s", a->cluster_id, rule->text);
  for (i = 0; i < ci->nhsms; i++) {
    const struct hsm_info *h = &ci->hsms[i];
    if (h->state && !strcmp(h->state, "ACTIVE"))
      continue;
    cp_log(CP_LOG_WARN, "HSM %s (%s) is %s: left out of the slot",
           h->hsm_id ? h->hsm_id : "?",
           h->eni_ip && *h->eni_ip ? h->eni_ip : "no address",
           h->state ? h->state : "in no state");
  }
}

void cluster_answer_not_ready_why(const struct cluster_answer *a, char *buf,
                                  size_t n)
{
  const struct cluster_info *ci = &a->ci;
  const struct state_rule *rule = state_rule(ci->state);

  if (!ci->state || (rule && !rule->usable))
    snprintf(buf, n, "it is %s", ci->state ? ci->state : "in no state");
  else
    snprintf(buf, n, "it has %zu HSM(s), none ACTIVE", ci->nhsms);
}

enum cp_err cluster_answer_need_certificate(const struct cluster_answer *a,
                                            struct cp_errbuf *err)
{
  if (a->ci.cluster_certificate)
    return CP_OK;
  return cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                 "cluster has no certificate (%s): DescribeClusters returned "
                 "no ClusterCertificate. Initialize the cluster first",
                 a->cluster_id);
}

enum cp_err cluster_answer_accept(const struct cluster_answer *a,
                                  const char *ip_family, int waiting,
                                  struct cp_errbuf *err)
{
  enum cp_err rc = cluster_answer_check(a, ip_family, waiting, err);

  cluster_answer_warn(a);
  return rc != CP_OK ? rc : cluster_answer_need_certificate(a, err);
}

int cluster_answer_no_hsms(const struct cluster_answer *a)
{
  const struct state_rule *rule = state_rule(a->ci.state);

  return a->ci.state && (!rule || rule->usable) && a->ci.nhsms == 0;
}

int cluster_state_gone(const char *state)
{
  return state && (!strcmp(state, "DELETED") ||
                   !strcmp(state, "DELETE_IN_PROGRESS"));
}

char *cluster_answer_slot_type(const struct cluster_answer *a)
{
  const char *t = a->ci.hsm_type;
  if (!t || !*t)
    return NULL;
  return cp_xstrndup(t, strcspn(t, "."));
}


/* ---- the servers of one slot ------------------------------------------- */

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
static int warn_family_drops(const struct slot_plan *p,
                             const struct cluster_answer *a,
                             const char *ip_family,
                             const struct cfg_server *old, size_t nold)
{
  struct cp_buf names = CP_BUF_INIT;
  size_t i, k, n = 0;

  for (i = 0; i < nold; i++) {
    const char *h = old[i].hostname;
    int active = 0, kept = 0;
    for (k = 0; h && k < a->ci.nhsms; k++) {
      const struct hsm_info *hsm = &a->ci.hsms[k];
      if (hsm->state && !strcmp(hsm->state, "ACTIVE") &&
          ((hsm->eni_ip && !strcmp(hsm->eni_ip, h)) ||
           (hsm->eni_ip_v6 && !strcmp(hsm->eni_ip_v6, h))))
        active = 1;
    }
    for (k = 0; h && k < p->nservers; k++)
      kept |= !strcmp(p->servers[k].hostname, h);
    if (active && !kept)
      cp_buf_printf(&names, "%s%s", n++ ? ", " : "", h);
  }
  n = n && ip_family; /* a family chosen by the slot keeps its servers */
  if (n)
    cp_log(CP_LOG_WARN, "cluster %s: %s %s left out of the slot: --ip-family "
           "%s writes %s addresses only (--ip-family both keeps every one)",
           a->cluster_id, cp_buf_str(&names), strchr(cp_buf_str(&names), ',')
           ? "are" : "is", ip_family,
           !strcmp(ip_family, "ipv4") ? "IPv4" : "IPv6");
  cp_buf_release(&names);
  return n != 0;
}

/* The rule of slot_plan_servers(), given the slot's servers now. */
static void plan_from(struct slot_plan *p, const struct cluster_info *ci,
                      const char *ip_family, const struct cfg_server *old,
                      size_t nold)
{
  int had = families(old, nold), v4, v6;

  wanted_families(ip_family, &v4, &v6);
  if (!ip_family && !v6_by_default(ci, old, nold)) {
    v6 = 1; /* the slot keeps its family */
    v4 = (had & (1 << 4)) != 0;
  }
  select_servers(p, ci, v4, v6);
  cfg_servers_dedupe(p->servers, &p->nservers);
}

void slot_plan_select(struct slot_plan *p, const struct cluster_info *ci,
                      const struct cfg_model *m, size_t slot)
{
  struct cfg_server *old = NULL;
  size_t nold = cfg_model_slot_servers(m, slot, &old);

  plan_from(p, ci, NULL, old, nold);
  free(old);
}

void slot_plan_servers(struct slot_plan *p, const struct cluster_answer *a,
                       const char *ip_family, const struct cfg_model *m,
                       int slot)
{
  struct cfg_server *old = NULL;
  size_t nold = 0;
  int had = 0, now, named;

  if (slot >= 0 && (size_t)slot < cfg_model_slot_count(m))
    nold = cfg_model_slot_servers(m, (size_t)slot, &old);
  had = families(old, nold);
  plan_from(p, &a->ci, ip_family, old, nold);
  now = families(p->servers, p->nservers);
  named = warn_family_drops(p, a, ip_family, old, nold);
  if (!named && (had & (1 << 6)) && !(now & (1 << 6)))
    cp_log(CP_LOG_WARN, "cluster %s: the slot's IPv6 servers are dropped: %s",
           a->cluster_id, ip_family ? "--ip-family ipv4 writes IPv4 "
           "addresses only" : "no ACTIVE HSM has an EniIpV6 now");
  if (!named && (had & (1 << 4)) && !(now & (1 << 4)))
    cp_log(CP_LOG_WARN, "cluster %s: the slot's IPv4 servers are dropped: %s",
           a->cluster_id, ip_family ? "--ip-family ipv6 writes IPv6 "
           "addresses only" : "no ACTIVE HSM has an EniIp now");
  free(old);
}


/* ---- the CA -------------------------------------------------------------- */

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
    cand[1] = sdk_ca_path();
  for (i = 0; i < 2; i++)
    if (cand[i] && (!(how & CA_IF_PRESENT) || plat_file_exists(cand[i])))
      return cp_xstrdup(cand[i]);
  return NULL;
}

enum cp_err slot_plan_verify_ca(const struct cluster_answer *a,
                                const char *ca_path, struct cp_errbuf *err)
{
  int is_cluster_cert;
  enum cp_err rc;

  if (!ca_path) {
    cp_log(CP_LOG_WARN, "no HSM CA file to check cluster %s against (neither "
           "the slot's hsm_ca_file nor %s exists): servers written unchecked; "
           "give --hsm-ca-cert to check them", a->cluster_id,
           sdk_ca_path());
    return CP_OK;
  }
  rc = cert_verify_cluster(ca_path, a->ci.cluster_certificate,
                           strlen(a->ci.cluster_certificate), a->cluster_id,
                           &is_cluster_cert, err);
  if (rc == CP_OK && is_cluster_cert)
    cp_log(CP_LOG_WARN, "%s holds the certificate of cluster %s itself, not "
           "the CA that issued it: it works, but the issuing CA "
           "(customerCA.crt) is the usual choice and survives a new cluster "
           "certificate", ca_path, a->cluster_id);
  return rc;
}
