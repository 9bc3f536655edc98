/* SPDX-License-Identifier: Apache-2.0 */
/* http_curl.c — the system's HTTP operations: requests with libcurl, the
 * wall clock, OpenSSL's random bytes, sleeping. */
#include "http.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cp_log.h"
#include "cp_platform.h"
#include "cp_version.h"

struct sink {
  struct http_resp *rs;
  int too_big;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
  struct sink *s = ud;
  if (cp_buf_add(&s->rs->body, p, size * n)) {
    s->too_big = 1;
    return 0; /* makes curl stop with CURLE_WRITE_ERROR */
  }
  return size * n;
}

static void header_value(const char *line, size_t len, const char *name,
                         char *out, size_t outlen)
{
  size_t nlen = strlen(name), i;

  if (len <= nlen || strncasecmp(line, name, nlen) || line[nlen] != ':')
    return;
  line += nlen + 1;
  len -= nlen + 1;
  while (len && (*line == ' ' || *line == '\t'))
    line++, len--;
  while (len && isspace((unsigned char)line[len - 1]))
    len--;
  if (len >= outlen)
    len = outlen - 1;
  for (i = 0; i < len; i++)
    out[i] = line[i];
  out[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
  struct http_resp *rs = ((struct sink *)ud)->rs;
  size_t len = size * n;

  header_value(p, len, "x-amzn-RequestId", rs->request_id, sizeof(rs->request_id));
  header_value(p, len, "Date", rs->date, sizeof(rs->date));
  header_value(p, len, "x-amzn-ErrorType", rs->error_type, sizeof(rs->error_type));
  return len;
}

void http_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }
const char *http_library_versions(void) { return curl_version(); }
void http_global_cleanup(void) { curl_global_cleanup(); }

/* Ends a transfer when the user interrupts (Ctrl-C). */
static int on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                       curl_off_t un)
{
  (void)p, (void)dt, (void)dn, (void)ut, (void)un;
  return plat_interrupted();
}

/* The system's CA bundle when neither --ca-bundle nor AWS_CA_BUNDLE names
 * one: the first regular file of the places the distributions keep it
 * (Debian, RHEL and Amazon Linux, SUSE, Alpine; Go's crypto/x509 list), so a
 * binary built on one finds it on another. NULL: none found, and libcurl's
 * own default applies; on Windows always, where the bundled libcurl and
 * OpenSSL get their CA from --ca-bundle or AWS_CA_BUNDLE. */
static const char *system_ca_bundle(void)
{
  static const char *const places[] = {
      "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu */
      "/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL, AL2023 */
      "/etc/ssl/ca-bundle.pem",                            /* SUSE */
      "/etc/pki/tls/cacert.pem",                           /* OpenELEC */
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7+ */
      "/etc/ssl/cert.pem",                                 /* Alpine */
  };
  size_t i;

  for (i = 0; !plat_is_windows() && i < sizeof(places) / sizeof(places[0]);
       i++)
    if (plat_file_kind(places[i]) == PLAT_REGULAR)
      return places[i];
  return NULL;
}

static enum cp_err curl_perform(const struct http_settings *hs,
                                const struct http_req *rq, struct http_resp *rs,
                                struct cp_errbuf *err)
{
  CURL *c = curl_easy_init();
  struct curl_slist *hdrs = NULL;
  struct sink sink = {rs, 0};
  char errbuf[CURL_ERROR_SIZE] = "", host[256];
  enum cp_err rc = CP_OK;
  CURLcode res;
  const char *p, *ca;

  if (!c)
    return cp_fail(err, CP_E_INTERNAL, __FILE__, __LINE__,
                   "cannot start libcurl (init): out of memory. Retry");
  rs->body.max = rq->max_body ? rq->max_body : 8u * 1024u * 1024u;
  for (p = rq->headers; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char *line = cp_xstrndup(p, len);
    hdrs = curl_slist_append(hdrs, line);
    free(line);
    p += len + (nl ? 1 : 0);
  }
  hdrs = curl_slist_append(hdrs, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, rq->url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
  if (rq->body || !strcmp(rq->method, "POST") || !strcmp(rq->method, "PUT")) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "configure-pkcs11/" CP_VERSION);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  ca = hs->ca_bundle ? hs->ca_bundle : system_ca_bundle();
  if (ca)
    curl_easy_setopt(c, CURLOPT_CAINFO, ca);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   rq->connect_ms   ? rq->connect_ms
                   : hs->connect_ms ? hs->connect_ms
                                    : 10000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   rq->read_ms   ? rq->read_ms
                   : hs->read_ms ? hs->read_ms
                                 : 60000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  res = curl_easy_perform(c);
  http_url_host(rq->url, host, sizeof(host));
  if (res == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status);
    cp_log(CP_LOG_DEBUG, "%s %s -> HTTP %ld, %zu bytes%s%s", rq->method,
           rq->url, rs->status, rs->body.len,
           rs->request_id[0] ? ", request id " : "", rs->request_id);
  } else if (res == CURLE_ABORTED_BY_CALLBACK && plat_interrupted()) {
    rc = plat_check_interrupt(err);
  } else if (sink.too_big) {
    rc = cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                 "response too large (%s): more than %zu bytes came back. "
                 "Check --endpoint and any proxy in between",
                 host, rs->body.max);
  } else if (res == CURLE_SSL_CONNECT_ERROR || res == CURLE_PEER_FAILED_VERIFICATION ||
             res == CURLE_SSL_CACERT_BADFILE || res == CURLE_SSL_CERTPROBLEM) {
    rc = cp_fail(err, CP_E_TLS, __FILE__, __LINE__,
                 "TLS connection failed (%s): %s. Check the endpoint, or give "
                 "its CA with --ca-bundle / AWS_CA_BUNDLE",
                 host, errbuf[0] ? errbuf : curl_easy_strerror(res));
  } else if (res == CURLE_OPERATION_TIMEDOUT) {
    rc = cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                 "request timed out (%s): %s. Check the network path to the "
                 "endpoint, or raise --read-timeout",
                 host, errbuf[0] ? errbuf : curl_easy_strerror(res));
  } else {
    rc = cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                 "cannot reach the endpoint (%s): %s. Check the network, DNS "
                 "and any proxy settings",
                 host, errbuf[0] ? errbuf : curl_easy_strerror(res));
  }
  if (rc != CP_OK)
    cp_log(CP_LOG_DEBUG, "%s %s failed: %s", rq->method, rq->url, err->text);
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(c);
  return rc;
}

long long http_date_parse(const char *date)
{
  time_t t = date && *date ? curl_getdate(date, NULL) : (time_t)-1;
  return (long long)t;
}

static time_t system_now(void)
{
  return time(NULL);
}

static uint32_t system_random(void)
{
  uint32_t r = 0;

  if (RAND_bytes((unsigned char *)&r, (int)sizeof(r)) != 1)
    r = (uint32_t)plat_now_ms(); /* jitter only: any value will do */
  return r;
}

static void system_sleep_ms(long ms)
{
  plat_sleep_ms((int)ms);
}

const struct http_ops http_ops_system = {curl_perform, system_now, plat_now_ms,
                                         system_random, system_sleep_ms};
