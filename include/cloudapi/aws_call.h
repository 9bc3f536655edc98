/* SPDX-License-Identifier: Apache-2.0 */
/* aws_call.h — one signed POST to an AWS API (CloudHSMv2's JSON 1.1, EC2's
 * Query API): SigV4, the retries of http.h's policy (standard mode: 3 tries,
 * jittered backoff, on throttling, 5xx, connection errors and timeouts), and
 * one signing again with the server's clock when the API refuses the
 * signature's time, as the AWS SDKs do. */
#ifndef AWS_CALL_H
#define AWS_CALL_H

#include <stddef.h>

#include "aws_creds.h"
#include "cp_buf.h"
#include "cp_err.h"
#include "http.h"
#include "sigv4.h"

struct aws_client {
  const char *endpoint; /* "https://cloudhsmv2.us-east-1.amazonaws.com" */
  const char *region;   /* the signing region */
  const struct aws_creds *creds;
  const struct http_settings *http;
  long skew_seconds; /* server clock minus ours, learnt from the answers'
                        Date; starts at 0 */
};

/* What an API said when it refused a request: the error code (JSON's
 * __type or code without its namespace, or XML's Code), the message and the
 * request id (header, or XML's RequestID), each "" when not said. */
struct aws_error {
  char code[128];
  char message[512];
  char request_id[96];
};

/* Signs body (with the nh headers h, which are sent and signed) for the
 * service's signing name, and POSTs it to c->endpoint. CP_OK when the API
 * answered: rs->status is 200, or the final refusal is in *e (throttling
 * and 5xx are retried first). A failure to reach the API, after its
 * retries, is its own error. Every answer's Date updates c->skew_seconds. */
CP_MUST_USE enum cp_err aws_call(struct aws_client *c, const char *service,
                                 const struct sigv4_header *h, size_t nh,
                                 const char *body, size_t max_answer,
                                 struct http_resp *rs, struct aws_error *e,
                                 struct cp_errbuf *err);

/* Appends key=value to a Query API body (form encoded, '&' between). */
void aws_form_add(struct cp_buf *body, const char *key, const char *value);

#endif
