/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.c — AWS Signature Version 4: canonical request, string to sign,
 * signing key and signature. */
#include "sigv4.h"

#include "cp_platform.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

static const char hexdig[] = "0123456789ABCDEF";

void sigv4_hex(const unsigned char *d, size_t n, char *out)
{
  static const char lower[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = lower[d[i] >> 4];
    out[2 * i + 1] = lower[d[i] & 15];
  }
  out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
  unsigned char md[32];
  unsigned int mdlen = 0;

  EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
  sigv4_hex(md, 32, out);
}

/* "20150830T123600Z" and "20150830" for t. */
static void sigv4_amz_date(time_t t, char out[17])
{
  struct tm tm;

  plat_gmtime(t, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int unreserved(unsigned char c)
{
  return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void sigv4_uri_encode(const char *s, size_t len, int keep_slash,
                      struct cp_buf *out)
{
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (unreserved(c) || (keep_slash && c == '/')) {
      cp_buf_addc(out, (char)c);
    } else {
      char e[3] = {'%', hexdig[c >> 4], hexdig[c & 15]};
      cp_buf_add(out, e, 3);
    }
  }
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes %XX (and keeps a lone '%' as it is). */
static void uri_decode(const char *s, size_t len, struct cp_buf *out)
{
  size_t i;
  for (i = 0; i < len; i++) {
    if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
        hexval(s[i + 2]) >= 0) {
      cp_buf_addc(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else {
      cp_buf_addc(out, s[i]);
    }
  }
}

/* RFC 3986 remove_dot_segments, with empty segments collapsed. The result
 * starts with '/' and ends with '/' when the input did. */
static void normalize_path(const char *path, struct cp_buf *out)
{
  size_t n = strlen(path), i = 0, nseg = 0, k;
  const char **seg = cp_xcalloc(n + 1, sizeof(*seg));
  size_t *seglen = cp_xcalloc(n + 1, sizeof(*seglen));
  int trailing = n > 0 && path[n - 1] == '/';

  while (i < n) {
    size_t start, len;
    while (i < n && path[i] == '/')
      i++;
    start = i;
    while (i < n && path[i] != '/')
      i++;
    len = i - start;
    if (len == 0 || (len == 1 && path[start] == '.'))
      continue;
    if (len == 2 && path[start] == '.' && path[start + 1] == '.') {
      if (nseg)
        nseg--;
      continue;
    }
    seg[nseg] = path + start;
    seglen[nseg++] = len;
  }
  /* "/a/." and "/a/.." end in a folder: keep the slash */
  if (n >= 2 && path[n - 1] == '.' &&
      (path[n - 2] == '/' || (n >= 3 && path[n - 2] == '.' && path[n - 3] == '/')))
    trailing = 1;
  cp_buf_addc(out, '/');
  for (k = 0; k < nseg; k++) {
    cp_buf_add(out, seg[k], seglen[k]);
    if (k + 1 < nseg || trailing)
      cp_buf_addc(out, '/');
  }
  free(seg);
  free(seglen);
}

struct kv {
  char *k, *v;
};

static int kv_cmp(const void *a, const void *b)
{
  const struct kv *x = a, *y = b;
  int c = strcmp(x->k, y->k);
  return c ? c : strcmp(x->v, y->v);
}

static void canonical_query(const char *q, struct cp_buf *out)
{
  size_t cap = 1, n = 0, i;
  const char *p;
  struct kv *kvs;

  if (!q || !*q)
    return;
  for (p = q; *p; p++)
    if (*p == '&')
      cap++;
  kvs = cp_xcalloc(cap, sizeof(*kvs));
  for (p = q; *p;) {
    const char *end = strchr(p, '&'), *eq;
    struct cp_buf raw = CP_BUF_INIT, enc = CP_BUF_INIT;
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len) {
      eq = memchr(p, '=', len);
      uri_decode(p, eq ? (size_t)(eq - p) : len, &raw);
      sigv4_uri_encode(cp_buf_str(&raw), raw.len, 0, &enc);
      kvs[n].k = cp_buf_detach(&enc);
      cp_buf_reset(&raw);
      if (eq)
        uri_decode(eq + 1, len - (size_t)(eq + 1 - p), &raw);
      sigv4_uri_encode(cp_buf_str(&raw), raw.len, 0, &enc);
      kvs[n++].v = cp_buf_detach(&enc);
      cp_buf_release(&raw);
    }
    p = end ? end + 1 : p + len;
  }
  qsort(kvs, n, sizeof(*kvs), kv_cmp);
  for (i = 0; i < n; i++) {
    cp_buf_printf(out, "%s%s=%s", i ? "&" : "", kvs[i].k, kvs[i].v);
    free(kvs[i].k);
    free(kvs[i].v);
  }
  free(kvs);
}

struct hdr {
  char *name;
  struct cp_buf value;
  size_t order;
};

static int hdr_cmp(const void *a, const void *b)
{
  const struct hdr *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Trims the value and folds every run of white space (newlines of a folded
 * header too) into one space. */
static void add_trimmed(struct cp_buf *out, const char *v)
{
  int space = 0, any = 0;
  for (; *v; v++) {
    if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
      space = any;
      continue;
    }
    if (space)
      cp_buf_addc(out, ' ');
    cp_buf_addc(out, *v);
    space = 0;
    any = 1;
  }
}

void sigv4_canonical_request(const struct sigv4_input *in, struct cp_buf *creq,
                             struct cp_buf *signed_headers)
{
  struct hdr *h = cp_xcalloc(in->nheaders + 1, sizeof(*h));
  struct cp_buf path = CP_BUF_INIT;
  size_t i, j;

  for (i = 0; i < in->nheaders; i++) {
    const char *nm = in->headers[i].name;
    h[i].name = cp_xstrdup(nm);
    for (j = 0; h[i].name[j]; j++)
      h[i].name[j] = (char)tolower((unsigned char)h[i].name[j]);
    add_trimmed(&h[i].value, in->headers[i].value);
    h[i].order = i;
  }
  qsort(h, in->nheaders, sizeof(*h), hdr_cmp);

  cp_buf_printf(creq, "%s\n", in->method);
  if (in->normalize_path)
    normalize_path(in->path, &path);
  else
    cp_buf_puts(&path, in->path);
  sigv4_uri_encode(cp_buf_str(&path), path.len, 1, creq);
  cp_buf_addc(creq, '\n');
  canonical_query(in->query, creq);
  cp_buf_addc(creq, '\n');
  for (i = 0; i < in->nheaders; i++) {
    int dup = i > 0 && !strcmp(h[i].name, h[i - 1].name);
    if (!dup) {
      if (i)
        cp_buf_addc(creq, '\n');
      cp_buf_printf(creq, "%s:", h[i].name);
      cp_buf_printf(signed_headers, "%s%s", signed_headers->len ? ";" : "",
                    h[i].name);
    } else {
      cp_buf_addc(creq, ',');
    }
    cp_buf_add(creq, cp_buf_str(&h[i].value), h[i].value.len);
  }
  cp_buf_printf(creq, "\n\n%s\n%s", cp_buf_str(signed_headers),
                in->payload_hash);
  for (i = 0; i < in->nheaders; i++) {
    free(h[i].name);
    cp_buf_release(&h[i].value);
  }
  free(h);
  cp_buf_release(&path);
}

void sigv4_string_to_sign(const char *amz_date, const char *region,
                          const char *service, const struct cp_buf *creq,
                          struct cp_buf *out)
{
  char hash[65];

  sigv4_sha256_hex(cp_buf_str(creq), creq->len, hash);
  cp_buf_printf(out, ALGORITHM "\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date,
                amz_date, region, service, hash);
}

static void hmac(const unsigned char *key, size_t keylen, const char *msg,
                 size_t msglen, unsigned char out[32])
{
  unsigned int n = 32;
  HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, msglen,
       out, &n);
}

void sigv4_signature(const char *secret_access_key, const char *amz_date,
                     const char *region, const char *service,
                     const struct cp_buf *string_to_sign, char out[65])
{
  struct cp_buf k = CP_BUF_INIT;
  unsigned char a[32], b[32];

  cp_buf_printf(&k, "AWS4%s", secret_access_key);
  hmac((const unsigned char *)k.ptr, k.len, amz_date, 8, a);
  hmac(a, 32, region, strlen(region), b);
  hmac(b, 32, service, strlen(service), a);
  hmac(a, 32, "aws4_request", 12, b); /* b: the signing key */
  hmac(b, 32, cp_buf_str(string_to_sign), string_to_sign->len, a);
  sigv4_hex(a, 32, out);
  OPENSSL_cleanse(a, sizeof(a));
  OPENSSL_cleanse(b, sizeof(b));
  cp_buf_release_secure(&k);
}

enum cp_err sigv4_sign_request(const struct sigv4_creds *creds,
                               const char *region, const char *service,
                               time_t now, const char *method, const char *url,
                               const struct sigv4_header *headers,
                               size_t nheaders, const void *body,
                               size_t body_len, struct cp_buf *out_headers,
                               struct cp_errbuf *err)
{
  struct sigv4_header *all = cp_xcalloc(nheaders + 3, sizeof(*all));
  struct cp_buf creq = CP_BUF_INIT, sh = CP_BUF_INIT, sts = CP_BUF_INIT;
  struct sigv4_input in;
  char amz_date[17], payload[65], sig[65];
  const char *scheme = strstr(url, "://"), *h, *rest;
  char *host = NULL, *path = NULL;
  size_t n = 0, i;
  enum cp_err rc = CP_OK;

  if (!scheme || !scheme[3])
    CP_FAIL(rc, CP_E_INVALID,
            "invalid URL (%s): it has no scheme and host. Give one like "
            "https://host/",
            url);
  /* url = scheme://host[/path][?query] */
  h = scheme + 3;
  rest = h + strcspn(h, "/?");
  host = cp_xstrndup(h, (size_t)(rest - h));
  path = *rest == '/' ? cp_xstrndup(rest, strcspn(rest, "?")) : cp_xstrdup("/");
  sigv4_amz_date(now, amz_date);
  sigv4_sha256_hex(body ? body : "", body_len, payload);
  all[n].name = "Host";
  all[n++].value = host;
  for (i = 0; i < nheaders; i++)
    all[n++] = headers[i];
  all[n].name = "X-Amz-Date";
  all[n++].value = amz_date;
  if (creds->session_token && *creds->session_token) {
    all[n].name = "X-Amz-Security-Token";
    all[n++].value = creds->session_token;
  }
  in.method = method;
  in.path = path;
  in.query = strchr(rest, '?') ? strchr(rest, '?') + 1 : NULL;
  in.headers = all;
  in.nheaders = n;
  in.payload_hash = payload;
  in.normalize_path = 1;
  sigv4_canonical_request(&in, &creq, &sh);
  sigv4_string_to_sign(amz_date, region, service, &creq, &sts);
  sigv4_signature(creds->secret_access_key, amz_date, region, service, &sts,
                  sig);
  for (i = 1; i < n; i++) /* all but Host, which the URL carries */
    cp_buf_printf(out_headers, "%s: %s\n", all[i].name, all[i].value);
  cp_buf_printf(out_headers,
                "Authorization: " ALGORITHM " Credential=%s/%.8s/%s/%s/"
                "aws4_request, SignedHeaders=%s, Signature=%s\n",
                creds->access_key_id, amz_date, region, service,
                cp_buf_str(&sh), sig);
out:
  cp_buf_release(&creq);
  cp_buf_release(&sh);
  cp_buf_release(&sts);
  free(all);
  free(host);
  free(path);
  return rc;
}
