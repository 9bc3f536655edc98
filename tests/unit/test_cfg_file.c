/* SPDX-License-Identifier: Apache-2.0 */
/* test_cfg_file.c — the locked, atomic rewrite of the config file, and
 * cfg_txn's edit of several: what another run wrote between the snapshot
 * and the lock is kept, the edit runs with every lock held, a failed edit
 * writes no file, a dry run takes no lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_file.h"
#include "cfg_txn.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static char dir[] = "/tmp/cp-test-cfgfile-XXXXXX";
static char cfg[600];

static const char *original =
    "{\n  \"clusters\": [\n    {\n      \"type\": \"hsm1\",\n"
    "      \"cluster\": {\n        \"hsm_ca_file\": \"/ca.crt\",\n"
    "        \"cluster_id\": \"cluster-aaaaaaaaaaa\",\n"
    "        \"servers\": []\n      }\n    }\n  ]\n}\n";

static void write_file(const char *path, const char *text, mode_t mode)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  chmod(path, mode);
}

static char *read_all(const char *path)
{
  struct cp_buf b = CP_BUF_INIT;
  assert_int_equal(plat_read_file(path, 1 << 24, &b, NULL, CP_E_IO, err),
                   CP_OK);
  return cp_buf_detach(&b);
}

/* Files in dir other than the config and its lock. */
static int stray_files(void)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;

  while ((de = readdir(d)))
    if (de->d_name[0] != '.' && strcmp(de->d_name, "p11.cfg") &&
        strcmp(de->d_name, "p11.cfg.lock"))
      n++;
  closedir(d);
  return n;
}

static enum cp_err add_cluster(const char *id, int *changed)
{
  struct cfg_file f = CFG_FILE_INIT;
  struct cfg_server s[] = {{"10.1.1.1", 2223, 1}};
  struct cfg_slot_spec spec = {id, NULL, "/ca.crt", s, 1};
  enum cfg_action a;
  enum cp_err rc;

  CP_TRY(rc, cfg_file_lock(&f, cfg, 2000, err));
  CP_TRY(rc, cfg_file_load(&f, err));
  cfg_model_upsert_slot(&f.model, &spec, &a);
  CP_TRY(rc, cfg_file_commit(&f, changed, err));
out:
  cfg_file_release(&f);
  return rc;
}

static void test_new_file_gets_0644(void **state)
{
  struct stat st;
  int changed;
  (void)state;

  unlink(cfg);
  umask(077);
  assert_int_equal(add_cluster("cluster-aaaaaaaaaaa", &changed), CP_OK);
  assert_true(changed);
  assert_int_equal(stat(cfg, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  assert_int_equal(stray_files(), 0);
}

static void test_mode_kept_and_unchanged_is_untouched(void **state)
{
  struct stat before, after;
  int changed;
  char *text;
  (void)state;

  write_file(cfg, original, 0600);
  assert_int_equal(add_cluster("cluster-bbbbbbbbbbb", &changed), CP_OK);
  assert_true(changed);
  assert_int_equal(stat(cfg, &before), 0);
  assert_int_equal(before.st_mode & 0777, 0600);
  text = read_all(cfg);
  /* the clock seam: an hour-old mtime, not a second's sleep, shows that an
   * edit with no change leaves the file untouched */
  {
    const struct timespec old[2] = {{before.st_mtime - 3600, 0},
                                    {before.st_mtime - 3600, 0}};
    assert_int_equal(utimensat(AT_FDCWD, cfg, old, 0), 0);
  }
  assert_int_equal(add_cluster("cluster-bbbbbbbbbbb", &changed), CP_OK);
  assert_false(changed);
  assert_int_equal(stat(cfg, &after), 0);
  assert_int_equal(before.st_ino, after.st_ino);
  assert_int_equal(before.st_mtime - 3600, after.st_mtime);
  free(text);
}

static void test_malformed_config_never_overwritten(void **state)
{
  int changed;
  char *text;
  (void)state;

  write_file(cfg, "{\"clusters\": [", 0644);
  assert_int_equal(add_cluster("cluster-bbbbbbbbbbb", &changed), CP_E_CONFIG);
  assert_non_null(strstr(err->text, cfg));
  text = read_all(cfg);
  assert_string_equal(text, "{\"clusters\": [");
  free(text);
}

static void test_stale_temp_removed(void **state)
{
  char tmp[700];
  int changed;
  (void)state;

  write_file(cfg, original, 0644);
  snprintf(tmp, sizeof(tmp), "%s.tmp-Ab3xYz", cfg);
  write_file(tmp, "half a fi", 0600);
  assert_int_equal(stray_files(), 1);
  assert_int_equal(add_cluster("cluster-aaaaaaaaaaa", &changed), CP_OK);
  assert_int_equal(stray_files(), 0);
}

static void test_fault_injection(void **state)
{
#ifdef CP_TESTING
  static const char *const steps[] = {"write", "fsync", "rename", NULL};
  const char *const *s;
  int changed;
  char *text;
  (void)state;

  for (s = steps; *s; s++) {
    write_file(cfg, original, 0644);
    setenv("CONFIGURE_PKCS11_FAULT", *s, 1);
    assert_int_equal(add_cluster("cluster-ccccccccccc", &changed), CP_E_IO);
    unsetenv("CONFIGURE_PKCS11_FAULT");
    assert_non_null(strstr(err->text, "unchanged"));
    text = read_all(cfg);
    assert_string_equal(text, original);
    free(text);
    assert_int_equal(stray_files(), 0);
  }
#else
  (void)state;
  skip();
#endif
}

/* The folder fsync comes after the rename: its failure leaves the new file
 * in place and says so (the one exception to "the old file stays"). */
static void test_folder_sync_failure(void **state)
{
#ifdef CP_TESTING
  int changed;
  char *text;
  (void)state;

  write_file(cfg, original, 0644);
  setenv("CONFIGURE_PKCS11_FAULT", "dirsync", 1);
  assert_int_equal(add_cluster("cluster-ccccccccccc", &changed), CP_E_IO);
  unsetenv("CONFIGURE_PKCS11_FAULT");
  assert_non_null(
      strstr(err->text, "config written but its folder could not be synced"));
  text = read_all(cfg);
  assert_non_null(strstr(text, "cluster-ccccccccccc"));
  free(text);
  assert_int_equal(stray_files(), 0);
#else
  (void)state;
  skip();
#endif
}

static void test_unsafe_folder_refused(void **state)
{
  int changed;
  (void)state;

  write_file(cfg, original, 0644);
  chmod(dir, 0777);
  assert_int_equal(add_cluster("cluster-ccccccccccc", &changed),
                   CP_E_UNSAFE_PATH);
  assert_non_null(strstr(err->text, "anyone can write"));
  chmod(dir, 0700);
}

/* A config reached through a link (config management makes them) is edited
 * at its target when the way is safe; the link stays a link. */
static void test_symlinked_config_edits_target(void **state)
{
  char target[700], lock[720];
  struct stat st;
  int changed;
  char *text;
  (void)state;

  snprintf(target, sizeof(target), "%s/real.cfg", dir);
  snprintf(lock, sizeof(lock), "%s.lock", target);
  write_file(target, original, 0640);
  unlink(cfg);
  assert_int_equal(symlink("real.cfg", cfg), 0); /* relative, as ln -s makes */
  assert_int_equal(add_cluster("cluster-ccccccccccc", &changed), CP_OK);
  assert_int_equal(changed, 1);
  assert_int_equal(lstat(cfg, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  text = read_all(target);
  assert_non_null(strstr(text, "cluster-ccccccccccc"));
  free(text);
  assert_int_equal(stat(target, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0640); /* the target's mode kept */
  assert_int_equal(access(lock, F_OK), 0);   /* the lock beside the target */
  unlink(cfg);
  unlink(target);
  unlink(lock);
}

/* A link whose target sits in a folder others may write into is refused,
 * naming that folder; nothing is written there. */
static void test_link_into_unsafe_folder_refused(void **state)
{
  char shared[700], target[720];
  int changed;
  char *text;
  (void)state;

  snprintf(shared, sizeof(shared), "%s/shared", dir);
  snprintf(target, sizeof(target), "%s/real.cfg", shared);
  assert_int_equal(mkdir(shared, 0700), 0);
  write_file(target, original, 0644);
  assert_int_equal(chmod(shared, 01777), 0);
  unlink(cfg);
  assert_int_equal(symlink(target, cfg), 0);
  assert_int_equal(add_cluster("cluster-ccccccccccc", &changed),
                   CP_E_UNSAFE_PATH);
  assert_non_null(strstr(err->text, shared));
  text = read_all(target);
  assert_string_equal(text, original);
  free(text);
  unlink(cfg);
  unlink(target);
  rmdir(shared);
}

/* A FIFO where the config should be: refused at once, never opened. */
static void test_fifo_config_refused(void **state)
{
  int changed;
  (void)state;

  unlink(cfg);
  assert_int_equal(mkfifo(cfg, 0600), 0);
  assert_int_equal(add_cluster("cluster-ccccccccccc", &changed), CP_E_CONFIG);
  assert_non_null(strstr(err->text, "not a regular file"));
  unlink(cfg);
}

static void test_lock_contention(void **state)
{
  struct cfg_file f = CFG_FILE_INIT;
  int pipefd[2], gofd[2], changed, status;
  char c;
  pid_t pid;
  (void)state;

  write_file(cfg, original, 0644);
  assert_int_equal(pipe(pipefd), 0);
  assert_int_equal(pipe(gofd), 0);
  pid = fork();
  if (pid == 0) { /* holds the lock until told, then a little longer */
    const struct timespec linger = {0, 300 * 1000000L};
    if (cfg_file_lock(&f, cfg, 1000, err) != CP_OK)
      _exit(1);
    if (write(pipefd[1], "x", 1) != 1 || read(gofd[0], &c, 1) != 1)
      _exit(1);
    nanosleep(&linger, NULL);
    _exit(0);
  }
  assert_int_equal(read(pipefd[0], &c, 1), 1);
  {
    struct cfg_file g = CFG_FILE_INIT;
    assert_int_equal(cfg_file_lock(&g, cfg, 200, err), CP_E_LOCKED);
    assert_non_null(strstr(err->text, "another configure-pkcs11 run"));
    cfg_file_release(&g);
  }
  /* a longer wait gets the lock when the holder ends */
  assert_int_equal(write(gofd[1], "x", 1), 1);
  assert_int_equal(add_cluster("cluster-ddddddddddd", &changed), CP_OK);
  waitpid(pid, &status, 0);
  assert_int_equal(WEXITSTATUS(status), 0);
  close(pipefd[0]);
  close(pipefd[1]);
  close(gofd[0]);
  close(gofd[1]);
}

/* ---- cfg_txn: one edit of several files ---------------------------- */

static char path[2][700], lock[2][720];

/* The two files of a txn, in a folder of their own. */
static void txn_paths(void)
{
  char sub[620];

  snprintf(sub, sizeof(sub), "%s/txn", dir);
  mkdir(sub, 0700);
  snprintf(path[0], sizeof(path[0]), "%s/a.cfg", sub);
  snprintf(path[1], sizeof(path[1]), "%s/b.cfg", sub);
  snprintf(lock[0], sizeof(lock[0]), "%s.lock", path[0]);
  snprintf(lock[1], sizeof(lock[1]), "%s.lock", path[1]);
}

static const char *one_slot =
    "{\n  \"clusters\": [\n    {\n      \"type\": \"hsm2m\",\n"
    "      \"cluster\": {\n        \"hsm_ca_file\": \"/ca.crt\",\n"
    "        \"cluster_id\": \"cluster-aaaaaaaaaaa\",\n"
    "        \"servers\": []\n      }\n    }\n  ]\n}\n";

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

/* The two files hold text[k] (NULL: not there, nor its lock), added to t. */
static void begin(struct cfg_txn *t, struct cfg_file f[2],
                  const char *text0, const char *text1)
{
  const char *text[2] = {text0, text1};
  int k;

  txn_paths();
  for (k = 0; k < 2; k++) {
    if (text[k]) {
      write_file(path[k], text[k], 0644);
    } else {
      unlink(path[k]);
      unlink(lock[k]);
    }
    f[k] = (struct cfg_file)CFG_FILE_INIT;
    cfg_txn_add(t, &f[k], path[k]);
  }
}

static void test_edit_between_snapshot_and_lock_is_kept(void **state)
{
  struct cfg_txn t = CFG_TXN_INIT;
  struct cfg_file f[2];
  struct edit_probe p = {{0, 0}, 9};
  char *text;
  (void)state;

  begin(&t, f, one_slot, one_slot);
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

  begin(&t, f, one_slot, one_slot);
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

  t.dry_run = 1;
  t.fresh = fresh_two_slots;
  begin(&t, f, NULL, one_slot);
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

  begin(&t, f, one_slot, "{ not json");
  assert_int_equal(cfg_txn_snapshot(&t, err), CP_E_CONFIG);
  assert_int_equal(t.failed, 1);
  cfg_txn_release(&t);
}

static int setup(void **state)
{
  (void)state;
  if (!mkdtemp(dir))
    return -1;
  snprintf(cfg, sizeof(cfg), "%s/p11.cfg", dir);
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
      cmocka_unit_test(test_new_file_gets_0644),
      cmocka_unit_test(test_mode_kept_and_unchanged_is_untouched),
      cmocka_unit_test(test_malformed_config_never_overwritten),
      cmocka_unit_test(test_stale_temp_removed),
      cmocka_unit_test(test_fault_injection),
      cmocka_unit_test(test_folder_sync_failure),
      cmocka_unit_test(test_unsafe_folder_refused),
      cmocka_unit_test(test_symlinked_config_edits_target),
      cmocka_unit_test(test_link_into_unsafe_folder_refused),
      cmocka_unit_test(test_fifo_config_refused),
      cmocka_unit_test(test_lock_contention),
      cmocka_unit_test(test_edit_between_snapshot_and_lock_is_kept),
      cmocka_unit_test(test_failed_edit_writes_no_file),
      cmocka_unit_test(test_dry_run_takes_no_lock_and_writes_nothing),
      cmocka_unit_test(test_unparsable_file_fails_the_snapshot),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
