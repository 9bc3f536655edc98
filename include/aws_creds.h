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

#include "aws_profile.h"
#include "cp_buf.h"
#include "cp_err.h"
#include "http.h"

struct aws_creds {
  char *access_key_id;
  char *secret_access_key; /* wiped on release */
  char *session_token;     /* wiped on release; NULL when none */
  const char *source;      /* "environment", "profile default", ... */
};
#define AWS_CREDS_INIT {NULL, NULL, NULL, NULL}
void aws_creds_release(struct aws_creds *c);
/* Replaces c's keys with copies (token NULL or "": none). source is kept
 * as a pointer: a string literal. */
void aws_creds_set(struct aws_creds *c, const char *id, const char *secret,
                   const char *token, const char *source);

/* Keys from the string members of a JSON answer: id_key and secret_key
 * must be there; the token is the first of token_keys (NULL-ended) that is.
 * 1 on success; 0 when o is NULL or a key is missing (out untouched). */
struct json_object;
int aws_creds_from_json(struct json_object *o, const char *id_key,
                        const char *secret_key, const char *const *token_keys,
                        const char *source, struct aws_creds *out);

/* The chain. region is used for STS; every request goes through hs.
 * CP_E_NO_CREDENTIALS lists, in order, every source tried. */
CP_MUST_USE enum cp_err
aws_creds_resolve(const struct aws_profiles *profiles, const char *profile,
                  const char *region, const struct http_settings *hs,
                  struct aws_creds *out, struct cp_errbuf *err);

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

/* EC2 instance metadata v2: GET path (e.g. "placement/region") with a
 * session token, each request capped at 1 s. *reachable is 0 when no
 * metadata service answered; the service is asked once per run. */
CP_MUST_USE enum cp_err imds_get(const struct http_settings *hs,
                                 const char *path, struct cp_buf *out,
                                 int *reachable, struct cp_errbuf *err);

#endif
