/* SPDX-License-Identifier: Apache-2.0 */
/* cloudhsm.c — DescribeClusters: request, retries, error mapping, parsing. */
#include "cloudhsm.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "http.h"
#include "sigv4.h"

#define SIGNING_NAME "cloudhsm"
#define TARGET "BaldrApiService.DescribeClusters"
#define JSON_TYPE "application/x-amz-json-1.1"
#define MAX_PAGES 100
/* ids in one call's clusterIds filter (the API documents no limit; a
 * bigger fleet takes more calls) */
#define CLUSTER_IDS_PER_CALL 100

static char *dup_or_null(json_object *o, const char *key)
{
  json_object *v;
  if (o && json_object_object_get_ex(o, key, &v) &&
      json_object_is_type(v, json_type_string))
    return cp_xstrdup(json_object_get_string(v));
  return NULL;
}

void cluster_info_release(struct cluster_info *c)
{
  size_t i;
  for (i = 0; i < c->nhsms; i++) {
    free(c->hsms[i].hsm_id);
    free(c->hsms[i].state);
    free(c->hsms[i].eni_ip);
    free(c->hsms[i].eni_ip_v6);
    free(c->hsms[i].az);
  }
  free(c->hsms);
  free(c->cluster_id);
  free(c->state);
  free(c->state_message);
  free(c->hsm_type);
  free(c->network_type);
  free(c->security_group);
  free(c->vpc_id);
  free(c->cluster_certificate);
  memset(c, 0, sizeof(*c));
}

static char *copy_or_null(const char *s)
{
  return s ? cp_xstrdup(s) : NULL;
}

void cluster_info_copy(struct cluster_info *dst, const struct cluster_info *src)
{
  size_t i;

  memset(dst, 0, sizeof(*dst));
  dst->cluster_id = copy_or_null(src->cluster_id);
  dst->state = copy_or_null(src->state);
  dst->state_message = copy_or_null(src->state_message);
  dst->hsm_type = copy_or_null(src->hsm_type);
  dst->network_type = copy_or_null(src->network_type);
  dst->security_group = copy_or_null(src->security_group);
  dst->vpc_id = copy_or_null(src->vpc_id);
  dst->cluster_certificate = copy_or_null(src->cluster_certificate);
  dst->hsms = cp_xcalloc(src->nhsms + 1, sizeof(*dst->hsms));
  dst->nhsms = src->nhsms;
  for (i = 0; i < src->nhsms; i++) {
    dst->hsms[i] = src->hsms[i]; /* then every owned string anew */
    dst->hsms[i].hsm_id = copy_or_null(src->hsms[i].hsm_id);
    dst->hsms[i].state = copy_or_null(src->hsms[i].state);
    dst->hsms[i].eni_ip = copy_or_null(src->hsms[i].eni_ip);
    dst->hsms[i].eni_ip_v6 = copy_or_null(src->hsms[i].eni_ip_v6);
    dst->hsms[i].az = copy_or_null(src->hsms[i].az);
  }
}

/* "malformed API answer": what is wrong is also err->why, so that a saved
 * answer's caller can name its file instead of the endpoint. */
static enum cp_err bad_answer_fix(const char *file, int line, const char *what,
                                  const char *fix, struct cp_errbuf *err)
{
  enum cp_err rc = cp_fail(err, CP_E_API, file, line,
                           "malformed API answer (DescribeClusters): %s. %s",
                           what, fix);
  cp_err_why(err, "%s", what);
  return rc;
}

static enum cp_err bad_answer(const char *file, int line, const char *what,
                              struct cp_errbuf *err)
{
  return bad_answer_fix(file, line, what,
                        "Check --endpoint points at the CloudHSMv2 API", err);
}

static enum cp_err parse_cluster(json_object *c, struct cluster_info *out,
                                 struct cp_errbuf *err)
{
  json_object *hsms, *certs;
  size_t i, n;

  out->cluster_id = dup_or_null(c, "ClusterId");
  out->state = dup_or_null(c, "State");
  out->state_message = dup_or_null(c, "StateMessage");
  out->hsm_type = dup_or_null(c, "HsmType");
  out->network_type = dup_or_null(c, "NetworkType");
  out->security_group = dup_or_null(c, "SecurityGroup");
  out->vpc_id = dup_or_null(c, "VpcId");
  if (json_object_object_get_ex(c, "Certificates", &certs) &&
      json_object_is_type(certs, json_type_object))
    out->cluster_certificate = dup_or_null(certs, "ClusterCertificate");
  if (out->cluster_certificate && !*out->cluster_certificate) {
    free(out->cluster_certificate);
    out->cluster_certificate = NULL;
  }
  if (!json_object_object_get_ex(c, "Hsms", &hsms) ||
      json_object_is_type(hsms, json_type_null))
    return CP_OK;
  if (!json_object_is_type(hsms, json_type_array))
    return bad_answer(CP_HERE, "Hsms is not a list", err);
  n = json_object_array_length(hsms);
  out->hsms = cp_xcalloc(n, sizeof(*out->hsms));
  for (i = 0; i < n; i++) {
    json_object *h = json_object_array_get_idx(hsms, i);
    if (!json_object_is_type(h, json_type_object))
      return bad_answer(CP_HERE, "an HSM is not an object", err);
    out->hsms[i].hsm_id = dup_or_null(h, "HsmId");
    out->hsms[i].state = dup_or_null(h, "State");
    out->hsms[i].eni_ip = dup_or_null(h, "EniIp");
    out->hsms[i].eni_ip_v6 = dup_or_null(h, "EniIpV6");
    out->hsms[i].az = dup_or_null(h, "AvailabilityZone");
    out->nhsms++;
  }
  return CP_OK;
}

/* The clusters asked for at once: ids[i], when found, is described in
 * out[i] and found[i] is 1. */
struct wanted {
  const char *const *ids;
  size_t n;
  struct cluster_info *out;
  int *found;
};

/* Finds the wanted clusters in a list of cluster objects. */
static enum cp_err find_clusters(json_object *clusters, const struct wanted *w,
                                 struct cp_errbuf *err)
{
  size_t i, k;

  if (!json_object_is_type(clusters, json_type_array))
    return bad_answer(CP_HERE, "Clusters is not a list", err);
  for (i = 0; i < json_object_array_length(clusters); i++) {
    json_object *c = json_object_array_get_idx(clusters, i), *id;
    enum cp_err rc;
    if (!json_object_is_type(c, json_type_object) ||
        !json_object_object_get_ex(c, "ClusterId", &id) ||
        !json_object_is_type(id, json_type_string))
      return bad_answer_fix(CP_HERE, "a cluster has no ClusterId",
                            "Check --endpoint", err);
    for (k = 0; k < w->n; k++) {
      if (w->found[k] || strcmp(json_object_get_string(id), w->ids[k]))
        continue;
      w->found[k] = 1;
      if ((rc = parse_cluster(c, &w->out[k], err)) != CP_OK)
        return rc;
    }
  }
  return CP_OK;
}

static json_object *parse_json(const char *json, size_t len)
{
  struct json_tokener *tok = json_tokener_new();
  json_object *root = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;

  json_tokener_free(tok);
  return root;
}

/* What a page's (or a saved answer's) list of cluster objects is given to:
 * the clusters wanted by id, or those with a tag. enough(): no more pages
 * are needed. */
struct visitor {
  enum cp_err (*visit)(json_object *clusters, void *ctx, struct cp_errbuf *err);
  int (*enough)(void *ctx);
  void *ctx;
};

static enum cp_err visit_wanted(json_object *clusters, void *ctx,
                                struct cp_errbuf *err)
{
  return find_clusters(clusters, ctx, err);
}

static int all_found(void *ctx)
{
  const struct wanted *w = ctx;
  size_t k;

  for (k = 0; k < w->n; k++)
    if (!w->found[k])
      return 0;
  return 1;
}

static enum cp_err parse_page(const char *json, size_t len,
                              const struct visitor *v, char **next_token,
                              struct cp_errbuf *err)
{
  json_object *root = parse_json(json, len), *clusters;
  enum cp_err rc = CP_OK;

  *next_token = NULL;
  if (!root || !json_object_is_type(root, json_type_object)) {
    rc = bad_answer_fix(CP_HERE, "it is not a JSON object",
                        "Check --endpoint and any proxy in between", err);
    goto out;
  }
  *next_token = dup_or_null(root, "NextToken");
  if (json_object_object_get_ex(root, "Clusters", &clusters) &&
      !json_object_is_type(clusters, json_type_null))
    rc = v->visit(clusters, v->ctx, err);
out:
  json_object_put(root);
  return rc;
}

enum cp_err cloudhsm_parse_describe(const char *json, size_t len,
                                    const char *cluster_id,
                                    struct cluster_info *out, int *found,
                                    char **next_token, struct cp_errbuf *err)
{
  struct wanted w = {&cluster_id, 1, out, found};
  const struct visitor v = {visit_wanted, all_found, &w};

  *found = 0;
  return parse_page(json, len, &v, next_token, err);
}

static enum cp_err parse_saved(const char *json, size_t len,
                               const struct visitor *v, struct cp_errbuf *err)
{
  json_object *root = parse_json(json, len), *wrap = NULL, *clusters;
  enum cp_err rc = CP_OK;

  if (root && json_object_is_type(root, json_type_array)) {
    rc = v->visit(root, v->ctx, err); /* --query Clusters */
  } else if (root && json_object_is_type(root, json_type_object) &&
             json_object_object_get_ex(root, "ClusterId", NULL)) {
    wrap = json_object_new_array(); /* --query 'Clusters[0]' */
    json_object_array_add(wrap, json_object_get(root));
    rc = v->visit(wrap, v->ctx, err);
  } else if (root && json_object_is_type(root, json_type_object)) {
    if (json_object_object_get_ex(root, "Clusters", &clusters) &&
        !json_object_is_type(clusters, json_type_null))
      rc = v->visit(clusters, v->ctx, err);
  } else {
    rc = bad_answer_fix(CP_HERE, "it is not a JSON object or list",
                        "Check --endpoint and any proxy in between", err);
  }
  json_object_put(wrap);
  json_object_put(root);
  return rc;
}

enum cp_err cloudhsm_parse_saved(const char *json, size_t len,
                                 const char *cluster_id,
                                 struct cluster_info *out, int *found,
                                 struct cp_errbuf *err)
{
  struct wanted w = {&cluster_id, 1, out, found};
  const struct visitor v = {visit_wanted, all_found, &w};

  *found = 0;
  return parse_saved(json, len, &v, err);
}

enum cp_err cloudhsm_parse_saved_many(const char *json, size_t len,
                                      const char *const *ids, size_t n,
                                      struct cluster_info *out, int *found,
                                      struct cp_errbuf *err)
{
  struct wanted w = {ids, n, out, found};
  const struct visitor v = {visit_wanted, all_found, &w};

  memset(found, 0, n * sizeof(*found));
  return parse_saved(json, len, &v, err);
}

/* ---- errors ------------------------------------------------------------ */

/* HTML or XML where JSON was expected: a proxy's or a captive portal's page. */
static int starts_with_markup(const char *body)
{
  return body[strspn(body, " \t\r\n")] == '<';
}

static enum cp_err map_error(const struct aws_client *c,
                             const struct http_resp *rs,
                             const struct aws_error *e, const char *cluster_id,
                             struct cp_errbuf *err)
{
  const char *rid = e->request_id[0] ? e->request_id : "none";

  /* our own short why and fix first (SSM shows ~235 characters), then
   * what AWS said */
  if (!strncmp(e->code, "AccessDenied", 12) ||
      !strcmp(e->code, "CloudHsmAccessDeniedException"))
    return cp_fail(
        err, CP_E_API_ACCESS, __FILE__, __LINE__,
        "access denied (%s): these credentials (from %s) may not "
        "call DescribeClusters. The role needs "
        "cloudhsm:DescribeClusters (AWS said: %.160s; request id %s)",
        cluster_id, c->creds->source, e->message[0] ? e->message : e->code,
        rid);
  if (!strcmp(e->code, "UnrecognizedClientException") ||
      !strcmp(e->code, "InvalidClientTokenId") ||
      !strcmp(e->code, "InvalidSignatureException") ||
      !strcmp(e->code, "SignatureDoesNotMatch") ||
      !strcmp(e->code, "ExpiredTokenException") ||
      !strcmp(e->code, "IncompleteSignature"))
    return cp_fail(err, CP_E_API_ACCESS, __FILE__, __LINE__,
                   "credentials rejected (%s from %s): the API refused them. "
                   "Check the secret key and session token (AWS said: %.160s; "
                   "request id %s)",
                   e->code, c->creds->source,
                   e->message[0] ? e->message : "nothing", rid);
  if (!strcmp(e->code, "CloudHsmResourceNotFoundException"))
    return cp_fail(err, CP_E_API_NOT_FOUND, __FILE__, __LINE__,
                   "cluster not found (%s): no such cluster in region %s. "
                   "Check --region: a wrong region is the usual cause (AWS "
                   "said: %.160s)",
                   cluster_id, c->region, e->message);
  if (!e->code[0] && starts_with_markup(cp_buf_str(&rs->body)))
    return cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                   "unexpected answer from the endpoint (%s, HTTP %ld): it "
                   "sent HTML, not JSON (a proxy's page?). Check --endpoint "
                   "and proxy settings",
                   c->endpoint, rs->status);
  if (http_retryable_answer(rs->status, e->code))
    return cp_fail(err, CP_E_API_THROTTLED, __FILE__, __LINE__,
                   "API busy (%s, HTTP %ld): %s. Retried %d times; wait and "
                   "run again (request id %s)",
                   e->code[0] ? e->code : "no error code", rs->status,
                   e->message[0] ? e->message : "no message",
                   http_retry_attempts(c->http), rid);
  if (!e->code[0])
    return cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                   "unexpected answer from the endpoint (%s, HTTP %ld): it "
                   "is not the CloudHSMv2 API (a proxy's page?). Check "
                   "--endpoint and proxy settings",
                   c->endpoint, rs->status);
  return cp_fail(err, CP_E_API, __FILE__, __LINE__,
                 "API error (%s, HTTP %ld): the API refused the request. "
                 "Check the options given (AWS said: %.160s; request id %s)",
                 e->code, rs->status, e->message[0] ? e->message : "nothing",
                 rid);
}

/* ---- the call ------------------------------------------------------------ */

/* One page: the call, and a refusal said as an error. */
static enum cp_err call_page(struct aws_client *c, const char *body,
                             const char *cluster_id, struct http_resp *rs,
                             struct cp_errbuf *err)
{
  static const struct sigv4_header headers[] = {
      {"Content-Type", JSON_TYPE},
      {"X-Amz-Target", TARGET},
  };
  struct aws_error e;
  enum cp_err rc;

  rc = aws_call(c, SIGNING_NAME, headers, 2, body, 4u * 1024u * 1024u, rs,
                &e, err);
  if (rc == CP_OK && rs->status != 200)
    rc = map_error(c, rs, &e, cluster_id, err);
  return rc;
}

/* DescribeClusters with filters (taken; NULL: none), following NextToken
 * until v has enough or the pages end. subject names the call in errors.
 * *calls counts the pages asked for. */
static enum cp_err describe_pages(struct aws_client *c,
                                  json_object *filters, const char *subject,
                                  const struct visitor *v, int *calls,
                                  struct cp_errbuf *err)
{
  struct http_resp rs = HTTP_RESP_INIT;
  char *token = NULL;
  enum cp_err rc = CP_OK;
  int page, repeated;

  for (page = 0; page < MAX_PAGES; page++) {
    json_object *req = json_object_new_object();
    char *next = NULL;
    if (filters)
      json_object_object_add(req, "Filters", json_object_get(filters));
    if (token)
      json_object_object_add(req, "NextToken", json_object_new_string(token));
    (*calls)++;
    rc = call_page(c,
                   json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
                   subject, &rs, err);
    json_object_put(req);
    if (rc != CP_OK)
      break;
    if (starts_with_markup(cp_buf_str(&rs.body))) {
      rc = cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                   "unexpected answer from the endpoint (%s): it sent HTML, "
                   "not JSON (a proxy's page?). Check --endpoint and proxy "
                   "settings",
                   c->endpoint);
      break;
    }
    rc = parse_page(cp_buf_str(&rs.body), rs.body.len, v, &next, err);
    repeated = next && token && !strcmp(next, token);
    free(token);
    token = next;
    if (rc != CP_OK || !token || v->enough(v->ctx))
      break;
    if (repeated || page + 1 == MAX_PAGES) {
      rc = cp_fail(err, CP_E_API, __FILE__, __LINE__,
                   "pagination did not end (%s): after %d pages the API %s. "
                   "Check --endpoint points at the CloudHSMv2 API",
                   c->endpoint, page + 1,
                   repeated ? "sent the same NextToken again"
                            : "still sent a NextToken");
      break;
    }
  }
  free(token);
  http_resp_release(&rs);
  json_object_put(filters);
  return rc;
}

/* One DescribeClusters question for up to CLUSTER_IDS_PER_CALL of the
 * wanted ids. */
static enum cp_err describe_some(struct aws_client *c,
                                 struct wanted *w, int *calls,
                                 struct cp_errbuf *err)
{
  json_object *f = json_object_new_object(), *ids = json_object_new_array();
  const struct visitor v = {visit_wanted, all_found, w};
  size_t k;

  for (k = 0; k < w->n; k++)
    json_object_array_add(ids, json_object_new_string(w->ids[k]));
  json_object_object_add(f, "clusterIds", ids);
  return describe_pages(c, f, w->ids[0], &v, calls, err);
}

enum cp_err cloudhsm_describe_clusters(struct aws_client *c,
                                       const char *const *ids, size_t n,
                                       struct cluster_info *out, int *found,
                                       int *calls, struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  size_t at;

  memset(found, 0, n * sizeof(*found));
  for (at = 0; at < n && rc == CP_OK; at += CLUSTER_IDS_PER_CALL) {
    size_t k = n - at < CLUSTER_IDS_PER_CALL ? n - at : CLUSTER_IDS_PER_CALL;
    struct wanted w = {ids + at, k, out + at, found + at};
    rc = describe_some(c, &w, calls, err);
  }
  return rc;
}

enum cp_err cloudhsm_describe_cluster(struct aws_client *c,
                                      const char *cluster_id,
                                      struct cluster_info *out,
                                      struct cp_errbuf *err)
{
  int found = 0, calls = 0;
  enum cp_err rc;

  rc = cloudhsm_describe_clusters(c, &cluster_id, 1, out, &found, &calls, err);
  if (rc == CP_OK && !found)
    rc = cp_fail(err, CP_E_API_NOT_FOUND, __FILE__, __LINE__,
                 "cluster not found (%s): no such cluster in region %s. Check "
                 "--region: a wrong region is the usual cause",
                 cluster_id, c->region);
  return rc;
}

enum cp_err cloudhsm_probe_clock(struct aws_client *c, struct cp_errbuf *err)
{
  struct http_resp rs = HTTP_RESP_INIT;
  enum cp_err rc = call_page(c, "{\"MaxResults\":1}", "the clock", &rs, err);

  http_resp_release(&rs);
  return rc;
}

/* ---- clusters by tag ---------------------------------------------------- */

struct tag_search {
  const char *key, *value;
  struct cluster_match *m;
};

/* 1 when cluster object c's TagList holds key with value. */
static int has_tag(json_object *c, const char *key, const char *value)
{
  json_object *tags, *k, *v;
  size_t i;

  if (!json_object_object_get_ex(c, "TagList", &tags) ||
      !json_object_is_type(tags, json_type_array))
    return 0;
  for (i = 0; i < json_object_array_length(tags); i++) {
    json_object *t = json_object_array_get_idx(tags, i);
    if (json_object_is_type(t, json_type_object) &&
        json_object_object_get_ex(t, "Key", &k) &&
        json_object_object_get_ex(t, "Value", &v) &&
        json_object_is_type(k, json_type_string) &&
        json_object_is_type(v, json_type_string) &&
        !strcmp(json_object_get_string(k), key) &&
        !strcmp(json_object_get_string(v), value))
      return 1;
  }
  return 0;
}

static enum cp_err visit_tagged(json_object *clusters, void *ctx,
                                struct cp_errbuf *err)
{
  struct tag_search *ts = ctx;
  struct cluster_match *m = ts->m;
  size_t i;

  if (!json_object_is_type(clusters, json_type_array))
    return bad_answer(CP_HERE, "Clusters is not a list", err);
  for (i = 0; i < json_object_array_length(clusters); i++) {
    json_object *c = json_object_array_get_idx(clusters, i), *id;
    if (!json_object_is_type(c, json_type_object) ||
        !json_object_object_get_ex(c, "ClusterId", &id) ||
        !json_object_is_type(id, json_type_string))
      return bad_answer_fix(CP_HERE, "a cluster has no ClusterId",
                            "Check --endpoint", err);
    m->seen++;
    if (!has_tag(c, ts->key, ts->value))
      continue;
    m->ids = cp_xrealloc(m->ids, (m->n + 1) * sizeof(*m->ids));
    m->ids[m->n++] = cp_xstrdup(json_object_get_string(id));
  }
  return CP_OK;
}

static int every_page(void *ctx)
{
  (void)ctx; /* a tag can be on any page: all are read */
  return 0;
}

enum cp_err cloudhsm_find_by_tag(struct aws_client *c, const char *key,
                                 const char *value, struct cluster_match *m,
                                 int *calls, struct cp_errbuf *err)
{
  struct tag_search ts = {key, value, m};
  const struct visitor v = {visit_tagged, every_page, &ts};

  return describe_pages(c, NULL, key, &v, calls, err);
}

enum cp_err cloudhsm_parse_saved_by_tag(const char *json, size_t len,
                                        const char *key, const char *value,
                                        struct cluster_match *m,
                                        struct cp_errbuf *err)
{
  struct tag_search ts = {key, value, m};
  const struct visitor v = {visit_tagged, every_page, &ts};

  return parse_saved(json, len, &v, err);
}

void cluster_match_release(struct cluster_match *m)
{
  size_t i;

  for (i = 0; i < m->n; i++)
    free(m->ids[i]);
  free(m->ids);
  m->ids = NULL;
  m->n = m->seen = 0;
}
