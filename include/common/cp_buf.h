/* SPDX-License-Identifier: Apache-2.0 */
/* cp_buf.h — a growable byte buffer, always NUL-terminated (curl's dynbuf).
 *
 * struct cp_buf b = CP_BUF_INIT;   cp_buf_puts(&b, "x");   cp_buf_release(&b);
 * The buffer owns b.ptr. Out of memory aborts the process (git's xmalloc):
 * callers never handle allocation failure. A non-zero b.max caps the size;
 * an append past it fails and leaves the buffer as it was. */
#ifndef CP_BUF_H
#define CP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "cp_err.h"

struct cp_buf {
  char *ptr;  /* NULL until the first append */
  size_t len;
  size_t cap;
  size_t max; /* 0: no limit */
};
#define CP_BUF_INIT {NULL, 0, 0, 0}

/* Appends; return 0, or -1 when the cap would be passed (nothing appended). */
int cp_buf_add(struct cp_buf *b, const void *data, size_t len);
int cp_buf_puts(struct cp_buf *b, const char *s);
int cp_buf_printf(struct cp_buf *b, const char *fmt, ...) CP_PRINTF(2, 3);
int cp_buf_addc(struct cp_buf *b, char c);

const char *cp_buf_str(const struct cp_buf *b); /* "" when empty */
void cp_buf_reset(struct cp_buf *b);            /* len = 0, keeps memory */
void cp_buf_rtrim(struct cp_buf *b, const char *chars); /* drops trailing chars */
char *cp_buf_detach(struct cp_buf *b);          /* caller frees; buffer empty */
void cp_buf_release(struct cp_buf *b);          /* frees; buffer empty */
void cp_buf_release_secure(struct cp_buf *b);   /* wipes, then frees */

/* Allocation helpers that abort on out of memory. */
void *cp_xmalloc(size_t n);
void *cp_xcalloc(size_t n, size_t size);
void *cp_xrealloc(void *p, size_t n);
char *cp_xstrdup(const char *s);
char *cp_xstrndup(const char *s, size_t n);
char *cp_xasprintf(const char *fmt, ...) CP_PRINTF(1, 2);

/* Frees a string after wiping it (secrets). NULL is fine. */
void cp_free_secret(char *s);

/* The length of the valid UTF-8 sequence at p (at most n bytes: no overlong
 * form, no surrogate, nothing past U+10FFFF), or 0 when it is not one. */
size_t cp_utf8_len(const unsigned char *p, size_t n);

#endif
