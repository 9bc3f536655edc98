/* SPDX-License-Identifier: Apache-2.0 */
/* aws_keys.c — a set of AWS credentials: copied in, read from a JSON
 * answer, and wiped on release. */
#include "aws_keys.h"

#include <json-c/json.h>
#include <stdlib.h>

#include "cp_buf.h"

void aws_creds_release(struct aws_creds *c)
{
  free(c->access_key_id);
  cp_free_secret(c->secret_access_key);
  cp_free_secret(c->session_token);
  c->access_key_id = c->secret_access_key = c->session_token = NULL;
}

void aws_creds_set(struct aws_creds *c, const char *id, const char *secret,
                   const char *token, const char *source)
{
  aws_creds_release(c);
  c->access_key_id = cp_xstrdup(id);
  c->secret_access_key = cp_xstrdup(secret);
  c->session_token = token && *token ? cp_xstrdup(token) : NULL;
  c->source = source;
}

static const char *string_member(json_object *o, const char *key)
{
  json_object *v;

  if (!o || !json_object_object_get_ex(o, key, &v) ||
      !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

int aws_creds_from_json(json_object *o, const char *id_key,
                        const char *secret_key, const char *const *token_keys,
                        const char *source, struct aws_creds *out)
{
  const char *id = string_member(o, id_key);
  const char *sk = string_member(o, secret_key);
  const char *tok = NULL;

  if (!id || !sk)
    return 0;
  while (!tok && token_keys && *token_keys)
    tok = string_member(o, *token_keys++);
  aws_creds_set(out, id, sk, tok, source);
  return 1;
}
