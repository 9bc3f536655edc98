/* SPDX-License-Identifier: Apache-2.0 */
/* aws_sso.c — IAM Identity Center (SSO) profiles: the token `aws sso login`
 * cached, then the portal's GetRoleCredentials. */
#include "aws_sso.h"

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_target.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "sigv4.h"

#define SSO_CACHE_MAX_BYTES (64 * 1024)

/* Where a profile's SSO settings come from: an sso-session section, or the
 * profile itself (legacy form). All point into the profiles. */
struct sso_profile {
  const char *session; /* NULL in the legacy form */
  const char *start_url, *region, *account_id, *role_name;
};

int aws_sso_profile(const struct aws_profiles *p, const char *profile)
{
  return aws_profile_get(p, profile, "sso_session") ||
         aws_profile_get(p, profile, "sso_start_url");
}

static enum cp_err incomplete(const char *file, int line,
                              const struct aws_profiles *p, const char *profile,
                              const char *key, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_ENVIRONMENT, file, line,
                 "incomplete SSO profile (%s): %s is not set. Add it to %s, "
                 "or run aws configure sso --profile %s",
                 profile, key, aws_profiles_config_path(p), profile);
}

static enum cp_err sso_profile_read(const struct aws_profiles *p,
                                    const char *profile, struct sso_profile *sp,
                                    struct cp_errbuf *err)
{
  const char *own_url = aws_profile_get(p, profile, "sso_start_url");
  const char *own_region = aws_profile_get(p, profile, "sso_region");

  memset(sp, 0, sizeof(*sp));
  sp->session = aws_profile_get(p, profile, "sso_session");
  sp->account_id = aws_profile_get(p, profile, "sso_account_id");
  sp->role_name = aws_profile_get(p, profile, "sso_role_name");
  if (sp->session) {
    sp->start_url = aws_sso_session_get(p, sp->session, "sso_start_url");
    sp->region = aws_sso_session_get(p, sp->session, "sso_region");
    if (!sp->start_url && !sp->region)
      return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                     "SSO session not found (%s): profile %s names it, but %s "
                     "has no [sso-session %s] section. Add it, or run aws "
                     "configure sso",
                     sp->session, profile, aws_profiles_config_path(p),
                     sp->session);
    /* the SDKs refuse a profile that says otherwise than its session */
    if ((own_url && sp->start_url && strcmp(own_url, sp->start_url)) ||
        (own_region && sp->region && strcmp(own_region, sp->region)))
      return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                     "conflicting SSO settings (profile %s): its sso_start_url "
                     "or sso_region differs from [sso-session %s]. Remove them "
                     "from the profile",
                     profile, sp->session);
  } else {
    sp->start_url = own_url;
    sp->region = own_region;
  }
  if (!sp->start_url)
    return incomplete(CP_HERE, p, profile, "sso_start_url", err);
  if (!sp->region)
    return incomplete(CP_HERE, p, profile, "sso_region", err);
  if (!sp->account_id)
    return incomplete(CP_HERE, p, profile, "sso_account_id", err);
  if (!sp->role_name)
    return incomplete(CP_HERE, p, profile, "sso_role_name", err);
  if (!aws_region_valid(sp->region))
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "invalid sso_region (profile %s): \"%.40s\" is not an AWS "
                   "region. Fix it in %s",
                   profile, sp->region, aws_profiles_config_path(p));
  return CP_OK;
}

/* ~/.aws/sso/cache/<sha1 of the session name or start URL>.json */
static char *sso_cache_path(const struct sso_profile *sp)
{
  const char *key = sp->session ? sp->session : sp->start_url;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  char *home = plat_home_dir(), *out;

  if (EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL) != 1)
    n = 0;
  sigv4_hex(md, n, hex);
  out = cp_xasprintf("%s/.aws/sso/cache/%s.json", home ? home : ".", hex);
  free(home);
  return out;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
  long long era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

/* "2026-11-24T01:02:03Z" (also "...UTC", "+00:00" or fractions, as the
 * CLI versions wrote it): seconds since the epoch, or -1. */
static long long iso8601_utc(const char *s)
{
  int y, mo, d, h, mi, sec, used = 0;
  const char *rest;

  if (!s ||
      sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
             &used) != 6 ||
      used != 19)
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return -1;
  rest = s + used;
  if (*rest == '.')
    rest += 1 + strspn(rest + 1, "0123456789");
  if (strcmp(rest, "Z") && strcmp(rest, "UTC") && strcmp(rest, "+00:00") &&
      strcmp(rest, "+0000"))
    return -1;
  return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL +
         mi * 60LL + sec;
}

/* The token is missing, expired or refused: the user logs in again. */
static enum cp_err login_again(const char *file, int line, const char *profile,
                               const char *why, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_NO_CREDENTIALS, file, line,
                 "SSO login needed (profile %s): %s. Run aws sso login "
                 "--profile %s, then run again",
                 profile, why, profile);
}

/* The cached access token, if it is still valid. Caller frees. */
static enum cp_err sso_cached_token(const char *profile,
                                    const struct sso_profile *sp,
                                    const struct http_settings *hs,
                                    char **token, struct cp_errbuf *err)
{
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  struct cp_buf text = CP_BUF_INIT;
  char *path = sso_cache_path(sp);
  json_object *o = NULL, *tok, *exp;
  long long expires = -1;
  enum cp_err rc;

  *token = NULL;
  CP_TRY(rc, plat_read_file(path, SSO_CACHE_MAX_BYTES, &text, &meta,
                            CP_E_NO_CREDENTIALS, err));
  if (!meta.exists)
    CP_TRY(rc, login_again(CP_HERE, profile, "no token is cached", err));
  o = json_tokener_parse(cp_buf_str(&text));
  if (!o || !json_object_object_get_ex(o, "accessToken", &tok) ||
      !json_object_is_type(tok, json_type_string) ||
      !*json_object_get_string(tok))
    CP_TRY(rc, login_again(CP_HERE, profile,
                           "the cached token has no accessToken", err));
  if (!json_object_object_get_ex(o, "expiresAt", &exp) ||
      (expires = iso8601_utc(json_object_get_string(exp))) < 0)
    CP_TRY(rc, login_again(CP_HERE, profile,
                           "the cached token has no valid expiresAt", err));
  if (expires <= (long long)http_now(hs))
    CP_TRY(rc,
           login_again(CP_HERE, profile, "the cached token has expired", err));
  cp_log(CP_LOG_DEBUG, "SSO: token from %s", path);
  *token = cp_xstrdup(json_object_get_string(tok));
out:
  json_object_put(o);
  cp_buf_release_secure(&text);
  free(path);
  return rc;
}

/* {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
 * "expiration"}} */
static enum cp_err role_creds_from_json(const char *text, const char *url,
                                        struct aws_creds *out,
                                        struct cp_errbuf *err)
{
  static const char *const tokens[] = {"sessionToken", NULL};
  json_object *o = json_tokener_parse(text), *role = NULL;
  enum cp_err rc = CP_OK;

  if (o)
    json_object_object_get_ex(o, "roleCredentials", &role);
  if (!aws_creds_from_json(role, "accessKeyId", "secretAccessKey", tokens,
                           "IAM Identity Center", out))
    CP_FAIL(rc, CP_E_NO_CREDENTIALS,
            "SSO answer is malformed (%s): no roleCredentials with "
            "accessKeyId and secretAccessKey. Check AWS_ENDPOINT_URL_SSO",
            url);
out:
  json_object_put(o);
  return rc;
}

/* What each try of GetRoleCredentials needs (http_retry's ctx). */
struct portal_try {
  const struct http_settings *hs;
  const struct http_req *rq;
  struct http_resp *rs;
  const char *profile;
  const struct sso_profile *sp;
};

/* One try (an http_try_fn): CP_OK with the role's answer in rs. */
static enum cp_err portal_try(void *ctx, int *retry, struct cp_errbuf *err)
{
  const struct portal_try *t = ctx;
  enum cp_err rc;

  http_resp_reset(t->rs);
  rc = http_perform(t->hs, t->rq, t->rs, err);
  if (rc != CP_OK) {
    *retry = http_retryable_failure(rc);
    return rc;
  }
  if (t->rs->status == 200)
    return CP_OK;
  if (t->rs->status == 401)
    return login_again(CP_HERE, t->profile,
                       "the portal refused the cached token", err);
  *retry = http_retryable_answer(t->rs->status, t->rs->error_type);
  return cp_fail(err, CP_E_NO_CREDENTIALS, __FILE__, __LINE__,
                 "SSO role refused (%s in account %s): the portal said HTTP "
                 "%ld. Check sso_role_name and sso_account_id of profile %s",
                 t->sp->role_name, t->sp->account_id, t->rs->status,
                 t->profile);
}

static void query_add(struct cp_buf *b, const char *k, const char *v)
{
  cp_buf_printf(b, "%c%s=", strchr(cp_buf_str(b), '?') ? '&' : '?', k);
  sigv4_uri_encode(v, strlen(v), 0, b);
}

enum cp_err aws_sso_credentials(const struct aws_profiles *p,
                                const char *profile,
                                const struct http_settings *hs,
                                struct aws_creds *out, struct cp_errbuf *err)
{
  struct sso_profile sp;
  struct http_req rq = {0};
  struct http_resp rs = HTTP_RESP_INIT;
  struct cp_buf url = CP_BUF_INIT, hdr = CP_BUF_INIT;
  char *base = NULL, *token = NULL;
  const char *base_src;
  struct portal_try pt = {hs, &rq, &rs, profile, &sp};
  enum cp_err rc;

  CP_TRY(rc, sso_profile_read(p, profile, &sp, err));
  CP_TRY(rc, sso_cached_token(profile, &sp, hs, &token, err));
  CP_TRY(rc, aws_endpoint_resolve(&aws_service_sso, NULL, sp.region, 0, 0, p,
                                  profile, &base, &base_src, err));
  cp_buf_printf(&url, "%s", base);
  cp_buf_rtrim(&url, "/");
  cp_buf_printf(&url, "/federation/credentials");
  query_add(&url, "role_name", sp.role_name);
  query_add(&url, "account_id", sp.account_id);
  CP_TRY(rc, http_header_add(&hdr, "x-amz-sso_bearer_token", token,
                             "the SSO token cache (aws sso login)", err));
  rq.method = "GET";
  rq.url = cp_buf_str(&url);
  rq.headers = cp_buf_str(&hdr);
  rq.max_body = 64 * 1024;
  cp_log(CP_LOG_DEBUG, "SSO: role %s in account %s from %s (%s)", sp.role_name,
         sp.account_id, base, base_src);
  CP_TRY(rc, http_retry(hs, portal_try, &pt, err));
  CP_TRY(rc, role_creds_from_json(cp_buf_str(&rs.body), base, out, err));
out:
  cp_free_secret(token);
  free(base);
  cp_buf_release(&url);
  cp_buf_release_secure(&hdr);
  http_resp_release(&rs);
  return rc;
}
