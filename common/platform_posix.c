/* SPDX-License-Identifier: Apache-2.0 */
/* platform_posix.c — the platform interface on Linux and other POSIX systems. */
#define _GNU_SOURCE
#include "cp_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <dlfcn.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>

#include "platform_common.h"


const char *plat_admin_name(void)
{
  return "root";
}

int plat_is_dir_sep(char c)
{
  return c == '/';
}

static void on_interrupt(int sig)
{
  (void)sig;
  plat_note_interrupt();
}

int plat_is_windows(void)
{
  return 0;
}

void plat_process_init(void)
{
  struct sigaction sa;
  int fd;

  signal(SIGPIPE, SIG_IGN);
  srand((unsigned)getpid() ^ (unsigned)time(NULL)); /* the lock's jitter */
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_interrupt; /* no SA_RESTART: sleeps and waits end */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  /* make sure stdin, stdout and stderr exist, so no file we open gets them */
  do {
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  } while (fd >= 0 && fd <= 2);
  if (fd > 2)
    close(fd);
}

const char *plat_system_name(void)
{
  static char buf[256];
  struct utsname u;

  if (uname(&u) != 0)
    return "POSIX";
  snprintf(buf, sizeof(buf), "%s %s %s", u.sysname, u.release, u.machine);
  return buf;
}

int plat_running_as_root(void)
{
  return geteuid() == 0;
}

int plat_delegated(const char **by)
{
  static const char *const vars[] = {"SUDO_UID", "PKEXEC_UID", "DOAS_USER"};
  size_t i;

  if (geteuid() != 0)
    return 0;
  for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
    const char *v = getenv(vars[i]);
    if (v && *v && strcmp(v, "0") && strcmp(v, "root")) {
      *by = vars[i];
      return 1;
    }
  }
  return 0;
}

const char *plat_invoking_user(void)
{
  static char name[256];
  const char *by = NULL, *v;
  struct passwd *pw = NULL;

  if (plat_delegated(&by)) {
    v = getenv(by);
    if (!strcmp(by, "PKEXEC_UID"))
      pw = getpwuid((uid_t)strtoul(v, NULL, 10));
    else if (!strcmp(by, "SUDO_UID") && getenv("SUDO_USER"))
      return getenv("SUDO_USER");
    else if (!strcmp(by, "SUDO_UID"))
      pw = getpwuid((uid_t)strtoul(v, NULL, 10));
    else
      return v; /* DOAS_USER is the name */
  } else {
    pw = getpwuid(geteuid());
  }
  if (!pw || !pw->pw_name)
    return NULL;
  snprintf(name, sizeof(name), "%s", pw->pw_name);
  return name;
}

int plat_user_may(const char *user, const char *path, int write)
{
  struct passwd *pw, *me = getpwuid(geteuid());
  int mode = write ? W_OK : R_OK, status;
  pid_t pid;

  if (!user || (me && me->pw_name && !strcmp(user, me->pw_name)))
    return access(path, mode) == 0;
  if (geteuid() != 0 || !(pw = getpwnam(user)))
    return -1;
  pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) { /* the user's groups, then its ids, for good */
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
      _exit(2);
    _exit(access(path, mode) == 0 ? 0 : 1);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) < 2 ? WEXITSTATUS(status) == 0
                                                      : -1;
}

char *plat_home_dir(void)
{
  const char *home = getenv("HOME");
  struct passwd *pw;

  if (home && *home)
    return cp_xstrdup(home);
  pw = getpwuid(geteuid());
  if (pw && pw->pw_dir && *pw->pw_dir)
    return cp_xstrdup(pw->pw_dir);
  return NULL;
}

int plat_ip_bytes(const char *text, unsigned char out[16])
{
  if (inet_pton(AF_INET, text, out) == 1)
    return 4;
  if (inet_pton(AF_INET6, text, out) == 1)
    return 6;
  return 0;
}

/* ---- a child process (credential_process) ------------------------------- */

extern char **environ;

struct plat_child {
  pid_t pid; /* also its process group; 0 once reaped */
  int fd;    /* the read end of its stdout */
};

enum cp_err plat_child_start(const char *cmd, struct plat_child **out,
                             struct cp_errbuf *err)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t none, deflt;
  char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
  int p[2], e;
  pid_t pid;

  *out = NULL;
  if (pipe2(p, O_CLOEXEC) != 0)
    return plat_err_run(CP_HERE, cmd, strerror(errno), err);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_init(&at);
  sigemptyset(&none);
  sigemptyset(&deflt);
  sigaddset(&deflt, SIGPIPE); /* ignored here, not in the helper */
  sigaddset(&deflt, SIGINT);
  sigaddset(&deflt, SIGTERM);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &deflt);
  posix_spawnattr_setpgroup(&at, 0); /* a group of its own: killed whole */
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                    POSIX_SPAWN_SETSIGDEF);
  e = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(p[1]);
  if (e != 0) {
    close(p[0]);
    return plat_err_run(CP_HERE, cmd, strerror(e), err);
  }
  *out = cp_xmalloc(sizeof(**out));
  (*out)->pid = pid;
  (*out)->fd = p[0];
  return CP_OK;
}

int plat_child_read(struct plat_child *c, struct cp_buf *out, long wait_ms)
{
  struct pollfd pf = {c->fd, POLLIN, 0};
  char chunk[4096];
  ssize_t n;

  if (poll(&pf, 1, (int)wait_ms) <= 0)
    return 0; /* nothing yet, or a signal: the caller looks again */
  n = read(c->fd, chunk, sizeof(chunk));
  if (n > 0)
    return cp_buf_add(out, chunk, (size_t)n) == 0 ? 1 : -1;
  return n < 0 && errno == EINTR ? 0 : -1;
}

void plat_child_stop(struct plat_child *c, int hard)
{
  if (c->pid > 0)
    kill(-c->pid, hard ? SIGKILL : SIGTERM);
}

int plat_child_wait(struct plat_child *c, long wait_ms, int *status)
{
  long long until = plat_now_ms() + wait_ms;
  int st;

  if (c->pid <= 0)
    return 1;
  for (;;) {
    pid_t r = waitpid(c->pid, &st, WNOHANG);
    if (r == c->pid || (r < 0 && errno != EINTR)) {
      *status = r < 0            ? 128
                : WIFEXITED(st) ? WEXITSTATUS(st)
                                : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
      c->pid = 0;
      return 1;
    }
    if (plat_now_ms() >= until)
      return 0;
    plat_sleep_ms(10);
  }
}

void plat_child_free(struct plat_child *c)
{
  int status;

  if (!c)
    return;
  if (c->pid > 0) { /* never left behind */
    plat_child_stop(c, 1);
    plat_child_wait(c, 1000, &status);
  }
  close(c->fd);
  free(c);
}

void plat_gmtime(time_t t, struct tm *out) { gmtime_r(&t, out); }

long long plat_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void plat_sleep_ms(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !plat_interrupted())
    ;
}

int plat_fault(const char *step)
{
  switch (plat_fault_wanted(step)) {
  case PLAT_FAULT_KILL:
    raise(SIGKILL);
    return 0;
  case PLAT_FAULT_FAIL:
    errno = EIO;
    return 1;
  default:
    return 0;
  }
}

char *plat_abs_path(const char *path)
{
  char cwd[4096];

  if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
    return cp_xstrdup(path);
  while (path[0] == '.' && path[1] == '/')
    path += 2;
  return cp_xasprintf("%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", path);
}

char *plat_dirname(const char *path)
{
  const char *slash = strrchr(path, '/');

  if (!slash)
    return cp_xstrdup(".");
  if (slash == path)
    return cp_xstrdup("/");
  return cp_xstrndup(path, (size_t)(slash - path));
}

/* Reads follow symbolic links, as the AWS CLI does (Kubernetes mounts
 * Secrets and ConfigMaps as links), but only regular files are read: a FIFO,
 * a device or a folder is refused from stat(), before any open that could
 * block or have side effects; the open is non-blocking and fstat() must see
 * the same regular file. */
enum cp_err plat_read_file(const char *path, size_t max, struct cp_buf *out,
                           struct plat_file_meta *meta, enum cp_err code,
                           struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  struct stat before, st;
  int fd, tries;

  for (tries = 0;; tries++) {
    if (stat(path, &before) != 0) {
      if (errno == ENOENT && meta) {
        meta->exists = 0;
        return CP_OK;
      }
      return plat_err_open(CP_HERE, code, path, strerror(errno), err);
    }
    if (!S_ISREG(before.st_mode))
      return plat_err_not_regular(CP_HERE, code, path, err);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return plat_err_open(CP_HERE, code, path, strerror(errno), err);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      rc = plat_err_not_regular(CP_HERE, code, path, err);
      goto out;
    }
    if (st.st_ino == before.st_ino && st.st_dev == before.st_dev)
      break;
    /* another regular file: the path was replaced between the two looks,
     * as another run's atomic rename does; a lock-free reader looks again */
    close(fd);
    if (tries == 20)
      return plat_err_read(CP_HERE, code, path,
                           "it was replaced at every look", err);
  }
  if ((size_t)st.st_size > max) {
    rc = plat_err_too_large(CP_HERE, code, path, (unsigned long long)st.st_size,
                            max, err);
    goto out;
  }
  if (meta) {
    meta->exists = 1;
    meta->mode = (unsigned)(st.st_mode & 07777);
    meta->uid = (long)st.st_uid;
    meta->gid = (long)st.st_gid;
  }
  for (;;) {
    char chunk[8192];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR && !plat_interrupted())
      continue;
    if (n < 0 && errno == EINTR) {
      rc = plat_check_interrupt(err);
      goto out;
    }
    if (n < 0) {
      rc = plat_err_read(CP_HERE, code, path, strerror(errno), err);
      goto out;
    }
    if (n == 0)
      break;
    if (out->len + (size_t)n > max || cp_buf_add(out, chunk, (size_t)n)) {
      rc = plat_err_too_large(CP_HERE, code, path, 0, max, err);
      goto out;
    }
  }
out:
  close(fd);
  return rc;
}

int plat_file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

enum plat_file_kind plat_file_kind(const char *path)
{
  struct stat st;

  if (stat(path, &st) != 0)
    return PLAT_NOTHING;
  return S_ISREG(st.st_mode) ? PLAT_REGULAR : PLAT_OTHER;
}

int plat_others_can_read(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

/* ---- the config path: links followed only where nobody else can re-point
 * them (OpenSSH's safe_path) ------------------------------------------------ */

void plat_path_exposure(const char *path, enum plat_role role,
                        struct plat_exposure *x)
{
  struct stat st;

  memset(x, 0, sizeof(*x));
  if (stat(path, &st) != 0) {
    x->missing = strerror(errno);
    return;
  }
  if (role == PLAT_ROLE_FOLDER) {
    if (!S_ISDIR(st.st_mode)) {
      x->not_dir = 1;
    } else if (st.st_mode & S_IWOTH) {
      x->why = "anyone can write into it";
      x->fix = "Use a folder only its owner can write (chmod o-w)";
    } else if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & S_IWGRP))) {
      x->why = "it is not root's, or its group may write it, and this runs "
               "as root";
      x->fix = "Make it root's and not group-writable (chown root, chmod g-w)";
    }
    return;
  }
  /* a sticky folder (/tmp) keeps others from renaming what is ours, so it
   * passes above the config's own folder, never as that folder (the lock
   * and the temporary file are made there) */
  if (st.st_uid != 0 && st.st_uid != geteuid())
    x->why = "it is owned by another user";
  else if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
           !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
             role == PLAT_ROLE_ABOVE))
    x->why = "group or others may write it";
}

char *plat_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  return cp_xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

int plat_same_path(const char *a, const char *b)
{
  return !strcmp(a, b);
}

int plat_same_file(const char *a, const char *b)
{
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

char *plat_program_name(const char *argv0)
{
  const char *base = strrchr(argv0, '/');
  return cp_xstrdup(base ? base + 1 : argv0);
}

/* Like realpath, but the file need not exist, and every folder a link is
 * met in is kept in out->dirs. */
void plat_resolve_links(const char *path, struct plat_links *out)
{
  char cwd[4096], *cur = NULL, *rest = cp_xstrdup(path);
  int links = 0;

  memset(out, 0, sizeof(*out));
  if (path[0] == '/')
    cur = cp_xstrdup("/");
  else if (getcwd(cwd, sizeof(cwd)))
    cur = cp_xstrdup(cwd);
  else
    goto fail;
  while (*rest) {
    char *p = rest + strspn(rest, "/"), *slash = strchr(p, '/'), *comp, *cand;
    char buf[4096], *next;
    struct stat st;
    ssize_t n;
    int last;

    comp = slash ? cp_xstrndup(p, (size_t)(slash - p)) : cp_xstrdup(p);
    next = cp_xstrdup(slash ? slash : "");
    free(rest);
    rest = next;
    last = rest[strspn(rest, "/")] == '\0';
    if (!*comp || !strcmp(comp, ".")) {
      free(comp);
      continue;
    }
    if (!strcmp(comp, "..")) {
      char *up = plat_dirname(cur);
      free(cur);
      cur = up;
      free(comp);
      continue;
    }
    cand = plat_path_join(cur, comp);
    free(comp);
    if (lstat(cand, &st) != 0) {
      if (errno == ENOENT && last) {
        free(cur);
        cur = cand;
        continue;
      }
      free(cand);
      goto fail;
    }
    if (!S_ISLNK(st.st_mode)) {
      free(cur);
      cur = cand;
      continue;
    }
    out->via_link = 1;
    out->dirs = cp_xrealloc(out->dirs, (out->ndirs + 1) * sizeof(*out->dirs));
    out->dirs[out->ndirs++] = cp_xstrdup(cur);
    if (++links > 40 || (n = readlink(cand, buf, sizeof(buf) - 1)) <= 0) {
      free(cand);
      goto fail;
    }
    free(cand);
    buf[n] = '\0';
    next = cp_xasprintf("%s/%s", buf, rest);
    free(rest);
    rest = next;
    if (buf[0] == '/') {
      free(cur);
      cur = cp_xstrdup("/");
    }
  }
  out->target = cur;
  cur = NULL;
fail:
  free(cur);
  free(rest);
}

struct plat_lock {
  int fd;
  int created; /* this run made the lock file */
  char *path;
};

static int try_flock(void *ctx, const char **why)
{
  if (flock(*(int *)ctx, LOCK_EX | LOCK_NB) == 0)
    return 0;
  if (errno == EWOULDBLOCK || errno == EINTR)
    return 1;
  *why = strerror(errno);
  return -1;
}

/* 1 when fd is still the file at path (a run that removes its lock file
 * may have deleted the one we waited on). */
static int still_there(int fd, const char *path)
{
  struct stat a, b;
  return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

enum cp_err plat_lock_acquire(const char *lock_path, int timeout_ms,
                              struct plat_lock **out, struct cp_errbuf *err)
{
  const int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
  enum cp_err rc;
  int fd, created, tries;

  *out = NULL;
  for (tries = 0;; tries++) {
    created = 1;
    fd = open(lock_path, flags | O_CREAT | O_EXCL, 0600);
    if (fd < 0 && errno == EEXIST) {
      created = 0;
      fd = open(lock_path, flags);
    }
    if (fd < 0) {
      int e = errno;
      if (e == ENOENT && tries < 100)
        continue; /* removed between the two opens */
      return plat_err_lock_create(CP_HERE, lock_path, strerror(e),
                                  e == EROFS || e == EACCES || e == EPERM,
                                  err);
    }
    if ((rc = plat_wait_lock(lock_path, timeout_ms, try_flock, &fd, err)) !=
        CP_OK) {
      close(fd); /* never removed here: we do not hold it */
      return rc;
    }
    if (still_there(fd, lock_path) || tries >= 100)
      break;
    close(fd); /* its run removed it: take the one there now */
  }
  *out = cp_xmalloc(sizeof(**out));
  (*out)->fd = fd;
  (*out)->created = created;
  (*out)->path = cp_xstrdup(lock_path);
  return CP_OK;
}

void plat_lock_release(struct plat_lock *lk, int remove)
{
  if (!lk)
    return;
  if (remove && lk->created)
    unlink(lk->path); /* still held: a waiter sees it gone */
  close(lk->fd); /* closing drops the flock */
  free(lk->path);
  free(lk);
}

struct plat_temp {
  char *path; /* the file it will replace */
  char *name; /* its own name; NULL once renamed */
  int fd;
};

enum cp_err plat_temp_create(const char *path, struct plat_temp **out,
                             struct cp_errbuf *err)
{
  struct plat_temp *t = cp_xcalloc(1, sizeof(*t));
  int e;

  t->path = cp_xstrdup(path);
  t->name = cp_xasprintf("%s" PLAT_TEMP_INFIX "XXXXXX", path);
  t->fd = mkostemp(t->name, O_CLOEXEC);
  if (t->fd < 0) {
    enum cp_err rc;
    e = errno;
    rc = plat_err_temp_create(CP_HERE, path, strerror(e),
                              e == EROFS || e == EACCES || e == EPERM, err);
    free(t->name);
    t->name = NULL;
    plat_temp_discard(t);
    return rc;
  }
  *out = t;
  return CP_OK;
}

enum cp_err plat_temp_write(struct plat_temp *t, const void *data, size_t len,
                            struct cp_errbuf *err)
{
  const char *p = data;

  while (len) {
    ssize_t n = plat_fault("write") ? -1 : write(t->fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return plat_err_write(CP_HERE, t->path, strerror(errno), err);
    p += n;
    len -= (size_t)n;
  }
  return CP_OK;
}

/* Every extended attribute of the old file onto the new one (POSIX ACLs in
 * system.posix_acl_access, SELinux labels in security.selinux, user.*), so
 * the file keeps what an admin set on it. A failure is an error before the
 * rename: a lost label or ACL is not silent. */
static enum cp_err copy_xattrs(const char *path, int fd, struct cp_errbuf *err)
{
  char names[8192], value[65536], *name;
  ssize_t n = llistxattr(path, names, sizeof(names)), v;
  enum cp_err rc = CP_OK;

  if (n < 0)
    return errno == ENOTSUP || errno == ENOENT
               ? CP_OK
               : plat_err_xattr(CP_HERE, path, "(list)", strerror(errno), err);
  for (name = names; name < names + n; name += strlen(name) + 1) {
    v = lgetxattr(path, name, value, sizeof(value));
    if (v < 0 || plat_fault("xattr") || fsetxattr(fd, name, value, (size_t)v, 0) != 0) {
      rc = plat_err_xattr(CP_HERE, path, name, strerror(errno), err);
      break;
    }
  }
  return rc;
}

enum cp_err plat_temp_keep_meta(struct plat_temp *t,
                                const struct plat_file_meta *old,
                                struct cp_errbuf *err)
{
  int had = old && old->exists;
  int e;

  if (fchmod(t->fd, had ? (mode_t)old->mode : 0644) != 0) {
    e = errno;
    return cp_fail(err, CP_E_IO, CP_HERE, "cannot set mode of config (%s): "
                   "%s. The old file is unchanged", t->path, strerror(e));
  }
  if (had && old->uid >= 0 &&
      ((long)geteuid() != old->uid || (long)getegid() != old->gid) &&
      fchown(t->fd, (uid_t)old->uid, (gid_t)old->gid) != 0 && geteuid() == 0) {
    e = errno;
    return cp_fail(err, CP_E_IO, CP_HERE, "cannot keep the owner of config "
                   "(%s): %s. The old file is unchanged", t->path, strerror(e));
  }
  return had ? copy_xattrs(t->path, t->fd, err) : CP_OK;
}

enum cp_err plat_temp_flush(struct plat_temp *t, struct cp_errbuf *err)
{
  int e;

  if (plat_fault("fsync") || fsync(t->fd) != 0)
    return plat_err_flush(CP_HERE, t->path, strerror(errno), err);
  e = close(t->fd) != 0 ? errno : 0;
  t->fd = -1;
  if (e)
    return cp_fail(err, CP_E_IO, CP_HERE, "cannot write config (%s): %s. The "
                   "old file is unchanged", t->path, strerror(e));
  return CP_OK;
}

enum cp_err plat_temp_commit(struct plat_temp *t, int old_exists,
                             struct cp_errbuf *err)
{
  (void)old_exists; /* rename(2) replaces or creates alike */
  if (plat_fault("rename") || rename(t->name, t->path) != 0)
    return plat_err_replace(CP_HERE, t->path, strerror(errno), err);
  free(t->name);
  t->name = NULL;
  return CP_OK;
}

void plat_temp_discard(struct plat_temp *t)
{
  if (!t)
    return;
  if (t->fd >= 0)
    close(t->fd);
  if (t->name)
    unlink(t->name);
  free(t->name);
  free(t->path);
  free(t);
}

enum cp_err plat_sync_dir(const char *dir, struct cp_errbuf *err)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int e = 0;

  if (fd < 0 || plat_fault("dirsync") || fsync(fd) != 0)
    e = errno;
  if (fd >= 0)
    close(fd);
  if (e)
    /* The new file is in place; only its durability is in doubt. */
    return cp_fail(err, CP_E_IO, CP_HERE,
                   "config written but its folder could not be synced (%s): "
                   "%s. Run sync before a power cut",
                   dir, strerror(e));
  return CP_OK;
}

int plat_remove_stale_temps(const char *path)
{
  char *dir = plat_dirname(path);
  const char *base = strrchr(path, '/');
  char *prefix;
  size_t plen;
  DIR *d;
  struct dirent *de;
  int removed = 0;

  base = base ? base + 1 : path;
  prefix = cp_xasprintf("%s" PLAT_TEMP_INFIX, base);
  plen = strlen(prefix);
  d = opendir(dir);
  if (d) {
    int dfd = dirfd(d);
    while ((de = readdir(d)) != NULL) {
      if (!strncmp(de->d_name, prefix, plen) &&
          strlen(de->d_name) == plen + 6 &&
          unlinkat(dfd, de->d_name, 0) == 0)
        removed++;
    }
    closedir(d);
  }
  free(prefix);
  free(dir);
  return removed;
}

/* ---- parallel work ----------------------------------------------------- */

struct parallel {
  size_t n, next;
  void (*fn)(size_t i, void *ud);
  void *ud;
  pthread_mutex_t lock;
};

static void *parallel_worker(void *arg)
{
  struct parallel *p = arg;

  for (;;) {
    size_t i;
    pthread_mutex_lock(&p->lock);
    i = p->next < p->n ? p->next++ : p->n;
    pthread_mutex_unlock(&p->lock);
    if (i >= p->n)
      return NULL;
    p->fn(i, p->ud);
  }
}

void plat_parallel(size_t n, void (*fn)(size_t i, void *ud), void *ud,
                   unsigned max_workers)
{
  struct parallel p = {n, 0, fn, ud, PTHREAD_MUTEX_INITIALIZER};
  pthread_t tids[64];
  size_t started = 0,
         want = plat_parallel_extra(n, max_workers, sizeof(tids) / sizeof(tids[0]));

  while (started < want &&
         pthread_create(&tids[started], NULL, parallel_worker, &p) == 0)
    started++;
  parallel_worker(&p); /* this thread works too; alone if none started */
  while (started)
    pthread_join(tids[--started], NULL);
  pthread_mutex_destroy(&p.lock);
}


/* ---- shared libraries ---------------------------------------------------- */

struct plat_dl {
  void *h;
};

enum cp_err plat_dl_open(const char *path, struct plat_dl **out,
                         struct cp_errbuf *err)
{
  void *h;
  const char *why;

  *out = NULL;
  if (!plat_file_exists(path))
    return cp_fail(err, CP_E_IO, __FILE__, __LINE__,
                   "library not found (%s): no such file. Install it, or give "
                   "its path",
                   path);
  h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    why = dlerror();
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "cannot load the library (%s): %s. Give the path of a "
                   "shared library built for this system",
                   path, why ? why : "the loader refused it");
  }
  *out = cp_xcalloc(1, sizeof(**out));
  (*out)->h = h;
  return CP_OK;
}

plat_dl_fn plat_dl_sym(struct plat_dl *dl, const char *name)
{
  void *p = dlsym(dl->h, name);
  plat_dl_fn fn;

  /* POSIX's way from dlsym's object pointer to a function pointer */
  memcpy(&fn, &p, sizeof(fn));
  return fn;
}

void plat_dl_close(struct plat_dl *dl)
{
  if (!dl)
    return;
  dlclose(dl->h);
  free(dl);
}
