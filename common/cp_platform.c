/* SPDX-License-Identifier: Apache-2.0 */
/* cp_platform.c — the parts of cp_platform.h that are the same on every
 * system: the interrupt flag, address parsing, the shared messages. */
#include "platform_common.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cp_platform.h"

static volatile sig_atomic_t interrupted;

void plat_note_interrupt(void)
{
  interrupted = 1;
}

int plat_ip_family(const char *text)
{
  unsigned char buf[16];
  return plat_ip_bytes(text, buf);
}

int plat_interrupted(void)
{
  return interrupted != 0;
}

size_t plat_parallel_extra(size_t n, unsigned max_workers, size_t cap)
{
  size_t want = n < max_workers ? n : max_workers;

  want = want ? want - 1 : 0; /* the caller's thread is one of them */
  return want > cap ? cap : want;
}

enum cp_err plat_check_interrupt(struct cp_errbuf *err)
{
  if (!interrupted)
    return CP_OK;
  return cp_fail(err, CP_E_INTERRUPTED, __FILE__, __LINE__,
                 "interrupted (signal): stopped before changing anything. Run "
                 "again to finish");
}

enum plat_fault_kind plat_fault_wanted(const char *step)
{
#ifdef CP_TESTING
  /* "STEP": fail it; "kill@STEP": die there; "STEP#N": fail its Nth time
   * (the second file of a --component run) */
  static int seen;
  const char *f = getenv("CONFIGURE_PKCS11_FAULT"), *hash;
  size_t n;
  if (!f)
    return PLAT_FAULT_NONE;
  if (!strncmp(f, "kill@", 5) && !strcmp(f + 5, step))
    return PLAT_FAULT_KILL;
  if (!strcmp(f, step))
    return PLAT_FAULT_FAIL;
  hash = strchr(f, '#');
  n = hash ? (size_t)(hash - f) : 0;
  if (hash && n == strlen(step) && !strncmp(f, step, n) &&
      ++seen == atoi(hash + 1))
    return PLAT_FAULT_FAIL;
#else
  (void)step;
#endif
  return PLAT_FAULT_NONE;
}

static enum cp_err plat_err_lock(const char *file, int line,
                                 const char *lock_path, const char *why,
                                 struct cp_errbuf *err);
static enum cp_err plat_err_locked(const char *file, int line,
                                   const char *lock_path,
                                   struct cp_errbuf *err);

enum cp_err plat_wait_lock(const char *lock_path, int timeout_ms,
                           int (*try_lock)(void *ctx, const char **why),
                           void *ctx, struct cp_errbuf *err)
{
  long long deadline = plat_now_ms() + timeout_ms;
  int delay = 5, r;
  const char *why = "";

  while ((r = try_lock(ctx, &why)) != 0) {
    if (r < 0)
      return plat_err_lock(CP_HERE, lock_path, why, err);
    if (plat_interrupted())
      return plat_check_interrupt(err);
    if (plat_now_ms() >= deadline)
      return plat_err_locked(CP_HERE, lock_path, err);
    plat_sleep_ms(delay + rand() % (delay + 1));
    if (delay < 50)
      delay *= 2;
  }
  plat_fault("kill-after-lock");
  return CP_OK;
}

#define STOP_GRACE_MS 1000 /* after SIGTERM, before the kill */

/* Ends a child that must not go on: asked, then killed, always reaped. */
static void end_child(struct plat_child *c)
{
  int status;

  plat_child_stop(c, 0);
  if (!plat_child_wait(c, STOP_GRACE_MS, &status)) {
    plat_child_stop(c, 1);
    plat_child_wait(c, STOP_GRACE_MS, &status);
  }
}

enum cp_err plat_run_capture(const char *cmd, size_t max, long timeout_ms,
                             struct cp_buf *out, int *status,
                             struct cp_errbuf *err)
{
  struct plat_child *c = NULL;
  long long deadline = plat_now_ms() + timeout_ms, left;
  enum cp_err rc;
  int r = 1;

  CP_TRY(rc, plat_child_start(cmd, &c, err));
  for (;;) {
    if (plat_interrupted()) {
      end_child(c); /* told, as a terminal tells a foreground helper */
      CP_TRY(rc, plat_check_interrupt(err));
    }
    left = deadline - plat_now_ms();
    if (left <= 0) {
      end_child(c);
      CP_FAIL(rc, CP_E_ENVIRONMENT,
              "credential_process did not finish (%s): it ran past %ld s and "
              "was stopped. Make it answer sooner, or raise "
              "CONFIGURE_PKCS11_PROCESS_TIMEOUT",
              cmd, timeout_ms / 1000);
    }
    if (r >= 0)
      r = plat_child_read(c, out, left < 100 ? left : 100);
    if (out->len > max) {
      end_child(c);
      CP_FAIL(rc, CP_E_ENVIRONMENT,
              "credential_process printed too much (%s): over %zu bytes, so "
              "it was stopped. Check the command",
              cmd, max);
    }
    if (r < 0 && plat_child_wait(c, left < 100 ? left : 100, status))
      break; /* its output ended and it exited */
  }
out:
  plat_child_free(c);
  return rc;
}

#define FAIL(code, ...) cp_fail(err, (code), file, line, __VA_ARGS__)

enum cp_err plat_err_open(const char *file, int line, enum cp_err code,
                          const char *path, const char *why,
                          struct cp_errbuf *err)
{
  return FAIL(code, "cannot open file (%s): %s. Check the path and its "
              "permissions", path, why);
}

enum cp_err plat_err_not_regular(const char *file, int line, enum cp_err code,
                                 const char *path, struct cp_errbuf *err)
{
  return FAIL(code, "not a regular file (%s): it is a folder, a FIFO or a "
              "device, so it is not read. Give the path of a file", path);
}

enum cp_err plat_err_too_large(const char *file, int line, enum cp_err code,
                               const char *path, unsigned long long size,
                               size_t max, struct cp_errbuf *err)
{
  if (size)
    return FAIL(code, "file too large (%s): %llu bytes, the limit is %zu. "
                "Check that this is the right file", path, size, max);
  return FAIL(code, "file too large (%s): over %zu bytes. Check that this is "
              "the right file", path, max);
}

enum cp_err plat_err_read(const char *file, int line, enum cp_err code,
                          const char *path, const char *why,
                          struct cp_errbuf *err)
{
  return FAIL(code, "cannot read file (%s): %s. Check the disk and retry",
              path, why);
}

enum cp_err plat_err_lock_create(const char *file, int line,
                                 const char *lock_path, const char *why,
                                 int denied, struct cp_errbuf *err)
{
  if (denied)
    return FAIL(CP_E_IO, "cannot create lock file (%s): %s. Run as %s, or "
                "use --config to write a config elsewhere", lock_path, why,
                plat_admin_name());
  return FAIL(CP_E_IO, "cannot create lock file (%s): %s. Remove it if it is "
              "not a regular file", lock_path, why);
}

static enum cp_err plat_err_lock(const char *file, int line,
                                 const char *lock_path, const char *why,
                                 struct cp_errbuf *err)
{
  return FAIL(CP_E_IO, "cannot lock (%s): %s. Check the file system supports "
              "locks", lock_path, why);
}

static enum cp_err plat_err_locked(const char *file, int line,
                                   const char *lock_path, struct cp_errbuf *err)
{
  return FAIL(CP_E_LOCKED, "config is locked (%s): another configure-pkcs11 "
              "run holds it. Retry when it ends", lock_path);
}

enum cp_err plat_err_temp_create(const char *file, int line, const char *path,
                                 const char *why, int denied,
                                 struct cp_errbuf *err)
{
  char *dir = plat_dirname(path);
  enum cp_err rc =
      denied ? FAIL(CP_E_IO, "config folder is not writable (%s): %s. Run as "
                    "%s, or use --config to write elsewhere", dir, why,
                    plat_admin_name())
             : FAIL(CP_E_IO, "cannot create temporary file (%s): %s. Free "
                    "some space or fix permissions", dir, why);

  free(dir);
  return rc;
}

enum cp_err plat_err_write(const char *file, int line, const char *path,
                           const char *why, struct cp_errbuf *err)
{
  return FAIL(CP_E_IO, "cannot write config (%s): %s. The old file is "
              "unchanged; free some space and retry", path, why);
}

enum cp_err plat_err_flush(const char *file, int line, const char *path,
                           const char *why, struct cp_errbuf *err)
{
  return FAIL(CP_E_IO, "cannot flush config to disk (%s): %s. The old file "
              "is unchanged; check the disk and retry", path, why);
}

enum cp_err plat_err_xattr(const char *file, int line, const char *path,
                           const char *name, const char *why,
                           struct cp_errbuf *err)
{
  return FAIL(CP_E_IO, "cannot keep an extended attribute of the config "
              "(%s): %s: %s. The old file is unchanged; check the file system "
              "supports it, or run as %s", path, name, why, plat_admin_name());
}

enum cp_err plat_err_replace(const char *file, int line, const char *path,
                             const char *why, struct cp_errbuf *err)
{
  return FAIL(CP_E_IO, "cannot replace config (%s): %s. The old file is "
              "unchanged", path, why);
}

enum cp_err plat_err_run(const char *file, int line, const char *cmd,
                         const char *why, struct cp_errbuf *err)
{
  return FAIL(CP_E_NO_CREDENTIALS, "cannot run credential_process (%s): %s. "
              "Check the command in the profile", cmd, why);
}


void plat_links_release(struct plat_links *l)
{
  size_t i;

  for (i = 0; i < l->ndirs; i++)
    free(l->dirs[i]);
  free(l->dirs);
  free(l->target);
  l->dirs = NULL;
  l->target = NULL;
  l->ndirs = 0;
}
