/* SPDX-License-Identifier: Apache-2.0 */
/* aws_target.c — region and endpoint resolution, as the AWS SDKs do it. */
#include "aws_target.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "http.h"
#include "imds.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"

const struct aws_service aws_service_cloudhsmv2 = {
    "AWS_ENDPOINT_URL_CLOUDHSM_V2", "cloudhsm_v2", "cloudhsmv2"};
const struct aws_service aws_service_sts = {"AWS_ENDPOINT_URL_STS", "sts",
                                            "sts"};
const struct aws_service aws_service_sso = {"AWS_ENDPOINT_URL_SSO", "sso",
                                            "portal.sso"};
const struct aws_service aws_service_ec2 = {"AWS_ENDPOINT_URL_EC2", "ec2",
                                            "ec2"};

int aws_region_valid(const char *r)
{
  size_t i, n = strlen(r);
  int dashes = 0;

  if (n < 4 || n > 32 || !islower((unsigned char)r[0]) ||
      !isdigit((unsigned char)r[n - 1]))
    return 0;
  for (i = 0; i < n; i++) {
    if (r[i] == '-') {
      if (r[i + 1] == '-' || r[i + 1] == '\0')
        return 0;
      dashes++;
    } else if (!islower((unsigned char)r[i]) && !isdigit((unsigned char)r[i])) {
      return 0;
    }
  }
  return dashes >= 2;
}

static enum cp_err bad_region(const char *file, int line, const char *region,
                              const char *where, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_INVALID, file, line,
                 "invalid region (%s): \"%s\" is not an AWS region name. Give "
                 "one like us-east-1",
                 where, region);
}

enum cp_err aws_region_resolve(const char *flag, const struct aws_profiles *p,
                               const char *profile,
                               const struct http_settings *hs, char **region,
                               const char **source, struct cp_errbuf *err)
{
  const char *v;
  struct cp_buf imds = CP_BUF_INIT;
  struct cp_errbuf ignored = CP_ERRBUF_INIT;
  int reachable = 0;
  enum cp_err rc = CP_OK;

  *region = NULL;
  if (flag) {
    if (!aws_region_valid(flag))
      return bad_region(CP_HERE, flag, "--region", err);
    *source = "--region";
    *region = cp_xstrdup(flag);
    return CP_OK;
  }
  if ((v = getenv("AWS_REGION")) && *v) {
    if (!aws_region_valid(v))
      return bad_region(CP_HERE, v, "AWS_REGION", err);
    *source = "AWS_REGION";
  } else if ((v = getenv("AWS_DEFAULT_REGION")) && *v) {
    if (!aws_region_valid(v))
      return bad_region(CP_HERE, v, "AWS_DEFAULT_REGION", err);
    *source = "AWS_DEFAULT_REGION";
  } else if ((v = aws_profile_get(p, profile, "region"))) {
    if (!aws_region_valid(v))
      return bad_region(CP_HERE, v, aws_profiles_config_path(p), err);
    *source = "profile";
  }
  if (v && *v) {
    *region = cp_xstrdup(v);
    return CP_OK;
  }
  /* optional: a failure here only means the default region */
  rc = imds_get(hs, "placement/region", &imds, &reachable, &ignored);
  if (rc == CP_OK && reachable && aws_region_valid(cp_buf_str(&imds))) {
    *source = "instance metadata";
    *region = cp_buf_detach(&imds);
    return CP_OK;
  }
  cp_buf_release(&imds);
  cp_log(CP_LOG_DEBUG, "region: instance metadata gave none (%s)",
         cp_errbuf_text(&ignored, rc));
  /* the AWS CLI fails here; the original tool's users expect it to work
   * off EC2 too, so it goes on, saying so */
  cp_log(CP_LOG_WARN, "no region is set (--region, AWS_REGION, "
         "AWS_DEFAULT_REGION, the profile, instance metadata): using "
         "us-east-1; give --region if the cluster is elsewhere");
  *source = "default";
  *region = cp_xstrdup("us-east-1");
  return CP_OK;
}

/* The DNS suffix of the region's partition ("amazonaws.com", ...). */
static const char *aws_partition_suffix(const char *region, int dualstack)
{
  if (!strncmp(region, "cn-", 3))
    return dualstack ? "api.amazonwebservices.com.cn" : "amazonaws.com.cn";
  if (!strncmp(region, "us-isob-", 8))
    return "sc2s.sgov.gov";
  if (!strncmp(region, "us-isof-", 8))
    return "csp.hci.ic.gov";
  if (!strncmp(region, "us-iso-", 7))
    return "c2s.ic.gov";
  if (!strncmp(region, "eu-isoe-", 8))
    return "cloud.adc-e.uk";
  return dualstack ? "api.aws" : "amazonaws.com";
}

static int env_true(const char *name)
{
  const char *v = getenv(name);
  return v && !strcasecmp(v, "true");
}

static enum cp_err check_url(const char *url, const char *source,
                             struct cp_errbuf *err)
{
  struct http_url u;

  if (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7))
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "invalid endpoint (%s %s): it must start with https://. "
                   "Give a URL like https://cloudhsmv2.us-east-1.amazonaws.com",
                   source, url);
  if (http_url_parse(url, &u) != 0)
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "invalid endpoint (%s %s): it has no host, or a user name, "
                   "space or other part an endpoint cannot have. Give a URL "
                   "like https://cloudhsmv2.us-east-1.amazonaws.com",
                   source, url);
  if (u.plain_http && !u.loopback)
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "insecure endpoint (%s %s): plain http is allowed only "
                   "to a loopback address. Use https://",
                   source, url);
  return CP_OK;
}

enum cp_err aws_endpoint_resolve(const struct aws_service *svc,
                                 const char *flag, const char *region, int fips,
                                 int dualstack, const struct aws_profiles *p,
                                 const char *profile, char **url,
                                 const char **source, struct cp_errbuf *err)
{
  const char *v = NULL;
  enum cp_err rc;

  *url = NULL;
  if (flag) {
    v = flag;
    *source = "--endpoint";
  } else if (!env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") &&
             !(aws_profile_get(p, profile, "ignore_configured_endpoint_urls") &&
               !strcasecmp(aws_profile_get(p, profile,
                                           "ignore_configured_endpoint_urls"),
                           "true"))) {
    if ((v = getenv(svc->endpoint_env)) && *v)
      *source = svc->endpoint_env;
    else if ((v = getenv("AWS_ENDPOINT_URL")) && *v)
      *source = "AWS_ENDPOINT_URL";
    else if ((v = aws_profile_service_get(p, profile, svc->config_key,
                                          "endpoint_url")))
      *source = "profile services section";
    else if ((v = aws_profile_get(p, profile, "endpoint_url")))
      *source = "profile endpoint_url";
  }
  if (v && *v) {
    CP_TRY(rc, check_url(v, *source, err));
    *url = cp_xstrdup(v);
    while (strlen(*url) > 8 && (*url)[strlen(*url) - 1] == '/')
      (*url)[strlen(*url) - 1] = '\0';
    return CP_OK;
  }
  if (fips < 0) {
    const char *pv = aws_profile_get(p, profile, "use_fips_endpoint");
    fips = env_true("AWS_USE_FIPS_ENDPOINT") || (pv && !strcasecmp(pv, "true"));
  }
  if (dualstack < 0) {
    const char *pv = aws_profile_get(p, profile, "use_dualstack_endpoint");
    dualstack = env_true("AWS_USE_DUALSTACK_ENDPOINT") ||
                (pv && !strcasecmp(pv, "true"));
  }
  *url = cp_xasprintf("https://%s%s.%s.%s", svc->host_prefix,
                      fips ? "-fips" : "", region,
                      aws_partition_suffix(region, dualstack));
  *source = "partition rule";
  rc = CP_OK;
out:
  return rc;
}
