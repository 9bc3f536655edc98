/* SPDX-License-Identifier: Apache-2.0 */
/* imds.c — EC2 instance metadata service, version 2 (token, then GET). */
#include "imds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cp_log.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TIMEOUT_MS 1000L

/* What this run learnt of the endpoint imds_for: asked once per run. */
static char imds_for[512];
static char imds_token[256];
static int imds_unreachable;
static int imds_tokenless; /* the token request was refused: IMDSv1 */

static void learnt_for(const char *base)
{
  if (!strcmp(imds_for, base))
    return;
  snprintf(imds_for, sizeof(imds_for), "%s", base);
  imds_token[0] = '\0';
  imds_unreachable = imds_tokenless = 0;
}

static const char *imds_base(void)
{
  const char *e = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  return e && *e ? e : IMDS_DEFAULT;
}

static int imds_disabled(void)
{
  const char *e = getenv("AWS_EC2_METADATA_DISABLED");
  return e && !strcasecmp(e, "true");
}

static enum cp_err fetch_token(const struct http_settings *hs, int *reachable,
                               struct cp_errbuf *err)
{
  struct http_req rq = {0};
  struct http_resp rs = HTTP_RESP_INIT;
  char *url = cp_xasprintf("%s/latest/api/token", imds_base());
  enum cp_err rc;

  rq.method = "PUT";
  rq.url = url;
  rq.headers = "X-aws-ec2-metadata-token-ttl-seconds: 21600\n";
  rq.connect_ms = IMDS_TIMEOUT_MS;
  rq.read_ms = IMDS_TIMEOUT_MS;
  rq.max_body = 4096;
  rc = http_perform(hs, &rq, &rs, err);
  *reachable = rc == CP_OK;
  if (rc == CP_OK && rs.status == 200 && rs.body.len < sizeof(imds_token)) {
    /* it becomes a header value of every request after */
    if (!http_header_value_ok(cp_buf_str(&rs.body)))
      rc = cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "invalid instance metadata token (%s): it holds a line "
                   "break or another control character. Check what answers "
                   "there",
                   imds_base());
    else
      snprintf(imds_token, sizeof(imds_token), "%s", cp_buf_str(&rs.body));
  } else if (rc == CP_OK &&
             (rs.status == 403 || rs.status == 404 || rs.status == 405)) {
    /* botocore's rule: no token to be had here; ask without one (IMDSv1) */
    imds_tokenless = 1;
    cp_log(CP_LOG_DEBUG, "instance metadata at %s gave no token (HTTP %ld): "
           "asking without one (IMDSv1)", imds_base(), rs.status);
  } else if (rc == CP_OK)
    rc = cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "instance metadata refused a token (%s): HTTP %ld. Allow "
                 "IMDSv2 (hop limit 2 in containers)",
                 url, rs.status);
  free(url);
  http_resp_release(&rs);
  return rc;
}

enum cp_err imds_read(const struct http_settings *hs, const char *path,
                      struct cp_buf *out, long *status, int *reachable,
                      struct cp_errbuf *err)
{
  struct http_req rq = {0};
  struct http_resp rs = HTTP_RESP_INIT;
  char *url = NULL, *hdr = NULL;
  enum cp_err rc = CP_OK;

  *reachable = 0;
  *status = 0;
  if (imds_disabled())
    return CP_OK;
  learnt_for(imds_base());
  if (imds_unreachable)
    return CP_OK;
  {
    struct http_url u;
    if (http_url_parse(imds_base(), &u) != 0)
      return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                     "invalid instance metadata endpoint "
                     "(AWS_EC2_METADATA_SERVICE_ENDPOINT %.80s): it is not an "
                     "http(s) URL with a host and nothing else. Fix or unset "
                     "the variable",
                     imds_base());
  }
  if (!imds_token[0] && !imds_tokenless) {
    rc = fetch_token(hs, reachable, err);
    if (!*reachable) {
      imds_unreachable = 1; /* ask once per run */
      cp_log(CP_LOG_DEBUG, "instance metadata at %s: not reachable",
             imds_base());
      return CP_OK;
    }
    if (rc != CP_OK)
      return rc;
  }
  *reachable = 1;
  url = cp_xasprintf("%s/latest/meta-data/%s", imds_base(), path);
  hdr = imds_tokenless
            ? cp_xstrdup("")
            : cp_xasprintf("X-aws-ec2-metadata-token: %s\n", imds_token);
  rq.method = "GET";
  rq.url = url;
  rq.headers = hdr;
  rq.connect_ms = IMDS_TIMEOUT_MS;
  rq.read_ms = IMDS_TIMEOUT_MS;
  rq.max_body = 64 * 1024;
  CP_TRY(rc, http_perform(hs, &rq, &rs, err));
  *status = rs.status;
  if (rs.status == 200)
    cp_buf_add(out, cp_buf_str(&rs.body), rs.body.len);
out:
  http_resp_release(&rs);
  free(url);
  free(hdr);
  return rc;
}

enum cp_err imds_get(const struct http_settings *hs, const char *path,
                     struct cp_buf *out, int *reachable, struct cp_errbuf *err)
{
  long status;
  enum cp_err rc = imds_read(hs, path, out, &status, reachable, err);

  if (rc == CP_OK && *reachable && status != 200)
    rc = cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "instance metadata has no %s (%s): HTTP %ld. Attach an IAM "
                 "role to the instance, or give credentials another way",
                 path, imds_base(), status);
  return rc;
}
