/* SPDX-License-Identifier: Apache-2.0 */
/* aws_creds.h — AWS credentials from the standard chain, in the SDKs' order:
 * environment; the profile (static keys, credential_process, role_arn with
 * source_profile, web_identity_token_file); web identity from the
 * environment; container credentials (ECS/EKS); EC2 instance metadata v2.
 * The first source that yields credentials wins. A source that is
 * configured but fails stops the chain with its error. */
#ifndef AWS_CREDS_H
#define AWS_CREDS_H

#include "aws_profile.h"
#include "cp_buf.h"
#include "cp_err.h"

struct aws_creds {
  char *access_key_id;
  char *secret_access_key; /* wiped on release */
  char *session_token;     /* wiped on release; NULL when none */
  const char *source;      /* "environment", "profile default", ... */
};
#define AWS_CREDS_INIT {NULL, NULL, NULL, NULL}
void aws_creds_release(struct aws_creds *c);

/* The chain. region is used for STS. CP_E_NO_CREDENTIALS lists, in order,
 * every source tried. */
CP_MUST_USE enum cp_err aws_creds_resolve(const struct aws_profiles *profiles,
                                          const char *profile,
                                          const char *region,
                                          struct aws_creds *out);

/* EC2 instance metadata v2: GET path (e.g. "placement/region") with a
 * session token. *reachable is 0 when no metadata service answered. */
CP_MUST_USE enum cp_err imds_get(const char *path, struct cp_buf *out,
                                 int *reachable);

#endif
