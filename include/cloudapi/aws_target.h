/* SPDX-License-Identifier: Apache-2.0 */
/* aws_target.h — which region and which endpoint a call goes to, and where
 * each came from (for --debug and show-endpoint).
 *
 * Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
 * the instance's region from instance metadata, then us-east-1.
 * Endpoint: --endpoint, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
 * profile's services section, the profile's endpoint_url (all but --endpoint
 * skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), then the partition
 * rule with FIPS and dual-stack variants. */
#ifndef AWS_TARGET_H
#define AWS_TARGET_H

#include "aws_profile.h"
#include "cp_err.h"

/* 1 when region looks like an AWS region ("us-east-1", "cn-north-1"). */
int aws_region_valid(const char *region);

struct http_settings;
/* hs: for the instance metadata question (may be NULL: defaults). Caller
 * frees *region. */
CP_MUST_USE enum cp_err
aws_region_resolve(const char *flag, const struct aws_profiles *p,
                   const char *profile, const struct http_settings *hs,
                   char **region, const char **source, struct cp_errbuf *err);

struct aws_service {
  const char *endpoint_env; /* "AWS_ENDPOINT_URL_CLOUDHSM_V2" */
  const char *config_key;   /* "cloudhsm_v2" in a services section */
  const char *host_prefix;  /* "cloudhsmv2" */
};
extern const struct aws_service aws_service_cloudhsmv2;
extern const struct aws_service aws_service_sts;
extern const struct aws_service aws_service_ec2;
extern const struct aws_service
    aws_service_sso; /* the IAM Identity Center portal */

/* fips/dualstack: -1 to read AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT
 * (and the profile's use_fips_endpoint / use_dualstack_endpoint). The URL is
 * checked: https, or http to a loopback address only. Caller frees *url. */
CP_MUST_USE enum cp_err
aws_endpoint_resolve(const struct aws_service *svc, const char *flag,
                     const char *region, int fips, int dualstack,
                     const struct aws_profiles *p, const char *profile,
                     char **url, const char **source, struct cp_errbuf *err);

#endif
