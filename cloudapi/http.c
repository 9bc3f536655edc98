/* SPDX-License-Identifier: Apache-2.0 */
/* http.c — what every API call shares, whatever does the transfer: the
 * settings' operations, the retry policy, and small answer helpers. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_log.h"
#include "cp_platform.h"

#define RETRY_BASE_MS 100L
#define RETRY_CAP_MS 2000L

static const struct http_ops *ops_of(const struct http_settings *hs)
{
  return hs && hs->ops ? hs->ops : &http_ops_system;
}

int http_header_value_ok(const char *v)
{
  const unsigned char *p;

  for (p = (const unsigned char *)v; *p; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return 0;
  return 1;
}

enum cp_err http_header_add(struct cp_buf *h, const char *name,
                            const char *value, const char *from,
                            struct cp_errbuf *err)
{
  if (!http_header_value_ok(value))
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "invalid %s value (%s): it holds a line break or another "
                   "control character, which would make more HTTP headers. "
                   "Fix it to one line of plain text",
                   name, from);
  cp_buf_printf(h, "%s: %s\n", name, value);
  return CP_OK;
}

enum cp_err http_perform(const struct http_settings *hs,
                         const struct http_req *rq, struct http_resp *rs,
                         struct cp_errbuf *err)
{
  static const struct http_settings defaults = HTTP_SETTINGS_INIT;

  return ops_of(hs)->perform(hs ? hs : &defaults, rq, rs, err);
}

void http_resp_release(struct http_resp *rs)
{
  cp_buf_release_secure(&rs->body);
}

void http_resp_reset(struct http_resp *rs)
{
  http_resp_release(rs);
  rs->status = 0;
  rs->request_id[0] = rs->date[0] = rs->error_type[0] = '\0';
}

time_t http_now(const struct http_settings *hs)
{
  return ops_of(hs)->now();
}

long long http_clock_ms(const struct http_settings *hs)
{
  return ops_of(hs)->clock_ms();
}

void http_sleep_ms(const struct http_settings *hs, long ms)
{
  ops_of(hs)->sleep_ms(ms);
}

/* ---- retries ----------------------------------------------------------------
 */

int http_retry_attempts(const struct http_settings *hs)
{
  return hs && hs->max_attempts > 0 ? hs->max_attempts : 3;
}

int http_retryable_answer(long status, const char *code)
{
  static const char *const throttling[] = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "RequestThrottled",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException"};
  size_t i;

  if (status >= 500 || status == 429)
    return 1;
  for (i = 0; code && i < sizeof(throttling) / sizeof(throttling[0]); i++)
    if (!strcmp(code, throttling[i]))
      return 1;
  return 0;
}

int http_retryable_failure(enum cp_err rc)
{
  return rc == CP_E_NETWORK;
}

long http_retry_delay_ms(const struct http_settings *hs, int attempt)
{
  long cap = RETRY_BASE_MS;
  int i;

  for (i = 0; i < attempt && cap < RETRY_CAP_MS; i++)
    cap *= 2;
  if (cap > RETRY_CAP_MS)
    cap = RETRY_CAP_MS;
  return (long)(ops_of(hs)->random() % (uint32_t)cap);
}

enum cp_err http_retry_pause(const struct http_settings *hs, int attempt,
                             struct cp_errbuf *err)
{
  ops_of(hs)->sleep_ms(http_retry_delay_ms(hs, attempt));
  return plat_check_interrupt(err);
}

enum cp_err http_retry(const struct http_settings *hs, http_try_fn try_once,
                       void *ctx, struct cp_errbuf *err)
{
  enum cp_err rc;
  int attempt, retry;

  for (attempt = 1;; attempt++) {
    retry = 0;
    rc = try_once(ctx, &retry, err);
    if (rc == CP_OK || !retry || attempt >= http_retry_attempts(hs))
      return rc;
    cp_log(CP_LOG_DEBUG, "attempt %d: %s; retrying", attempt, err->text);
    if ((rc = http_retry_pause(hs, attempt, err)) != CP_OK)
      return rc;
  }
}
