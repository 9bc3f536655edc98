/* SPDX-License-Identifier: Apache-2.0 */
/* cert.c — CA, client pair and cluster certificate checks with OpenSSL. */
#include "cert.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cp_buf.h"
#include "cp_platform.h"

#define CERT_MAX_BYTES (1024u * 1024u)

static void name_line(X509_NAME *name, char *out, size_t outlen)
{
  BIO *b = BIO_new(BIO_s_mem());
  char *p;
  long n;

  out[0] = '\0';
  if (!b)
    return;
  X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  n = BIO_get_mem_data(b, &p);
  if (n > 0)
    snprintf(out, outlen, "%.*s", (int)n, p);
  BIO_free(b);
}

static void fill_info(X509 *x, struct cert_info *info)
{
  struct tm tm;
  int days = 0, secs = 0;

  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0, i;
  size_t at = 0;

  name_line(X509_get_subject_name(x), info->subject, sizeof(info->subject));
  name_line(X509_get_issuer_name(x), info->issuer, sizeof(info->issuer));
  info->sha256[0] = '\0';
  if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1)
    for (i = 0; i < mdlen && at + 4 <= sizeof(info->sha256); i++)
      at += (size_t)snprintf(info->sha256 + at, sizeof(info->sha256) - at,
                             "%s%02X", i ? ":" : "", md[i]);
  info->not_after[0] = '\0';
  if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
    strftime(info->not_after, sizeof(info->not_after), "%Y-%m-%dT%H:%M:%SZ",
             &tm);
  if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)))
    info->days_left = days - (secs < 0 && days == 0 ? 1 : 0);
}

/* 1 when a PEM block of text has lost its line breaks: on one line, or
 * with "\n" written as two characters. That is how a certificate or key
 * comes back from Secrets Manager or an SSM parameter it was pasted into,
 * and neither OpenSSL nor the library can read it. */
static int pem_flattened(const char *text)
{
  const char *p = text, *e, *nl;

  while ((p = strstr(p, "-----BEGIN ")) && (e = strstr(p, "-----END "))) {
    nl = strchr(p, '\n');
    if (!nl || nl > e)
      return 1;
    for (nl = p; nl + 1 < e; nl++)
      if (nl[0] == '\\' && nl[1] == 'n')
        return 1;
    p = e + 9;
  }
  return 0;
}

static enum cp_err flattened(const char *role, const char *path,
                             struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_CERT, __FILE__, __LINE__,
                 "%s has lost its line breaks (%s): its PEM block is on one "
                 "line, as Secrets Manager and SSM return it. Restore them "
                 "(README: \"A PEM on one line\") and give it again",
                 role, path);
}

/* The PEM certificates in a file of up to max bytes (a CA file may be a
 * bundle), at most `limit` of them (0: all), and the file's size when bytes
 * is not NULL; none is CP_E_CERT naming the file and its role. */
static enum cp_err load_certs_sized(const char *path, const char *role,
                                    size_t max, int limit,
                                    STACK_OF(X509) **out, size_t *bytes,
                                    struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  struct cp_buf raw = CP_BUF_INIT;
  BIO *bio = NULL;
  X509 *x;

  *out = sk_X509_new_null();
  if (!*out)
    return cp_fail(err, CP_E_INTERNAL, __FILE__, __LINE__, "out of memory");
  CP_TRY(rc, plat_read_file(path, max, &raw, NULL, CP_E_CERT, err));
  if (bytes)
    *bytes = raw.len;
  if (pem_flattened(cp_buf_str(&raw)))
    CP_TRY(rc, flattened(role, path, err));
  bio = BIO_new_mem_buf(raw.ptr ? raw.ptr : "", (int)raw.len);
  while (bio && (!limit || sk_X509_num(*out) < limit) &&
         (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
    if (!sk_X509_push(*out, x)) {
      X509_free(x);
      break;
    }
  ERR_clear_error();
  if (sk_X509_num(*out) == 0)
    CP_FAIL(rc, CP_E_CERT,
            "%s is not a PEM certificate (%s): no \"BEGIN CERTIFICATE\" block "
            "could be read. Give the PEM file of the certificate",
            role, path);
out:
  BIO_free(bio);
  cp_buf_release(&raw);
  return rc;
}

static enum cp_err load_certs(const char *path, const char *role, size_t max,
                              STACK_OF(X509) **out, struct cp_errbuf *err)
{
  return load_certs_sized(path, role, max, 0, out, NULL, err);
}

/* The first certificate of a file of up to max bytes; the rest is not
 * parsed (a system bundle holds over a hundred, and the TLS layer reads
 * them all anyway). */
static enum cp_err load_first_cert(const char *path, const char *role,
                                   size_t max, X509 **out,
                                   struct cp_errbuf *err)
{
  STACK_OF(X509) *certs = NULL;
  enum cp_err rc = load_certs_sized(path, role, max, 1, &certs, NULL, err);

  *out = rc == CP_OK ? sk_X509_shift(certs) : NULL;
  sk_X509_pop_free(certs, X509_free);
  return rc;
}

/* A client certificate file: its leaf (*leaf, owned by the caller) and,
 * in info, the leaf's description, the file's size and whether the chain
 * after the leaf is in order. */
static enum cp_err load_chain(const char *path, X509 **leaf,
                              struct cert_info *info, struct cp_errbuf *err)
{
  STACK_OF(X509) *certs = NULL;
  enum cp_err rc;
  int i;

  *leaf = NULL;
  CP_TRY(rc, load_certs_sized(path, "client certificate", CERT_MAX_BYTES, 0,
                              &certs, &info->file_bytes, err));
  info->count = sk_X509_num(certs);
  info->chain_in_order = 1;
  for (i = 0; i + 1 < info->count; i++)
    if (X509_check_issued(sk_X509_value(certs, i + 1),
                          sk_X509_value(certs, i)) != X509_V_OK)
      info->chain_in_order = 0;
  *leaf = sk_X509_shift(certs);
  fill_info(*leaf, info);
out:
  ERR_clear_error();
  sk_X509_pop_free(certs, X509_free);
  return rc;
}

static enum cp_err check_dates(X509 *x, const char *role, const char *path,
                               const struct cert_info *info,
                               struct cp_errbuf *err)
{
  if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
    return cp_fail(err, CP_E_CERT, __FILE__, __LINE__,
                   "%s is not valid yet (%s): it starts later. Check the "
                   "system clock or the certificate",
                   role, path);
  if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
    return cp_fail(err, CP_E_CERT, __FILE__, __LINE__,
                   "%s has expired (%s): it expired on %s. Give a "
                   "certificate that is valid now",
                   role, path, info->not_after);
  return CP_OK;
}

static int valid_now(X509 *x)
{
  return X509_cmp_current_time(X509_get0_notBefore(x)) <= 0 &&
         X509_cmp_current_time(X509_get0_notAfter(x)) >= 0;
}

enum cp_err cert_check_ca_file(const char *path, struct cert_info *info,
                               struct cp_errbuf *err)
{
  enum cp_err rc;
  STACK_OF(X509) *certs = NULL;
  X509 *pick = NULL;
  int i, n;

  memset(info, 0, sizeof(*info));
  CP_TRY(rc,
         load_certs(path, "HSM CA certificate", CERT_MAX_BYTES, &certs, err));
  /* the one to describe: a CA valid now, else any CA, else the first */
  n = sk_X509_num(certs);
  for (i = 0; i < n && !pick; i++)
    if (X509_check_ca(sk_X509_value(certs, i)) >= 1 && valid_now(sk_X509_value(certs, i)))
      pick = sk_X509_value(certs, i);
  for (i = 0; i < n && !pick; i++)
    if (X509_check_ca(sk_X509_value(certs, i)) >= 1)
      pick = sk_X509_value(certs, i);
  if (!pick)
    pick = sk_X509_value(certs, 0);
  fill_info(pick, info);
  info->is_ca = X509_check_ca(pick) >= 1;
  info->count = n;
  ERR_clear_error();
  CP_TRY(rc, check_dates(pick, "HSM CA certificate", path, info, err));
out:
  sk_X509_pop_free(certs, X509_free);
  return rc;
}

enum cp_err cert_describe_der(const unsigned char *der, size_t len,
                              struct cert_info *info, struct cp_errbuf *err)
{
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)len);

  memset(info, 0, sizeof(*info));
  ERR_clear_error();
  if (!x)
    return cp_fail(err, CP_E_CERT, __FILE__, __LINE__,
                   "peer certificate is not readable (%zu bytes of DER): it "
                   "does not parse as X.509. Check what listens on the port",
                   len);
  fill_info(x, info);
  info->is_ca = X509_check_ca(x) >= 1;
  ERR_clear_error();
  X509_free(x);
  return CP_OK;
}

const char *cert_library_version(void)
{
  return OpenSSL_version(OPENSSL_VERSION_STRING);
}

enum cp_err cert_check_bundle(const char *path, struct cp_errbuf *err)
{
  enum cp_err rc;
  X509 *x = NULL;

  rc = load_first_cert(path, "CA bundle", 16u << 20, &x, err);
  X509_free(x);
  return rc;
}

enum cp_err cert_check_client_pair(const char *cert_path, const char *key_path,
                                   struct cert_info *info,
                                   struct cp_errbuf *err)
{
  enum cp_err rc;
  X509 *x = NULL;
  EVP_PKEY *key = NULL;
  struct cp_buf raw = CP_BUF_INIT;
  BIO *bio = NULL;

  memset(info, 0, sizeof(*info));
  CP_TRY(rc, load_chain(cert_path, &x, info, err));
  CP_TRY(rc, check_dates(x, "client certificate", cert_path, info, err));
  CP_TRY(rc,
         plat_read_file(key_path, CERT_MAX_BYTES, &raw, NULL, CP_E_CERT, err));
  if (pem_flattened(cp_buf_str(&raw)))
    CP_TRY(rc, flattened("client key", key_path, err));
  bio = BIO_new_mem_buf(raw.ptr ? raw.ptr : "", (int)raw.len);
  if (bio)
    key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  ERR_clear_error();
  if (!key)
    CP_FAIL(rc, CP_E_CERT,
            "client key is not a PEM private key (%s): it could not be read "
            "(an encrypted key is not supported). Give an unencrypted PEM key",
            key_path);
  if (X509_check_private_key(x, key) != 1) {
    ERR_clear_error();
    CP_FAIL(rc, CP_E_CERT,
            "client key does not match its certificate (%s): it is not the "
            "key of %s. Give the key that belongs to %s",
            key_path, info->subject, cert_path);
  }
out:
  EVP_PKEY_free(key);
  BIO_free(bio);
  cp_buf_release_secure(&raw);
  X509_free(x);
  return rc;
}

enum cp_err cert_verify_cluster(const char *ca_path, const char *pem,
                                size_t len, const char *cluster_id,
                                int *is_cluster_cert, struct cp_errbuf *err)
{
  enum cp_err rc;
  STACK_OF(X509) *certs = NULL;
  X509 *leaf = NULL;
  X509_STORE *store = NULL;
  X509_STORE_CTX *ctx = NULL;
  BIO *bio = NULL;
  char ca_subject[256], issuer[256];
  int i, n;

  *is_cluster_cert = 0;
  CP_TRY(rc, load_certs(ca_path, "HSM CA certificate", CERT_MAX_BYTES, &certs,
                        err));
  bio = BIO_new_mem_buf(pem, (int)len);
  if (bio)
    leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  ERR_clear_error();
  if (!leaf)
    CP_FAIL(rc, CP_E_API,
            "cluster certificate is not readable (%s): the API returned a "
            "ClusterCertificate that is not PEM. Check the cluster is "
            "initialized",
            cluster_id);
  n = sk_X509_num(certs);
  /* the file holds the cluster's own certificate (a public CI script does
   * this): it is the very certificate, so it passes */
  for (i = 0; i < n; i++)
    if (X509_cmp(sk_X509_value(certs, i), leaf) == 0) {
      *is_cluster_cert = 1;
      goto out;
    }
  /* any certificate of the file may be the issuer: each is a trust anchor */
  store = X509_STORE_new();
  ctx = X509_STORE_CTX_new();
  if (!store || !ctx)
    CP_FAIL(rc, CP_E_INTERNAL, "cannot set up certificate verification");
  for (i = 0; i < n; i++)
    if (X509_STORE_add_cert(store, sk_X509_value(certs, i)) != 1)
      ERR_clear_error(); /* a duplicate in the bundle */
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_STORE_CTX_init(ctx, store, leaf, certs) != 1)
    CP_FAIL(rc, CP_E_INTERNAL, "cannot set up certificate verification");
  if (X509_verify_cert(ctx) == 1)
    goto out;
  name_line(X509_get_subject_name(sk_X509_value(certs, 0)), ca_subject,
            sizeof(ca_subject));
  name_line(X509_get_issuer_name(leaf), issuer, sizeof(issuer));
  {
    int x509_err = X509_STORE_CTX_get_error(ctx);
    ERR_clear_error();
    if (x509_err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
        x509_err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
        x509_err == X509_V_ERR_CERT_SIGNATURE_FAILURE ||
        x509_err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) {
      if (n == 1)
        CP_FAIL(rc, CP_E_CA_MISMATCH,
                "wrong HSM CA for the cluster (%s): %s did not sign its "
                "certificate, issued by %s. Give that cluster's own CA with "
                "--hsm-ca-cert",
                cluster_id, ca_subject, issuer);
      CP_FAIL(rc, CP_E_CA_MISMATCH,
              "wrong HSM CA for the cluster (%s): none of the %d certificates "
              "in %s signed its certificate, issued by %s. Give that "
              "cluster's own CA with --hsm-ca-cert",
              cluster_id, n, ca_path, issuer);
    }
    CP_FAIL(rc, CP_E_CA_MISMATCH,
            "cluster certificate does not verify (%s): %s, with CA %s. Check "
            "the CA file and the system clock",
            cluster_id, X509_verify_cert_error_string(x509_err), ca_subject);
  }
out:
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  BIO_free(bio);
  X509_free(leaf);
  sk_X509_pop_free(certs, X509_free);
  return rc;
}
