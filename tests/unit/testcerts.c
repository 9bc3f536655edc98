/* SPDX-License-Identifier: Apache-2.0 */
/* testcerts.c — certificates made with OpenSSL for the tests. */
#include "testcerts.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
  fprintf(stderr, "testcerts: %s failed\n", what);
  abort();
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;

  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!ext || !X509_add_ext(x, ext, -1))
    die("extension");
  X509_EXTENSION_free(ext);
}

void tc_make(struct tc_cert *out, const char *cn, const struct tc_cert *issuer,
             int is_ca, int from_days, int to_days)
{
  static long serial = 1;
  X509_NAME *name;

  out->key = EVP_EC_gen("P-256");
  out->cert = X509_new();
  if (!out->key || !out->cert)
    die("key");
  X509_set_version(out->cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(out->cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(out->cert), (long)from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(out->cert), (long)to_days * 86400);
  X509_set_pubkey(out->cert, out->key);
  name = X509_get_subject_name(out->cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             (const unsigned char *)"Test", -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(out->cert, issuer ? X509_get_subject_name(issuer->cert)
                                         : name);
  add_ext(out->cert, issuer ? issuer->cert : out->cert,
          NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (is_ca)
    add_ext(out->cert, out->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!X509_sign(out->cert, issuer ? issuer->key : out->key, EVP_sha256()))
    die("sign");
}

void tc_write_cert(const struct tc_cert *c, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f || !PEM_write_X509(f, c->cert))
    die(path);
  fclose(f);
}

void tc_write_key(const struct tc_cert *c, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f || !PEM_write_PrivateKey(f, c->key, NULL, NULL, 0, NULL, NULL))
    die(path);
  fclose(f);
}

char *tc_cert_pem(const struct tc_cert *c)
{
  BIO *b = BIO_new(BIO_s_mem());
  char *p, *out;
  long n;

  PEM_write_bio_X509(b, c->cert);
  n = BIO_get_mem_data(b, &p);
  out = malloc((size_t)n + 1);
  memcpy(out, p, (size_t)n);
  out[n] = '\0';
  BIO_free(b);
  return out;
}

void tc_free(struct tc_cert *c)
{
  X509_free(c->cert);
  EVP_PKEY_free(c->key);
}
