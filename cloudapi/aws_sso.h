/* SPDX-License-Identifier: Apache-2.0 */
/* aws_sso.h — IAM Identity Center credentials, for the chain in
 * aws_creds.c (private to cloudapi/). */
#ifndef AWS_SSO_H
#define AWS_SSO_H

#include "aws_keys.h"
#include "aws_profile.h"
#include "cp_err.h"
#include "http.h"

/* IAM Identity Center (SSO): 1 when the profile names sso_session or
 * sso_start_url. */
int aws_sso_profile(const struct aws_profiles *p, const char *profile);
/* The role credentials of an SSO profile, as the AWS SDKs get them: the
 * token `aws sso login` cached in ~/.aws/sso/cache/<sha1>.json (sha1 of
 * the sso_session name, or of sso_start_url in the legacy form), then the
 * portal's GetRoleCredentials (AWS_ENDPOINT_URL_SSO overrides it). A
 * missing or expired token is CP_E_NO_CREDENTIALS saying to run
 * `aws sso login --profile P`; an incomplete profile CP_E_ENVIRONMENT. */
CP_MUST_USE enum cp_err aws_sso_credentials(const struct aws_profiles *p,
                                            const char *profile,
                                            const struct http_settings *hs,
                                            struct aws_creds *out,
                                            struct cp_errbuf *err);

#endif
