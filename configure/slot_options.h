/* SPDX-License-Identifier: Apache-2.0 */
/* slot_options.h — the per-slot settings of the original tool, given the
 * same way to the top level and to add-cluster: servers by hand (-a), and
 * the cluster.options members (key availability check, validate-key-at-init,
 * certificate storage, ECDH without KDF, default retry mode, and the Key
 * Storage Provider's SDK3 compatibility mode). */
#ifndef SLOT_OPTIONS_H
#define SLOT_OPTIONS_H

#include "cfg_model.h"
#include "cli.h"

struct addr;

struct slot_options {
  struct cli_list addrs;                     /* -a, as given */
  int key_check, validate_key, cert_storage; /* -1 unset, 0 off, 1 on */
  int ecdh_without_kdf;
  int sdk3_compat;                           /* KSP only */
  const char *retry_mode;
  /* after slot_options_check(): the servers of -a; owned */
  struct cfg_server *servers;
  size_t nservers;         /* repeated addresses dropped */
  struct addr *addr_store; /* what servers[].hostname points into */
};
#define SLOT_OPTIONS_INIT                                                      \
  {                                                                            \
    {NULL, 0}, -1, -1, -1, -1, -1, NULL, NULL, 0, NULL                         \
  }

extern const char *const slot_retry_modes[];

/* -a: servers given by hand. */
#define CLI_SLOT_SERVERS_OPT(o)                                                \
  CLI_LIST('a', NULL, &(o)->addrs, "<address>",                                \
           "set the HSM servers (IPv4, IPv6, HOST:PORT, [IPV6]:PORT)")

/* The cluster.options rows (--enable-x / --disable-x pairs, retry mode). */
#define CLI_SLOT_OPTIONS(o)                                                    \
  CLI_CHOICE("default-retry-mode", &(o)->retry_mode, "<off|standard>",         \
             slot_retry_modes, "retries of non-terminal HSM failures"),        \
  CLI_SET("enable-key-availability-check", &(o)->key_check, 1,                 \
          "check a key is on enough HSMs before use"),                         \
  CLI_SET("disable-key-availability-check", &(o)->key_check, 0,                \
          "allow keys on a single HSM (one-HSM clusters)"),                    \
  CLI_SET("enable-validate-key-at-init", &(o)->validate_key, 1,                \
          "validate parameters when a crypto operation starts"),               \
  CLI_SET("disable-validate-key-at-init", &(o)->validate_key, 0,               \
          "skip that validation"),                                             \
  CLI_SET("enable-certificate-storage", &(o)->cert_storage, 1,                 \
          "store certificates on the HSMs"),                                   \
  CLI_SET("disable-certificate-storage", &(o)->cert_storage, 0,                \
          "do not store certificates on the HSMs"),                            \
  CLI_SET("enable-ecdh-without-kdf", &(o)->ecdh_without_kdf, 1,                \
          "allow ECDH key derivation without a KDF (CKD_NULL)"),               \
  CLI_SET("disable-ecdh-without-kdf", &(o)->ecdh_without_kdf, 0,               \
          "require a KDF for ECDH key derivation (the default)"),              \
  CLI_SET("enable-sdk3-compatibility-mode", &(o)->sdk3_compat, 1,              \
          "KSP: use the key reference files of Client SDK 3"),                 \
  CLI_SET("disable-sdk3-compatibility-mode", &(o)->sdk3_compat, 0,             \
          "KSP: no SDK 3 key reference files (the default)")

/* 1 when any cluster.options row was given (not -a). */
int slot_options_any(const struct slot_options *o);

/* Parses -a into o->servers (CP_E_INVALID naming the bad address); a
 * repeated address is kept once, with a warning. */
CP_MUST_USE enum cp_err slot_options_check(struct slot_options *o,
                                           struct cp_errbuf *err);

struct component;
/* CP_E_INVALID when an option is for another component than the file's
 * (the SDK3 compatibility mode is the KSP's; c NULL, a file given with
 * --config, takes every option). */
CP_MUST_USE enum cp_err slot_options_check_file(const struct slot_options *o,
                                                const struct component *c,
                                                const char *path,
                                                struct cp_errbuf *err);

/* Sets the given cluster.options members on slot `slot` (-1: every slot). */
void slot_options_apply(const struct slot_options *o, struct cfg_model *m,
                        int slot);

void slot_options_release(struct slot_options *o);

/* Warns about every unconfigured slot left in m (the library cannot use
 * it), naming the command that removes it from the file at path. */
void slot_warn_unconfigured(const struct cfg_model *m, const char *path);

#endif
