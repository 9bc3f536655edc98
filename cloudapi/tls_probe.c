/* SPDX-License-Identifier: Apache-2.0 */
/* tls_probe.c — TCP connect and TLS handshake to one HSM server with
 * libcurl's CURLOPT_CONNECT_ONLY: curl does the connect, timeouts and
 * verification; we only read the outcome. */
#include "tls_probe.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

#include "cp_platform.h"

static const char *const names[] = {"ok",          "refused",
                                    "timed out",   "unreachable",
                                    "not trusted", "TLS handshake failed"};

const char *tls_probe_status_name(enum tls_probe_status s)
{
  return names[s];
}

/* OpenSSL's handshake-done callback: note the negotiated version. */
static void on_tls_info(const SSL *ssl, int where, int ret)
{
  struct tls_probe_result *r = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
  (void)ret;
  if ((where & SSL_CB_HANDSHAKE_DONE) && r)
    snprintf(r->tls_version, sizeof(r->tls_version), "%s", SSL_get_version(ssl));
}

static CURLcode on_ssl_ctx(CURL *c, void *ssl_ctx, void *r)
{
  (void)c;
  SSL_CTX_set_app_data((SSL_CTX *)ssl_ctx, r);
  SSL_CTX_set_info_callback((SSL_CTX *)ssl_ctx, on_tls_info);
  return CURLE_OK;
}

/* With TLS 1.3 the server judges the client certificate after the client
 * has finished its handshake: a refusal comes as an alert just after. Read
 * for a moment so it is seen. CURLE_AGAIN means nothing came: fine. */
static CURLcode await_alert(CURL *c, long ms)
{
  char byte;
  size_t n = 0;
  long waited;
  CURLcode res = CURLE_AGAIN;

  for (waited = 0; waited < ms && res == CURLE_AGAIN; waited += 10) {
    res = curl_easy_recv(c, &byte, 1, &n);
    if (res == CURLE_AGAIN)
      plat_sleep_ms(10);
  }
  return res == CURLE_OK && n == 0 ? CURLE_RECV_ERROR /* closed on us */
         : res == CURLE_AGAIN || res == CURLE_OK ? CURLE_OK
                                                 : res;
}

static enum tls_probe_status classify(CURLcode res)
{
  switch (res) {
  case CURLE_OK:
    return TLS_PROBE_OK;
  case CURLE_COULDNT_CONNECT:
    return TLS_PROBE_REFUSED;
  case CURLE_OPERATION_TIMEDOUT:
    return TLS_PROBE_TIMEOUT;
  case CURLE_COULDNT_RESOLVE_HOST:
    return TLS_PROBE_UNREACHABLE;
  case CURLE_PEER_FAILED_VERIFICATION:
    return TLS_PROBE_UNTRUSTED;
  default:
    return TLS_PROBE_TLS_ERROR;
  }
}

void tls_probe(const char *host, int port, const char *ca_file,
               const char *client_cert, const char *client_key,
               long timeout_ms, struct tls_probe_result *r)
{
  char url[320], errbuf[CURL_ERROR_SIZE] = "";
  CURL *c = curl_easy_init();
  CURLcode res;

  memset(r, 0, sizeof(*r));
  if (!c) {
    r->status = TLS_PROBE_TLS_ERROR;
    snprintf(r->detail, sizeof(r->detail), "cannot start libcurl");
    return;
  }
  snprintf(url, sizeof(url), strchr(host, ':') ? "https://[%s]:%d/" : "https://%s:%d/",
           host, port);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, ""); /* HSMs are reached directly */
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
  curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, r);
  if (client_cert && client_key) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, client_cert);
    curl_easy_setopt(c, CURLOPT_SSLKEY, client_key);
  }
  res = curl_easy_perform(c);
  if (res == CURLE_OK)
    res = await_alert(c, timeout_ms < 300 ? timeout_ms : 300);
  r->status = classify(res);
  {
    curl_off_t us = 0;
    if (curl_easy_getinfo(c, res == CURLE_OK ? CURLINFO_APPCONNECT_TIME_T
                                             : CURLINFO_TOTAL_TIME_T,
                          &us) == CURLE_OK)
      r->ms = (long)(us / 1000);
  }
  if (res != CURLE_OK) {
    r->tls_version[0] = '\0';
    snprintf(r->detail, sizeof(r->detail), "%s",
             errbuf[0] ? errbuf : curl_easy_strerror(res));
  }
  curl_easy_cleanup(c);
}
