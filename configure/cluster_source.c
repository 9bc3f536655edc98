/* SPDX-License-Identifier: Apache-2.0 */
/* cluster_source.c — describe a cluster: the API (waiting while it is not
 * ready) or a saved answer. */
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
#include "ec2.h"

#define DESCRIBE_MAX_BYTES (16u << 20)

const char *const cluster_source_ip_families[] = {"ipv4", "ipv6", "both", NULL};

void cluster_opts_init(struct cluster_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->connect_timeout = o->read_timeout = o->wait = -1;
}

static const char *ca_bundle_of(const struct cluster_opts *o)
{
  const char *b = o->ca_bundle ? o->ca_bundle : getenv("AWS_CA_BUNDLE");
  return b && *b ? b : NULL;
}

enum cp_err cluster_opts_check(const struct cluster_opts *s,
                               struct http_settings *http,
                               struct cp_errbuf *err)
{
  const struct http_settings defaults = HTTP_SETTINGS_INIT;
  enum cp_err rc = CP_OK;

  *http = defaults;

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
  http->ca_bundle = ca_bundle_of(s);
  http->connect_ms = s->connect_timeout >= 0 ? s->connect_timeout * 1000L : 0;
  http->read_ms = s->read_timeout >= 0 ? s->read_timeout * 1000L : 0;
  return CP_OK;
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

enum cp_err cluster_source_read_saved(const struct cluster_opts *s,
                                      struct cp_buf *raw,
                                      struct cp_errbuf *err)
{
  if (!strcmp(s->from_describe, "-"))
    return read_all_stdin(raw, err);
  return plat_read_file(s->from_describe, DESCRIBE_MAX_BYTES, raw, NULL,
                        CP_E_INVALID, err);
}

enum cp_err cluster_source_saved_invalid(const struct cluster_opts *s,
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

static enum cp_err from_saved(const struct cluster_opts *s,
                              struct cluster_answer *a, struct cp_errbuf *err)
{
  struct cp_buf raw = CP_BUF_INIT;
  int found = 0;
  enum cp_err rc;

  CP_TRY(rc, cluster_source_read_saved(s, &raw, err));
  rc = cloudhsm_parse_saved(cp_buf_str(&raw), raw.len, s->cluster_id, &a->ci,
                            &found, err);
  rc = cluster_source_saved_invalid(s, rc, err);
  if (rc == CP_OK && !found)
    rc = cp_fail(err, CP_E_API_NOT_FOUND, __FILE__, __LINE__,
                 "cluster not found (%s): the saved answer (%s) does not "
                 "describe it. Save it with aws cloudhsmv2 describe-clusters "
                 "--filters clusterIds=%s",
                 s->cluster_id, s->from_describe, s->cluster_id);
  if (rc == CP_OK && s->region)
    a->region_used = cp_xstrdup(s->region);
out:
  cp_buf_release(&raw);
  return rc;
}

/* ---- the API ------------------------------------------------------------- */

enum cp_err cluster_source_target(const struct cluster_opts *s,
                                  const struct http_settings *http,
                                  struct aws_profiles **profiles, char **region,
                                  char **endpoint, const char **region_src,
                                  const char **endpoint_src,
                                  struct cp_errbuf *err)
{
  const char *profile;
  enum cp_err rc;

  *endpoint = *region = NULL;
  CP_TRY(rc, aws_profiles_load(profiles, err));
  profile = aws_profile_name(s->profile);
  CP_TRY(rc, aws_region_resolve(s->region, *profiles, profile, http, region,
                                region_src, err));
  cp_log(CP_LOG_DEBUG, "region: %s (from %s)", *region, *region_src);
  CP_TRY(rc, aws_endpoint_resolve(&aws_service_cloudhsmv2, s->endpoint,
                                  *region, s->fips ? 1 : -1,
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

/* Where the calls go and who signs them: one region's client. */
struct api_session {
  struct aws_profiles *profiles;
  struct aws_creds creds;
  char *endpoint, *region; /* owned */
  struct aws_client client;
};

static enum cp_err session_open(const struct cluster_opts *s,
                                const struct http_settings *http,
                                struct api_session *api, struct cp_errbuf *err)
{
  const char *region_src, *endpoint_src;
  enum cp_err rc;

  memset(api, 0, sizeof(*api));
  api->creds = (struct aws_creds)AWS_CREDS_INIT;
  CP_TRY(rc, cluster_source_target(s, http, &api->profiles, &api->region,
                                   &api->endpoint, &region_src, &endpoint_src,
                                   err));
  CP_TRY(rc, aws_creds_resolve(api->profiles, aws_profile_name(s->profile),
                               api->region, http, &api->creds, err));
  api->client.endpoint = api->endpoint;
  api->client.region = api->region;
  api->client.creds = &api->creds;
  api->client.http = http;
out:
  return rc;
}

static void session_close(struct api_session *api)
{
  aws_creds_release(&api->creds);
  aws_profiles_free(api->profiles);
  free(api->endpoint);
  free(api->region);
}

static enum cp_err from_api(const struct cluster_opts *s,
                            const struct http_settings *http,
                            struct cluster_answer *a, struct cp_errbuf *err)
{
  struct api_session api;
  struct cluster_wait w;
  char why[128];
  enum cp_err rc;

  CP_TRY(rc, session_open(s, http, &api, err));
  a->region_used = cp_xstrdup(api.region);
  cluster_wait_start(&w, http, s->wait);
  for (;;) {
    cluster_info_release(&a->ci);
    CP_TRY(rc, cloudhsm_describe_cluster(&api.client, s->cluster_id, &a->ci,
                                         err));
    rc = cluster_answer_check(a, s->ip_family, s->wait >= 0, err);
    if (rc != CP_E_CLUSTER_STATE || s->wait < 0 ||
        cluster_state_gone(a->ci.state))
      break;
    cluster_answer_not_ready_why(a, why, sizeof(why));
    cp_errbuf_clear(err); /* not a failure yet: we wait */
    if (!cluster_wait_more(&w, http)) {
      rc = cp_fail(err, CP_E_CLUSTER_STATE, __FILE__, __LINE__,
                   "cluster not ready after %ld s (%s): %s. Wait longer "
                   "(--wait <seconds>) or check the cluster in the console",
                   cluster_wait_waited_s(&w, http), s->cluster_id, why);
      break;
    }
    cp_log(CP_LOG_INFO, "waiting for %s: %s; next check in %ld s",
           s->cluster_id, why, w.pause_ms / 1000);
    CP_TRY(rc, cluster_wait_pause(&w, http, err));
  }
  if (rc == CP_OK || s->wait < 0)
    cluster_answer_warn(a); /* once, for the answer used (or refused) */
out:
  session_close(&api);
  return rc;
}

enum cp_err cluster_source_fetch(const struct cluster_opts *o,
                                 const struct http_settings *http,
                                 struct cluster_answer *a,
                                 struct cp_errbuf *err)
{
  enum cp_err rc;

  cluster_answer_release(a);
  a->cluster_id = cp_xstrdup(o->cluster_id);
  if (o->from_describe) {
    CP_TRY(rc, from_saved(o, a, err));
    rc = cluster_answer_accept(a, o->ip_family, 0, err);
  } else {
    CP_TRY(rc, from_api(o, http, a, err));
    rc = cluster_answer_need_certificate(a, err);
  }
out:
  return rc;
}

/* ---- a cluster by its tag ------------------------------------------------ */

/* "Name=payments" into key and value (owned by the caller's buffer). */
static enum cp_err split_tag(const char *tag, char *key, size_t n,
                             const char **value, struct cp_errbuf *err)
{
  const char *eq = strchr(tag, '=');

  if (!eq || eq == tag || (size_t)(eq - tag) >= n)
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "invalid tag (--cluster-tag %s): it is not KEY=VALUE. "
                   "Give one like Name=payments",
                   tag);
  memcpy(key, tag, (size_t)(eq - tag));
  key[eq - tag] = '\0';
  *value = eq + 1;
  return CP_OK;
}

/* The matches, as a message lists them: "cluster-a, cluster-b". */
static char *match_list(const struct cluster_match *m)
{
  struct cp_buf b = CP_BUF_INIT;
  size_t i;

  for (i = 0; i < m->n; i++)
    cp_buf_printf(&b, "%s%s", i ? ", " : "", m->ids[i]);
  return cp_buf_detach(&b);
}

enum cp_err cluster_source_find_tagged(const struct cluster_opts *o,
                                       const struct http_settings *http,
                                       char **id, struct cp_errbuf *err)
{
  struct cluster_match m = CLUSTER_MATCH_INIT;
  struct api_session api;
  struct cp_buf raw = CP_BUF_INIT;
  char key[256], *list = NULL;
  const char *value = NULL, *where;
  int calls = 0, opened = 0;
  enum cp_err rc;

  *id = NULL;
  CP_TRY(rc, split_tag(o->cluster_tag, key, sizeof(key), &value, err));
  if (o->from_describe) {
    CP_TRY(rc, cluster_source_read_saved(o, &raw, err));
    rc = cloudhsm_parse_saved_by_tag(cp_buf_str(&raw), raw.len, key, value,
                                     &m, err);
    CP_TRY(rc, cluster_source_saved_invalid(o, rc, err));
    where = o->from_describe;
  } else {
    opened = 1; /* closed even when the open stops halfway */
    CP_TRY(rc, session_open(o, http, &api, err));
    CP_TRY(rc, cloudhsm_find_by_tag(&api.client, key, value, &m, &calls, err));
    where = api.region;
    cp_log(CP_LOG_DEBUG, "--cluster-tag %s: %zu of %zu clusters in %s (%d "
           "call%s)", o->cluster_tag, m.n, m.seen, where, calls,
           calls == 1 ? "" : "s");
  }
  list = match_list(&m);
  if (m.n == 0)
    CP_FAIL(rc, CP_E_API_NOT_FOUND,
            "no cluster has the tag (--cluster-tag %s): none of the %zu "
            "cluster%s in %s has it. Check the tag and --region, or give "
            "--cluster-id",
            o->cluster_tag, m.seen, m.seen == 1 ? "" : "s", where);
  if (m.n > 1)
    CP_FAIL(rc, CP_E_INVALID,
            "several clusters have the tag (--cluster-tag %s): %s. Give "
            "--cluster-id with the one to add",
            o->cluster_tag, list);
  *id = cp_xstrdup(m.ids[0]);
  cp_log(CP_LOG_INFO, "--cluster-tag %s is %s", o->cluster_tag, *id);
out:
  if (opened)
    session_close(&api);
  free(list);
  cp_buf_release(&raw);
  cluster_match_release(&m);
  return rc;
}

enum cp_err cluster_source_describe_many(const struct cluster_opts *o,
                                         const struct http_settings *http,
                                         const char *const *ids, size_t n,
                                         struct cluster_info *out, int *found,
                                         long *skew_s, char **region,
                                         struct cp_errbuf *err)
{
  struct api_session api;
  int calls = 0;
  enum cp_err rc;

  *skew_s = 0;
  *region = NULL;
  CP_TRY(rc, session_open(o, http, &api, err));
  *region = cp_xstrdup(api.region);
  if (n)
    rc = cloudhsm_describe_clusters(&api.client, ids, n, out, found, &calls,
                                    err);
  else /* nothing to describe: one call for the clock alone */
    rc = cloudhsm_probe_clock(&api.client, err);
  *skew_s = api.client.skew_seconds;
out:
  session_close(&api);
  return rc;
}

enum cp_err cluster_source_client(const struct cluster_opts *o,
                                  const struct aws_service *svc,
                                  const struct aws_profiles *profiles,
                                  const struct aws_creds *creds,
                                  const char *region,
                                  const struct http_settings *http,
                                  struct aws_client *c, char **endpoint,
                                  struct cp_errbuf *err)
{
  const char *src;
  enum cp_err rc;

  *endpoint = NULL;
  rc = aws_endpoint_resolve(svc, svc == &aws_service_cloudhsmv2 ? o->endpoint
                                                                : NULL,
                            region, o->fips ? 1 : -1, o->dualstack ? 1 : -1,
                            profiles, aws_profile_name(o->profile), endpoint,
                            &src, err);
  if (rc != CP_OK)
    return rc;
  cp_log(CP_LOG_DEBUG, "%s endpoint in %s: %s (from %s)", svc->config_key,
         region, *endpoint, src);
  memset(c, 0, sizeof(*c));
  c->endpoint = *endpoint;
  c->region = region;
  c->creds = creds;
  c->http = http;
  return CP_OK;
}

enum cp_err cluster_source_security_groups(const struct cluster_opts *o,
                                           const struct http_settings *http,
                                           const char *const *ids, size_t n,
                                           struct sg_list *out,
                                           struct cp_errbuf *err)
{
  struct api_session api;
  struct aws_client ec2;
  char *endpoint = NULL;
  enum cp_err rc;

  CP_TRY(rc, session_open(o, http, &api, err));
  CP_TRY(rc, cluster_source_client(o, &aws_service_ec2, api.profiles,
                                   &api.creds, api.region, http, &ec2,
                                   &endpoint, err));
  rc = ec2_describe_security_groups(&ec2, ids, n, out, err);
out:
  free(endpoint);
  session_close(&api);
  return rc;
}
