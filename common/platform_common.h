/* SPDX-License-Identifier: Apache-2.0 */
/* platform_common.h — what platform_posix.c and platform_win32.c share
 * (internal to common/): the interrupt flag their handlers set, and the
 * error messages, so both platforms say the same thing the same way. Each
 * function records the error with cp_fail() and returns its code; `why` is
 * the system's words (strerror, FormatMessage). */
#ifndef PLATFORM_COMMON_H
#define PLATFORM_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include "cp_err.h"

#define PLAT_TEMP_INFIX ".tmp-"

/* Called by the platform's signal or console handler. */
void plat_note_interrupt(void);

/* plat_parallel(): how many threads to start besides the caller's for n
 * items, at most max_workers in all and cap started. */
size_t plat_parallel_extra(size_t n, unsigned max_workers, size_t cap);

/* What the fault hook asks for at `step` (CP_TESTING builds only). */
enum plat_fault_kind { PLAT_FAULT_NONE, PLAT_FAULT_FAIL, PLAT_FAULT_KILL };
enum plat_fault_kind plat_fault_wanted(const char *step);

/* The lock wait both platforms use: calls try_lock until it returns 0
 * (locked), with jittered backoff (5 ms doubling to 50 ms), until
 * timeout_ms (CP_E_LOCKED) or an interrupt. try_lock returns 1 when the lock
 * is busy, -1 on a real error with *why set (CP_E_IO naming lock_path). */
enum cp_err plat_wait_lock(const char *lock_path, int timeout_ms,
                           int (*try_lock)(void *ctx, const char **why),
                           void *ctx, struct cp_errbuf *err);

/* A child process whose stdout is read (plat_run_capture, written once in
 * cp_platform.c over these). */
struct cp_buf;
struct plat_child;
/* Starts "sh -c cmd" (cmd.exe /c on Windows) with stdout to a pipe, stderr
 * to the null device, in a group or job of its own. */
enum cp_err plat_child_start(const char *cmd, struct plat_child **out,
                             struct cp_errbuf *err);
/* Appends what the child wrote within wait_ms: 1 when something came, 0
 * when nothing did, -1 at the end of its output. */
int plat_child_read(struct plat_child *c, struct cp_buf *out, long wait_ms);
/* Asks the child and its group to stop (SIGTERM), or (hard) kills them. */
void plat_child_stop(struct plat_child *c, int hard);
/* 1 with *status when it ended within wait_ms, else 0. */
int plat_child_wait(struct plat_child *c, long wait_ms, int *status);
/* Frees it; a child still running is killed first. */
void plat_child_free(struct plat_child *c);

enum cp_err plat_err_open(const char *file, int line, enum cp_err code,
                          const char *path, const char *why,
                          struct cp_errbuf *err);
enum cp_err plat_err_too_large(const char *file, int line, enum cp_err code,
                               const char *path, unsigned long long size,
                               size_t max, struct cp_errbuf *err);
enum cp_err plat_err_read(const char *file, int line, enum cp_err code,
                          const char *path, const char *why,
                          struct cp_errbuf *err);


/* denied: the user may not write there (the fix: admin, or --config). */
enum cp_err plat_err_lock_create(const char *file, int line,
                                 const char *lock_path, const char *why,
                                 int denied, struct cp_errbuf *err);
/* The temporary file beside path could not be made: names path's folder. */
enum cp_err plat_err_temp_create(const char *file, int line, const char *path,
                                 const char *why, int denied,
                                 struct cp_errbuf *err);
enum cp_err plat_err_write(const char *file, int line, const char *path,
                           const char *why, struct cp_errbuf *err);
enum cp_err plat_err_flush(const char *file, int line, const char *path,
                           const char *why, struct cp_errbuf *err);
enum cp_err plat_err_xattr(const char *file, int line, const char *path,
                           const char *name, const char *why,
                           struct cp_errbuf *err);
enum cp_err plat_err_replace(const char *file, int line, const char *path,
                             const char *why, struct cp_errbuf *err);
enum cp_err plat_err_run(const char *file, int line, const char *cmd,
                         const char *why, struct cp_errbuf *err);
#endif
