/* SPDX-License-Identifier: Apache-2.0 */
/* fake_http.h — struct http_ops for unit tests: scripted answers, recorded
 * requests and pauses, a clock that moves only when the code sleeps. */
#ifndef FAKE_HTTP_H
#define FAKE_HTTP_H

#include "http.h"

#define FAKE_MAX 32

struct fake_answer {
  long status;
  const char *body;
  const char *date; /* Date header, or NULL */
  enum cp_err fail; /* not CP_OK: no answer, this failure */
};

struct fake_http {
  const struct fake_answer *answers; /* the n-th request gets the n-th; the
                                        last repeats */
  size_t nanswers;
  size_t calls;
  char method[FAKE_MAX][8];
  char url[FAKE_MAX][512];
  char headers[FAKE_MAX][2048];
  long slept[FAKE_MAX];
  size_t nslept;
  time_t now;         /* wall clock at clock 0 */
  long long clock_ms; /* advanced by sleeps */
  uint32_t random;    /* what random() returns */
};
extern struct fake_http fake;
extern const struct http_ops fake_ops;

/* Scripts the answers; clears the record; the clock starts at 2026-11-23. */
void fake_reset(const struct fake_answer *answers, size_t n);
/* http_settings using the fake. */
struct http_settings fake_settings(void);

#define FAKE_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
