/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.h — AWS Signature Version 4 with OpenSSL (HMAC-SHA256, SHA-256).
 *
 * The stages are public so tests compare each with the AWS suite files:
 * canonical request -> string to sign -> signature. The time is an input.
 * Outputs are appended to caller-owned cp_bufs. No secret is ever logged;
 * the secret and every derived key are wiped after use. */
#ifndef SIGV4_H
#define SIGV4_H

#include <stddef.h>
#include <time.h>

#include "cp_buf.h"
#include "cp_err.h"

struct sigv4_header {
  const char *name;
  const char *value;
};

/* What the canonical request is made of. path and query are as sent on the
 * wire's request line, before any encoding for signing: the path is taken
 * as raw bytes and URI-encoded once; query parameters are decoded and
 * re-encoded, then sorted. Every header given is signed. */
struct sigv4_input {
  const char *method;
  const char *path;
  const char *query; /* without '?'; NULL or "" for none */
  const struct sigv4_header *headers;
  size_t nheaders;
  const char *payload_hash; /* lowercase hex SHA-256 of the body */
  int normalize_path;       /* remove "." "..", repeated slashes */
};

struct sigv4_creds {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL when none */
};

/* d's n bytes as lower-case hex, as SigV4 writes digests, into out
 * (2n + 1 bytes). */
void sigv4_hex(const unsigned char *d, size_t n, char *out);
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* Stage 1: the canonical request, and the signed header list. */
void sigv4_canonical_request(const struct sigv4_input *in, struct cp_buf *creq,
                             struct cp_buf *signed_headers);
/* Stage 2: "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex(sha256(creq))>". */
void sigv4_string_to_sign(const char *amz_date, const char *region,
                          const char *service, const struct cp_buf *creq,
                          struct cp_buf *out);
/* Stage 3: hex HMAC of the string to sign with the derived signing key. */
void sigv4_signature(const char *secret_access_key, const char *amz_date,
                     const char *region, const char *service,
                     const struct cp_buf *string_to_sign, char out[65]);

/* Signs a request to url for the Authorization header. headers are the
 * ones to send besides Host (taken from url), X-Amz-Date and
 * X-Amz-Security-Token (added here); all of them are signed. On success
 * out_headers receives a "Name: value\n" line for each header to send:
 * `headers`, X-Amz-Date, X-Amz-Security-Token (with a token) and
 * Authorization. A url without "scheme://host" is CP_E_INVALID. */
CP_MUST_USE enum cp_err
sigv4_sign_request(const struct sigv4_creds *creds, const char *region,
                   const char *service, time_t now, const char *method,
                   const char *url, const struct sigv4_header *headers,
                   size_t nheaders, const void *body, size_t body_len,
                   struct cp_buf *out_headers, struct cp_errbuf *err);

/* URI-encodes per SigV4: unreserved bytes as they are, others %XX; '/' kept
 * when keep_slash. */
void sigv4_uri_encode(const char *s, size_t len, int keep_slash,
                      struct cp_buf *out);

#endif
