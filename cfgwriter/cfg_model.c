/* SPDX-License-Identifier: Apache-2.0 */
/* cfg_model.c — parse, check, edit and print the PKCS#11 JSON config. */
#include "cfg_model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_json_check.h"
#include "cp_platform.h"
#include "sdk_paths.h"

/* Key orders the original configure tool writes; unknown keys follow. */
static const char *const top_order[] = {"clusters", "logging", NULL};
static const char *const slot_order[] = {"type", "cluster", NULL};
/* The HSM-TLS pair has no published file: it follows the other pair. */
static const char *const cluster_order[] = {
    "client_cert_path",         "client_key_path",
    "client_cert_hsm_tls_path", "client_key_hsm_tls_path",
    "hsm_ca_file",              "cluster_id",
    "servers",                  "options",
    NULL};

const struct cfg_pair_keys cfg_pair_keys[CFG_NPAIRS] = {
    {"client_cert_path", "client_key_path"},
    {"client_cert_hsm_tls_path", "client_key_hsm_tls_path"}};
static const char *const server_order[] = {"hostname", "port", "enable", NULL};
static const char *const logging_order[] = {"log_type", "log_file",
                                            "log_level", "log_interval", NULL};

const char *cfg_action_name(enum cfg_action a)
{
  switch (a) {
  case CFG_ADDED: return "added";
  case CFG_UPDATED: return "updated";
  case CFG_UNCHANGED: return "unchanged";
  case CFG_REMOVED: return "removed";
  case CFG_ABSENT: return "absent";
  default: return "unknown";
  }
}

enum cp_err cfg_cluster_id_check(const char *id, struct cp_errbuf *err)
{
  if (cfg_cluster_id_valid(id))
    return CP_OK;
  return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "invalid cluster id (%s): a cluster id is \"cluster-\" and 11 "
                 "to 16 letters or digits 2-7. Check the id in the CloudHSM "
                 "console",
                 id);
}

int cfg_cluster_id_valid(const char *id)
{
  size_t i, n;

  if (strncmp(id, "cluster-", 8))
    return 0;
  id += 8;
  n = strlen(id);
  if (n < 11 || n > 16)
    return 0;
  for (i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '2' && c <= '7')))
      return 0;
  }
  return 1;
}

/* ---- shape checks ------------------------------------------------------ */

static enum cp_err shape_error(const char *file, int line, const char *path,
                               const char *where, const char *what,
                               struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_CONFIG, file, line,
                 "config file has a wrong value (%s): %s %s. Fix that "
                 "member, or restore the file from a backup",
                 path, where, what);
}

static enum cp_err check_server(json_object *srv, const char *path, size_t i,
                                size_t j, struct cp_errbuf *err)
{
  char where[96];
  json_object *v;

  snprintf(where, sizeof(where), "clusters[%zu].cluster.servers[%zu]", i, j);
  if (!json_object_is_type(srv, json_type_object))
    return shape_error(CP_HERE, path, where, "must be an object", err);
  if (!json_object_object_get_ex(srv, "hostname", &v) ||
      !json_object_is_type(v, json_type_string) ||
      json_object_get_string_len(v) == 0)
    return shape_error(CP_HERE, path, where,
                       "needs a non-empty string \"hostname\"", err);
  if (json_object_object_get_ex(srv, "port", &v)) {
    int64_t port = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || port < 1 || port > 65535)
      return shape_error(CP_HERE, path, where,
                         "has a \"port\" that is not 1-65535", err);
  }
  if (json_object_object_get_ex(srv, "enable", &v) &&
      !json_object_is_type(v, json_type_boolean))
    return shape_error(CP_HERE, path, where,
                       "has an \"enable\" that is not a boolean", err);
  return CP_OK;
}

static enum cp_err check_string_member(json_object *obj, const char *key,
                                       const char *path, const char *where,
                                       struct cp_errbuf *err)
{
  json_object *v;
  char msg[96];

  if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
    return CP_OK;
  if (json_object_is_type(v, json_type_string))
    return CP_OK;
  snprintf(msg, sizeof(msg), "has a \"%s\" that is not a string", key);
  return shape_error(CP_HERE, path, where, msg, err);
}

static enum cp_err check_slot(json_object *slot, const char *path, size_t i,
                              struct cp_errbuf *err)
{
  static const char *const strings[] = {"cluster_id", "hsm_ca_file", NULL};
  enum cp_err rc;
  char where[64];
  json_object *cluster, *servers, *v;
  size_t j;

  snprintf(where, sizeof(where), "clusters[%zu]", i);
  if (!json_object_is_type(slot, json_type_object))
    return shape_error(CP_HERE, path, where, "must be an object", err);
  if (json_object_object_get_ex(slot, "type", &v) &&
      !json_object_is_type(v, json_type_string))
    return shape_error(CP_HERE, path, where,
                       "has a \"type\" that is not a string", err);
  if (!json_object_object_get_ex(slot, "cluster", &cluster) ||
      !json_object_is_type(cluster, json_type_object))
    return shape_error(CP_HERE, path, where, "needs an object \"cluster\"",
                       err);
  snprintf(where, sizeof(where), "clusters[%zu].cluster", i);
  for (j = 0; strings[j]; j++)
    if ((rc = check_string_member(cluster, strings[j], path, where, err)) !=
        CP_OK)
      return rc;
  for (j = 0; j < CFG_NPAIRS; j++)
    if ((rc = check_string_member(cluster, cfg_pair_keys[j].cert, path, where,
                                  err)) != CP_OK ||
        (rc = check_string_member(cluster, cfg_pair_keys[j].key, path, where,
                                  err)) != CP_OK)
      return rc;
  if (json_object_object_get_ex(cluster, "options", &v) &&
      !json_object_is_type(v, json_type_object))
    return shape_error(CP_HERE, path, where,
                       "has \"options\" that is not an object", err);
  if (!json_object_object_get_ex(cluster, "servers", &servers))
    return CP_OK;
  if (!json_object_is_type(servers, json_type_array))
    return shape_error(CP_HERE, path, where,
                       "has \"servers\" that is not an array", err);
  for (j = 0; j < json_object_array_length(servers); j++)
    if ((rc = check_server(json_object_array_get_idx(servers, j), path, i, j,
                           err)) != CP_OK)
      return rc;
  return CP_OK;
}

static const char *slot_cluster_id(json_object *slot)
{
  json_object *cluster, *v;

  if (json_object_object_get_ex(slot, "cluster", &cluster) &&
      json_object_object_get_ex(cluster, "cluster_id", &v) &&
      json_object_is_type(v, json_type_string))
    return json_object_get_string(v);
  return NULL;
}

/* A file of another shape is refused, not rewritten: Client SDK 3's
 * cloudhsm_client.cfg and cloudhsm_mgmt_util.cfg (top-level client, server,
 * loadbalance, dualfactor...), or anything with neither clusters nor
 * cluster. */
static enum cp_err check_sdk5(json_object *root, const char *path,
                              struct cp_errbuf *err)
{
  static const char *const sdk3_keys[] = {"client", "server", "loadbalance",
                                          "dualfactor", "servers", NULL};
  size_t i;

  for (i = 0; sdk3_keys[i]; i++)
    if (json_object_object_get_ex(root, sdk3_keys[i], NULL))
      return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                     "config file is a Client SDK 3 config (%s): it has a "
                     "top-level \"%s\". Give --config the SDK 5 file; the "
                     "PKCS#11 library reads %s",
                     path, sdk3_keys[i], sdk_config_path());
  if (!json_object_object_get_ex(root, "clusters", NULL) &&
      !json_object_object_get_ex(root, "cluster", NULL))
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file is not a PKCS#11 config (%s): its top level "
                   "has neither \"clusters\" nor \"cluster\". Check --config; "
                   "the PKCS#11 library reads %s",
                   path, sdk_config_path());
  return CP_OK;
}

static enum cp_err check_shape(json_object *root, const char *path,
                               struct cp_errbuf *err)
{
  enum cp_err rc;
  json_object *clusters, *v, *seen;
  size_t i, n;

  if (!json_object_is_type(root, json_type_object))
    return shape_error(CP_HERE, path, "the top level", "must be a JSON object",
                       err);
  if (json_object_object_get_ex(root, "logging", &v) &&
      !json_object_is_type(v, json_type_object))
    return shape_error(CP_HERE, path, "\"logging\"", "must be an object", err);
  if ((rc = check_sdk5(root, path, err)) != CP_OK)
    return rc;
  if (!json_object_object_get_ex(root, "clusters", &clusters))
    return CP_OK;
  if (!json_object_is_type(clusters, json_type_array))
    return shape_error(CP_HERE, path, "\"clusters\"", "must be an array", err);
  n = json_object_array_length(clusters);
  for (i = 0; i < n; i++)
    if ((rc = check_slot(json_object_array_get_idx(clusters, i), path, i,
                         err)) != CP_OK)
      return rc;
  /* duplicate ids: one pass with json-c's hash table (id -> first index) */
  seen = json_object_new_object();
  for (i = 0; i < n; i++) {
    const char *id = slot_cluster_id(json_object_array_get_idx(clusters, i));
    json_object *first;
    if (!id)
      continue;
    if (json_object_object_get_ex(seen, id, &first)) {
      rc = cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file has a duplicate cluster (%s): clusters[%d] "
                   "and clusters[%zu] both have cluster_id %s. Remove one "
                   "of them by hand",
                   path, json_object_get_int(first), i, id);
      json_object_put(seen);
      return rc;
    }
    json_object_object_add(seen, id, json_object_new_int((int)i));
  }
  json_object_put(seen);
  return CP_OK;
}

enum cp_err cfg_model_parse(struct cfg_model *m, const char *text, size_t len,
                            const char *path, struct cp_errbuf *err)
{
  struct json_tokener *tok;
  json_object *root;
  enum json_tokener_error jerr;
  size_t end;
  enum cp_err rc;

  if (len > CFG_MAX_BYTES)
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file too large (%s): %zu bytes, the limit is %u. "
                   "Check that this is the right file",
                   path, len, CFG_MAX_BYTES);
  if (memchr(text, '\0', len))
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file is not valid JSON (%s): byte %zu is a NUL "
                   "byte. Restore the file from a backup",
                   path,
                   (size_t)((const char *)memchr(text, '\0', len) - text));
  if ((rc = cfg_json_check(text, len, path, err)) != CP_OK)
    return rc;
  tok = json_tokener_new_ex(64);
  if (!tok)
    return cp_fail(err, CP_E_INTERNAL, __FILE__, __LINE__, "out of memory");
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  root = json_tokener_parse_ex(tok, text, (int)len);
  jerr = json_tokener_get_error(tok);
  end = json_tokener_get_parse_end(tok);
  if (jerr == json_tokener_continue) {
    json_tokener_free(tok);
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file is not valid JSON (%s): it ends early, at "
                   "byte %zu. Restore the file or fix it by hand",
                   path, len);
  }
  json_tokener_free(tok);
  if (jerr == json_tokener_success && !root)
    return shape_error(CP_HERE, path, "the top level",
                       "is null: it must be a JSON object", err);
  if (jerr != json_tokener_success || !root) {
    json_object_put(root);
    return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                   "config file is not valid JSON (%s): %s at byte %zu. Fix "
                   "the file by hand or restore it from a backup",
                   path, json_tokener_error_desc(jerr), end);
  }
  for (; end < len; end++)
    if (!strchr(" \t\r\n", text[end])) {
      json_object_put(root);
      return cp_fail(err, CP_E_CONFIG, __FILE__, __LINE__,
                     "config file is not valid JSON (%s): unexpected data "
                     "after the end at byte %zu. Remove it",
                     path, end);
    }
  if ((rc = check_shape(root, path, err)) != CP_OK) {
    json_object_put(root);
    return rc;
  }
  cfg_model_release(m);
  m->root = root;
  return CP_OK;
}

/* ---- printing ---------------------------------------------------------- */

#define PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static void indent(struct cp_buf *out, int level)
{
  int i;
  for (i = 0; i < level; i++)
    cp_buf_puts(out, "  ");
}

/* The form the original tool writes: two spaces a level, "key": value, and
 * [] or {} when empty. Only containers are laid out here (json-c's public
 * API has no hook for that); scalars and keys are printed by json-c, so
 * strings are escaped as it escapes them and real numbers keep the text
 * they were read with. */
static void print_value(json_object *v, int level, struct cp_buf *out)
{
  size_t i, n;
  int first = 1;

  if (json_object_is_type(v, json_type_object) && json_object_object_length(v)) {
    cp_buf_puts(out, "{\n");
    json_object_object_foreach(v, k, val)
    {
      json_object *key = json_object_new_string(k);
      cp_buf_puts(out, first ? "" : ",\n");
      first = 0;
      indent(out, level + 1);
      cp_buf_puts(out, json_object_to_json_string_ext(key, PLAIN));
      cp_buf_puts(out, ": ");
      json_object_put(key);
      print_value(val, level + 1, out);
    }
    cp_buf_addc(out, '\n');
    indent(out, level);
    cp_buf_addc(out, '}');
  } else if (json_object_is_type(v, json_type_array) &&
             (n = json_object_array_length(v)) > 0) {
    cp_buf_puts(out, "[\n");
    for (i = 0; i < n; i++) {
      cp_buf_puts(out, i ? ",\n" : "");
      indent(out, level + 1);
      print_value(json_object_array_get_idx(v, i), level + 1, out);
    }
    cp_buf_addc(out, '\n');
    indent(out, level);
    cp_buf_addc(out, ']');
  } else if (json_object_is_type(v, json_type_object)) {
    cp_buf_puts(out, "{}");
  } else if (json_object_is_type(v, json_type_array)) {
    cp_buf_puts(out, "[]");
  } else {
    cp_buf_puts(out, json_object_to_json_string_ext(v, PLAIN));
  }
}

void cfg_model_serialize(const struct cfg_model *m, struct cp_buf *out)
{
  print_value(m->root, 0, out);
  cp_buf_addc(out, '\n');
}

void cfg_model_release(struct cfg_model *m)
{
  json_object_put(m->root);
  m->root = NULL;
}

int cfg_model_equal(const struct cfg_model *a, const struct cfg_model *b)
{
  return json_object_equal(a->root, b->root);
}

void cfg_model_copy(const struct cfg_model *src, struct cfg_model *dst)
{
  json_object *copy = NULL;

  cfg_model_release(dst);
  if (json_object_deep_copy(src->root, &copy, NULL) != 0 || !copy) {
    fprintf(stderr, "configure-pkcs11: fatal: out of memory\n");
    abort();
  }
  dst->root = copy;
}

/* ---- ordered edits ----------------------------------------------------- */

static int order_index(const char *const *order, const char *key)
{
  int i;
  for (i = 0; order[i]; i++)
    if (!strcmp(order[i], key))
      return i;
  return -1;
}

/* Sets obj[key] = val (val's reference is taken). An existing key keeps its
 * place. A new key goes just before the first known key that `order` puts
 * after it (at the end when there is none); every other key keeps its
 * place. */
static void set_ordered(json_object *obj, const char *key, json_object *val,
                        const char *const *order)
{
  json_object *tmp;
  struct lh_entry *e;
  int rank = order_index(order, key), placed = 0;

  if (json_object_object_get_ex(obj, key, NULL) || rank < 0) {
    json_object_object_add(obj, key, val);
    return;
  }
  /* json-c appends new keys; rebuild the object to insert one in place. */
  tmp = json_object_new_object();
  for (e = json_object_get_object(obj)->head; e; e = e->next) {
    const char *k = (const char *)lh_entry_k(e);
    if (!placed && order_index(order, k) > rank) {
      json_object_object_add(tmp, key, val);
      placed = 1;
    }
    json_object_object_add(tmp, k,
                           json_object_get((json_object *)lh_entry_v(e)));
  }
  if (!placed)
    json_object_object_add(tmp, key, val);
  while (json_object_object_length(obj) > 0) {
    e = json_object_get_object(obj)->head;
    json_object_object_del(obj, (const char *)lh_entry_k(e));
  }
  for (e = json_object_get_object(tmp)->head; e; e = e->next)
    json_object_object_add(obj, (const char *)lh_entry_k(e),
                           json_object_get((json_object *)lh_entry_v(e)));
  json_object_put(tmp);
}

static json_object *child_object(json_object *obj, const char *key,
                                 const char *const *order)
{
  json_object *v;

  if (json_object_object_get_ex(obj, key, &v) &&
      json_object_is_type(v, json_type_object))
    return v;
  v = json_object_new_object();
  set_ordered(obj, key, v, order);
  return v;
}

static json_object *clusters_array(struct cfg_model *m)
{
  json_object *v;

  if (json_object_object_get_ex(m->root, "clusters", &v) &&
      json_object_is_type(v, json_type_array))
    return v;
  v = json_object_new_array();
  set_ordered(m->root, "clusters", v, top_order);
  return v;
}

static json_object *const_clusters(const struct cfg_model *m)
{
  json_object *v;

  if (m->root && json_object_object_get_ex(m->root, "clusters", &v) &&
      json_object_is_type(v, json_type_array))
    return v;
  return NULL;
}

static json_object *slot_cluster(json_object *slot)
{
  return child_object(slot, "cluster", slot_order);
}

static json_object *new_servers(const struct cfg_server *s, size_t n)
{
  json_object *arr = json_object_new_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_object *srv = json_object_new_object();
    json_object_object_add(srv, "hostname",
                           json_object_new_string(s[i].hostname));
    json_object_object_add(srv, "port", json_object_new_int(s[i].port));
    json_object_object_add(srv, "enable", json_object_new_boolean(s[i].enable));
    json_object_array_add(arr, srv);
  }
  return arr;
}

/* The object of servers[] with this hostname and port, or NULL. */
static json_object *find_server(json_object *servers, const char *host,
                                int port)
{
  size_t i;

  for (i = 0; i < json_object_array_length(servers); i++) {
    json_object *o = json_object_array_get_idx(servers, i), *h, *p;
    if (json_object_is_type(o, json_type_object) &&
        json_object_object_get_ex(o, "hostname", &h) &&
        json_object_is_type(h, json_type_string) &&
        !strcmp(json_object_get_string(h), host) &&
        (json_object_object_get_ex(o, "port", &p) ? json_object_get_int(p)
                                                  : CFG_DEFAULT_PORT) == port)
      return o;
  }
  return NULL;
}

/* Replaces the servers unless they are the same data already (then 0, else
 * 1). A server the slot has already (same hostname and port) keeps its
 * object: its unknown keys, and an "enable" an admin set (false stays
 * false). */
static int put_servers(json_object *cluster, const struct cfg_server *s,
                       size_t n)
{
  json_object *fresh = new_servers(s, n), *old, *o;
  size_t i;

  if (json_object_object_get_ex(cluster, "servers", &old) &&
      json_object_is_type(old, json_type_array)) {
    for (i = 0; i < n; i++) {
      if (!(o = find_server(old, s[i].hostname, s[i].port)))
        continue;
      json_object *keep = NULL;
      json_object_deep_copy(o, &keep, NULL);
      if (!json_object_object_get_ex(keep, "enable", NULL))
        set_ordered(keep, "enable", json_object_new_boolean(s[i].enable),
                    server_order);
      json_object_array_put_idx(fresh, i, keep);
    }
    if (json_object_equal(old, fresh)) {
      json_object_put(fresh);
      return 0;
    }
  }
  set_ordered(cluster, "servers", fresh, cluster_order);
  return 1;
}

size_t cfg_servers_dedupe(struct cfg_server *s, size_t *n)
{
  size_t i, j, out = 0, dropped = 0;

  for (i = 0; i < *n; i++) {
    for (j = 0; j < out; j++)
      if (!strcmp(s[j].hostname, s[i].hostname) && s[j].port == s[i].port)
        break;
    if (j < out)
      dropped++;
    else
      s[out++] = s[i];
  }
  *n = out;
  return dropped;
}

static void put_string(json_object *obj, const char *key, const char *value,
                       const char *const *order)
{
  json_object *v;

  if (json_object_object_get_ex(obj, key, &v) &&
      json_object_is_type(v, json_type_string) &&
      !strcmp(json_object_get_string(v), value))
    return;
  set_ordered(obj, key, json_object_new_string(value), order);
}

static json_object *new_slot(const char *type)
{
  json_object *slot = json_object_new_object();

  json_object_object_add(slot, "type", json_object_new_string(type));
  json_object_object_add(slot, "cluster", json_object_new_object());
  return slot;
}

/* The original tool's default config has one single-cluster slot. */
static void ensure_one_slot(struct cfg_model *m)
{
  json_object *arr = clusters_array(m);
  json_object *cluster;

  if (json_object_array_length(arr) > 0)
    return;
  json_object_array_add(arr, new_slot("hsm1"));
  cluster = slot_cluster(json_object_array_get_idx(arr, 0));
  put_string(cluster, "hsm_ca_file", sdk_ca_path(), cluster_order);
  set_ordered(cluster, "servers", json_object_new_array(), cluster_order);
}

const char *cfg_model_library_version(void)
{
  return json_c_version();
}

void cfg_model_init_default(struct cfg_model *m)
{
  json_object *logging;
  char *log_file;

  cfg_model_release(m);
  m->root = json_object_new_object();
  json_object_object_add(m->root, "clusters", json_object_new_array());
  logging = json_object_new_object();
  json_object_object_add(logging, "log_type", json_object_new_string("file"));
  log_file = plat_path_join(sdk_log_dir(), "cloudhsm-pkcs11.log");
  json_object_object_add(logging, "log_file", json_object_new_string(log_file));
  free(log_file);
  json_object_object_add(logging, "log_level", json_object_new_string("info"));
  json_object_object_add(logging, "log_interval",
                         json_object_new_string("daily"));
  json_object_object_add(m->root, "logging", logging);
}

/* ---- reading ----------------------------------------------------------- */

size_t cfg_model_slot_count(const struct cfg_model *m)
{
  json_object *arr = const_clusters(m);
  return arr ? json_object_array_length(arr) : 0;
}

int cfg_model_find_slot(const struct cfg_model *m, const char *cluster_id)
{
  json_object *arr = const_clusters(m);
  size_t i, n = arr ? json_object_array_length(arr) : 0;

  for (i = 0; i < n; i++) {
    const char *id = slot_cluster_id(json_object_array_get_idx(arr, i));
    if (id && !strcmp(id, cluster_id))
      return (int)i;
  }
  return -1;
}

static const char *get_str(json_object *obj, const char *key)
{
  json_object *v;

  if (obj && json_object_object_get_ex(obj, key, &v) &&
      json_object_is_type(v, json_type_string))
    return json_object_get_string(v);
  return NULL;
}

static json_object *get_obj(json_object *obj, const char *key)
{
  json_object *v;

  if (obj && json_object_object_get_ex(obj, key, &v) &&
      json_object_is_type(v, json_type_object))
    return v;
  return NULL;
}

/* "%%HSM_IP_ADDRESS%%": a template's placeholder, never an address. */
static int is_placeholder(const char *host)
{
  size_t n = host ? strlen(host) : 0;
  return n > 4 && !strncmp(host, "%%", 2) && !strcmp(host + n - 2, "%%");
}

void cfg_model_slot(const struct cfg_model *m, size_t i,
                    struct cfg_slot_view *out)
{
  json_object *slot = json_object_array_get_idx(const_clusters(m), i);
  json_object *cluster = get_obj(slot, "cluster"), *servers;
  size_t j, placeholders = 0;

  memset(out, 0, sizeof(*out));
  out->type = get_str(slot, "type");
  out->cluster_id = get_str(cluster, "cluster_id");
  out->hsm_ca_file = get_str(cluster, "hsm_ca_file");
  for (j = 0; j < CFG_NPAIRS; j++) {
    out->pair_cert[j] = get_str(cluster, cfg_pair_keys[j].cert);
    out->pair_key[j] = get_str(cluster, cfg_pair_keys[j].key);
  }
  if (cluster && json_object_object_get_ex(cluster, "servers", &servers))
    out->nservers = json_object_array_length(servers);
  for (j = 0; j < out->nservers; j++) {
    const char *h = get_str(json_object_array_get_idx(servers, j), "hostname");
    if (is_placeholder(h)) {
      placeholders++;
      if (!out->placeholder)
        out->placeholder = h;
    }
  }
  out->unconfigured = !out->cluster_id && placeholders == out->nservers;
}

size_t cfg_model_slot_servers(const struct cfg_model *m, size_t i,
                              struct cfg_server **out)
{
  struct cfg_slot_view v;
  size_t j;

  cfg_model_slot(m, i, &v);
  *out = v.nservers ? cp_xcalloc(v.nservers, sizeof(**out)) : NULL;
  for (j = 0; j < v.nservers; j++)
    cfg_model_slot_server(m, i, j, &(*out)[j]);
  return v.nservers;
}

int cfg_model_slot_for(const struct cfg_model *m, const char *cluster_id)
{
  size_t i, n = cfg_model_slot_count(m);
  int idx = cfg_model_find_slot(m, cluster_id);

  for (i = 0; idx < 0 && i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(m, i, &v);
    if (v.unconfigured)
      idx = (int)i;
  }
  return idx;
}

void cfg_model_slot_server(const struct cfg_model *m, size_t i, size_t j,
                           struct cfg_server *out)
{
  json_object *slot = json_object_array_get_idx(const_clusters(m), i);
  json_object *cluster = get_obj(slot, "cluster"), *servers, *srv, *v;

  out->hostname = NULL;
  out->port = CFG_DEFAULT_PORT;
  out->enable = 1;
  if (!cluster || !json_object_object_get_ex(cluster, "servers", &servers))
    return;
  srv = json_object_array_get_idx(servers, j);
  out->hostname = get_str(srv, "hostname");
  if (json_object_object_get_ex(srv, "port", &v))
    out->port = json_object_get_int(v);
  if (json_object_object_get_ex(srv, "enable", &v))
    out->enable = json_object_get_boolean(v);
}

/* ---- editing ----------------------------------------------------------- */

void cfg_model_upsert_slot(struct cfg_model *m, const struct cfg_slot_spec *s,
                           enum cfg_action *action)
{
  json_object *arr = clusters_array(m);
  int idx = cfg_model_slot_for(m, s->cluster_id);
  int filled = idx >= 0 && cfg_model_find_slot(m, s->cluster_id) < 0;
  json_object *slot, *cluster, *before = NULL;

  if (idx >= 0) {
    slot = json_object_array_get_idx(arr, (size_t)idx);
    if (!filled)
      json_object_deep_copy(slot, &before, NULL);
  } else {
    slot = new_slot(s->type ? s->type : "hsm1");
    json_object_array_add(arr, slot);
  }
  if (s->type)
    put_string(slot, "type", s->type, slot_order);
  cluster = slot_cluster(slot);
  if (s->hsm_ca_file || !get_str(cluster, "hsm_ca_file"))
    put_string(cluster, "hsm_ca_file",
               s->hsm_ca_file ? s->hsm_ca_file : sdk_ca_path(),
               cluster_order);
  put_string(cluster, "cluster_id", s->cluster_id, cluster_order);
  put_servers(cluster, s->servers, s->nservers);
  if (!before)
    *action = CFG_ADDED;
  else
    *action = json_object_equal(before, slot) ? CFG_UNCHANGED : CFG_UPDATED;
  json_object_put(before);
}

void cfg_model_remove_slot(struct cfg_model *m, const char *cluster_id,
                           enum cfg_action *action)
{
  int idx = cfg_model_find_slot(m, cluster_id);

  if (idx < 0) {
    *action = CFG_ABSENT;
    return;
  }
  json_object_array_del_idx(clusters_array(m), (size_t)idx, 1);
  *action = CFG_REMOVED;
}

void cfg_model_remove_slot_at(struct cfg_model *m, size_t i)
{
  json_object_array_del_idx(clusters_array(m), i, 1);
}

/* Calls fn on the cluster object of slot `slot`, or of every slot (-1). */
static void for_slots(struct cfg_model *m, int slot,
                      void (*fn)(json_object *cluster, const void *arg),
                      const void *arg)
{
  json_object *arr;
  size_t i, n;

  ensure_one_slot(m);
  arr = clusters_array(m);
  n = json_object_array_length(arr);
  for (i = 0; i < n; i++)
    if (slot < 0 || (size_t)slot == i)
      fn(slot_cluster(json_object_array_get_idx(arr, i)), arg);
}

struct servers_arg {
  const struct cfg_server *s;
  size_t n;
  int *changed;
};
static void apply_servers(json_object *cluster, const void *arg)
{
  const struct servers_arg *a = arg;
  if (put_servers(cluster, a->s, a->n))
    *a->changed = 1;
}

int cfg_model_set_servers(struct cfg_model *m, int slot,
                          const struct cfg_server *servers, size_t n)
{
  int changed = 0;
  struct servers_arg a = {servers, n, &changed};

  for_slots(m, slot, apply_servers, &a);
  return changed;
}

struct kv_arg {
  const char *key;
  const char *str;
  int boolean;
};
static void apply_string(json_object *cluster, const void *arg)
{
  const struct kv_arg *a = arg;
  put_string(cluster, a->key, a->str, cluster_order);
}

void cfg_model_set_cluster_string(struct cfg_model *m, int slot,
                                  const char *key, const char *value)
{
  struct kv_arg a = {key, value, 0};
  for_slots(m, slot, apply_string, &a);
}

struct pair_arg {
  const struct cfg_pair_keys *keys;
  const char *cert, *key;
};
static void apply_pair(json_object *cluster, const void *arg)
{
  const struct pair_arg *a = arg;

  if (!a->cert) {
    json_object_object_del(cluster, a->keys->cert);
    json_object_object_del(cluster, a->keys->key);
    return;
  }
  put_string(cluster, a->keys->cert, a->cert, cluster_order);
  put_string(cluster, a->keys->key, a->key, cluster_order);
}

void cfg_model_set_pair(struct cfg_model *m, int slot, enum cfg_pair which,
                        const char *cert, const char *key)
{
  struct pair_arg a = {&cfg_pair_keys[which], cert, key};
  for_slots(m, slot, apply_pair, &a);
}

static void apply_option(json_object *cluster, const void *arg)
{
  static const char *const no_order[] = {NULL};
  const struct kv_arg *a = arg;
  json_object *opts = child_object(cluster, "options", cluster_order), *v;

  if (a->str) {
    put_string(opts, a->key, a->str, no_order);
    return;
  }
  if (json_object_object_get_ex(opts, a->key, &v) &&
      json_object_is_type(v, json_type_boolean) &&
      json_object_get_boolean(v) == a->boolean)
    return;
  json_object_object_add(opts, a->key, json_object_new_boolean(a->boolean));
}

void cfg_model_set_option_bool(struct cfg_model *m, int slot, const char *key,
                               int value)
{
  struct kv_arg a = {key, NULL, value};
  for_slots(m, slot, apply_option, &a);
}

void cfg_model_set_option_string(struct cfg_model *m, int slot,
                                 const char *key, const char *value)
{
  struct kv_arg a = {key, value, 0};
  for_slots(m, slot, apply_option, &a);
}

const char *cfg_model_logging_value(const struct cfg_model *m,
                                    const char *key)
{
  return get_str(get_obj(m->root, "logging"), key);
}

void cfg_model_set_logging(struct cfg_model *m, const char *key,
                           const char *value)
{
  json_object *logging = get_obj(m->root, "logging");

  if (!value) {
    if (logging)
      json_object_object_del(logging, key);
    return;
  }
  put_string(child_object(m->root, "logging", top_order), key, value,
             logging_order);
}
