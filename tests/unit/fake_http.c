/* SPDX-License-Identifier: Apache-2.0 */
/* fake_http.c — the scripted struct http_ops of fake_http.h. */
#include "fake_http.h"

#include <stdio.h>
#include <string.h>

struct fake_http fake;

static enum cp_err fake_perform(const struct http_settings *hs,
                                const struct http_req *rq, struct http_resp *rs,
                                struct cp_errbuf *err)
{
  const struct fake_answer *a;
  size_t i = fake.calls++;

  (void)hs;
  if (i < FAKE_MAX) {
    snprintf(fake.method[i], sizeof(fake.method[i]), "%s", rq->method);
    snprintf(fake.url[i], sizeof(fake.url[i]), "%s", rq->url);
    snprintf(fake.headers[i], sizeof(fake.headers[i]), "%s",
             rq->headers ? rq->headers : "");
  }
  if (!fake.nanswers)
    return cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                   "no answer scripted (%s): fake. Script one", rq->url);
  a = &fake.answers[i < fake.nanswers ? i : fake.nanswers - 1];
  if (a->fail != CP_OK)
    return cp_fail(err, a->fail, __FILE__, __LINE__,
                   "scripted failure (%s): fake. None", rq->url);
  rs->status = a->status;
  if (a->body)
    cp_buf_add(&rs->body, a->body, strlen(a->body));
  if (a->date)
    snprintf(rs->date, sizeof(rs->date), "%s", a->date);
  return CP_OK;
}

static time_t fake_now(void)
{
  return fake.now + (time_t)(fake.clock_ms / 1000);
}
static long long fake_clock(void)
{
  return fake.clock_ms;
}
static uint32_t fake_random(void)
{
  return fake.random;
}

static void fake_sleep(long ms)
{
  if (fake.nslept < FAKE_MAX)
    fake.slept[fake.nslept++] = ms;
  fake.clock_ms += ms;
}

const struct http_ops fake_ops = {fake_perform, fake_now, fake_clock,
                                  fake_random, fake_sleep};

void fake_reset(const struct fake_answer *answers, size_t n)
{
  memset(&fake, 0, sizeof(fake));
  fake.answers = answers;
  fake.nanswers = n;
  fake.now = 1795392000; /* 2026-11-23T00:00:00Z */
  fake.random = 0xffffffffu;
}

struct http_settings fake_settings(void)
{
  struct http_settings hs = HTTP_SETTINGS_INIT;
  hs.ops = &fake_ops;
  return hs;
}
