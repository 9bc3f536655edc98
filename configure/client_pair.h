/* SPDX-License-Identifier: Apache-2.0 */
/* client_pair.h — the two client certificate pairs of a slot (cfg_pair in
 * cfg_model.h), as the commands that write them take them: the
 * server-client pair the client shows the HSM's host (--server-client-*),
 * and the HSM-TLS pair it shows the HSM inside that session
 * (--client-*-hsm-tls-file, mutual TLS on hsm2m). Each is both or neither,
 * its key must match its leaf, its paths are stored absolute; a --clear-*
 * flag deletes the pair's two keys.
 *
 *   struct client_pairs ps = CLIENT_PAIRS_INIT;    rows: CLI_CLIENT_PAIR_OPTS(&ps)
 *   CP_TRY(rc, client_pairs_check(&ps, err));      before any file is opened
 *   client_pairs_apply(&ps, model, slot);          per file
 *   client_pairs_release(&ps);
 */
#ifndef CLIENT_PAIR_H
#define CLIENT_PAIR_H

#include "cfg_model.h"
#include "cli.h"

/* The largest HSM-TLS certificate file (leaf and chain) an HSM takes, as
 * for a trust anchor registered with CloudHSM CLI `cluster mtls
 * register-trust-anchor`. */
#define CLIENT_PAIR_HSM_TLS_MAX_BYTES 6980

struct client_pair {
  const char *cert, *key; /* as given on the command line */
  int clear;              /* --clear-...: delete the pair from the slot */
  char *cert_abs, *key_abs; /* after client_pairs_check(); owned */
};
struct client_pairs {
  struct client_pair p[CFG_NPAIRS]; /* indexed by enum cfg_pair */
};
#define CLIENT_PAIRS_INIT                                                      \
  {                                                                            \
    {{NULL, NULL, 0, NULL, NULL}, {NULL, NULL, 0, NULL, NULL}}                 \
  }

/* Each pair's option names (without "--") and what it is, for the rows
 * and for messages. */
struct client_pair_names {
  const char *cert, *key, *clear, *what;
};
extern const struct client_pair_names client_pair_names[CFG_NPAIRS];

/* The option rows of both pairs (in a command's own, automatic table). */
#define CLI_CLIENT_PAIR_ROWS(ps, which, cert_help, clear_help)                 \
  CLI_PATH(0, client_pair_names[which].cert, &(ps)->p[which].cert, "<file>",   \
           cert_help, 0),                                                      \
  CLI_PATH(0, client_pair_names[which].key, &(ps)->p[which].key, "<file>",     \
           "private key of that certificate", 0),                              \
  CLI_FLAG(0, client_pair_names[which].clear, &(ps)->p[which].clear,           \
           clear_help, 0)
#define CLI_CLIENT_PAIR_OPTS(ps)                                               \
  CLI_CLIENT_PAIR_ROWS(ps, CFG_PAIR_SERVER_CLIENT,                             \
                       "client certificate for the TLS session to the HSM's "  \
                       "host, issued by the cluster's customer CA (default: "  \
                       "the SDK's own)",                                       \
                       "remove the server-client pair from the slot"),         \
  CLI_CLIENT_PAIR_ROWS(ps, CFG_PAIR_HSM_TLS,                                   \
                       "client certificate (and chain) for mutual TLS with "   \
                       "the HSMs (hsm2m)",                                     \
                       "remove the HSM-TLS pair from the slot")

/* 1 when a pair is set or cleared: the slot changes. */
int client_pairs_any(const struct client_pairs *ps);
/* The first pair option given ("--client-cert-hsm-tls-file"), for
 * messages; NULL when none. */
const char *client_pairs_option(const struct client_pairs *ps);

/* Every pair option, before any file is touched: a pair given halfway or
 * together with its --clear- flag is CP_E_USAGE; a certificate or key that
 * cannot be used (unreadable, expired, not the key of the leaf, an HSM-TLS
 * file over CLIENT_PAIR_HSM_TLS_MAX_BYTES) is CP_E_CERT. A key file others
 * can read and a chain out of order are warnings. */
CP_MUST_USE enum cp_err client_pairs_check(struct client_pairs *ps,
                                           struct cp_errbuf *err);
/* Writes (or deletes) the pairs of slot `slot`; an HSM-TLS pair written to
 * a slot that is not hsm2m gets a warning. */
void client_pairs_apply(const struct client_pairs *ps, struct cfg_model *m,
                        int slot);
void client_pairs_release(struct client_pairs *ps);

#endif
