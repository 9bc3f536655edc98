/* SPDX-License-Identifier: Apache-2.0 */
/* aws_call.c — a signed POST with retries, and what a refusal says. */
#include "aws_call.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_log.h"
#include "xml_tree.h"

/* The error in a refusal: JSON (__type or code, message), or XML (Code,
 * Message, RequestID: EC2, STS, and the front ends that answer auth
 * failures in XML). */
static void parse_error(const struct http_resp *rs, struct aws_error *e)
{
  json_object *o = json_tokener_parse(cp_buf_str(&rs->body)), *v;
  const char *type = rs->error_type, *hash;

  memset(e, 0, sizeof(*e));
  snprintf(e->request_id, sizeof(e->request_id), "%s", rs->request_id);
  if (!o && !*type) {
    struct xml_node *doc = xml_parse(cp_buf_str(&rs->body), rs->body.len);
    snprintf(e->code, sizeof(e->code), "%s", xml_text(xml_find(doc, "Code")));
    snprintf(e->message, sizeof(e->message), "%s",
             xml_text(xml_find(doc, "Message")));
    if (!e->request_id[0])
      snprintf(e->request_id, sizeof(e->request_id), "%s",
               xml_text(xml_find(doc, "RequestID")));
    xml_free(doc);
    return;
  }
  if (o && (json_object_object_get_ex(o, "__type", &v) ||
            json_object_object_get_ex(o, "code", &v)))
    type = json_object_get_string(v);
  hash = strrchr(type, '#');
  snprintf(e->code, sizeof(e->code), "%s", hash ? hash + 1 : type);
  e->code[strcspn(e->code, ":")] = '\0'; /* "Code:http://..." form */
  if (o && (json_object_object_get_ex(o, "message", &v) ||
            json_object_object_get_ex(o, "Message", &v)))
    snprintf(e->message, sizeof(e->message), "%s", json_object_get_string(v));
  json_object_put(o);
}

static void note_clock(struct aws_client *c, const struct http_resp *rs)
{
  long long server = http_date_parse(rs->date);
  if (server > 0)
    c->skew_seconds = (long)(server - (long long)http_now(c->http));
}

/* The API refused the signature's time: worth one more try once the clock
 * offset is known, when it is more than 4 minutes. */
static int clock_skew_error(const char *code)
{
  return !strcmp(code, "RequestTimeTooSkewed") ||
         !strcmp(code, "RequestExpired") ||
         !strcmp(code, "RequestInTheFuture") ||
         !strcmp(code, "InvalidSignatureException") ||
         !strcmp(code, "AuthFailure");
}

static enum cp_err one_request(const struct aws_client *c, const char *service,
                               const struct sigv4_header *h, size_t nh,
                               const char *body, size_t max_answer,
                               struct http_resp *rs, struct cp_errbuf *err)
{
  struct cp_buf hdrs = CP_BUF_INIT;
  struct http_req rq = {0};
  struct sigv4_creds sc = {c->creds->access_key_id,
                           c->creds->secret_access_key,
                           c->creds->session_token};
  enum cp_err rc;

  CP_TRY(rc, sigv4_sign_request(&sc, c->region, service,
                                http_now(c->http) + c->skew_seconds, "POST",
                                c->endpoint, h, nh, body, strlen(body), &hdrs,
                                err));
  rq.method = "POST";
  rq.url = c->endpoint;
  rq.headers = cp_buf_str(&hdrs);
  rq.body = body;
  rq.body_len = strlen(body);
  rq.max_body = max_answer;
  rc = http_perform(c->http, &rq, rs, err);
out:
  cp_buf_release_secure(&hdrs);
  return rc;
}

enum cp_err aws_call(struct aws_client *c, const char *service,
                     const struct sigv4_header *h, size_t nh, const char *body,
                     size_t max_answer, struct http_resp *rs,
                     struct aws_error *e, struct cp_errbuf *err)
{
  int attempts = http_retry_attempts(c->http), i;
  int skew_retried = 0;
  enum cp_err rc = CP_OK;

  memset(e, 0, sizeof(*e));
  for (i = 1; i <= attempts; i++) {
    http_resp_reset(rs);
    rc = one_request(c, service, h, nh, body, max_answer, rs, err);
    if (rc == CP_OK && rs->status == 200) {
      note_clock(c, rs); /* doctor --api reports it */
      return CP_OK;
    }
    if (rc == CP_OK) {
      parse_error(rs, e);
      note_clock(c, rs);
      if (!skew_retried && clock_skew_error(e->code) &&
          labs(c->skew_seconds) > 240) {
        cp_log(CP_LOG_DEBUG, "clock is %ld s off the server's; signing again",
               c->skew_seconds);
        skew_retried = 1;
        i--; /* a corrected signature is not a retry of the same request */
        continue;
      }
      if (!http_retryable_answer(rs->status, e->code) || i == attempts)
        return CP_OK;
      cp_log(CP_LOG_DEBUG, "attempt %d: HTTP %ld %s; retrying", i, rs->status,
             e->code);
    } else if (!http_retryable_failure(rc) || i == attempts) {
      return rc;
    } else {
      cp_log(CP_LOG_DEBUG, "attempt %d: %s; retrying", i, err->text);
    }
    CP_TRY(rc, http_retry_pause(c->http, i, err));
  }
out:
  return rc;
}

void aws_form_add(struct cp_buf *body, const char *key, const char *value)
{
  cp_buf_printf(body, "%s%s=", body->len ? "&" : "", key);
  sigv4_uri_encode(value, strlen(value), 0, body);
}
