/* SPDX-License-Identifier: Apache-2.0 */
/* tls_probe.c — TCP connect and the server TLS handshake to one HSM host
 * with libcurl's CURLOPT_CONNECT_ONLY: curl does the connect and the
 * timeouts; OpenSSL's callbacks record what the host showed and asked. */
#include "tls_probe.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "cp_platform.h"

static const char *const names[] = {"ok",
                                    "refused",
                                    "timed out",
                                    "unreachable",
                                    "client certificate refused",
                                    "TLS handshake failed"};

const char *tls_probe_status_name(enum tls_probe_status s)
{
  return names[s];
}

/* What the handshake showed: the version at the end, the host's request
 * for a client certificate, what we sent, the alert the host sent. */
static void on_tls_info(const SSL *ssl, int where, int ret)
{
  struct tls_probe_result *r = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

  if (!r)
    return;
  if (where & SSL_CB_HANDSHAKE_DONE)
    snprintf(r->tls_version, sizeof(r->tls_version), "%s",
             SSL_get_version(ssl));
  if (where & SSL_CB_LOOP) {
    OSSL_HANDSHAKE_STATE st = SSL_get_state(ssl);
    if (st == TLS_ST_CR_CERT) /* after the ServerHello: the version is known
                                 even if the handshake ends early */
      snprintf(r->tls_version, sizeof(r->tls_version), "%s",
               SSL_get_version(ssl));
    if (st == TLS_ST_CR_CERT_REQ)
      r->cert_requested = 1;
    if (st == TLS_ST_CW_CERT && SSL_get_certificate(ssl))
      r->presented = 1;
  }
  if ((where & SSL_CB_READ_ALERT) && !r->alert[0])
    snprintf(r->alert, sizeof(r->alert), "%s",
             SSL_alert_desc_string_long(ret));
}

/* In place of chain verification: keep the host's certificate and go on.
 * Its trust anchor is bundled in the client library, not here. */
static int on_peer_cert(X509_STORE_CTX *ctx, void *arg)
{
  struct tls_probe_result *r = arg;
  X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
  int len = leaf ? i2d_X509(leaf, NULL) : 0;
  unsigned char *p = r->host_der;

  if (len > 0 && (size_t)len <= sizeof(r->host_der) &&
      i2d_X509(leaf, &p) == len)
    r->host_der_len = (size_t)len;
  return 1;
}

static CURLcode on_ssl_ctx(CURL *c, void *ssl_ctx, void *r)
{
  (void)c;
  SSL_CTX_set_app_data((SSL_CTX *)ssl_ctx, r);
  SSL_CTX_set_info_callback((SSL_CTX *)ssl_ctx, on_tls_info);
  SSL_CTX_set_cert_verify_callback((SSL_CTX *)ssl_ctx, on_peer_cert, r);
  return CURLE_OK;
}

/* With TLS 1.3 the host judges the client certificate after the client
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
  default:
    return TLS_PROBE_TLS_ERROR;
  }
}

/* The outcome once the host has spoken: a host that asked for a client
 * certificate and ended the session refused ours, or (when we had none)
 * wants the SDK's default, which the library has: reachable. */
static enum tls_probe_status judge(CURLcode res, int with_pair,
                                   const struct tls_probe_result *r)
{
  int ended = res != CURLE_OK || r->alert[0];

  if (!r->cert_requested || !r->host_der_len || !ended)
    return classify(res);
  if (!with_pair)
    return TLS_PROBE_OK;
  return r->presented ? TLS_PROBE_CLIENT_REFUSED : TLS_PROBE_TLS_ERROR;
}

void tls_probe(const char *host, int port, const char *client_cert,
               const char *client_key, long timeout_ms,
               struct tls_probe_result *r)
{
  char url[320], errbuf[CURL_ERROR_SIZE] = "";
  CURL *c = curl_easy_init();
  int with_pair = client_cert && client_key;
  CURLcode res;

  memset(r, 0, sizeof(*r));
  if (!c) {
    r->status = TLS_PROBE_TLS_ERROR;
    snprintf(r->detail, sizeof(r->detail), "cannot start libcurl");
    return;
  }
  snprintf(url, sizeof(url),
           strchr(host, ':') ? "https://[%s]:%d/" : "https://%s:%d/", host,
           port);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, ""); /* HSMs are reached directly */
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  /* recorded by on_peer_cert, not verified */
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, r);
  if (with_pair) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, client_cert);
    curl_easy_setopt(c, CURLOPT_SSLKEY, client_key);
  }
  res = curl_easy_perform(c);
  if (res == CURLE_OK)
    res = await_alert(c, timeout_ms < 300 ? timeout_ms : 300);
  r->status = judge(res, with_pair, r);
  {
    curl_off_t us = 0;
    if (curl_easy_getinfo(c, r->tls_version[0] ? CURLINFO_APPCONNECT_TIME_T
                                               : CURLINFO_TOTAL_TIME_T,
                          &us) == CURLE_OK)
      r->ms = (long)(us / 1000);
  }
  if (r->status != TLS_PROBE_OK)
    snprintf(r->detail, sizeof(r->detail), "%s",
             r->alert[0] ? r->alert
             : errbuf[0] ? errbuf
                         : curl_easy_strerror(res));
  curl_easy_cleanup(c);
}
