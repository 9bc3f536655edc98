/* SPDX-License-Identifier: Apache-2.0 */
/* aws_keys.h — one set of AWS credentials, whichever source gave it. The
 * struct owns its strings; aws_creds_release() wipes the secrets. */
#ifndef AWS_KEYS_H
#define AWS_KEYS_H

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

#endif
