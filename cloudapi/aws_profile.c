/* SPDX-License-Identifier: Apache-2.0 */
/* aws_profile.c — read ~/.aws/config and ~/.aws/credentials with inih,
 * as botocore reads them. */
#include "aws_profile.h"

#include "ini.h" /* vendored: cloudapi/inih */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_platform.h"

/* An AWS config or credentials file larger than this is not one. */
#define AWS_FILE_MAX_BYTES (4u << 20)

struct entry {
  int from_credentials;
  int nested_child; /* "parent.name": under a key whose value was empty */
  char *section; /* profile name, or "services NAME" */
  char *key;
  char *value;
};

struct aws_profiles {
  struct entry *e;
  size_t n, cap;
  char *config_path, *credentials_path;
  struct plat_file_meta meta[2]; /* config, credentials; as read */
  int in_credentials;
};

static void add(struct aws_profiles *p, const char *section, const char *key,
                const char *value)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 32;
    p->e = cp_xrealloc(p->e, p->cap * sizeof(*p->e));
  }
  p->e[p->n].from_credentials = p->in_credentials;
  p->e[p->n].nested_child = 0;
  p->e[p->n].section = cp_xstrdup(section);
  p->e[p->n].key = cp_xstrdup(key);
  p->e[p->n].value = cp_xstrdup(value);
  p->n++;
}

/* Maps a section header to a profile name, or NULL to ignore it. */
static const char *profile_of(const struct aws_profiles *p, const char *sec)
{
  if (p->in_credentials)
    return sec;
  if (!strcmp(sec, "default"))
    return "default";
  if (!strncmp(sec, "profile ", 8))
    return sec + 8 + strspn(sec + 8, " ");
  if (!strncmp(sec, "services ", 9) || !strncmp(sec, "sso-session ", 12))
    return sec;
  return NULL;
}

/* One file being read, as botocore's configparser reads it: key names in
 * lower case; an indented line continues the value above it (a value that
 * was empty opens nested keys, "s3 =" then "  max_concurrent_requests =
 * 20", kept as "s3.max_concurrent_requests"); a key or section given twice
 * is an error, as there. */
struct reading {
  struct aws_profiles *p;
  const char *at;        /* the start of line `line` of the file */
  int line;
  size_t first;          /* this file's first entry in p->e */
  char *section;         /* the section of the last key, owned */
  size_t last;           /* the last key's entry, when last_set */
  int last_set, skipped; /* skipped: the last key's section is ignored */
  int header;            /* a section header since the last key */
  struct cp_buf seen;    /* "\n"-joined sections met so far */
  const char *why;       /* why the line failed */
};

/* The start of line n (1-based) of the text; lines come in order. A
 * section header passed on the way is noted (a section given twice in a
 * row looks like one to the handler). */
static const char *line_start(struct reading *r, int n)
{
  while (r->line < n && *r->at) {
    const char *nl = strchr(r->at, '\n');
    if (r->at[strspn(r->at, " \t")] == '[')
      r->header = 1;
    r->at = nl ? nl + 1 : r->at + strlen(r->at);
    r->line++;
  }
  return r->at;
}

static char *lower_dup(const char *s)
{
  char *d = cp_xstrdup(s), *c;
  for (c = d; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c - 'A' + 'a');
  return d;
}

/* A line under a key whose value was empty: "name = value", kept as
 * "key.name". */
static int add_nested(struct reading *r, const char *prof, const char *text)
{
  const char *eq = strchr(text, '=');
  char *k, *v, *sub;
  size_t n;

  if (!eq)
    return 1; /* botocore keeps no value for it either */
  n = (size_t)(eq - text);
  while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
    n--;
  k = cp_xstrndup(text, n);
  v = cp_xstrdup(eq + 1 + strspn(eq + 1, " \t"));
  sub = cp_xasprintf("%s.%s", r->p->e[r->last].key, k);
  add(r->p, prof, sub, v);
  r->p->e[r->p->n - 1].nested_child = 1;
  free(sub);
  free(k);
  free(v);
  return 1;
}

static int on_line(void *ud, const char *section, const char *name,
                   const char *value, int lineno)
{
  struct reading *r = ud;
  struct aws_profiles *p = r->p;
  const char *raw = line_start(r, lineno), *prof;
  int continued = r->last_set && (raw[0] == ' ' || raw[0] == '\t') &&
                  r->section && !strcmp(r->section, section);
  char *key, *joined;
  size_t i;

  if (continued) {
    struct entry *e;
    if (r->skipped) /* a section this tool does not read (no entry yet) */
      return 1;
    e = &p->e[r->last];
    if (!*e->value) /* "s3 =": the lines below are keys */
      return add_nested(r, e->section, value);
    joined = cp_xasprintf("%s\n%s", e->value, value);
    cp_free_secret(e->value);
    e->value = joined;
    return 1;
  }
  if (!r->section || strcmp(r->section, section) || r->header) {
    /* a new section */
    char *mark = cp_xasprintf("\n%s\n", section);
    int again = strstr(cp_buf_str(&r->seen), mark) != NULL;
    free(mark);
    if (again) {
      r->why = "repeats a section";
      return 0;
    }
    cp_buf_printf(&r->seen, "\n%s\n", section);
    free(r->section);
    r->section = cp_xstrdup(section);
    r->header = 0;
  }
  prof = profile_of(p, section);
  r->last_set = 1;
  r->skipped = !prof;
  if (!prof)
    return 1;
  key = lower_dup(name);
  for (i = r->first; i < p->n; i++)
    if (!p->e[i].nested_child && !strcmp(p->e[i].section, prof) &&
        !strcmp(p->e[i].key, key)) {
      free(key);
      r->why = "repeats a key of its section";
      return 0;
    }
  add(p, prof, key, value);
  r->last = p->n - 1;
  free(key);
  return 1;
}

/* Parses one file's text into p; the line that failed, and why, in *why. */
static int parse_file(struct aws_profiles *p, const char *text, int credentials,
                      const char **why)
{
  struct reading r;
  int line;

  memset(&r, 0, sizeof(r));
  r.p = p;
  r.at = text;
  r.line = 1;
  r.first = p->n;
  r.seen = (struct cp_buf)CP_BUF_INIT;
  r.why = "cannot be read";
  p->in_credentials = credentials;
  line = ini_parse_string(text, on_line, &r);
  *why = r.why;
  free(r.section);
  cp_buf_release(&r.seen);
  return line;
}

static enum cp_err read_one(struct aws_profiles *p, const char *path,
                            int credentials, struct cp_errbuf *err)
{
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  struct cp_buf text = CP_BUF_INIT;
  const char *why;
  enum cp_err rc;
  int line;

  /* links followed, only a regular file read: a FIFO never blocks us */
  rc = plat_read_file(path, AWS_FILE_MAX_BYTES, &text, &meta, CP_E_ENVIRONMENT,
                      err);
  if (rc != CP_OK || !meta.exists) { /* a missing file is not an error */
    cp_buf_release_secure(&text);
    return rc;
  }
  p->meta[credentials != 0] = meta;
  line = parse_file(p, cp_buf_str(&text), credentials, &why);
  cp_buf_release_secure(&text);
  if (line != 0)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "AWS %s file is malformed (%s): line %d %s. Fix that line",
                   credentials ? "credentials" : "config", path, line, why);
  return CP_OK;
}

static enum cp_err read_text(struct aws_profiles *p, const char *text,
                             int credentials, struct cp_errbuf *err)
{
  const char *why;
  int line = parse_file(p, text, credentials, &why);

  if (line != 0)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "AWS %s text is malformed (line %d): it %s. Fix that line",
                   credentials ? "credentials" : "config", line, why);
  return CP_OK;
}

enum cp_err aws_profiles_parse(const char *config_text,
                               const char *credentials_text,
                               struct aws_profiles **out, struct cp_errbuf *err)
{
  struct aws_profiles *p = cp_xcalloc(1, sizeof(*p));
  enum cp_err rc;

  p->meta[0] = p->meta[1] = (struct plat_file_meta)PLAT_FILE_META_INIT;
  p->config_path = cp_xstrdup("(text)");
  p->credentials_path = cp_xstrdup("(text)");
  CP_TRY(rc, read_text(p, config_text, 0, err));
  CP_TRY(rc, read_text(p, credentials_text, 1, err));
out:
  if (rc != CP_OK) {
    aws_profiles_free(p);
    p = NULL;
  }
  *out = p;
  return rc;
}

static char *file_path(const char *env, const char *leaf)
{
  const char *v = getenv(env);
  char *home, *out;

  if (v && *v)
    return cp_xstrdup(v);
  home = plat_home_dir();
  out = cp_xasprintf("%s/.aws/%s", home ? home : ".", leaf);
  free(home);
  return out;
}

enum cp_err aws_profiles_load(struct aws_profiles **out, struct cp_errbuf *err)
{
  struct aws_profiles *p = cp_xcalloc(1, sizeof(*p));
  enum cp_err rc;

  p->meta[0] = p->meta[1] = (struct plat_file_meta)PLAT_FILE_META_INIT;
  p->config_path = file_path("AWS_CONFIG_FILE", "config");
  p->credentials_path = file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  CP_TRY(rc, read_one(p, p->config_path, 0, err));
  CP_TRY(rc, read_one(p, p->credentials_path, 1, err));
out:
  if (rc != CP_OK) {
    aws_profiles_free(p);
    p = NULL;
  }
  *out = p;
  return rc;
}

void aws_profiles_free(struct aws_profiles *p)
{
  size_t i;

  if (!p)
    return;
  for (i = 0; i < p->n; i++) {
    free(p->e[i].section);
    free(p->e[i].key);
    cp_free_secret(p->e[i].value);
  }
  free(p->e);
  free(p->config_path);
  free(p->credentials_path);
  free(p);
}

const char *aws_profile_name(const char *flag)
{
  const char *env = getenv("AWS_PROFILE");
  if (flag && *flag)
    return flag;
  if (env && *env)
    return env;
  return "default";
}

int aws_profile_exists(const struct aws_profiles *p, const char *profile)
{
  size_t i;
  for (i = 0; p && i < p->n; i++)
    if (!strcmp(p->e[i].section, profile))
      return 1;
  return 0;
}

/* The entry a key's value comes from: the credentials file's over the
 * config file's, as the SDKs have it; NULL when neither has the key. */
static const struct entry *lookup_entry(const struct aws_profiles *p,
                                        const char *section, const char *key)
{
  const struct entry *from_config = NULL, *from_credentials = NULL;
  size_t i;

  for (i = 0; p && i < p->n; i++)
    if (!strcmp(p->e[i].section, section) && !strcmp(p->e[i].key, key)) {
      if (p->e[i].from_credentials)
        from_credentials = &p->e[i];
      else
        from_config = &p->e[i];
    }
  return from_credentials ? from_credentials : from_config;
}

static const char *lookup(const struct aws_profiles *p, const char *section,
                          const char *key)
{
  const struct entry *e = lookup_entry(p, section, key);
  return e ? e->value : NULL;
}

const char *aws_profile_origin(const struct aws_profiles *p,
                               const char *profile, const char *key,
                               struct plat_file_meta *meta)
{
  const struct entry *e = lookup_entry(p, profile, key);

  if (!e)
    return NULL;
  *meta = p->meta[e->from_credentials != 0];
  return e->from_credentials ? p->credentials_path : p->config_path;
}

const char *aws_profile_get(const struct aws_profiles *p, const char *profile,
                            const char *key)
{
  const char *v = lookup(p, profile, key);
  return v && *v ? v : NULL;
}

const char *aws_profile_service_get(const struct aws_profiles *p,
                                    const char *profile, const char *service,
                                    const char *key)
{
  const char *services = aws_profile_get(p, profile, "services");
  char *sec, *sub;
  const char *v;

  if (!services)
    return NULL;
  sec = cp_xasprintf("services %s", services);
  sub = cp_xasprintf("%s.%s", service, key);
  v = lookup(p, sec, sub);
  free(sec);
  free(sub);
  return v && *v ? v : NULL;
}

const char *aws_sso_session_get(const struct aws_profiles *p,
                                const char *session, const char *key)
{
  char *sec = cp_xasprintf("sso-session %s", session);
  const char *v = lookup(p, sec, key);

  free(sec);
  return v && *v ? v : NULL;
}

const char *aws_profiles_config_path(const struct aws_profiles *p)
{
  return p->config_path;
}

const char *aws_profiles_credentials_path(const struct aws_profiles *p)
{
  return p->credentials_path;
}
