/* SPDX-License-Identifier: Apache-2.0 */
/* tls_probe.h — connect to an HSM server and complete a TLS handshake that
 * verifies its chain against a CA file (no host name check: HSM certificates
 * do not name IP addresses), optionally with a client certificate. Done by
 * libcurl in connect-only mode, so no request is ever sent. */
#ifndef TLS_PROBE_H
#define TLS_PROBE_H

enum tls_probe_status {
  TLS_PROBE_OK,
  TLS_PROBE_REFUSED,     /* nothing listens on the port */
  TLS_PROBE_TIMEOUT,     /* no answer within the timeout */
  TLS_PROBE_UNREACHABLE, /* DNS or routing */
  TLS_PROBE_UNTRUSTED,   /* the chain does not verify against the CA */
  TLS_PROBE_TLS_ERROR    /* handshake failed otherwise (client cert refused…) */
};

struct tls_probe_result {
  enum tls_probe_status status;
  char tls_version[16]; /* "TLSv1.3" when OK */
  long ms;              /* connect + handshake time */
  char detail[256];     /* libcurl's or OpenSSL's words when not OK */
};

/* Never fails as a call: the outcome is in *r. host may be an IPv6 literal
 * without brackets. client_cert/client_key may be NULL. */
void tls_probe(const char *host, int port, const char *ca_file,
               const char *client_cert, const char *client_key,
               long timeout_ms, struct tls_probe_result *r);

/* "ok", "refused", "timed out", … */
const char *tls_probe_status_name(enum tls_probe_status s);

#endif
