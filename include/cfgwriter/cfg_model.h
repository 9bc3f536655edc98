/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_model.h — the PKCS#11 library's JSON config, in memory.
 *
 *   {"clusters":[{"type":"hsm1","cluster":{"cluster_id":…,"hsm_ca_file":…,
 *     "servers":[{"hostname":…,"port":2223,"enable":true}],"options":{…}}}],
 *    "logging":{"log_type":…,"log_file":…,"log_level":…,"log_interval":…}}
 *
 * A slot is one element of clusters[]. The single-cluster form has one slot
 * without cluster_id; the multi-slot form has a cluster_id in every slot.
 * Keys this tool does not know are kept as they were, in their place; keys it
 * adds go where the original configure tool writes them. Every function here
 * is a pure edit of the tree: no I/O. The model owns its tree. */
#ifndef CFG_MODEL_H
#define CFG_MODEL_H

#include <stddef.h>

#include "cp_buf.h"
#include "cp_err.h"

struct json_object;

struct cfg_model {
  struct json_object *root; /* owned; NULL before parse/init */
};
#define CFG_MODEL_INIT {NULL}

#define CFG_MAX_BYTES (16u * 1024u * 1024u) /* larger configs are refused */
#define CFG_DEFAULT_PORT 2223

struct cfg_server {
  const char *hostname;
  int port;
  int enable;
};

/* Drops repeated servers (same hostname and port), keeping the first of
 * each, in order; returns how many were dropped. */
size_t cfg_servers_dedupe(struct cfg_server *s, size_t *n);

/* What an edit did to a slot, as reported to the user. */
enum cfg_action {
  CFG_ADDED,
  CFG_UPDATED,
  CFG_UNCHANGED,
  CFG_REMOVED,
  CFG_ABSENT
};
const char *cfg_action_name(enum cfg_action a); /* "added", … */

/* 1 when id is a CloudHSM cluster id: "cluster-" and 11 to 16 of [2-7a-zA-Z]. */
int cfg_cluster_id_valid(const char *id);
/* The same as a check: CP_E_INVALID naming the id and the rule. */
CP_MUST_USE enum cp_err cfg_cluster_id_check(const char *id,
                                             struct cp_errbuf *err);

/* Parses text (strict JSON) and checks the shape. On error (CP_E_CONFIG) the
 * detail names path and the byte offset or the member that is wrong. A file
 * of another shape (Client SDK 3's, or one with neither "clusters" nor
 * "cluster" at the top) is refused, never rewritten. */
CP_MUST_USE enum cp_err cfg_model_parse(struct cfg_model *m, const char *text,
                                        size_t len, const char *path,
                                        struct cp_errbuf *err);
/* A new config: no slots and the PKCS#11 library's default logging section
 * (component.c adjusts it for the other components). */
void cfg_model_init_default(struct cfg_model *m);
/* The json-c in use: "0.16". Static text. */
const char *cfg_model_library_version(void);
/* Deterministic text: 2-space indent, stable key order, trailing newline. */
void cfg_model_serialize(const struct cfg_model *m, struct cp_buf *out);
void cfg_model_release(struct cfg_model *m);
/* 1 when both trees hold the same data. */
int cfg_model_equal(const struct cfg_model *a, const struct cfg_model *b);
void cfg_model_copy(const struct cfg_model *src, struct cfg_model *dst);

/* The two client certificate pairs a slot may name, one for each TLS layer
 * of a connection: the server-client pair for the TLS session to the HSM's
 * host (the SDK's bundled default when absent), and the HSM-TLS pair the
 * client shows the HSM inside it (mutual TLS, hsm2m). */
enum cfg_pair { CFG_PAIR_SERVER_CLIENT, CFG_PAIR_HSM_TLS, CFG_NPAIRS };
struct cfg_pair_keys {
  const char *cert, *key; /* the cluster members that hold the paths */
};
/* client_cert_path/client_key_path, client_cert_hsm_tls_path/... */
extern const struct cfg_pair_keys cfg_pair_keys[CFG_NPAIRS];

/* Reading slots. Pointers stay valid until the next edit of the model. */
struct cfg_slot_view {
  const char *type;        /* NULL when absent */
  const char *cluster_id;  /* NULL in the single-cluster form */
  const char *hsm_ca_file;
  const char *pair_cert[CFG_NPAIRS]; /* NULL when absent */
  const char *pair_key[CFG_NPAIRS];
  size_t nservers;
  /* No cluster_id, and no server or only placeholder hostnames such as the
   * "%%HSM_IP_ADDRESS%%" of the config the CloudHSM package installs: the
   * library cannot use the slot, and add-cluster fills it. */
  int unconfigured;
  const char *placeholder; /* the first placeholder hostname, or NULL */
};
size_t cfg_model_slot_count(const struct cfg_model *m);
int cfg_model_find_slot(const struct cfg_model *m, const char *cluster_id);
/* The slot cfg_model_upsert_slot() edits for cluster_id: its own, else the
 * first unconfigured slot (filled in place), else -1 (appended). */
int cfg_model_slot_for(const struct cfg_model *m, const char *cluster_id);
void cfg_model_slot(const struct cfg_model *m, size_t i,
                    struct cfg_slot_view *out);
void cfg_model_slot_server(const struct cfg_model *m, size_t i, size_t j,
                           struct cfg_server *out);
/* Every server of slot i into *out (caller frees the array; the hostnames
 * point into the model); returns how many. */
size_t cfg_model_slot_servers(const struct cfg_model *m, size_t i,
                              struct cfg_server **out);

/* One slot to add, or to refresh when a slot has that cluster_id already; an
 * unconfigured slot (see cfg_slot_view) is filled in place, keeping its other
 * keys. A NULL field keeps what the slot has (or takes the default for a new
 * slot). */
struct cfg_slot_spec {
  const char *cluster_id; /* required */
  const char *type;
  const char *hsm_ca_file;
  const struct cfg_server *servers;
  size_t nservers;
};
void cfg_model_upsert_slot(struct cfg_model *m, const struct cfg_slot_spec *s,
                           enum cfg_action *action);
/* CFG_REMOVED, or CFG_ABSENT when no slot has that id (model untouched). */
void cfg_model_remove_slot(struct cfg_model *m, const char *cluster_id,
                           enum cfg_action *action);
/* Removes slot i (i < cfg_model_slot_count()). */
void cfg_model_remove_slot_at(struct cfg_model *m, size_t i);

/* Edits of the original tool's top-level options. `slot` is a slot index,
 * or -1 for every slot. A model with no slot gets one single-cluster slot
 * first (as the original tool's default config has). */
/* cfg_model_set_servers returns 1 when a slot's servers changed, 0 when
 * they were these already. */
int cfg_model_set_servers(struct cfg_model *m, int slot,
                          const struct cfg_server *servers, size_t n);
void cfg_model_set_cluster_string(struct cfg_model *m, int slot,
                                  const char *key, const char *value);
/* Sets slot `slot`'s pair (both paths), or deletes both of its keys when
 * cert is NULL: a path is never written empty. */
void cfg_model_set_pair(struct cfg_model *m, int slot, enum cfg_pair which,
                        const char *cert, const char *key);
void cfg_model_set_option_bool(struct cfg_model *m, int slot, const char *key,
                               int value);
void cfg_model_set_option_string(struct cfg_model *m, int slot,
                                 const char *key, const char *value);
/* logging.<key> (log_type, log_file, ...) when it is a string, else NULL;
 * points into the model. */
const char *cfg_model_logging_value(const struct cfg_model *m,
                                    const char *key);
/* Sets logging.<key>; value NULL deletes it. */
void cfg_model_set_logging(struct cfg_model *m, const char *key,
                           const char *value);

#endif
