/* SPDX-License-Identifier: Apache-2.0 */
/* platform_win32.c — cp_platform.h on Windows: wide-character Win32 file
 * APIs (UTF-8 at the interface), LockFileEx for the lock, ReplaceFileW /
 * MoveFileExW for the atomic replace, Ctrl-C through a console handler. */
#include "cp_platform.h"

#include <winsock2.h>
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform_common.h"


const char *plat_admin_name(void)
{
  return "an administrator";
}

/* MinGW's C runtime would expand wildcards in arguments (a file named
 * "*.crt"); as curl's tool does, take arguments as given. */
int _CRT_glob = 0;

static BOOL WINAPI on_console_event(DWORD type)
{
  if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT ||
      type == CTRL_CLOSE_EVENT) {
    plat_note_interrupt();
    return TRUE;
  }
  return FALSE;
}

int plat_is_windows(void)
{
  return 1;
}

void plat_process_init(void)
{
  SetConsoleCtrlHandler(on_console_event, TRUE);
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
  srand((unsigned)GetCurrentProcessId() ^
        (unsigned)GetTickCount()); /* the lock's jitter */
}

/* ---- strings and paths ---------------------------------------------------- */

/* UTF-8 -> UTF-16; caller frees. */
static wchar_t *wide(const char *s)
{
  int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
  wchar_t *w;
  if (n <= 0)
    n = 1;
  w = cp_xcalloc((size_t)n, sizeof(*w));
  MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
  return w;
}

/* UTF-8 path -> full UTF-16 path ("C:\\x\\y", "\\\\server\\share"): what
 * ReplaceFileW and MoveFileExW need; caller frees. */
static wchar_t *wide_full(const char *path)
{
  wchar_t *w = wide(path), *full;
  DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
  if (!n)
    return w;
  full = cp_xcalloc(n, sizeof(*full));
  if (!GetFullPathNameW(w, n, full, NULL)) {
    free(full);
    return w;
  }
  free(w);
  return full;
}

/* UTF-16 -> UTF-8; caller frees. */
static char *narrow(const wchar_t *w)
{
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *s;
  if (n <= 0)
    n = 1;
  s = cp_xcalloc((size_t)n, 1);
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
  return s;
}

/* The system's words for a Win32 error, in a static buffer. */
static const char *win_error(DWORD e)
{
  static char msg[256];
  DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           NULL, e, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT),
                           msg, sizeof(msg), NULL);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == '.'))
    msg[--n] = '\0';
  if (!n)
    snprintf(msg, sizeof(msg), "Windows error %lu", (unsigned long)e);
  return msg;
}

/* RtlGetVersion, as GetVersionEx is shimmed to an old version for
 * programs without a manifest. */
const char *plat_system_name(void)
{
  static char buf[128];
  typedef LONG(WINAPI * get_version_fn)(OSVERSIONINFOW *);
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  get_version_fn get = ntdll ? (get_version_fn)(void (*)(void))GetProcAddress(
                                   ntdll, "RtlGetVersion")
                             : NULL;
  OSVERSIONINFOW v;

  memset(&v, 0, sizeof(v));
  v.dwOSVersionInfoSize = sizeof(v);
  if (!get || get(&v) != 0)
    return "Windows";
  snprintf(buf, sizeof(buf), "Windows %lu.%lu (build %lu)", v.dwMajorVersion,
           v.dwMinorVersion, v.dwBuildNumber);
  return buf;
}

const char *plat_invoking_user(void)
{
  static char name[256];
  wchar_t w[256];
  DWORD n = 256;
  char *u;

  if (!GetUserNameW(w, &n))
    return NULL;
  u = narrow(w);
  snprintf(name, sizeof(name), "%s", u);
  free(u);
  return name;
}

int plat_user_may(const char *user, const char *path, int write)
{
  const char *me = plat_invoking_user();
  wchar_t *w;
  int ok;

  if (user && (!me || _stricmp(user, me)))
    return -1;
  w = wide(path);
  ok = _waccess(w, write ? 2 : 4) == 0;
  free(w);
  return ok;
}

/* No sudo here: an elevated run is the administrator's own. */
int plat_running_as_root(void)
{
  return 0;
}

int plat_delegated(const char **by)
{
  (void)by;
  return 0;
}

/* As the AWS SDKs on Windows: HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. */
char *plat_home_dir(void)
{
  const char *h = getenv("HOME"), *drive, *path;
  if (!h || !*h)
    h = getenv("USERPROFILE");
  if (h && *h)
    return cp_xstrdup(h);
  drive = getenv("HOMEDRIVE");
  path = getenv("HOMEPATH");
  if (drive && path)
    return cp_xasprintf("%s%s", drive, path);
  return NULL;
}

int plat_ip_bytes(const char *text, unsigned char out[16])
{
  if (InetPtonA(AF_INET, text, out) == 1)
    return 4;
  if (InetPtonA(AF_INET6, text, out) == 1)
    return 6;
  return 0;
}

int plat_is_dir_sep(char c)
{
  return c == '/' || c == '\\';
}

char *plat_abs_path(const char *path)
{
  wchar_t *w = wide(path), buf[32768];
  DWORD n = GetFullPathNameW(w, 32768, buf, NULL);
  char *out = n && n < 32768 ? narrow(buf) : cp_xstrdup(path);
  free(w);
  return out;
}

char *plat_dirname(const char *path)
{
  const char *end = path + strlen(path);
  while (end > path && !plat_is_dir_sep(end[-1]))
    end--;
  if (end == path)
    return cp_xstrdup(".");
  if (end - path == 1 || (end - path == 3 && path[1] == ':'))
    return cp_xstrndup(path, (size_t)(end - path)); /* "\" or "C:\" */
  return cp_xstrndup(path, (size_t)(end - path - 1));
}

char *plat_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  return cp_xasprintf("%s%s%s", dir, n && plat_is_dir_sep(dir[n - 1]) ? "" : "\\", name);
}

int plat_same_path(const char *a, const char *b)
{
  return !_stricmp(a, b);
}

char *plat_program_name(const char *argv0)
{
  const char *base = argv0 + strlen(argv0);
  char *out, *p;
  size_t n;

  while (base > argv0 && !plat_is_dir_sep(base[-1]) && base[-1] != ':')
    base--;
  out = cp_xstrdup(base);
  for (p = out; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  n = strlen(out);
  if (n > 4 && !strcmp(out + n - 4, ".exe"))
    out[n - 4] = '\0';
  return out;
}

/* ---- processes and time -------------------------------------------------- */

/* A child in a job of its own, closed with the job: it and what it
 * started never outlive the tool, even one killed. */
struct plat_child {
  HANDLE process, job, out; /* out: the read end of its stdout */
  int ended;
};

enum cp_err plat_child_start(const char *cmd, struct plat_child **out,
                             struct cp_errbuf *err)
{
  SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  HANDLE rd = NULL, wr = NULL, nul;
  char *line = cp_xasprintf("cmd.exe /d /s /c \"%s\"", cmd);
  wchar_t *wline = wide(line);
  struct plat_child *c = cp_xcalloc(1, sizeof(*c));
  enum cp_err rc = CP_OK;

  *out = NULL;
  nul = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    &sa, OPEN_EXISTING, 0, NULL);
  c->job = CreateJobObjectW(NULL, NULL);
  memset(&lim, 0, sizeof(lim));
  lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!c->job || nul == INVALID_HANDLE_VALUE || !CreatePipe(&rd, &wr, &sa, 0) ||
      !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0) ||
      !SetInformationJobObject(c->job, JobObjectExtendedLimitInformation, &lim,
                               sizeof(lim))) {
    rc = plat_err_run(CP_HERE, cmd, win_error(GetLastError()), err);
    goto out;
  }
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = wr;
  si.hStdError = nul; /* its stderr may hold secrets */
  if (!CreateProcessW(NULL, wline, NULL, NULL, TRUE,
                      CREATE_SUSPENDED | CREATE_NO_WINDOW, NULL, NULL, &si,
                      &pi)) {
    rc = plat_err_run(CP_HERE, cmd, win_error(GetLastError()), err);
    goto out;
  }
  AssignProcessToJobObject(c->job, pi.hProcess);
  ResumeThread(pi.hThread);
  CloseHandle(pi.hThread);
  c->process = pi.hProcess;
  c->out = rd;
  rd = NULL;
  *out = c;
  c = NULL;
out:
  if (wr)
    CloseHandle(wr);
  if (rd)
    CloseHandle(rd);
  if (nul != INVALID_HANDLE_VALUE)
    CloseHandle(nul);
  plat_child_free(c);
  free(wline);
  free(line);
  return rc;
}

int plat_child_read(struct plat_child *c, struct cp_buf *out, long wait_ms)
{
  char chunk[4096];
  DWORD avail = 0, n = 0;
  long waited = 0;

  for (;;) {
    if (!PeekNamedPipe(c->out, NULL, 0, NULL, &avail, NULL))
      return -1; /* its end closed */
    if (avail)
      break;
    if (waited >= wait_ms || plat_interrupted())
      return 0;
    Sleep(10);
    waited += 10;
  }
  if (!ReadFile(c->out, chunk, avail < sizeof(chunk) ? avail : sizeof(chunk),
                &n, NULL) || n == 0)
    return -1;
  return cp_buf_add(out, chunk, n) == 0 ? 1 : -1;
}

void plat_child_stop(struct plat_child *c, int hard)
{
  (void)hard; /* Windows has no polite stop for a console helper */
  if (c->job)
    TerminateJobObject(c->job, 130);
}

int plat_child_wait(struct plat_child *c, long wait_ms, int *status)
{
  DWORD code = 0;

  if (!c->ended &&
      WaitForSingleObject(c->process, (DWORD)wait_ms) != WAIT_OBJECT_0)
    return 0;
  c->ended = 1;
  GetExitCodeProcess(c->process, &code);
  *status = (int)code;
  return 1;
}

void plat_child_free(struct plat_child *c)
{
  if (!c)
    return;
  if (c->job)
    CloseHandle(c->job); /* kills what is left (KILL_ON_JOB_CLOSE) */
  if (c->process)
    CloseHandle(c->process);
  if (c->out)
    CloseHandle(c->out);
  free(c);
}

void plat_gmtime(time_t t, struct tm *out)
{
  gmtime_s(out, &t);
}

long long plat_now_ms(void)
{
  return (long long)GetTickCount64();
}

void plat_sleep_ms(int ms)
{
  while (ms > 0 && !plat_interrupted()) {
    int step = ms < 50 ? ms : 50;
    Sleep((DWORD)step);
    ms -= step;
  }
}

int plat_fault(const char *step)
{
  switch (plat_fault_wanted(step)) {
  case PLAT_FAULT_KILL:
    TerminateProcess(GetCurrentProcess(), 137);
    return 0;
  case PLAT_FAULT_FAIL:
    SetLastError(ERROR_IO_DEVICE);
    return 1;
  default:
    return 0;
  }
}

/* ---- files ----------------------------------------------------------------- */

/* Opens path without following a symbolic link or junction: a reparse point
 * is refused (ERROR_CANT_ACCESS_FILE) after the open. */
static HANDLE open_no_follow(const char *path, DWORD access, DWORD disposition,
                             DWORD *werr)
{
  wchar_t *w = wide(path);
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE h = CreateFileW(w, access,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, disposition,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT |
                             FILE_FLAG_BACKUP_SEMANTICS,
                         NULL);
  free(w);
  *werr = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
  if (h != INVALID_HANDLE_VALUE && GetFileInformationByHandle(h, &info) &&
      (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
    CloseHandle(h);
    *werr = ERROR_CANT_ACCESS_FILE;
    return INVALID_HANDLE_VALUE;
  }
  return h;
}

/* Reads follow links and junctions (as the AWS CLI does); only disk files
 * are read: a folder, a pipe or a device (CON, NUL) is refused. */
enum cp_err plat_read_file(const char *path, size_t max, struct cp_buf *out,
                           struct plat_file_meta *meta, enum cp_err code,
                           struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  BY_HANDLE_FILE_INFORMATION info;
  DWORD werr;
  unsigned long long size;
  wchar_t *w = wide(path);
  HANDLE h = CreateFileW(w, GENERIC_READ,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS, NULL);

  free(w);
  if (h == INVALID_HANDLE_VALUE) {
    werr = GetLastError();
    if ((werr == ERROR_FILE_NOT_FOUND || werr == ERROR_PATH_NOT_FOUND) &&
        meta) {
      meta->exists = 0;
      return CP_OK;
    }
    return plat_err_open(CP_HERE, code, path, win_error(werr), err);
  }
  if (GetFileType(h) != FILE_TYPE_DISK || !GetFileInformationByHandle(h, &info) ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    rc = plat_err_not_regular(CP_HERE, code, path, err);
    goto out;
  }
  size = ((unsigned long long)info.nFileSizeHigh << 32) | info.nFileSizeLow;
  if (size > max) {
    rc = plat_err_too_large(CP_HERE, code, path, size, max, err);
    goto out;
  }
  if (meta) {
    meta->exists = 1;
    meta->mode = 0644; /* ACLs are kept by ReplaceFileW, not by mode */
    meta->uid = meta->gid = -1;
  }
  for (;;) {
    char chunk[8192];
    DWORD n = 0;
    if (!ReadFile(h, chunk, sizeof(chunk), &n, NULL)) {
      rc = plat_err_read(CP_HERE, code, path, win_error(GetLastError()), err);
      goto out;
    }
    if (n == 0)
      break;
    if (out->len + n > max || cp_buf_add(out, chunk, n)) {
      rc = plat_err_too_large(CP_HERE, code, path, 0, max, err);
      goto out;
    }
  }
out:
  CloseHandle(h);
  return rc;
}

int plat_file_exists(const char *path)
{
  wchar_t *w = wide(path);
  DWORD attr = GetFileAttributesW(w);
  free(w);
  return attr != INVALID_FILE_ATTRIBUTES;
}

enum plat_file_kind plat_file_kind(const char *path)
{
  wchar_t *w = wide(path);
  DWORD attr = GetFileAttributesW(w);

  free(w);
  if (attr == INVALID_FILE_ATTRIBUTES)
    return PLAT_NOTHING;
  return attr & FILE_ATTRIBUTE_DIRECTORY ? PLAT_OTHER : PLAT_REGULAR;
}

/* 1 when the file's or folder's DACL grants Everyone one of the rights in
 * `mask`. */
static int world_may(const wchar_t *dir, DWORD mask)
{
  PACL dacl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  SID_IDENTIFIER_AUTHORITY world = SECURITY_WORLD_SID_AUTHORITY;
  PSID everyone = NULL;
  int open = 0;
  DWORD i;

  if (GetNamedSecurityInfoW(dir, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                            NULL, NULL, &dacl, NULL, &sd) != ERROR_SUCCESS)
    return 0;
  if (!dacl) { /* a NULL DACL grants everything to everyone */
    LocalFree(sd);
    return 1;
  }
  if (AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0,
                               0, 0, &everyone)) {
    for (i = 0; i < dacl->AceCount; i++) {
      ACCESS_ALLOWED_ACE *ace;
      if (!GetAce(dacl, i, (void **)&ace) ||
          ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE ||
          (ace->Header.AceFlags & INHERIT_ONLY_ACE))
        continue;
      if (EqualSid((PSID)&ace->SidStart, everyone) && (ace->Mask & mask))
        open = 1;
    }
    FreeSid(everyone);
  }
  LocalFree(sd);
  return open;
}

/* The volume and file index of an existing file; 0 when it cannot be
 * opened. */
static int file_id(const char *path, BY_HANDLE_FILE_INFORMATION *out)
{
  wchar_t *w = wide(path);
  HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                   FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
  int ok = h != INVALID_HANDLE_VALUE && GetFileInformationByHandle(h, out);

  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  free(w);
  return ok;
}

int plat_same_file(const char *a, const char *b)
{
  BY_HANDLE_FILE_INFORMATION ia, ib;
  return file_id(a, &ia) && file_id(b, &ib) &&
         ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber &&
         ia.nFileIndexHigh == ib.nFileIndexHigh &&
         ia.nFileIndexLow == ib.nFileIndexLow;
}

int plat_others_can_read(const char *path)
{
  wchar_t *w = wide(path);
  int open = world_may(w, FILE_READ_DATA | GENERIC_READ | GENERIC_ALL);
  free(w);
  return open;
}

/* Everyone may add files to the folder. */
static int world_writable(const wchar_t *dir)
{
  return world_may(dir, FILE_ADD_FILE | FILE_WRITE_DATA | GENERIC_WRITE | GENERIC_ALL);
}

/* Everyone may delete or rename what others put in the folder: Windows'
 * counterpart of a world-writable folder without the sticky bit. */
static int world_may_repoint(const wchar_t *dir)
{
  return world_may(dir, FILE_DELETE_CHILD | GENERIC_ALL);
}

void plat_path_exposure(const char *path, enum plat_role role,
                        struct plat_exposure *x)
{
  wchar_t *w = wide(path);
  DWORD attr = GetFileAttributesW(w);

  memset(x, 0, sizeof(*x));
  if (attr == INVALID_FILE_ATTRIBUTES) {
    x->missing = win_error(GetLastError());
  } else if (role == PLAT_ROLE_FOLDER && !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
    x->not_dir = 1;
  } else if (role == PLAT_ROLE_ABOVE) {
    /* as a sticky folder on POSIX: others may add files, not rename ours */
    if (world_may_repoint(w))
      x->why = "Everyone may rename in it";
  } else if (world_writable(w)) {
    x->why = "Everyone may write into it";
    x->fix = "Remove that permission";
  }
  free(w);
}

/* The final path of an open handle, without the \\?\ prefix; NULL when
 * it cannot be had. Caller frees. */
static char *final_path(HANDLE h)
{
  wchar_t buf[32768], *p = buf;
  DWORD n = GetFinalPathNameByHandleW(h, buf, 32768, FILE_NAME_NORMALIZED);

  if (!n || n >= 32768)
    return NULL;
  if (!wcsncmp(p, L"\\\\?\\UNC\\", 8)) {
    p += 6;
    p[0] = L'\\';
  } else if (!wcsncmp(p, L"\\\\?\\", 4)) {
    p += 4;
  }
  return narrow(p);
}

/* The path with every reparse point resolved (the file need not exist: then
 * its folder is resolved). NULL when it cannot be opened. */
static char *resolve_reparse(const char *path)
{
  wchar_t *w = wide(path);
  HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
  char *out = NULL, *dir, *real_dir;
  const char *base;

  free(w);
  if (h != INVALID_HANDLE_VALUE) {
    out = final_path(h);
    CloseHandle(h);
    return out;
  }
  dir = plat_dirname(path);
  base = path + strlen(dir);
  while (plat_is_dir_sep(*base))
    base++;
  real_dir = strcmp(dir, path) ? resolve_reparse(dir) : NULL;
  if (real_dir)
    out = cp_xasprintf("%s%s%s", real_dir,
                       plat_is_dir_sep(real_dir[strlen(real_dir) - 1]) ? "" : "\\", base);
  free(real_dir);
  free(dir);
  return out;
}

void plat_resolve_links(const char *path, struct plat_links *out)
{
  char *full = plat_abs_path(path);

  memset(out, 0, sizeof(*out));
  out->target = resolve_reparse(full);
  /* the final path names no folder a link sits in: a reparse point on
   * the way shows only as a target that differs from the path */
  out->via_link = out->target && _stricmp(out->target, full) != 0;
  free(full);
}

struct plat_lock {
  HANDLE h;
};

static int try_lock_file(void *ctx, const char **why)
{
  OVERLAPPED ov;
  DWORD werr;

  memset(&ov, 0, sizeof(ov));
  if (LockFileEx(*(HANDLE *)ctx, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
                 0, 1, 0, &ov))
    return 0;
  werr = GetLastError();
  if (werr == ERROR_LOCK_VIOLATION || werr == ERROR_IO_PENDING)
    return 1;
  *why = win_error(werr);
  return -1;
}

enum cp_err plat_lock_acquire(const char *lock_path, int timeout_ms,
                              struct plat_lock **out, struct cp_errbuf *err)
{
  enum cp_err rc;
  DWORD werr;
  HANDLE h;

  *out = NULL;
  h = open_no_follow(lock_path, GENERIC_READ | GENERIC_WRITE, OPEN_ALWAYS,
                     &werr);
  if (h == INVALID_HANDLE_VALUE)
    return plat_err_lock_create(
        CP_HERE, lock_path, win_error(werr),
        werr == ERROR_ACCESS_DENIED || werr == ERROR_WRITE_PROTECT, err);
  if ((rc = plat_wait_lock(lock_path, timeout_ms, try_lock_file, &h, err)) !=
      CP_OK) {
    CloseHandle(h);
    return rc;
  }
  *out = cp_xmalloc(sizeof(**out));
  (*out)->h = h;
  return CP_OK;
}

void plat_lock_release(struct plat_lock *lk, int remove)
{
  (void)remove; /* a waiter's handle would keep a deleted file: kept */
  if (!lk)
    return;
  CloseHandle(lk->h); /* closing the handle drops the lock */
  free(lk);
}

/* A new temporary file beside path, created exclusively. */
static HANDLE create_temp(const char *path, char **tmp, DWORD *werr)
{
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static unsigned counter;
  int attempt;

  for (attempt = 0; attempt < 100; attempt++) {
    unsigned long long seed = GetTickCount64() ^ ((unsigned long long)GetCurrentProcessId() << 20) ^
                              (unsigned long long)(++counter * 2654435761u);
    char suffix[7];
    wchar_t *w;
    HANDLE h;
    int i;
    for (i = 0; i < 6; i++, seed /= 36)
      suffix[i] = digits[seed % 36];
    suffix[6] = '\0';
    *tmp = cp_xasprintf("%s" PLAT_TEMP_INFIX "%s", path, suffix);
    w = wide(*tmp);
    h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h != INVALID_HANDLE_VALUE)
      return h;
    *werr = GetLastError();
    free(*tmp);
    *tmp = NULL;
    if (*werr != ERROR_FILE_EXISTS)
      return INVALID_HANDLE_VALUE;
  }
  return INVALID_HANDLE_VALUE;
}

struct plat_temp {
  char *path; /* the file it will replace */
  char *name; /* its own name; NULL once renamed */
  HANDLE h;
};

enum cp_err plat_temp_create(const char *path, struct plat_temp **out,
                             struct cp_errbuf *err)
{
  struct plat_temp *t = cp_xcalloc(1, sizeof(*t));
  DWORD werr = 0;

  t->path = cp_xstrdup(path);
  t->h = create_temp(path, &t->name, &werr);
  if (t->h == INVALID_HANDLE_VALUE) {
    enum cp_err rc = plat_err_temp_create(
        CP_HERE, path, win_error(werr),
        werr == ERROR_ACCESS_DENIED || werr == ERROR_WRITE_PROTECT, err);
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
    DWORD n = 0, want = len > 1u << 30 ? 1u << 30 : (DWORD)len;
    if (plat_fault("write") || !WriteFile(t->h, p, want, &n, NULL))
      return plat_err_write(CP_HERE, t->path, win_error(GetLastError()), err);
    p += n;
    len -= n;
  }
  return CP_OK;
}

enum cp_err plat_temp_keep_meta(struct plat_temp *t,
                                const struct plat_file_meta *old,
                                struct cp_errbuf *err)
{
  /* ReplaceFileW, in plat_temp_commit, keeps the old file's ACL and
   * attributes (the mode and owner of POSIX); a new file inherits its
   * folder's. */
  (void)t;
  (void)old;
  (void)err;
  return CP_OK;
}

enum cp_err plat_temp_flush(struct plat_temp *t, struct cp_errbuf *err)
{
  if (plat_fault("fsync") || !FlushFileBuffers(t->h))
    return plat_err_flush(CP_HERE, t->path, win_error(GetLastError()), err);
  CloseHandle(t->h);
  t->h = INVALID_HANDLE_VALUE;
  return CP_OK;
}

enum cp_err plat_temp_commit(struct plat_temp *t, int old_exists,
                             struct cp_errbuf *err)
{
  wchar_t *wtmp = wide_full(t->name), *wpath = wide_full(t->path);
  enum cp_err rc = CP_OK;

  /* Both are atomic renames; ReplaceFileW keeps the old file's ACL. */
  if (plat_fault("rename") ||
      !(old_exists ? ReplaceFileW(wpath, wtmp, NULL,
                                  REPLACEFILE_IGNORE_MERGE_ERRORS, NULL, NULL)
                   : MoveFileExW(wtmp, wpath,
                                 MOVEFILE_REPLACE_EXISTING |
                                     MOVEFILE_WRITE_THROUGH)))
    rc = plat_err_replace(CP_HERE, t->path, win_error(GetLastError()), err);
  else {
    free(t->name);
    t->name = NULL;
  }
  free(wtmp);
  free(wpath);
  return rc;
}

void plat_temp_discard(struct plat_temp *t)
{
  if (!t)
    return;
  if (t->h && t->h != INVALID_HANDLE_VALUE)
    CloseHandle(t->h);
  if (t->name) {
    wchar_t *w = wide_full(t->name);
    DeleteFileW(w);
    free(w);
  }
  free(t->name);
  free(t->path);
  free(t);
}

enum cp_err plat_sync_dir(const char *dir, struct cp_errbuf *err)
{
  /* A folder cannot be flushed on Windows; the rename itself was written
   * through (MOVEFILE_WRITE_THROUGH, ReplaceFileW). */
  (void)dir;
  (void)err;
  return CP_OK;
}

int plat_remove_stale_temps(const char *path)
{
  char *pattern = cp_xasprintf("%s" PLAT_TEMP_INFIX "??????", path);
  char *dir = plat_dirname(path);
  wchar_t *w = wide(pattern);
  WIN32_FIND_DATAW fd;
  HANDLE f = FindFirstFileW(w, &fd);
  int removed = 0;

  if (f != INVALID_HANDLE_VALUE) {
    do {
      char *name = narrow(fd.cFileName);
      char *full = cp_xasprintf("%s\\%s", dir, name);
      wchar_t *wf = wide(full);
      if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && DeleteFileW(wf))
        removed++;
      free(wf);
      free(full);
      free(name);
    } while (FindNextFileW(f, &fd));
    FindClose(f);
  }
  free(w);
  free(dir);
  free(pattern);
  return removed;
}

/* ---- parallel work ----------------------------------------------------- */

struct parallel {
  LONG64 next;
  size_t n;
  void (*fn)(size_t i, void *ud);
  void *ud;
};

static DWORD WINAPI parallel_worker(LPVOID arg)
{
  struct parallel *p = arg;
  size_t i;

  while ((i = (size_t)(InterlockedIncrement64(&p->next) - 1)) < p->n)
    p->fn(i, p->ud);
  return 0;
}

void plat_parallel(size_t n, void (*fn)(size_t i, void *ud), void *ud,
                   unsigned max_workers)
{
  struct parallel p = {0, n, fn, ud};
  HANDLE threads[64];
  size_t started = 0, want = plat_parallel_extra(
                             n, max_workers, sizeof(threads) / sizeof(threads[0]));

  while (started < want &&
         (threads[started] = CreateThread(NULL, 0, parallel_worker, &p, 0,
                                          NULL)) != NULL)
    started++;
  parallel_worker(&p);
  while (started) {
    WaitForSingleObject(threads[--started], INFINITE);
    CloseHandle(threads[started]);
  }
}


/* ---- shared libraries ---------------------------------------------------- */

struct plat_dl {
  HMODULE h;
};

enum cp_err plat_dl_open(const char *path, struct plat_dl **out,
                         struct cp_errbuf *err)
{
  wchar_t *w;
  HMODULE h;

  *out = NULL;
  if (!plat_file_exists(path))
    return cp_fail(err, CP_E_IO, __FILE__, __LINE__,
                   "library not found (%s): no such file. Install it, or give "
                   "its path",
                   path);
  w = wide(path);
  /* the DLL's own folder is searched for what it needs, not the current one */
  h = LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
  free(w);
  if (!h)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "cannot load the library (%s): %s. Give the path of a "
                   "64-bit DLL",
                   path, win_error(GetLastError()));
  *out = cp_xcalloc(1, sizeof(**out));
  (*out)->h = h;
  return CP_OK;
}

plat_dl_fn plat_dl_sym(struct plat_dl *dl, const char *name)
{
  return (plat_dl_fn)(void (*)(void))GetProcAddress(dl->h, name);
}

void plat_dl_close(struct plat_dl *dl)
{
  if (!dl)
    return;
  FreeLibrary(dl->h);
  free(dl);
}
