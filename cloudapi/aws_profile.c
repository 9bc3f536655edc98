/* SPDX-License-Identifier: Apache-2.0 */
/* aws_profile.c — read ~/.aws/config and ~/.aws/credentials with inih. */
#include "aws_profile.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_platform.h"

/* An AWS config or credentials file larger than this is not one. */
#define AWS_FILE_MAX_BYTES (4u << 20)

struct entry {
  int from_credentials;
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

static int on_line(void *ud, const char *section, const char *name,
                   const char *value)
{
  struct aws_profiles *p = ud;
  const char *prof = profile_of(p, section);

  if (!prof)
    return 1;
  if (!strncmp(prof, "services ", 9)) {
    /* "cloudhsm_v2 =" then indented "endpoint_url = x" lines, which inih
     * hands over as more values of the same name */
    const char *eq = strchr(value, '=');
    char *sub, *k, *v;
    if (!eq)
      return 1;
    k = cp_xstrndup(value, (size_t)(eq - value));
    while (*k && k[strlen(k) - 1] == ' ')
      k[strlen(k) - 1] = '\0';
    v = cp_xstrdup(eq + 1 + strspn(eq + 1, " "));
    sub = cp_xasprintf("%s.%s", name, k);
    add(p, prof, sub, v);
    free(sub);
    free(k);
    free(v);
    return 1;
  }
  add(p, prof, name, value);
  return 1;
}

static enum cp_err read_one(struct aws_profiles *p, const char *path,
                            int credentials, struct cp_errbuf *err)
{
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  struct cp_buf text = CP_BUF_INIT;
  enum cp_err rc;
  int line;

  /* links followed, only a regular file read: a FIFO never blocks us */
  rc = plat_read_file(path, AWS_FILE_MAX_BYTES, &text, &meta, CP_E_ENVIRONMENT,
                      err);
  if (rc != CP_OK || !meta.exists) { /* a missing file is not an error */
    cp_buf_release_secure(&text);
    return rc;
  }
  p->in_credentials = credentials;
  p->meta[credentials != 0] = meta;
  line = ini_parse_string(cp_buf_str(&text), on_line, p);
  cp_buf_release_secure(&text);
  if (line != 0)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "AWS %s file is malformed (%s): line %d cannot be read. "
                   "Fix that line",
                   credentials ? "credentials" : "config", path, line);
  return CP_OK;
}

static enum cp_err read_text(struct aws_profiles *p, const char *text,
                             int credentials, struct cp_errbuf *err)
{
  int line;

  p->in_credentials = credentials;
  line = ini_parse_string(text, on_line, p);
  if (line != 0)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "AWS %s text is malformed (line %d): it cannot be read. "
                   "Fix that line",
                   credentials ? "credentials" : "config", line);
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

static const char *lookup(const struct aws_profiles *p, const char *section,
                          const char *key)
{
  const char *from_config = NULL, *from_credentials = NULL;
  size_t i;

  for (i = 0; p && i < p->n; i++)
    if (!strcmp(p->e[i].section, section) && !strcmp(p->e[i].key, key)) {
      if (p->e[i].from_credentials)
        from_credentials = p->e[i].value;
      else
        from_config = p->e[i].value;
    }
  return from_credentials ? from_credentials : from_config;
}

const char *aws_profile_origin(const struct aws_profiles *p,
                               const char *profile, const char *key,
                               struct plat_file_meta *meta)
{
  int from = -1;
  size_t i;

  for (i = 0; p && i < p->n; i++)
    if (!strcmp(p->e[i].section, profile) && !strcmp(p->e[i].key, key) &&
        from < p->e[i].from_credentials)
      from = p->e[i].from_credentials;
  if (from < 0)
    return NULL;
  *meta = p->meta[from];
  return from ? p->credentials_path : p->config_path;
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
