/* SPDX-License-Identifier: Apache-2.0 */
/* test_cfg_model.c — parsing, shape checks, printing and edits of the config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfg_model.h"
#include "cp_platform.h"
#include "sdk_paths.h"

/* what the code under test records when it fails */

/* logging.<key> and a slot's cluster.options.<key> as text, read from the
 * model's JSON (NULL when absent). */
static const char *member_text(json_object *o, const char *key)
{
  json_object *v;
  return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v)
                                                    : NULL;
}

static json_object *member(json_object *o, const char *key)
{
  json_object *v;
  return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *logging_of(const struct cfg_model *m, const char *key)
{
  return member_text(member(m->root, "logging"), key);
}

static const char *option_of(const struct cfg_model *m, size_t slot,
                                    const char *key)
{
  json_object *s = json_object_array_get_idx(member(m->root, "clusters"), slot);
  return member_text(member(member(s, "cluster"), "options"), key);
}

static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static char *slurp(const char *path, size_t *len)
{
  struct cp_buf b = CP_BUF_INIT;
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  assert_int_equal(plat_read_file(path, 1 << 24, &b, &meta, CP_E_IO, err),
                   CP_OK);
  assert_true(meta.exists);
  *len = b.len;
  return cp_buf_detach(&b);
}

static void parse_ok(struct cfg_model *m, const char *text)
{
  assert_int_equal(cfg_model_parse(m, text, strlen(text), "t.cfg", err), CP_OK);
}

static char *print(const struct cfg_model *m)
{
  struct cp_buf b = CP_BUF_INIT;
  cfg_model_serialize(m, &b);
  return cp_buf_detach(&b);
}

/* The file the original tool wrote prints back byte for byte. */
static void test_original_file_round_trips(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  size_t len;
  char *text, *out;
  struct cfg_slot_view v;
  struct cfg_server s;
  (void)state;

  text = slurp(TEST_DATA_DIR "/real-configs/written-by-configure-pkcs11.cfg", &len);
  assert_int_equal(cfg_model_parse(&m, text, len, "x", err), CP_OK);
  out = print(&m);
  assert_string_equal(out, text);
  assert_int_equal(cfg_model_slot_count(&m), 1);
  cfg_model_slot(&m, 0, &v);
  assert_string_equal(v.cluster_id, "cluster-RANDOMNUMBERS");
  assert_string_equal(v.type, "hsm1");
  assert_string_equal(v.pair_key[CFG_PAIR_SERVER_CLIENT],
                      "/opt/cloudhsm/etc/ssl-client.key");
  assert_null(v.pair_cert[CFG_PAIR_HSM_TLS]);
  assert_int_equal(v.nservers, 2);
  cfg_model_slot_server(&m, 0, 1, &s);
  assert_string_equal(s.hostname, "172.31.1.43");
  assert_int_equal(s.port, 2223);
  assert_true(s.enable);
  free(out);
  free(text);
  cfg_model_release(&m);
}

static void test_single_server_file(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  size_t len;
  char *text, *out;
  struct cfg_slot_view v;
  (void)state;

  text = slurp(TEST_DATA_DIR "/real-configs/single-server.cfg", &len);
  assert_int_equal(cfg_model_parse(&m, text, len, "x", err), CP_OK);
  out = print(&m);
  assert_string_equal(out, text);
  cfg_model_slot(&m, 0, &v);
  assert_null(v.cluster_id);
  assert_int_equal(cfg_model_find_slot(&m, "cluster-abc"), -1);
  assert_string_equal(logging_of(&m, "log_interval"), "daily");
  free(out);
  free(text);
  cfg_model_release(&m);
}

static void test_unknown_keys_kept_in_place(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  struct cfg_server srv[] = {{"10.0.0.9", 2223, 1}};
  struct cfg_slot_spec spec = {"cluster-abcdefghijk", NULL, NULL, srv, 1};
  enum cfg_action a;
  char *out;
  (void)state;

  parse_ok(&m, "{\"future\":{\"x\":[1,2.50,null]},\"clusters\":[{\"type\":"
               "\"hsm2m\",\"cluster\":{\"zz\":1,\"cluster_id\":"
               "\"cluster-abcdefghijk\",\"servers\":[{\"hostname\":\"10.0.0.9\","
               "\"port\":2223,\"enable\":true,\"note\":\"rack 4\"}]}}]}");
  cfg_model_upsert_slot(&m, &spec, &a);
  out = print(&m);
  /* hsm_ca_file was missing, so the slot changed; every unknown key stays */
  assert_int_equal(a, CFG_UPDATED);
  assert_non_null(strstr(out, "\"future\": {\n    \"x\": [\n      1,\n      2.50,\n      null"));
  assert_non_null(strstr(out, "\"note\": \"rack 4\""));
  assert_true(strstr(out, "\"zz\": 1") < strstr(out, "\"hsm_ca_file\""));
  assert_true(strstr(out, "\"hsm_ca_file\"") < strstr(out, "\"cluster_id\""));
  assert_non_null(strstr(out, "\"type\": \"hsm2m\""));
  free(out);
  /* the same again is unchanged */
  cfg_model_upsert_slot(&m, &spec, &a);
  assert_int_equal(a, CFG_UNCHANGED);
  cfg_model_release(&m);
}

static void expect_bad_len(const char *text, size_t len, const char *needle)
{
  struct cfg_model m = CFG_MODEL_INIT;
  enum cp_err rc = cfg_model_parse(&m, text, len, "/etc/x.cfg", err);
  if (rc != CP_E_CONFIG || !strstr(err->text, needle))
    fail_msg("input %s: rc %d, detail \"%s\", wanted \"%s\"", text, rc,
             err->text, needle);
  assert_null(m.root);
  assert_non_null(strstr(err->text, "/etc/x.cfg"));
}

static void expect_bad(const char *text, const char *needle)
{
  expect_bad_len(text, strlen(text), needle);
}

static void test_malformed_inputs(void **state)
{
  (void)state;
  expect_bad("", "ends early");
  expect_bad("{", "ends early");
  expect_bad("{\"clusters\": [", "ends early");
  expect_bad("{\"clusters\": [}", "at byte 14");
  expect_bad("{\"a\":1,}", "not valid JSON");
  expect_bad("{\"a\":1} x", "at byte 8");
  expect_bad("{\"a\":'x'}", "not valid JSON");
  expect_bad("/* c */ {}", "not valid JSON");
  expect_bad("[]", "top level");
  expect_bad_len("{\"a\":1}\0{}", 10, "byte 7 is a NUL");
  expect_bad("{\"clusters\":{}}", "\"clusters\" must be an array");
  expect_bad("{\"clusters\":[1]}", "clusters[0] must be an object");
  expect_bad("{\"clusters\":[{}]}", "clusters[0] needs an object \"cluster\"");
  expect_bad("{\"clusters\":[{\"type\":1,\"cluster\":{}}]}", "\"type\"");
  expect_bad("{\"clusters\":[{\"cluster\":{\"cluster_id\":5}}]}",
             "\"cluster_id\" that is not a string");
  expect_bad("{\"clusters\":[{\"cluster\":{\"servers\":{}}}]}",
             "\"servers\" that is not an array");
  expect_bad("{\"clusters\":[{\"cluster\":{\"servers\":[{\"port\":1}]}}]}",
             "servers[0] needs a non-empty string \"hostname\"");
  expect_bad("{\"clusters\":[{\"cluster\":{\"servers\":[{\"hostname\":\"a\","
             "\"port\":70000}]}}]}",
             "\"port\" that is not 1-65535");
  expect_bad("{\"clusters\":[{\"cluster\":{\"servers\":[{\"hostname\":\"a\","
             "\"port\":\"2223\"}]}}]}",
             "\"port\"");
  expect_bad("{\"clusters\":[{\"cluster\":{\"servers\":[{\"hostname\":\"a\","
             "\"enable\":1}]}}]}",
             "\"enable\" that is not a boolean");
  expect_bad("{\"clusters\":[{\"cluster\":{\"options\":[]}}]}", "\"options\"");
  expect_bad("{\"logging\":\"file\"}", "\"logging\" must be an object");
  expect_bad("{\"clusters\":[{\"cluster\":{\"cluster_id\":\"cluster-a\"}},"
             "{\"cluster\":{\"cluster_id\":\"cluster-a\"}}]}",
             "duplicate cluster");
}

static void test_printing_is_stable(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT, m2 = CFG_MODEL_INIT;
  char *a, *b;
  (void)state;

  parse_ok(&m, "{\"clusters\":[],\"logging\":{},\"x\":\"/a/b\",\"u\":\"\\u00e9\"}");
  a = print(&m);
  assert_string_equal(a, "{\n  \"clusters\": [],\n  \"logging\": {},\n  "
                         "\"x\": \"/a/b\",\n  \"u\": \"\xc3\xa9\"\n}\n");
  parse_ok(&m2, a);
  b = print(&m2);
  assert_string_equal(a, b);
  free(a);
  free(b);
  cfg_model_release(&m);
  cfg_model_release(&m2);
}

static void test_new_slot_key_order(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  struct cfg_server srv[] = {{"10.0.1.12", 2223, 1}, {"fd00::5", 2223, 1}};
  struct cfg_slot_spec spec = {"cluster-abcdefghijk", "hsm2m", "/ca.crt",
                               srv, 2};
  enum cfg_action a;
  char *out;
  /* each pair under its own keys, the server-client pair where AWS's tool
   * writes it; set in the opposite order, written in the file's */
  const char *expect =
      "{\n  \"clusters\": [\n    {\n      \"type\": \"hsm2m\",\n"
      "      \"cluster\": {\n        \"client_cert_path\": \"/c.crt\",\n"
      "        \"client_key_path\": \"/c.key\",\n"
      "        \"client_cert_hsm_tls_path\": \"/m.crt\",\n"
      "        \"client_key_hsm_tls_path\": \"/m.key\",\n"
      "        \"hsm_ca_file\": \"/ca.crt\",\n"
      "        \"cluster_id\": \"cluster-abcdefghijk\",\n"
      "        \"servers\": [\n          {\n"
      "            \"hostname\": \"10.0.1.12\",\n            \"port\": 2223,\n"
      "            \"enable\": true\n          },\n          {\n"
      "            \"hostname\": \"fd00::5\",\n            \"port\": 2223,\n"
      "            \"enable\": true\n          }\n        ]\n      }\n    }\n"
      "  ],\n  \"logging\": {\n    \"log_type\": \"file\",\n";
  (void)state;

  cfg_model_init_default(&m);
  cfg_model_upsert_slot(&m, &spec, &a);
  assert_int_equal(a, CFG_ADDED);
  cfg_model_set_pair(&m, 0, CFG_PAIR_HSM_TLS, "/m.crt", "/m.key");
  cfg_model_set_pair(&m, 0, CFG_PAIR_SERVER_CLIENT, "/c.crt", "/c.key");
  out = print(&m);
  assert_memory_equal(out, expect, strlen(expect));
  free(out);
  /* cleared: both keys gone, never written empty */
  cfg_model_set_pair(&m, 0, CFG_PAIR_HSM_TLS, NULL, NULL);
  out = print(&m);
  assert_null(strstr(out, "hsm_tls"));
  assert_non_null(strstr(out, "\"client_key_path\": \"/c.key\""));
  free(out);
  cfg_model_release(&m);
}

static void test_upsert_update_remove(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  struct cfg_server s1[] = {{"10.0.0.1", 2223, 1}};
  struct cfg_server s2[] = {{"10.0.0.1", 2223, 1}, {"10.0.0.2", 2223, 1}};
  struct cfg_slot_spec a = {"cluster-aaaaaaaaaaa", NULL, NULL, s1, 1};
  struct cfg_slot_spec b = {"cluster-bbbbbbbbbbb", NULL, NULL, s1, 1};
  enum cfg_action act;
  struct cfg_slot_view v;
  (void)state;

  cfg_model_init_default(&m);
  cfg_model_upsert_slot(&m, &a, &act);
  assert_int_equal(act, CFG_ADDED);
  cfg_model_upsert_slot(&m, &b, &act);
  assert_int_equal(act, CFG_ADDED);
  assert_int_equal(cfg_model_slot_count(&m), 2);
  cfg_model_slot(&m, 0, &v);
  assert_string_equal(v.hsm_ca_file, sdk_ca_path());
  assert_string_equal(v.type, "hsm1");
  a.servers = s2;
  a.nservers = 2;
  cfg_model_upsert_slot(&m, &a, &act);
  assert_int_equal(act, CFG_UPDATED);
  cfg_model_slot(&m, 0, &v);
  assert_int_equal(v.nservers, 2);
  cfg_model_upsert_slot(&m, &a, &act);
  assert_int_equal(act, CFG_UNCHANGED);
  cfg_model_remove_slot(&m, "cluster-aaaaaaaaaaa", &act);
  assert_int_equal(act, CFG_REMOVED);
  assert_int_equal(cfg_model_slot_count(&m), 1);
  assert_int_equal(cfg_model_find_slot(&m, "cluster-bbbbbbbbbbb"), 0);
  cfg_model_remove_slot(&m, "cluster-aaaaaaaaaaa", &act);
  assert_int_equal(act, CFG_ABSENT);
  cfg_model_release(&m);
}

/* The first add-cluster on a single-cluster file keeps that slot first. */
static void test_single_to_multi(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  size_t len;
  char *text = slurp(TEST_DATA_DIR "/real-configs/single-server.cfg", &len);
  struct cfg_server s1[] = {{"10.9.9.9", 2223, 1}};
  struct cfg_slot_spec a = {"cluster-aaaaaaaaaaa", NULL, NULL, s1, 1};
  struct cfg_slot_view v;
  enum cfg_action act;
  (void)state;

  assert_int_equal(cfg_model_parse(&m, text, len, "x", err), CP_OK);
  cfg_model_upsert_slot(&m, &a, &act);
  assert_int_equal(act, CFG_ADDED);
  assert_int_equal(cfg_model_slot_count(&m), 2);
  cfg_model_slot(&m, 0, &v);
  assert_null(v.cluster_id);
  assert_int_equal(v.nservers, 1);
  cfg_model_slot(&m, 1, &v);
  assert_string_equal(v.cluster_id, "cluster-aaaaaaaaaaa");
  free(text);
  cfg_model_release(&m);
}

static void test_offline_options(void **state)
{
  struct cfg_model m = CFG_MODEL_INIT;
  struct cfg_server s1[] = {{"10.0.0.7", 2300, 1}};
  struct cfg_slot_view v;
  (void)state;

  cfg_model_init_default(&m);
  cfg_model_set_servers(&m, -1, s1, 1); /* creates the single slot */
  assert_int_equal(cfg_model_slot_count(&m), 1);
  cfg_model_slot(&m, 0, &v);
  assert_null(v.cluster_id);
  assert_string_equal(v.hsm_ca_file, sdk_ca_path());
  cfg_model_set_option_bool(&m, -1, "disable_key_availability_check", 1);
  cfg_model_set_option_string(&m, -1, "default_retry_mode", "off");
  cfg_model_set_logging(&m, "log_level", "trace");
  assert_string_equal(option_of(&m, 0, "disable_key_availability_check"),
                      "true");
  assert_string_equal(option_of(&m, 0, "default_retry_mode"), "off");
  assert_string_equal(logging_of(&m, "log_level"), "trace");
  cfg_model_release(&m);
}

static void test_cluster_id_rule(void **state)
{
  (void)state;
  assert_true(cfg_cluster_id_valid("cluster-abcdefghijk"));
  assert_true(cfg_cluster_id_valid("cluster-2ab3cd4ef5g"));
  assert_true(cfg_cluster_id_valid("cluster-ABCDEFGHIJKLMNOP"));
  assert_false(cfg_cluster_id_valid("cluster-abcdefghij"));         /* 10 */
  assert_false(cfg_cluster_id_valid("cluster-abcdefghijklmnopq"));  /* 17 */
  assert_false(cfg_cluster_id_valid("cluster-abcdefghij1"));        /* 1 */
  assert_false(cfg_cluster_id_valid("cluster-abcdefghij8"));        /* 8 */
  assert_true(cfg_cluster_id_valid("cluster-RANDOMNUMBERS")); /* 13 letters */
  assert_false(cfg_cluster_id_valid("cluster-abcde-ghijk"));
  assert_false(cfg_cluster_id_valid("clusterabcdefghijk"));
  assert_false(cfg_cluster_id_valid(""));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_original_file_round_trips),
      cmocka_unit_test(test_single_server_file),
      cmocka_unit_test(test_unknown_keys_kept_in_place),
      cmocka_unit_test(test_malformed_inputs),
      cmocka_unit_test(test_printing_is_stable),
      cmocka_unit_test(test_new_slot_key_order),
      cmocka_unit_test(test_upsert_update_remove),
      cmocka_unit_test(test_single_to_multi),
      cmocka_unit_test(test_offline_options),
      cmocka_unit_test(test_cluster_id_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
