/* SPDX-License-Identifier: Apache-2.0 */
/* aws_creds.c — the credentials chain and its providers. Each provider
 * returns CP_OK with out->access_key_id NULL when it has nothing to offer. */
#include "aws_creds.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_call.h"
#include "aws_target.h"
#include "cp_buf.h"
#include "cp_log.h"
#include "cp_platform.h"
#include "aws_sso.h"
#include "http.h"
#include "xml_tree.h"
#include "imds.h"
#include "sigv4.h"

#define MAX_ROLE_HOPS 5

/* What every provider of the chain reads: the profiles, the region (for
 * STS) and the HTTP settings. */
struct chain {
  const struct aws_profiles *p;
  const char *region;
  const struct http_settings *hs;
};

/* {"AccessKeyId","SecretAccessKey","Token"|"SessionToken"} as sent by the
 * container endpoint, instance metadata and credential_process. */
static enum cp_err creds_from_json(const char *text, const char *what,
                                   const char *source, struct aws_creds *out,
                                   struct cp_errbuf *err)
{
  static const char *const tokens[] = {"Token", "SessionToken", NULL};
  json_object *o = json_tokener_parse(text);
  enum cp_err rc = CP_OK;

  if (!aws_creds_from_json(o, "AccessKeyId", "SecretAccessKey", tokens,
                           source, out))
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "credentials are malformed (%s): no AccessKeyId and "
            "SecretAccessKey in the answer. Check that source",
            what);
out:
  json_object_put(o);
  return rc;
}

/* ---- environment ------------------------------------------------------- */

static enum cp_err from_env(struct aws_creds *out, struct cp_errbuf *err)
{
  const char *id = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");

  if (!id || !*id)
    return CP_OK;
  if (!sk || !*sk)
    return cp_fail(err, CP_E_NO_CREDENTIALS, __FILE__, __LINE__,
                   "incomplete credentials (AWS_ACCESS_KEY_ID): "
                   "AWS_SECRET_ACCESS_KEY is not set. Set both, or neither");
  aws_creds_set(out, id, sk, getenv("AWS_SESSION_TOKEN"), "environment");
  return CP_OK;
}

/* ---- STS --------------------------------------------------------------- */

/* One STS call: AssumeRole signed by `signer`, or AssumeRoleWithWebIdentity
 * with `web_token`. */
struct sts_call {
  const char *role_arn, *session;
  const struct aws_creds *signer;
  const char *web_token;
  const char *source; /* for --debug: "profile assume role", ... */
};

/* What each try of an STS call needs (http_retry's ctx). */
struct sts_try_ctx {
  const struct chain *ch;
  const char *url;
  const struct sts_call *sc;
  const struct cp_buf *body;
  struct http_resp *rs;
};

/* One try, signed anew (an http_try_fn). */
static enum cp_err sts_try(void *ctx, int *retry, struct cp_errbuf *err)
{
  const struct sts_try_ctx *t = ctx;
  const struct chain *ch = t->ch;
  const struct sts_call *sc = t->sc;
  const struct cp_buf *body = t->body;
  struct http_resp *rs = t->rs;
  const char *url = t->url;
  static const struct sigv4_header form_type = {
      "Content-Type", "application/x-www-form-urlencoded; charset=utf-8"};
  struct cp_buf hdrs = CP_BUF_INIT;
  struct http_req rq = {0};
  char *code = NULL, *msg = NULL;
  enum cp_err rc;

  http_resp_reset(rs);
  if (sc->signer) {
    struct sigv4_creds k = {sc->signer->access_key_id,
                            sc->signer->secret_access_key,
                            sc->signer->session_token};
    CP_TRY(rc, sigv4_sign_request(&k, ch->region, "sts", http_now(ch->hs),
                                  "POST", url, &form_type, 1, body->ptr,
                                  body->len, &hdrs, err));
  } else {
    cp_buf_printf(&hdrs, "%s: %s\n", form_type.name, form_type.value);
  }
  rq.method = "POST";
  rq.url = url;
  rq.headers = cp_buf_str(&hdrs);
  rq.body = body->ptr;
  rq.body_len = body->len;
  rq.max_body = 256 * 1024;
  rc = http_perform(ch->hs, &rq, rs, err);
  if (rc != CP_OK) {
    *retry = http_retryable_failure(rc);
    goto out;
  }
  if (rs->status == 200)
    goto out;
  code = xml_find_text(cp_buf_str(&rs->body), rs->body.len, "Code");
  msg = xml_find_text(cp_buf_str(&rs->body), rs->body.len, "Message");
  *retry = http_retryable_answer(rs->status, code);
  rc = cp_fail(err, CP_E_NO_CREDENTIALS, __FILE__, __LINE__,
               "cannot assume role (%s): STS said %s: %s. Check the role's "
               "trust policy and the %s",
               sc->role_arn, code ? code : "error", msg ? msg : "no message",
               sc->web_token ? "token file" : "source profile");
out:
  free(code);
  free(msg);
  cp_buf_release_secure(&hdrs);
  return rc;
}

static enum cp_err sts_assume(const struct chain *ch, const char *profile,
                              const struct sts_call *sc, struct aws_creds *out,
                              struct cp_errbuf *err)
{
  struct cp_buf body = CP_BUF_INIT;
  struct http_resp rs = HTTP_RESP_INIT;
  char *url = NULL, *id = NULL, *sk = NULL, *tok = NULL;
  const char *url_source;
  struct sts_try_ctx tc = {ch, NULL, sc, &body, &rs};
  enum cp_err rc;

  CP_TRY(rc, aws_endpoint_resolve(&aws_service_sts, NULL, ch->region, -1, -1,
                                  ch->p, profile, &url, &url_source, err));
  aws_form_add(&body, "Action",
           sc->web_token ? "AssumeRoleWithWebIdentity" : "AssumeRole");
  aws_form_add(&body, "Version", "2011-06-15");
  aws_form_add(&body, "RoleArn", sc->role_arn);
  aws_form_add(&body, "RoleSessionName", sc->session);
  if (sc->web_token)
    aws_form_add(&body, "WebIdentityToken", sc->web_token);
  tc.url = url;
  CP_TRY(rc, http_retry(ch->hs, sts_try, &tc, err));
  id = xml_find_text(cp_buf_str(&rs.body), rs.body.len, "AccessKeyId");
  sk = xml_find_text(cp_buf_str(&rs.body), rs.body.len, "SecretAccessKey");
  tok = xml_find_text(cp_buf_str(&rs.body), rs.body.len, "SessionToken");
  if (!id || !sk)
    CP_FAIL(rc, CP_E_NO_CREDENTIALS,
            "cannot assume role (%s): the STS answer has no credentials. "
            "Check the STS endpoint (%s)",
            sc->role_arn, url_source);
  aws_creds_set(out, id, sk, tok, sc->source);
out:
  free(id);
  cp_free_secret(sk);
  cp_free_secret(tok);
  free(url);
  cp_buf_release(&body);
  http_resp_release(&rs);
  return rc;
}

/* A token file (web identity, container authorization): its text without
 * the trailing line end. */
static enum cp_err read_token_file(const char *path, size_t max,
                                   struct cp_buf *out, struct cp_errbuf *err)
{
  enum cp_err rc =
      plat_read_file(path, max, out, NULL, CP_E_NO_CREDENTIALS, err);

  if (rc == CP_OK)
    cp_buf_rtrim(out, "\r\n");
  return rc;
}

static enum cp_err web_identity(const struct chain *ch, const char *profile,
                                const char *token_file, const char *role_arn,
                                const char *session, const char *source,
                                struct aws_creds *out, struct cp_errbuf *err)
{
  struct cp_buf tok = CP_BUF_INIT;
  struct sts_call sc = {role_arn, session ? session : "configure-pkcs11", NULL,
                        NULL, source};
  enum cp_err rc;

  CP_TRY(rc, read_token_file(token_file, 64 * 1024, &tok, err));
  sc.web_token = cp_buf_str(&tok);
  CP_TRY(rc, sts_assume(ch, profile, &sc, out, err));
out:
  cp_buf_release_secure(&tok);
  return rc;
}

/* ---- profile ----------------------------------------------------------- */

/* As root, a command runs only from a file root owns and only root can
 * write (OpenSSH's rule for its own files): else whoever wrote the file
 * (found through HOME or AWS_CONFIG_FILE) would run it as root. */
static enum cp_err process_allowed(const struct aws_profiles *p,
                                   const char *profile, struct cp_errbuf *err)
{
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  const char *file = aws_profile_origin(p, profile, "credential_process", &meta);

  if (!plat_running_as_root() || !file || meta.uid < 0 ||
      (meta.uid == 0 && !(meta.mode & 022)))
    return CP_OK;
  return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "credential_process not run as root (profile %s): %s is %s, "
                 "so its command could be anyone's. Make it root's (chown "
                 "root, chmod go-w), or give root credentials another way",
                 profile, file,
                 meta.uid != 0 ? "not owned by root" : "writable by others");
}

#define PROCESS_MAX_BYTES (1024 * 1024)
#define PROCESS_TIMEOUT_S 60

/* How long a credential_process may run: CONFIGURE_PKCS11_PROCESS_TIMEOUT
 * (seconds, 1 to 3600), else 60 s. */
static enum cp_err process_timeout_ms(long *ms, struct cp_errbuf *err)
{
  const char *e = getenv("CONFIGURE_PKCS11_PROCESS_TIMEOUT");
  char *end = NULL;
  long s;

  *ms = PROCESS_TIMEOUT_S * 1000L;
  if (!e || !*e)
    return CP_OK;
  s = strtol(e, &end, 10);
  if (*end || s < 1 || s > 3600)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "invalid process timeout (CONFIGURE_PKCS11_PROCESS_TIMEOUT "
                   "%.20s): it is not a number of seconds from 1 to 3600. Fix "
                   "or unset it",
                   e);
  *ms = s * 1000L;
  return CP_OK;
}

static enum cp_err from_process(const char *cmd, const char *profile,
                                struct aws_creds *out, struct cp_errbuf *err)
{
  struct cp_buf text = CP_BUF_INIT;
  int status = 0;
  long timeout_ms;
  enum cp_err rc;

  CP_TRY(rc, process_timeout_ms(&timeout_ms, err));
  CP_TRY(rc, plat_run_capture(cmd, PROCESS_MAX_BYTES, timeout_ms, &text,
                              &status, err));
  if (status != 0)
    CP_FAIL(rc, CP_E_NO_CREDENTIALS,
            "credential_process failed (profile %s): the command exited with "
            "status %d. Run it by hand to see its messages",
            profile, status);
  CP_TRY(rc, creds_from_json(cp_buf_str(&text), "credential_process",
                             "credential_process", out, err));
out:
  cp_buf_release_secure(&text);
  return rc;
}

static enum cp_err from_profile(const struct chain *ch, const char *profile,
                                int hops, struct aws_creds *out,
                                struct cp_errbuf *err)
{
  const struct aws_profiles *p = ch->p;
  const char *id = aws_profile_get(p, profile, "aws_access_key_id");
  const char *sk = aws_profile_get(p, profile, "aws_secret_access_key");
  const char *role = aws_profile_get(p, profile, "role_arn");
  const char *proc = aws_profile_get(p, profile, "credential_process");
  const char *wif = aws_profile_get(p, profile, "web_identity_token_file");
  const char *src = aws_profile_get(p, profile, "source_profile");
  const char *session = aws_profile_get(p, profile, "role_session_name");
  struct aws_creds base = AWS_CREDS_INIT;
  enum cp_err rc = CP_OK;

  if (hops > MAX_ROLE_HOPS)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "source_profile loop (profile %s): more than %d hops. Fix "
                   "source_profile in %s",
                   profile, MAX_ROLE_HOPS, aws_profiles_config_path(p));
  if (role && wif)
    return web_identity(ch, profile, wif, role, session, "profile web identity",
                        out, err);
  if (role && src) {
    if (!strcmp(src, profile) && id && sk)
      aws_creds_set(&base, id, sk,
                    aws_profile_get(p, profile, "aws_session_token"),
                    "profile");
    else
      CP_TRY(rc, from_profile(ch, src, hops + 1, &base, err));
    if (!base.access_key_id)
      CP_FAIL(rc, CP_E_NO_CREDENTIALS,
              "source profile has no credentials (%s): profile %s names it "
              "as source_profile. Add keys to it",
              src, profile);
    struct sts_call sc = {role, session ? session : "configure-pkcs11", &base,
                          NULL, "profile assume role"};
    CP_TRY(rc, sts_assume(ch, profile, &sc, out, err));
    goto out;
  }
  if (role)
    return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                   "incomplete role profile (%s): role_arn needs "
                   "source_profile or web_identity_token_file. Add one",
                   profile);
  if (aws_sso_profile(p, profile))
    return aws_sso_credentials(p, profile, ch->hs, out, err);
  if (id && sk) {
    aws_creds_set(out, id, sk, aws_profile_get(p, profile, "aws_session_token"),
                  "profile");
    return CP_OK;
  }
  if (proc) {
    CP_TRY(rc, process_allowed(p, profile, err));
    return from_process(proc, profile, out, err);
  }
out:
  aws_creds_release(&base);
  return rc;
}

/* ---- container and instance metadata ------------------------------------ */

/* As the AWS SDKs: https anywhere; http only to loopback and to the ECS
 * (169.254.170.2) and EKS pod identity (169.254.170.23, fd00:ec2::23) agents. */
static int container_url_allowed(const char *url)
{
  static const char *const agents[] = {"169.254.170.2", "169.254.170.23",
                                       "fd00:ec2::23"};
  struct http_url u;
  size_t i;

  if (http_url_parse(url, &u) != 0)
    return 0;
  if (!u.plain_http || u.loopback)
    return 1;
  for (i = 0; i < sizeof(agents) / sizeof(agents[0]); i++)
    if (!strcmp(u.host, agents[i]))
      return 1;
  return 0;
}

static enum cp_err from_container(const struct http_settings *hs,
                                  struct aws_creds *out, struct cp_errbuf *err)
{
  const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  const char *tokfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  struct http_req rq = {0};
  struct http_resp rs = HTTP_RESP_INIT;
  struct cp_buf hdr = CP_BUF_INIT, ftok = CP_BUF_INIT;
  char *url;
  enum cp_err rc;

  if (!(rel && *rel) && !(full && *full))
    return CP_OK; /* not in a container */
  url = rel && *rel ? cp_xasprintf("http://169.254.170.2%s", rel) : cp_xstrdup(full);
  if (!(rel && *rel) && !container_url_allowed(url))
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "untrusted container credentials URL (AWS_CONTAINER_CREDENTIALS_FULL_URI "
            "%.60s): it is not https, loopback or the ECS/EKS agent. Use "
            "https:// or fix the variable",
            url);
  if (tokfile && *tokfile) {
    CP_TRY(rc, read_token_file(tokfile, 16 * 1024, &ftok, err));
    tok = cp_buf_str(&ftok);
  }
  if (tok && *tok)
    CP_TRY(rc, http_header_add(&hdr, "Authorization", tok,
                               tokfile && *tokfile
                                   ? tokfile
                                   : "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                               err));
  rq.method = "GET";
  rq.url = url;
  rq.headers = cp_buf_str(&hdr);
  rq.connect_ms = 2000;
  rq.read_ms = 5000;
  rq.max_body = 64 * 1024;
  CP_TRY(rc, http_perform(hs, &rq, &rs, err));
  if (rs.status != 200)
    CP_FAIL(rc, CP_E_NO_CREDENTIALS,
            "container credentials refused (%s): HTTP %ld. Check the task "
            "role or pod identity association",
            url, rs.status);
  CP_TRY(rc, creds_from_json(cp_buf_str(&rs.body), url, "container", out, err));
out:
  free(url);
  cp_buf_release_secure(&hdr);
  cp_buf_release_secure(&ftok);
  http_resp_release(&rs);
  return rc;
}

static enum cp_err from_imds(const struct http_settings *hs,
                             struct aws_creds *out, struct cp_errbuf *err)
{
  struct cp_buf role = CP_BUF_INIT, body = CP_BUF_INIT;
  char *path = NULL;
  int reachable;
  enum cp_err rc;

  CP_TRY(rc, imds_get(hs, "iam/security-credentials/", &role, &reachable, err));
  if (!reachable)
    goto out;
  cp_buf_rtrim(&role, "\n/");
  if (strchr(cp_buf_str(&role), '\n'))
    *strchr(role.ptr, '\n') = '\0';
  path = cp_xasprintf("iam/security-credentials/%s", cp_buf_str(&role));
  CP_TRY(rc, imds_get(hs, path, &body, &reachable, err));
  CP_TRY(rc, creds_from_json(cp_buf_str(&body), "instance metadata",
                             "instance metadata", out, err));
out:
  free(path);
  cp_buf_release(&role);
  cp_buf_release_secure(&body);
  return rc;
}

/* ---- the chain ----------------------------------------------------------- */

enum cp_err aws_creds_resolve(const struct aws_profiles *p, const char *profile,
                              const char *region,
                              const struct http_settings *hs,
                              struct aws_creds *out, struct cp_errbuf *err)
{
  const struct chain ch = {p, region, hs};
  const char *wif = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
  const char *role = getenv("AWS_ROLE_ARN");
  enum cp_err rc;

  CP_TRY(rc, from_env(out, err));
  if (out->access_key_id)
    goto found;
  if (aws_profile_exists(p, profile)) {
    CP_TRY(rc, from_profile(&ch, profile, 0, out, err));
    if (out->access_key_id)
      goto found;
  } else if (strcmp(profile, "default")) {
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "profile not found (%s): neither %s nor %s has it. Check "
            "--profile / AWS_PROFILE",
            profile, aws_profiles_config_path(p),
            aws_profiles_credentials_path(p));
  }
  if (wif && *wif && role && *role) {
    CP_TRY(rc, web_identity(&ch, profile, wif, role,
                            getenv("AWS_ROLE_SESSION_NAME"), "web identity",
                            out, err));
    goto found;
  }
  CP_TRY(rc, from_container(hs, out, err));
  if (out->access_key_id)
    goto found;
  CP_TRY(rc, from_imds(hs, out, err));
  if (out->access_key_id)
    goto found;
  CP_FAIL(rc, CP_E_NO_CREDENTIALS,
          "no AWS credentials found (tried environment, profile %s, web "
          "identity, container, instance metadata): none had any. %s "
          "(profile files: %s, %s)",
          profile,
          getenv("SUDO_USER")
              ? "Under sudo root's own AWS settings count: give root a "
                "profile, or use an instance role"
              : "Set AWS_ACCESS_KEY_ID, use --profile, or attach an instance "
                "role",
          aws_profiles_credentials_path(p), aws_profiles_config_path(p));
found:
  /* they become header values (SigV4's Authorization, the security token) */
  if (!http_header_value_ok(out->access_key_id) ||
      (out->session_token && !http_header_value_ok(out->session_token)))
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "invalid credentials (from %s): the access key id or session "
            "token holds a line break or another control character. Fix "
            "their source",
            out->source);
  cp_log(CP_LOG_DEBUG, "credentials: from %s (access key %s)", out->source,
         cp_log_redact_key(out->access_key_id));
out:
  return rc;
}
