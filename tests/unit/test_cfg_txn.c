/* SPDX-License-Identifier: Apache-2.0 */
/* test_cfg_txn.c — one edit of several files: what another run wrote
 * between the snapshot and the lock is kept, the edit runs with every lock
 * held, a failed edit writes no file, a dry run takes no lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_txn.h"

static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static char dir[] = "/tmp/cp-test-cfgtxn-XXXXXX";
static char path[2][600], lock[2][620];

static const char *one_slot =
    "{\n  \"clusters\": [\n    {\n      \"type\": \"hsm2m\",\n"
    "      \"cluster\": {\n        \"hsm_ca_file\": \"/ca.crt\",\n"
    "        \"cluster_id\": \"cluster-aaaaaaaaaaa\",\n"
    "        \"servers\": []\n      }\n    }\n  ]\n}\n";

static void write_file(const char *p, const char *text)
{
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static char *read_all(const char *p)
{
  struct cp_buf b = CP_BUF_INIT;
  assert_int_equal(plat_read_file(p, 1 << 24, &b, NULL, CP_E_IO, err), CP_OK);
  return cp_buf_detach(&b);
}

static int exists(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0;
}

/* 1 when file k's lock is held (flock: a second open conflicts even in
 * this process). */
static int held(int k)
{
  struct plat_lock *lk = NULL;
  enum cp_err rc = plat_lock_acquire(lock[k], 0, &lk, err);

  plat_lock_release(lk, 1);
  return rc == CP_E_LOCKED;
}

static void upsert(struct cfg_model *m, const char *id)
{
  struct cfg_server s[] = {{"10.1.1.1", 2223, 1}};
  struct cfg_slot_spec spec = {id, NULL, "/ca.crt", s, 1};
  enum cfg_action a;

  cfg_model_upsert_slot(m, &spec, &a);
}

/* Another run's whole edit of file k: lock, read, add id, write. */
static void other_run_adds(int k, const char *id)
{
  struct cfg_file f = CFG_FILE_INIT;
  int changed;

  assert_int_equal(cfg_file_lock(&f, path[k], 1000, err), CP_OK);
  assert_int_equal(cfg_file_load(&f, err), CP_OK);
  upsert(&f.model, id);
  assert_int_equal(cfg_file_commit(&f, &changed, err), CP_OK);
  cfg_file_release(&f);
}

/* The edit under test: adds cluster-bbbbbbbbbbb to each file; records
 * whether both locks were held when it ran; fails on file fail_at. */
struct edit_probe {
  int both_locked[2];
  size_t fail_at;
};
static enum cp_err add_b(void *arg, size_t i, struct cfg_file *f,
                         struct cp_errbuf *e)
{
  struct edit_probe *p = arg;

  p->both_locked[i] = held(0) && held(1);
  if (i == p->fail_at)
    return cp_fail(e, CP_E_INVALID, __FILE__, __LINE__, "refused (%zu)", i);
  upsert(&f->model, "cluster-bbbbbbbbbbb");
  return CP_OK;
}

static void begin(struct cfg_txn *t, struct cfg_file f[2])
{
  f[0] = (struct cfg_file)CFG_FILE_INIT;
  f[1] = (struct cfg_file)CFG_FILE_INIT;
  cfg_txn_add(t, &f[0], path[0]);
  cfg_txn_add(t, &f[1], path[1]);
}

static void test_edit_between_snapshot_and_lock_is_kept(void **state)
{
  struct cfg_txn t = CFG_TXN_INIT;
  struct cfg_file f[2];
  struct edit_probe p = {{0, 0}, 9};
  char *text;
  (void)state;

  write_file(path[0], one_slot);
  write_file(path[1], one_slot);
  begin(&t, f);
  assert_int_equal(cfg_txn_snapshot(&t, err), CP_OK);
  assert_int_equal(cfg_model_slot_count(&f[0].model), 1);
  assert_false(held(0)); /* the snapshot holds no lock */
  other_run_adds(0, "cluster-ccccccccccc"); /* while "the API answers" */
  assert_int_equal(cfg_txn_apply(&t, add_b, &p, err), CP_OK);
  assert_true(p.both_locked[0]); /* every lock before the first edit */
  assert_true(p.both_locked[1]);
  assert_int_equal(cfg_txn_commit(&t, err), CP_OK);
  assert_true(t.v[0].changed);
  assert_true(t.v[1].changed);
  cfg_txn_release(&t);
  assert_false(held(0)); /* dropped with the release */
  assert_false(held(1));
  text = read_all(path[0]);
  assert_non_null(strstr(text, "cluster-ccccccccccc")); /* the other run's */
  assert_non_null(strstr(text, "cluster-bbbbbbbbbbb")); /* and this one's */
  free(text);
}

static void test_failed_edit_writes_no_file(void **state)
{
  struct cfg_txn t = CFG_TXN_INIT;
  struct cfg_file f[2];
  struct edit_probe p = {{0, 0}, 1};
  char *a, *b;
  (void)state;

  write_file(path[0], one_slot);
  write_file(path[1], one_slot);
  begin(&t, f);
  assert_int_equal(cfg_txn_snapshot(&t, err), CP_OK);
  assert_int_equal(cfg_txn_apply(&t, add_b, &p, err), CP_E_INVALID);
  assert_int_equal(t.failed, 1);
  cfg_txn_release(&t);
  a = read_all(path[0]);
  b = read_all(path[1]);
  assert_string_equal(a, one_slot); /* file 0's edit was made, not written */
  assert_string_equal(b, one_slot);
  assert_false(held(0));
  assert_false(held(1));
  free(a);
  free(b);
}

static void fresh_two_slots(void *arg, size_t i, struct cfg_model *m)
{
  (void)arg;
  (void)i;
  upsert(m, "cluster-ddddddddddd");
}

static void test_dry_run_takes_no_lock_and_writes_nothing(void **state)
{
  struct cfg_txn t = CFG_TXN_INIT;
  struct cfg_file f[2];
  struct edit_probe p = {{1, 1}, 9};
  (void)state;

  unlink(path[0]);
  unlink(lock[0]);
  write_file(path[1], one_slot);
  t.dry_run = 1;
  t.fresh = fresh_two_slots;
  begin(&t, f);
  assert_int_equal(cfg_txn_snapshot(&t, err), CP_OK);
  /* the missing file holds its defaults, which alone are no change */
  assert_int_equal(cfg_model_slot_count(&f[0].model), 1);
  assert_false(cfg_file_changed(&f[0]));
  assert_int_equal(cfg_txn_apply(&t, add_b, &p, err), CP_OK);
  assert_false(p.both_locked[0]);
  assert_int_equal(cfg_txn_commit(&t, err), CP_OK);
  assert_true(t.v[0].changed); /* would be */
  cfg_txn_release(&t);
  assert_false(exists(path[0]));
  assert_false(exists(lock[0])); /* no lock file made beside it */
}

static void test_unparsable_file_fails_the_snapshot(void **state)
{
  struct cfg_txn t = CFG_TXN_INIT;
  struct cfg_file f[2];
  (void)state;

  write_file(path[0], one_slot);
  write_file(path[1], "{ not json");
  begin(&t, f);
  assert_int_equal(cfg_txn_snapshot(&t, err), CP_E_CONFIG);
  assert_int_equal(t.failed, 1);
  cfg_txn_release(&t);
}

static int setup(void **state)
{
  (void)state;
  if (!mkdtemp(dir))
    return -1;
  snprintf(path[0], sizeof(path[0]), "%s/a.cfg", dir);
  snprintf(path[1], sizeof(path[1]), "%s/b.cfg", dir);
  snprintf(lock[0], sizeof(lock[0]), "%s.lock", path[0]);
  snprintf(lock[1], sizeof(lock[1]), "%s.lock", path[1]);
  return 0;
}

static int teardown(void **state)
{
  char cmd[700];
  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edit_between_snapshot_and_lock_is_kept),
      cmocka_unit_test(test_failed_edit_writes_no_file),
      cmocka_unit_test(test_dry_run_takes_no_lock_and_writes_nothing),
      cmocka_unit_test(test_unparsable_file_fails_the_snapshot),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
