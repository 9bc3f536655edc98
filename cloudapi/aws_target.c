/* SPDX-License-Identifier: Apache-2.0 */
/* aws_target.c — region and endpoint resolution, as the AWS SDKs do it. */
#include "aws_target.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_creds.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"

const struct aws_service aws_service_cloudhsmv2 = {
    "AWS_ENDPOINT_URL_CLOUDHSM_V2", "cloudhsm_v2", "cloudhsmv2"};
const struct aws_service aws_service_sts = {"AWS_ENDPOINT_URL_STS", "sts",
                                            "sts"};

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

static enum cp_err bad_region(const char *region, const char *where)
{
  return cp_fail(CP_E_INVALID, __FILE__, __LINE__,
                 "invalid region (%s): \"%s\" is not an AWS region name. Give "
                 "one like us-east-1",
                 where, region);
}

enum cp_err aws_region_resolve(const char *flag, const struct aws_profiles *p,
                               const char *profile, char **region,
                               const char **source)
{
  const char *v;
  struct cp_buf imds = CP_BUF_INIT;
  int reachable = 0;
  enum cp_err rc = CP_OK;

  *region = NULL;
  if (flag) {
    if (!aws_region_valid(flag))
      return bad_region(flag, "--region");
    *source = "--region";
    *region = cp_xstrdup(flag);
    return CP_OK;
  }
  if ((v = getenv("AWS_REGION")) && *v) {
    if (!aws_region_valid(v))
      return bad_region(v, "AWS_REGION");
    *source = "AWS_REGION";
  } else if ((v = getenv("AWS_DEFAULT_REGION")) && *v) {
    if (!aws_region_valid(v))
      return bad_region(v, "AWS_DEFAULT_REGION");
    *source = "AWS_DEFAULT_REGION";
  } else if ((v = aws_profile_get(p, profile, "region"))) {
    if (!aws_region_valid(v))
      return bad_region(v, aws_profiles_config_path(p));
    *source = "profile";
  }
  if (v && *v) {
    *region = cp_xstrdup(v);
    return CP_OK;
  }
  rc = imds_get("placement/region", &imds, &reachable);
  if (rc == CP_OK && reachable && aws_region_valid(cp_buf_str(&imds))) {
    *source = "instance metadata";
    *region = cp_buf_detach(&imds);
    return CP_OK;
  }
  cp_buf_release(&imds);
  cp_err_clear();
  *source = "default";
  *region = cp_xstrdup("us-east-1");
  return CP_OK;
}

const char *aws_partition_suffix(const char *region, int dualstack)
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

int aws_host_is_loopback(const char *h, size_t n)
{
  return (n == 9 && !strncasecmp(h, "localhost", 9)) ||
         (n >= 4 && !strncmp(h, "127.", 4)) || (n == 5 && !strncmp(h, "[::1]", 5));
}

size_t aws_url_host(const char *url, const char **host, int *plain_http)
{
  *plain_http = 0;
  if (!strncasecmp(url, "https://", 8)) {
    *host = url + 8;
  } else if (!strncasecmp(url, "http://", 7)) {
    *host = url + 7;
    *plain_http = 1;
  } else {
    *host = NULL;
    return 0;
  }
  return **host == '[' ? strcspn(*host, "]") + (strchr(*host, ']') ? 1 : 0)
                       : strcspn(*host, ":/?#");
}

static enum cp_err check_url(const char *url, const char *source)
{
  const char *host;
  int plain;
  size_t hn = aws_url_host(url, &host, &plain);

  if (!host)
    return cp_fail(CP_E_INVALID, __FILE__, __LINE__,
                   "invalid endpoint (%s %s): it must start with https://. "
                   "Give a URL like https://cloudhsmv2.us-east-1.amazonaws.com",
                   source, url);
  if (hn == 0 || strchr(url, ' ') || strchr(url, '\n'))
    return cp_fail(CP_E_INVALID, __FILE__, __LINE__,
                   "invalid endpoint (%s %s): it has no host. Give a URL like "
                   "https://cloudhsmv2.us-east-1.amazonaws.com",
                   source, url);
  if (plain && !aws_host_is_loopback(host, hn))
    return cp_fail(CP_E_INVALID, __FILE__, __LINE__,
                   "insecure endpoint (%s %s): plain http is allowed only "
                   "to a loopback address. Use https://",
                   source, url);
  return CP_OK;
}

enum cp_err aws_endpoint_resolve(const struct aws_service *svc,
                                 const char *flag, const char *region,
                                 int fips, int dualstack,
                                 const struct aws_profiles *p,
                                 const char *profile, char **url,
                                 const char **source)
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
    CP_TRY(rc, check_url(v, *source));
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
