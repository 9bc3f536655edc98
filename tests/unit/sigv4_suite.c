/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4_suite.c — checks the signer against a folder of AWS SigV4 test
 * cases (the aws-c-auth layout: one folder per case with context.json,
 * request.txt and the expected header-* and query-* stages).
 *
 * usage: sigv4_suite <suite-dir>      prints "N passed, M failed" */
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_platform.h"
#include "sigv4.h"

/* what the code under test records when it fails */
/* The query parameters of a presigned URL up to (not including)
 * X-Amz-Signature, encoded, as the suite's query-mode cases spell them.
 * The tool never presigns: these cases test the signer's canonical query. */
static void presign_params(const struct sigv4_creds *creds, const char *region,
                          const char *service, const char *amz_date,
                          long expires, const char *signed_headers,
                          struct cp_buf *out)
{
  struct cp_buf cred = CP_BUF_INIT;

  cp_buf_printf(&cred, "%s/%.8s/%s/%s/aws4_request", creds->access_key_id,
                amz_date, region, service);
  cp_buf_puts(out, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
  sigv4_uri_encode(cred.ptr, cred.len, 0, out);
  cp_buf_printf(out, "&X-Amz-Date=%s&X-Amz-Expires=%ld", amz_date, expires);
  if (creds->session_token && *creds->session_token) {
    cp_buf_puts(out, "&X-Amz-Security-Token=");
    sigv4_uri_encode(creds->session_token, strlen(creds->session_token), 0,
                     out);
  }
  cp_buf_puts(out, "&X-Amz-SignedHeaders=");
  sigv4_uri_encode(signed_headers, strlen(signed_headers), 0, out);
  cp_buf_release(&cred);
}

static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

struct req {
  char *method, *path, *query;
  struct sigv4_header h[64];
  size_t nh;
  char *body;
  size_t body_len;
  struct cp_buf store[64]; /* header values (continuations appended) */
  char *names[64];
};

static char *read_file(const char *dir, const char *name, size_t *len)
{
  struct cp_buf b = CP_BUF_INIT;
  struct plat_file_meta m = PLAT_FILE_META_INIT;
  char *path = cp_xasprintf("%s/%s", dir, name);

  if (plat_read_file(path, 1 << 20, &b, &m, CP_E_IO, err) != CP_OK ||
      !m.exists) {
    free(path);
    cp_buf_release(&b);
    return NULL;
  }
  free(path);
  if (len)
    *len = b.len;
  return cp_buf_detach(&b);
}

static int parse_request(char *text, size_t len, struct req *r)
{
  char *line = text, *end = text + len, *nl, *sp, *proto, *q;

  memset(r, 0, sizeof(*r));
  nl = memchr(line, '\n', (size_t)(end - line));
  if (!nl)
    return -1;
  *nl = '\0';
  sp = strchr(line, ' ');
  proto = strstr(line, " HTTP/");
  if (!sp || !proto)
    return -1;
  *sp = '\0';
  *proto = '\0';
  r->method = line;
  r->path = sp + 1;
  q = strchr(r->path, '?');
  if (q) {
    *q = '\0';
    r->query = q + 1;
  }
  line = nl + 1;
  while (line < end) {
    char *colon;
    nl = memchr(line, '\n', (size_t)(end - line));
    if (nl)
      *nl = '\0';
    if (*line == '\0') { /* blank line: the body follows */
      r->body = nl ? nl + 1 : end;
      r->body_len = (size_t)(end - r->body);
      break;
    }
    if ((*line == ' ' || *line == '\t') && r->nh) {
      cp_buf_printf(&r->store[r->nh - 1], "\n%s", line);
    } else if ((colon = strchr(line, ':')) && r->nh < 60) {
      *colon = '\0';
      r->names[r->nh] = line;
      cp_buf_puts(&r->store[r->nh], colon + 1);
      r->nh++;
    }
    if (!nl)
      break;
    line = nl + 1;
  }
  for (size_t i = 0; i < r->nh; i++) {
    r->h[i].name = r->names[i];
    r->h[i].value = cp_buf_str(&r->store[i]);
  }
  return 0;
}

static void release_request(struct req *r)
{
  for (size_t i = 0; i < 64; i++)
    cp_buf_release(&r->store[i]);
}

static int same(const char *what, const char *dir, const char *file,
                const char *got)
{
  char *want = read_file(dir, file, NULL);
  int ok = want && !strcmp(want, got);
  if (!ok)
    printf("FAIL %s %s\n--- expected\n%s\n--- got\n%s\n", dir, what,
           want ? want : "(missing)", got);
  free(want);
  return ok;
}

static const char *jstr(json_object *o, const char *k)
{
  json_object *v;
  return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int jbool(json_object *o, const char *k)
{
  json_object *v;
  return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

/* One mode ("header" or "query") of one case. */
static int check_mode(const char *dir, json_object *ctx, struct req *r,
                      int query_mode)
{
  json_object *cj;
  struct sigv4_creds c;
  struct sigv4_header hs[70];
  struct sigv4_input in;
  struct cp_buf creq = CP_BUF_INIT, sh = CP_BUF_INIT, sts = CP_BUF_INIT,
                q = CP_BUF_INIT;
  char amz[17], payload[65], sig[65], file[64];
  const char *ts = jstr(ctx, "timestamp"), *region = jstr(ctx, "region"),
             *service = jstr(ctx, "service"), *mode = query_mode ? "query" : "header";
  int omit = jbool(ctx, "omit_session_token"), ok = 1;
  size_t n = r->nh;

  json_object_object_get_ex(ctx, "credentials", &cj);
  c.access_key_id = jstr(cj, "access_key_id");
  c.secret_access_key = jstr(cj, "secret_access_key");
  c.session_token = omit ? NULL : jstr(cj, "token");
  /* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
  snprintf(amz, sizeof(amz), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", ts, ts + 5, ts + 8,
           ts + 11, ts + 14, ts + 17);
  sigv4_sha256_hex(r->body ? r->body : "", r->body_len, payload);
  memcpy(hs, r->h, n * sizeof(hs[0]));
  if (!query_mode) {
    hs[n].name = "X-Amz-Date";
    hs[n++].value = amz;
    if (c.session_token) {
      hs[n].name = "X-Amz-Security-Token";
      hs[n++].value = c.session_token;
    }
    if (jbool(ctx, "sign_body")) {
      hs[n].name = "X-Amz-Content-Sha256";
      hs[n++].value = payload;
    }
  } else {
    /* The signed header list goes into the query, so compute it first: the
     * canonical request of the bare request gives it. */
    struct cp_buf names = CP_BUF_INIT, scratch = CP_BUF_INIT;
    in.method = r->method;
    in.path = r->path;
    in.query = NULL;
    in.headers = hs;
    in.nheaders = n;
    in.payload_hash = payload;
    in.normalize_path = 0;
    sigv4_canonical_request(&in, &scratch, &names);
    if (r->query && *r->query)
      cp_buf_printf(&q, "%s&", r->query);
    presign_params(&c, region, service, amz,
                         json_object_get_int(json_object_object_get(ctx, "expiration_in_seconds")),
                         cp_buf_str(&names), &q);
    cp_buf_release(&names);
    cp_buf_release(&scratch);
  }
  in.method = r->method;
  in.path = r->path;
  in.query = query_mode ? cp_buf_str(&q) : r->query;
  in.headers = hs;
  in.nheaders = n;
  in.payload_hash = payload;
  in.normalize_path = jbool(ctx, "normalize");
  sigv4_canonical_request(&in, &creq, &sh);
  snprintf(file, sizeof(file), "%s-canonical-request.txt", mode);
  ok &= same(file, dir, file, cp_buf_str(&creq));
  sigv4_string_to_sign(amz, region, service, &creq, &sts);
  snprintf(file, sizeof(file), "%s-string-to-sign.txt", mode);
  ok &= same(file, dir, file, cp_buf_str(&sts));
  sigv4_signature(c.secret_access_key, amz, region, service, &sts, sig);
  snprintf(file, sizeof(file), "%s-signature.txt", mode);
  ok &= same(file, dir, file, sig);
  cp_buf_release(&creq);
  cp_buf_release(&sh);
  cp_buf_release(&sts);
  cp_buf_release(&q);
  return ok;
}

static int check_case(const char *dir)
{
  size_t len;
  char *ctxt = read_file(dir, "context.json", NULL);
  char *rtxt = read_file(dir, "request.txt", &len);
  json_object *ctx = ctxt ? json_tokener_parse(ctxt) : NULL;
  struct req r;
  int ok = 0;

  if (ctx && rtxt && parse_request(rtxt, len, &r) == 0) {
    ok = check_mode(dir, ctx, &r, 0);
    release_request(&r);
    free(rtxt);
    rtxt = read_file(dir, "request.txt", &len);
    if (parse_request(rtxt, len, &r) == 0)
      ok &= check_mode(dir, ctx, &r, 1);
    release_request(&r);
  } else {
    printf("FAIL %s: cannot read context.json or request.txt\n", dir);
  }
  json_object_put(ctx);
  free(ctxt);
  free(rtxt);
  return ok;
}

int main(int argc, char **argv)
{
  DIR *d;
  struct dirent *de;
  int passed = 0, failed = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: sigv4_suite <suite-dir>\n");
    return 2;
  }
  d = opendir(argv[1]);
  if (!d) {
    fprintf(stderr, "sigv4_suite: cannot open %s\n", argv[1]);
    return 2;
  }
  while ((de = readdir(d))) {
    char *dir;
    if (de->d_name[0] == '.')
      continue;
    dir = cp_xasprintf("%s/%s", argv[1], de->d_name);
    {
      char *probe = read_file(dir, "context.json", NULL);
      if (probe) {
        if (check_case(dir))
          passed++;
        else
          failed++;
      }
      free(probe);
    }
    free(dir);
  }
  closedir(d);
  printf("%d passed, %d failed\n", passed, failed);
  return failed || !passed ? 1 : 0;
}
