/* SPDX-License-Identifier: Apache-2.0 */
/* aws_creds.h — AWS credentials from the standard chain, in the SDKs' order:
 * environment; the profile (role_arn with source_profile or
 * web_identity_token_file, IAM Identity Center, static keys,
 * credential_process); web identity from the environment; container
 * credentials (ECS/EKS); EC2 instance metadata v2.
 * The first source that yields credentials wins. A source that is
 * configured but fails stops the chain with its error. */
#ifndef AWS_CREDS_H
#define AWS_CREDS_H

#include "aws_keys.h"
#include "aws_profile.h"
#include "cp_err.h"
#include "http.h"

/* The chain. region is used for STS; every request goes through hs.
 * CP_E_NO_CREDENTIALS lists, in order, every source tried. */
CP_MUST_USE enum cp_err
aws_creds_resolve(const struct aws_profiles *profiles, const char *profile,
                  const char *region, const struct http_settings *hs,
                  struct aws_creds *out, struct cp_errbuf *err);

#endif
