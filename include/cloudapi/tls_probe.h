/* SPDX-License-Identifier: Apache-2.0 */
/* tls_probe.h — the outer layer of a CloudHSM connection, as far as a tool
 * outside the library can take it: a TCP connection to the HSM's host and
 * the server TLS handshake, in which the host shows AWS's self-signed
 * CloudHSM certificate and asks for a client certificate. The host's
 * certificate is recorded, not verified (its trust anchor is bundled inside
 * the client library); the server-client pair, when given, is presented and
 * the probe tells whether the host accepted it. The inner HSM session
 * (the cluster certificate, the HSM-TLS pair) is not reached. Done by
 * libcurl in connect-only mode, so no request is ever sent. */
#ifndef TLS_PROBE_H
#define TLS_PROBE_H

#include <stddef.h>

/* The subject of the certificate a CloudHSM host presents. */
#define TLS_PROBE_AWS_HOST_SUBJECT                                             \
  "CN=CloudHSM,OU=AWS Cryptography,O=AWS,L=Herndon,ST=Virginia,C=US"

enum tls_probe_status {
  TLS_PROBE_OK,             /* handshake done; with a pair, it was accepted */
  TLS_PROBE_REFUSED,        /* nothing listens on the port */
  TLS_PROBE_TIMEOUT,        /* no answer within the timeout */
  TLS_PROBE_UNREACHABLE,    /* DNS or routing */
  TLS_PROBE_CLIENT_REFUSED, /* the host refused the client certificate */
  TLS_PROBE_TLS_ERROR       /* the handshake failed otherwise */
};

struct tls_probe_result {
  enum tls_probe_status status;
  char tls_version[16];  /* "TLSv1.3" when the handshake completed */
  long ms;               /* connect + handshake time */
  unsigned char host_der[8192]; /* the host's certificate (DER), when */
  size_t host_der_len;          /* it presented one that fits; else 0 */
  int cert_requested;    /* the host asked for a client certificate */
  int presented;         /* a client certificate was sent */
  char alert[64];        /* the host's TLS alert, "" when none */
  char detail[256];      /* libcurl's or OpenSSL's words when not OK */
};

/* Never fails as a call: the outcome is in *r. host may be an IPv6 literal
 * without brackets. client_cert/client_key (the server-client pair) may be
 * NULL. Without a pair, a host that asks for a certificate and then ends
 * the session is reachable (TLS_PROBE_OK, cert_requested): the library
 * presents the SDK's bundled default there. */
void tls_probe(const char *host, int port, const char *client_cert,
               const char *client_key, long timeout_ms,
               struct tls_probe_result *r);

/* "ok", "refused", "timed out", "unreachable", "client certificate
 * refused", "TLS handshake failed". */
const char *tls_probe_status_name(enum tls_probe_status s);

#endif
