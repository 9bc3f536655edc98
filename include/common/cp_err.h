/* SPDX-License-Identifier: Apache-2.0 */
/* cp_err.h — error codes: many precise codes, few exit statuses, one list.
 *
 * Library functions return an enum cp_err. On failure they record one line
 * of detail with CP_FAIL (what, subject, why, fix) in the caller's struct
 * cp_errbuf; the front end prints it and exits with cp_err_status().
 * Nothing below configure/ prints errors.
 * The stable interface is each code's name (the JSON "code") and its exit
 * status; the enum values are internal and may change between versions. */
#ifndef CP_ERR_H
#define CP_ERR_H

#include <stddef.h>

/*  code                    exit  name (JSON "code")     meaning */
#define CP_ERR_LIST(X)                                                          \
  X(CP_OK,                    0, "ok",                 "success")              \
  X(CP_E_USAGE,               2, "usage",              "the command line could not be parsed") \
  X(CP_E_INVALID,           252, "invalid_value",      "a value is invalid")   \
  X(CP_E_NOT_CONFIGURED,    252, "not_configured",     "the cluster is not configured") \
  X(CP_E_CERT,              252, "invalid_certificate", "a certificate or key is not usable") \
  X(CP_E_CA_MISMATCH,       252, "ca_mismatch",        "the CA did not sign the cluster certificate") \
  X(CP_E_CONFIG,            253, "config_invalid",     "the configuration file is invalid") \
  X(CP_E_IO,                253, "file_error",         "a file could not be read or written") \
  X(CP_E_LOCKED,            253, "config_locked",      "the configuration is locked by another run") \
  X(CP_E_UNSAFE_PATH,       253, "unsafe_path",        "a path is not safe to write as this user") \
  X(CP_E_NO_CREDENTIALS,    253, "no_credentials",     "no AWS credentials were found") \
  X(CP_E_ENVIRONMENT,       253, "environment_invalid", "the environment or AWS configuration is invalid") \
  X(CP_E_API,               254, "api_error",          "the API returned an error") \
  X(CP_E_API_ACCESS,        254, "access_denied",      "the API denied access") \
  X(CP_E_API_NOT_FOUND,     254, "cluster_not_found",  "the cluster does not exist") \
  X(CP_E_API_THROTTLED,     254, "throttled",          "the API throttled the request") \
  X(CP_E_CLUSTER_STATE,     254, "cluster_not_ready",  "the cluster is not ready") \
  X(CP_E_NETWORK,           255, "network_error",      "the network request failed") \
  X(CP_E_TLS,               255, "tls_error",          "the TLS connection failed") \
  X(CP_E_INTERNAL,          255, "internal_error",     "internal error")       \
  X(CP_E_INTERRUPTED,       130, "interrupted",        "interrupted")

enum cp_err {
#define CP_X(code, status, name, text) code,
  CP_ERR_LIST(CP_X)
#undef CP_X
  CP_ERR_COUNT
};

#if defined(__GNUC__) || defined(__clang__)
#define CP_MUST_USE __attribute__((warn_unused_result))
#if defined(__MINGW32__)
/* MinGW builds use its C99 printf (__USE_MINGW_ANSI_STDIO): %zu and %lld */
#define CP_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#define CP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif
#else
#define CP_MUST_USE
#define CP_PRINTF(f, a)
#endif

/* The detail of one failure, owned by the caller of the function that
 * failed (git's `struct strbuf *err`, OpenSSH's `err, errlen`). Every
 * function that returns an enum cp_err takes one as its last parameter,
 * `err`, and on failure records there what failed ("what (subject): why.
 * fix") and where (for --debug). A caller that wants to keep an error and
 * go on (check, list-clusters, an optional lookup) passes its own. */
struct cp_errbuf {
  char text[1024];
  const char *file; /* of the cp_fail() call; NULL: nothing recorded */
  int line;
  /* Detail as values, for a caller that words the failure its own way
   * instead of re-reading text; cp_fail() clears all three. */
  char why[256];     /* the reason alone, when the failing call gave it */
  char scope[32];    /* the part it happened in (a component), else "" */
  char outcome[256]; /* what became of the files, else "" */
};
#define CP_ERRBUF_INIT                                                         \
  {                                                                            \
    "", NULL, 0, "", "", ""                                                    \
  }

/* Records a failure's detail and source location in err (NULL: dropped),
 * and returns code. The last record wins. */
enum cp_err cp_fail(struct cp_errbuf *err, enum cp_err code, const char *file,
                    int line, const char *fmt, ...) CP_PRINTF(5, 6);

/* Records the reason alone of the failure just recorded (err->why). */
void cp_err_why(struct cp_errbuf *err, const char *fmt, ...) CP_PRINTF(2, 3);

/* A helper that words one failure for several callers takes the caller's
 * place first, so --debug names the call, not the helper:
 *   static enum cp_err bad_value(const char *file, int line, ...);
 *   return bad_value(CP_HERE, ...); */
#define CP_HERE __FILE__, __LINE__

/* CP_FAIL and CP_TRY use the `err` in scope and jump to `out`. */
#define CP_FAIL(rc, code, ...)                                                 \
  do {                                                                         \
    (rc) = cp_fail(err, (code), __FILE__, __LINE__, __VA_ARGS__);              \
    goto out;                                                                  \
  } while (0)
#define CP_TRY(rc, call)                                                       \
  do {                                                                         \
    if (((rc) = (call)) != CP_OK)                                              \
      goto out;                                                                \
  } while (0)

int cp_err_status(enum cp_err code);      /* exit status of a code */
const char *cp_err_name(enum cp_err code); /* stable snake_case name */
const char *cp_err_text(enum cp_err code); /* generic sentence */

/* err's text, or the generic text of code when nothing was recorded. */
const char *cp_errbuf_text(const struct cp_errbuf *err, enum cp_err code);
/* "file.c:123" of err's record, or "" */
void cp_errbuf_where(const struct cp_errbuf *err, char *out, size_t outlen);
void cp_errbuf_clear(struct cp_errbuf *err);

#endif
