/* SPDX-License-Identifier: Apache-2.0 */
/* test_cert.c — CA file, client pair and cluster certificate checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert.h"
#include "testcerts.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static char dir[] = "/tmp/cp-test-cert-XXXXXX";
static char pathbuf[8][512];

static const char *p(int i, const char *name)
{
  snprintf(pathbuf[i], sizeof(pathbuf[i]), "%s/%s", dir, name);
  return pathbuf[i];
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void expect(enum cp_err got, enum cp_err want, const char *needle)
{
  if (got != want || (needle && !strstr(err->text, needle)))
    fail_msg("got %d \"%s\", wanted %d with \"%s\"", got, err->text, want,
             needle ? needle : "");
}

static void test_ca_file_checks(void **state)
{
  struct tc_cert ca, expired, leaf, future;
  struct cert_info ci;
  (void)state;

  tc_make(&ca, "Good CA", NULL, 1, -1, 3650);
  tc_make(&expired, "Old CA", NULL, 1, -400, -35);
  tc_make(&future, "Future CA", NULL, 1, 30, 400);
  tc_make(&leaf, "Leaf", &ca, 0, -1, 365);
  tc_write_cert(&ca, p(0, "ca.crt"));
  tc_write_cert(&expired, p(1, "expired.crt"));
  tc_write_cert(&leaf, p(2, "leaf.crt"));
  tc_write_cert(&future, p(3, "future.crt"));
  write_text(p(4, "junk.crt"), "not a certificate\n");

  expect(cert_check_ca_file(p(0, "ca.crt"), &ci, err), CP_OK, NULL);
  assert_string_equal(ci.subject, "CN=Good CA,O=Test");
  assert_true(ci.days_left >= 3648 && ci.days_left <= 3650);
  expect(cert_check_ca_file(p(1, "expired.crt"), &ci, err), CP_E_CERT,
         "has expired");
  assert_int_equal(ci.is_ca, 1);
  /* a certificate that is not a CA passes, flagged: it may be the
   * cluster's own certificate (the caller warns) */
  expect(cert_check_ca_file(p(2, "leaf.crt"), &ci, err), CP_OK, NULL);
  assert_int_equal(ci.is_ca, 0);
  assert_string_equal(ci.subject, "CN=Leaf,O=Test");
  expect(cert_check_ca_file(p(3, "future.crt"), &ci, err), CP_E_CERT,
         "not valid yet");
  expect(cert_check_ca_file(p(4, "junk.crt"), &ci, err), CP_E_CERT,
         "is not a PEM certificate");
  expect(cert_check_ca_file(p(5, "missing.crt"), &ci, err), CP_E_CERT,
         "cannot open file");
  expect(cert_check_ca_file(dir, &ci, err), CP_E_CERT, "not a regular file");
  assert_non_null(strstr(err->text, dir));
  tc_free(&ca);
  tc_free(&expired);
  tc_free(&leaf);
  tc_free(&future);
}

static void test_client_pair(void **state)
{
  struct tc_cert ca, c1, c2;
  struct cert_info ci;
  (void)state;

  tc_make(&ca, "Client CA", NULL, 1, -1, 3650);
  tc_make(&c1, "client one", &ca, 0, -1, 365);
  tc_make(&c2, "client two", &ca, 0, -1, 365);
  tc_write_cert(&c1, p(0, "c1.crt"));
  tc_write_key(&c1, p(1, "c1.key"));
  tc_write_key(&c2, p(2, "c2.key"));
  expect(cert_check_client_pair(p(0, "c1.crt"), p(1, "c1.key"), &ci, err),
         CP_OK, NULL);
  expect(cert_check_client_pair(p(0, "c1.crt"), p(2, "c2.key"), &ci, err),
         CP_E_CERT, "does not match");
  expect(cert_check_client_pair(p(0, "c1.crt"), p(0, "c1.crt"), &ci, err),
         CP_E_CERT, "not a PEM private key");
  expect(cert_check_client_pair(p(1, "c1.key"), p(1, "c1.key"), &ci, err),
         CP_E_CERT, "client certificate is not a PEM certificate");
  tc_free(&ca);
  tc_free(&c1);
  tc_free(&c2);
}

/* cat a b > out */
static void concat(const char *a, const char *b, const char *out);

/* A certificate file with its chain, leaf first: the size, the count and
 * whether each certificate issued the one before; the issuer and the
 * fingerprint are described. */
static void test_client_chain(void **state)
{
  struct tc_cert root, inter, leaf;
  struct cert_info ci;
  long size;
  FILE *f;
  (void)state;

  tc_make(&root, "Root CA", NULL, 1, -1, 3650);
  tc_make(&inter, "Intermediate CA", &root, 1, -1, 3650);
  tc_make(&leaf, "hsm tls client", &inter, 0, -1, 365);
  tc_write_cert(&leaf, p(0, "leaf.crt"));
  tc_write_cert(&inter, p(1, "inter.crt"));
  tc_write_cert(&root, p(2, "root.crt"));
  tc_write_key(&leaf, p(3, "leaf.key"));
  concat(p(0, "leaf.crt"), p(1, "inter.crt"), p(4, "chain.crt"));
  expect(cert_check_client_pair(p(4, "chain.crt"), p(3, "leaf.key"), &ci, err),
         CP_OK, NULL);
  f = fopen(p(4, "chain.crt"), "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fclose(f);
  assert_int_equal(ci.file_bytes, (size_t)size);
  assert_int_equal(ci.count, 2);
  assert_true(ci.chain_in_order);
  assert_string_equal(ci.subject, "CN=hsm tls client,O=Test");
  assert_string_equal(ci.issuer, "CN=Intermediate CA,O=Test");
  assert_int_equal(strlen(ci.sha256), 32 * 3 - 1);
  /* the root after the leaf did not issue it */
  concat(p(0, "leaf.crt"), p(2, "root.crt"), p(5, "gap.crt"));
  expect(cert_check_client_pair(p(5, "gap.crt"), p(3, "leaf.key"), &ci, err),
         CP_OK, NULL);
  assert_false(ci.chain_in_order);
  tc_free(&root);
  tc_free(&inter);
  tc_free(&leaf);
}

/* A peer's DER certificate is described: subject, issuer, SHA-256. */
static void test_describe_der(void **state)
{
  struct tc_cert host;
  struct cert_info ci;
  unsigned char *der = NULL, md[32];
  unsigned int mdlen = 0;
  char hex[4];
  int len;
  (void)state;

  tc_make(&host, "CloudHSM", NULL, 0, -1, 365);
  len = i2d_X509(host.cert, &der);
  assert_true(len > 0);
  expect(cert_describe_der(der, (size_t)len, &ci, err), CP_OK, NULL);
  assert_string_equal(ci.subject, "CN=CloudHSM,O=Test");
  assert_string_equal(ci.issuer, "CN=CloudHSM,O=Test");
  assert_int_equal(X509_digest(host.cert, EVP_sha256(), md, &mdlen), 1);
  snprintf(hex, sizeof(hex), "%02X", md[0]);
  assert_memory_equal(ci.sha256, hex, 2);
  snprintf(hex, sizeof(hex), "%02X", md[31]);
  assert_string_equal(ci.sha256 + 93, hex);
  assert_false(ci.is_ca);
  expect(cert_describe_der(der, (size_t)len / 2, &ci, err), CP_E_CERT,
         "does not parse as X.509");
  OPENSSL_free(der);
  tc_free(&host);
}

/* cat a b > out */
static void concat(const char *a, const char *b, const char *out)
{
  char cmd[2000];
  snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", a, b, out);
  assert_int_equal(system(cmd), 0);
}

static void test_cluster_verification(void **state)
{
  struct tc_cert ca, other, cluster, inter, cluster2;
  struct cert_info ci;
  char *pem, *pem2;
  int self;
  (void)state;

  tc_make(&ca, "Customer CA", NULL, 1, -1, 3650);
  tc_make(&other, "Other CA", NULL, 1, -1, 3650);
  tc_make(&cluster, "cluster-abcdefghijk", &ca, 0, -1, 3650);
  tc_make(&inter, "Issuing CA", &ca, 1, -1, 3650);
  tc_make(&cluster2, "cluster-bbbbbbbbbbb", &inter, 0, -1, 3650);
  tc_write_cert(&ca, p(0, "ca.crt"));
  tc_write_cert(&other, p(1, "other.crt"));
  tc_write_cert(&cluster, p(2, "cluster.crt"));
  tc_write_cert(&inter, p(3, "inter.crt"));
  pem = tc_cert_pem(&cluster);
  pem2 = tc_cert_pem(&cluster2);
  expect(cert_verify_cluster(p(0, "ca.crt"), pem, strlen(pem),
                             "cluster-abcdefghijk", &self, err),
         CP_OK, NULL);
  assert_int_equal(self, 0);
  expect(cert_verify_cluster(p(1, "other.crt"), pem, strlen(pem),
                             "cluster-abcdefghijk", &self, err),
         CP_E_CA_MISMATCH, "CN=Other CA,O=Test did not sign");
  assert_non_null(strstr(err->text, "issued by CN=Customer CA,O=Test"));
  expect(cert_verify_cluster(p(0, "ca.crt"), "garbage", 7,
                             "cluster-abcdefghijk", &self, err),
         CP_E_API, "not PEM");
  /* a bundle passes when any of its certificates signed the cluster */
  concat(p(1, "other.crt"), p(0, "ca.crt"), p(4, "bundle.crt"));
  expect(cert_verify_cluster(p(4, "bundle.crt"), pem, strlen(pem),
                             "cluster-abcdefghijk", &self, err),
         CP_OK, NULL);
  expect(cert_check_ca_file(p(4, "bundle.crt"), &ci, err), CP_OK, NULL);
  assert_int_equal(ci.count, 2);
  /* an intermediate CA alone is enough (it is a trust anchor here) */
  expect(cert_verify_cluster(p(3, "inter.crt"), pem2, strlen(pem2),
                             "cluster-bbbbbbbbbbb", &self, err),
         CP_OK, NULL);
  /* a bundle in which nothing signed it names the count */
  concat(p(1, "other.crt"), p(3, "inter.crt"), p(5, "nope.crt"));
  expect(cert_verify_cluster(p(5, "nope.crt"), pem, strlen(pem),
                             "cluster-abcdefghijk", &self, err),
         CP_E_CA_MISMATCH, "none of the 2 certificates in");
  /* the cluster's own certificate passes, flagged for a warning */
  expect(cert_verify_cluster(p(2, "cluster.crt"), pem, strlen(pem),
                             "cluster-abcdefghijk", &self, err),
         CP_OK, NULL);
  assert_int_equal(self, 1);
  /* another cluster's certificate is not a CA of this one */
  expect(cert_verify_cluster(p(2, "cluster.crt"), pem2, strlen(pem2),
                             "cluster-bbbbbbbbbbb", &self, err),
         CP_E_CA_MISMATCH, "did not sign");
  free(pem);
  free(pem2);
  tc_free(&ca);
  tc_free(&other);
  tc_free(&cluster);
  tc_free(&inter);
  tc_free(&cluster2);
}

static int setup(void **state)
{
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
  char cmd[600];
  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ca_file_checks),
      cmocka_unit_test(test_client_pair),
      cmocka_unit_test(test_client_chain),
      cmocka_unit_test(test_describe_der),
      cmocka_unit_test(test_cluster_verification),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
