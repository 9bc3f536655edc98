/* SPDX-License-Identifier: Apache-2.0 */
/* http.h — HTTP for every API call, behind one small table of operations.
 *
 * Every call (DescribeClusters, STS, the SSO portal, container credentials,
 * instance metadata) takes the same struct http_settings, built once by the
 * front end from its flags and the environment. The settings carry the
 * operations: libcurl, the wall clock, randomness and sleeping in the tool
 * (http_ops_system), a fake in unit tests. TLS verification is always on;
 * the response body is capped; timeouts bound every request; proxies come
 * from HTTPS_PROXY / NO_PROXY as libcurl reads them. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cp_buf.h"
#include "cp_err.h"

struct http_req {
  const char *method;        /* "GET", "PUT", "POST" */
  const char *url;
  const char *headers;       /* "Name: value\n" lines; may be NULL */
  const void *body;
  size_t body_len;
  long connect_ms, read_ms; /* this request's own caps (instance metadata:
                               1 s); 0: the settings' */
  size_t max_body;          /* 0: 8 MiB */
};

struct http_resp {
  long status;               /* 0 when no response came */
  struct cp_buf body;        /* owned */
  char request_id[96];       /* x-amzn-RequestId */
  char date[64];             /* Date */
  char error_type[128];      /* x-amzn-ErrorType */
};
#define HTTP_RESP_INIT {0, CP_BUF_INIT, "", "", ""}

struct http_settings;

struct http_ops {
  /* CP_OK when a response came (whatever its status). CP_E_NETWORK for
   * DNS, connect, timeout, a body over the cap; CP_E_TLS for TLS failures;
   * CP_E_INTERRUPTED on Ctrl-C. The detail names the URL's host. */
  enum cp_err (*perform)(const struct http_settings *hs,
                         const struct http_req *rq, struct http_resp *rs,
                         struct cp_errbuf *err);
  time_t (*now)(void);         /* wall clock, for signatures */
  long long (*clock_ms)(void); /* monotonic, for deadlines */
  uint32_t (*random)(void);    /* for retry jitter */
  void (*sleep_ms)(long ms);   /* returns early on Ctrl-C */
};
/* libcurl, time(), the monotonic clock, RAND_bytes, plat_sleep_ms() */
extern const struct http_ops http_ops_system;

struct http_settings {
  const char *ca_bundle; /* --ca-bundle, else AWS_CA_BUNDLE; NULL: system */
  long connect_ms;       /* 0: 10 s */
  long read_ms;          /* whole request; 0: 60 s */
  int max_attempts;      /* tries of a retryable failure; 0: 3 */
  const struct http_ops *ops; /* NULL: http_ops_system */
};
#define HTTP_SETTINGS_INIT                                                     \
  {                                                                            \
    NULL, 0, 0, 0, NULL                                                        \
  }

/* 1 when v may be a header value: no CR, LF or other control character
 * (a tab is allowed), so nothing can be smuggled in as another header. */
int http_header_value_ok(const char *v);
/* Appends "name: value\n" to h; a value that is not ok is refused
 * (CP_E_ENVIRONMENT, naming `from`: the file or variable it came from). */
CP_MUST_USE enum cp_err http_header_add(struct cp_buf *h, const char *name,
                                        const char *value, const char *from,
                                        struct cp_errbuf *err);

/* One request through hs->ops. */
CP_MUST_USE enum cp_err http_perform(const struct http_settings *hs,
                                     const struct http_req *rq,
                                     struct http_resp *rs,
                                     struct cp_errbuf *err);
void http_resp_release(struct http_resp *rs);
/* Empties rs for the next attempt of a request. */
void http_resp_reset(struct http_resp *rs);

/* The operations' wall clock, monotonic clock and sleep. */
time_t http_now(const struct http_settings *hs);
long long http_clock_ms(const struct http_settings *hs);
void http_sleep_ms(const struct http_settings *hs, long ms);

/* ---- retries, in the AWS SDKs' standard mode ---------------------------- */

/* How many tries a retryable failure gets (max_attempts, default 3). */
int http_retry_attempts(const struct http_settings *hs);
/* 1 when an answer is worth another try: HTTP 5xx or 429, or a throttling
 * error code ("ThrottlingException", "RequestLimitExceeded", ...). */
int http_retryable_answer(long status, const char *code);
/* 1 when a failure with no answer is worth another try: network errors and
 * timeouts; not TLS failures, not an interrupt. */
int http_retryable_failure(enum cp_err rc);
/* The pause before try attempt+1, after attempt (1, 2, ...) failed: full
 * jitter, random in [0, min(2 s, 100 ms * 2^attempt)). */
long http_retry_delay_ms(const struct http_settings *hs, int attempt);
/* Sleeps that pause; CP_E_INTERRUPTED when Ctrl-C came meanwhile. */
CP_MUST_USE enum cp_err http_retry_pause(const struct http_settings *hs,
                                         int attempt, struct cp_errbuf *err);

/* One try of a request for http_retry(): CP_OK when done, or a failure
 * with *retry set when another try may do better (a network failure, a
 * throttling or 5xx answer). */
typedef enum cp_err (*http_try_fn)(void *ctx, int *retry,
                                   struct cp_errbuf *err);
/* Tries until try_once succeeds, fails for good, or the tries run out,
 * pausing between tries as the policy says. DescribeClusters keeps its own
 * loop: its clock-skew re-signing is a try that does not count. */
CP_MUST_USE enum cp_err http_retry(const struct http_settings *hs,
                                   http_try_fn try_once, void *ctx,
                                   struct cp_errbuf *err);

/* ---- small helpers --------------------------------------------------------
 */

/* Seconds since the epoch of an HTTP date ("Sun, 06 Nov 1994 08:49:37
 * GMT"), or -1 when it is not one. */
long long http_date_parse(const char *date);

/* Global init/cleanup of libcurl (call once from main). */
/* The libcurl in use and what it was built with, as curl -V shows it
 * ("libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 ..."). Static text. */
const char *http_library_versions(void);
void http_global_init(void);
void http_global_cleanup(void);

/* An http(s) URL as libcurl's URL parser (curl_url) reads it: the one
 * parser behind every URL check (endpoints, container credentials, instance
 * metadata), so a check sees the host a request would go to. */
struct http_url {
  char host[256]; /* without brackets: "127.0.0.1", "fd00:ec2::23" */
  char port[8];   /* as written, "" when none */
  int plain_http; /* http:// */
  int loopback;   /* localhost, 127.0.0.0/8 or ::1, by value */
};
/* 0 on success; -1 when url is not http(s) with a host, or carries a user
 * name or password, white space, or anything curl refuses. */
int http_url_parse(const char *url, struct http_url *out);
/* "host[:port]" of a URL as http_url_parse() reads it (an IPv6 host in
 * brackets), for messages; "?" when it does not parse. Returns out. */
const char *http_url_host(const char *url, char *out, size_t outlen);

#endif
