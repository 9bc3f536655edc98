/* SPDX-License-Identifier: Apache-2.0 */
/* cp_platform.h — everything that differs between POSIX and Windows, behind
 * one small interface: platform_posix.c and platform_win32.c implement it,
 * and cp_platform.c what both share.
 *
 * Files that are only read follow symbolic links; the config that is
 * replaced is reached through a link only when nobody else could re-point it
 * (cfgwriter/safe_path.c). Errors are recorded with cp_fail() and name
 * the path. */
#ifndef CP_PLATFORM_H
#define CP_PLATFORM_H

#include <stddef.h>
#include <time.h>

#include "cp_buf.h"
#include "cp_err.h"

/* 1 on Windows, 0 on POSIX systems: for tables whose rows differ by system
 * (the SDK's components), so that they need no #ifdef. */
int plat_is_windows(void);

/* The running system, for --version: "Linux 6.1.0 x86_64", "Windows 10.0
 * (build 19045)". Static text. */
const char *plat_system_name(void);

/* Process set-up for a command-line tool: SIGPIPE ignored, fds 0-2 open. */
void plat_process_init(void);

/* 1 when the tool runs as root (POSIX: effective uid 0; Windows: never
 * said, its rules do not apply there). */
int plat_running_as_root(void);
/* 1 when it runs as root on behalf of another user: SUDO_UID (not 0),
 * PKEXEC_UID (not 0) or DOAS_USER (not root) is set; *by names the
 * variable. A root login without them is not delegated. */
int plat_delegated(const char **by);

/* The user an application set up by this run will run as: the one who
 * invoked sudo, pkexec or doas (SUDO_USER, PKEXEC_UID's name, DOAS_USER),
 * else this process's user. NULL when it cannot be told. Static text. */
const char *plat_invoking_user(void);
/* Whether user may read path (write: write into it), as the system decides
 * for that user: access(2) in a child that takes the user's ids and groups,
 * so ACLs count. user NULL or this process's: access(2) here. 1 yes, 0 no,
 * -1 cannot be told (no such user; another user's ids need root; Windows
 * answers for this process's user only). */
int plat_user_may(const char *user, const char *path, int write);

/* The user's home folder (HOME, then the passwd entry / USERPROFILE); NULL
 * when there is none. Caller frees. */
char *plat_home_dir(void);

struct plat_file_meta {
  int exists;
  unsigned mode; /* permission bits */
  long uid, gid; /* -1 where unknown */
};
#define PLAT_FILE_META_INIT {0, 0, -1, -1}

/* Reads a whole regular file into out (appends), following symbolic links.
 * exists=0 and CP_OK when absent (if meta given); a file over max bytes, a
 * folder, a FIFO, a device or an unreadable file is an error with code
 * `code`, and a FIFO or device is never opened (nothing blocks). */
CP_MUST_USE enum cp_err plat_read_file(const char *path, size_t max,
                                       struct cp_buf *out,
                                       struct plat_file_meta *meta,
                                       enum cp_err code, struct cp_errbuf *err);

/* 1 when something exists at path (links followed). */
int plat_file_exists(const char *path);
/* 1 when users other than the owner may read the file at path: group or
 * other read bits (POSIX), or Everyone in its DACL (Windows); 0 when not,
 * or when it cannot be told. For warnings about private keys. */
int plat_others_can_read(const char *path);

/* The role a path plays for a config about to be replaced, which decides
 * who else may change it (cfgwriter/safe_path.c walks the roles). */
enum plat_role {
  PLAT_ROLE_FOLDER, /* the config's folder, no link on the way: the lock and
                       the temporary file are made there */
  PLAT_ROLE_OWN,    /* a linked config's target, its folder, or a folder
                       holding a link: nobody else may write it */
  PLAT_ROLE_ABOVE,  /* a folder above those: nobody else may rename in it */
};
/* Who else could change a path in its role, judged by the platform's
 * permission model (POSIX: owner, mode bits, the sticky bit, and as root
 * the folder's owner; Windows: Everyone's rights in the DACL). */
struct plat_exposure {
  const char *missing; /* the system's words when it cannot be looked at */
  int not_dir;         /* PLAT_ROLE_FOLDER: it is not a folder */
  const char *why;     /* NULL: nobody else; else how others could */
  const char *fix;     /* with why, for PLAT_ROLE_FOLDER: what to do */
};
void plat_path_exposure(const char *path, enum plat_role role,
                        struct plat_exposure *x);

/* A path with its links resolved, component by component (the file need
 * not exist). target NULL: a component could not be looked at; dirs holds
 * the folders where a link was met (each could re-point it), even then. */
struct plat_links {
  char *target;
  int via_link; /* a link (or Windows reparse point) was on the way */
  char **dirs;
  size_t ndirs;
};
#define PLAT_LINKS_INIT                                                        \
  {                                                                            \
    NULL, 0, NULL, 0                                                           \
  }
void plat_resolve_links(const char *path, struct plat_links *out);
void plat_links_release(struct plat_links *l);

/* 1 for a character that ends a folder name: '/' (Windows: '\\' too). */
int plat_is_dir_sep(char c);
/* Who may write system files: "root", "an administrator" (for fixes). */
const char *plat_admin_name(void);
/* The refusal of a path that is a folder, a FIFO or a device (code). */
enum cp_err plat_err_not_regular(const char *file, int line, enum cp_err code,
                                 const char *path, struct cp_errbuf *err);

/* An exclusive advisory lock on lock_path (created 0600, never through a
 * symlink). The kernel drops it when the process dies, so a killed run never
 * leaves a stale lock. Waits up to timeout_ms; CP_E_LOCKED after that. */
struct plat_lock;
CP_MUST_USE enum cp_err plat_lock_acquire(const char *lock_path, int timeout_ms,
                                          struct plat_lock **out,
                                          struct cp_errbuf *err);
/* Drops the lock (NULL is fine). With remove, a lock file this run created
 * is deleted first, while still held (POSIX: a run that then takes the
 * deleted file's lock sees it is gone and takes the new one; Windows keeps
 * the file). */
void plat_lock_release(struct plat_lock *lk, int remove);

/* A temporary file beside path, named path + ".tmp-" + 6 characters and
 * created exclusively (never through a link): the primitives of the atomic
 * replace in cfgwriter/file_replace.c. Each call records its error naming
 * path; plat_temp_discard() closes and deletes what is left of t and frees
 * it (NULL is fine). */
struct plat_temp;
CP_MUST_USE enum cp_err plat_temp_create(const char *path,
                                         struct plat_temp **out,
                                         struct cp_errbuf *err);
CP_MUST_USE enum cp_err plat_temp_write(struct plat_temp *t, const void *data,
                                        size_t len, struct cp_errbuf *err);
/* POSIX: the old file's mode, owner and every extended attribute (POSIX
 * ACLs, SELinux labels, user.*) onto t; 0644 when there is no old file.
 * Windows: nothing here, plat_temp_commit() keeps the ACL. */
CP_MUST_USE enum cp_err plat_temp_keep_meta(struct plat_temp *t,
                                            const struct plat_file_meta *old,
                                            struct cp_errbuf *err);
/* Flushes t to the disk and closes it. */
CP_MUST_USE enum cp_err plat_temp_flush(struct plat_temp *t,
                                        struct cp_errbuf *err);
/* Renames t over its path in one step (Windows: ReplaceFileW when the old
 * file exists, keeping its ACL). After success t only needs discarding. */
CP_MUST_USE enum cp_err plat_temp_commit(struct plat_temp *t, int old_exists,
                                         struct cp_errbuf *err);
void plat_temp_discard(struct plat_temp *t);
/* Makes a rename in dir durable: fsync of the folder (POSIX); nothing on
 * Windows, where the rename was written through. */
CP_MUST_USE enum cp_err plat_sync_dir(const char *dir, struct cp_errbuf *err);

/* Removes temporary files a killed run of the atomic replace left beside
 * path. Call only while holding the lock. Returns how many were removed. */
int plat_remove_stale_temps(const char *path);

/* An absolute form of path (relative to the current folder); the file need
 * not exist. Caller frees. */
char *plat_abs_path(const char *path);

/* Folder part of a path ("." when none). Caller frees. */
char *plat_dirname(const char *path);
/* 1 when two paths name the same file as the file system compares names
 * (case-insensitively on Windows); no link is followed. */
int plat_same_path(const char *a, const char *b);
/* 1 when a and b are one existing file (links followed; a hard link is the
 * same file): device and inode (POSIX), volume and file index (Windows). */
int plat_same_file(const char *a, const char *b);
/* dir and name joined with the platform's separator. Caller frees. */
char *plat_path_join(const char *dir, const char *name);
/* The program's name as a command would be typed: argv[0]'s last part,
 * without ".exe" and in lower case on Windows. Caller frees. */
char *plat_program_name(const char *argv0);

/* 4 or 6 when text is a valid IPv4 / IPv6 address (inet_pton), else 0. */
int plat_ip_family(const char *text);
/* The same, with the address's bytes in out (4 or 16 of them). */
int plat_ip_bytes(const char *text, unsigned char out[16]);

/* Runs a shell command (credential_process) as a child with a pid, in a
 * process group (POSIX) or job (Windows) of its own, capturing its stdout;
 * *status is its exit status. Its stderr is discarded: a helper may print
 * secrets there, and this tool never prints one. Past max bytes of output
 * or timeout_ms, the helper (and what it started) is killed (CP_E_ENVIRONMENT);
 * on SIGINT or SIGTERM it is told to stop, then killed (CP_E_INTERRUPTED):
 * it never outlives the call. */
CP_MUST_USE enum cp_err plat_run_capture(const char *cmd, size_t max,
                                         long timeout_ms, struct cp_buf *out,
                                         int *status, struct cp_errbuf *err);

/* UTC broken-down time of t (gmtime_r / gmtime_s). */
struct tm;
void plat_gmtime(time_t t, struct tm *out);

/* Monotonic milliseconds, and a sleep that ends early on an interrupt. */
long long plat_now_ms(void);
void plat_sleep_ms(int ms);

/* What is at path, links followed, from one look: nothing (or nothing
 * that can be looked at), a regular file, or something else (a folder, a
 * FIFO, a device). */
enum plat_file_kind { PLAT_NOTHING, PLAT_REGULAR, PLAT_OTHER };
enum plat_file_kind plat_file_kind(const char *path);

/* A shared library loaded into the process (dlopen, RTLD_NOW | RTLD_LOCAL;
 * LoadLibraryEx on Windows). A file that is not there is CP_E_IO, one the
 * loader refuses CP_E_ENVIRONMENT with the loader's words; both name it. */
struct plat_dl;
CP_MUST_USE enum cp_err plat_dl_open(const char *path, struct plat_dl **out,
                                     struct cp_errbuf *err);
/* The function the library exports as name, or NULL when it has none;
 * the caller casts it to the function's own type. */
typedef void (*plat_dl_fn)(void);
plat_dl_fn plat_dl_sym(struct plat_dl *dl, const char *name);
void plat_dl_close(struct plat_dl *dl);

/* Calls fn(i, ud) for every i in [0, n), on up to max_workers threads at
 * once (in order on one thread when threads cannot be made), and returns
 * when all are done. fn must only touch what belongs to its i. */
void plat_parallel(size_t n, void (*fn)(size_t i, void *ud), void *ud,
                   unsigned max_workers);

/* 1 once SIGINT or SIGTERM (Ctrl-C, Ctrl-Break) came: long waits (retries,
 * --wait, the lock, HTTP transfers) stop and return CP_E_INTERRUPTED, and
 * the config is left as it was. */
int plat_interrupted(void);
/* CP_E_INTERRUPTED with its message when interrupted, else CP_OK. */
CP_MUST_USE enum cp_err plat_check_interrupt(struct cp_errbuf *err);

/* Fault injection for tests: when the environment variable
 * CONFIGURE_PKCS11_FAULT names a step (write, xattr, fsync, rename, dirsync) and the
 * binary was built with CP_TESTING, that step fails with EIO. */
int plat_fault(const char *step);

#endif
