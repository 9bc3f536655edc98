/* SPDX-License-Identifier: Apache-2.0 */
/* http.h — one HTTP request with libcurl. TLS verification is always on.
 * The response body is capped; timeouts bound every request. Proxies come
 * from HTTPS_PROXY / NO_PROXY as libcurl reads them. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "cp_buf.h"
#include "cp_err.h"

struct http_req {
  const char *method;        /* "GET", "PUT", "POST" */
  const char *url;
  const char *headers;       /* "Name: value\n" lines; may be NULL */
  const void *body;
  size_t body_len;
  long connect_timeout_ms;   /* 0: 10 s */
  long timeout_ms;           /* whole request; 0: 60 s */
  size_t max_body;           /* 0: 8 MiB */
  const char *ca_bundle;     /* NULL: the system's */
};

struct http_resp {
  long status;               /* 0 when no response came */
  struct cp_buf body;        /* owned */
  char request_id[96];       /* x-amzn-RequestId */
  char date[64];             /* Date */
  char error_type[128];      /* x-amzn-ErrorType */
};
#define HTTP_RESP_INIT {0, CP_BUF_INIT, "", "", ""}

/* CP_OK when a response came (whatever its status). CP_E_NETWORK for DNS,
 * connect, timeout, a body over the cap; CP_E_TLS for TLS failures. The
 * detail names the URL's host. */
CP_MUST_USE enum cp_err http_perform(const struct http_req *rq,
                                     struct http_resp *rs);
void http_resp_release(struct http_resp *rs);

/* Seconds since the epoch of an HTTP date ("Sun, 06 Nov 1994 08:49:37
 * GMT"), or -1 when it is not one. */
long long http_date_parse(const char *date);

/* Global init/cleanup of libcurl (call once from main). */
void http_global_init(void);
void http_global_cleanup(void);

/* The text of the first <tag>...</tag> in an XML answer (STS, or an error
 * page some front ends send), or NULL. Caller frees. */
char *http_xml_text(const char *xml, const char *tag);

#endif
