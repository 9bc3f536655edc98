/* SPDX-License-Identifier: Apache-2.0 */
/* client_pair.h — the client TLS certificate and key options, shared by the
 * commands that write them: both or neither, the key must match, and the
 * paths are stored absolute. */
#ifndef CLIENT_PAIR_H
#define CLIENT_PAIR_H

#include "cli.h"

struct client_pair {
  const char *cert, *key; /* as given on the command line */
  char *cert_abs, *key_abs; /* after client_pair_check(); owned */
};
#define CLIENT_PAIR_INIT {NULL, NULL, NULL, NULL}

/* The two option rows, --client-cert-hsm-tls-file and --client-key-hsm-tls-file. */
#define CLI_CLIENT_PAIR_OPTS(p)                                                \
  CLI_STR(0, "client-cert-hsm-tls-file", &(p)->cert, "<file>",                 \
          "client certificate for mutual TLS with the HSMs", 0),               \
  CLI_STR(0, "client-key-hsm-tls-file", &(p)->key, "<file>",                   \
          "private key of that client certificate", 0)

/* With neither given: CP_OK, nothing set. One without the other is
 * CP_E_USAGE; a pair that does not belong together is CP_E_CERT. On success
 * cert_abs and key_abs hold the absolute paths. */
CP_MUST_USE enum cp_err client_pair_check(struct client_pair *p,
                                          struct cp_errbuf *err);
void client_pair_release(struct client_pair *p);

#endif
