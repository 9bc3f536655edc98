/* SPDX-License-Identifier: Apache-2.0 */
/* testcerts.h — make certificates for tests: a CA, certs it signs, and keys.
 * Validity is given in days relative to now (negative is in the past). */
#ifndef TESTCERTS_H
#define TESTCERTS_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tc_cert {
  X509 *cert;
  EVP_PKEY *key;
};

/* issuer NULL: self-signed. is_ca sets basicConstraints CA:TRUE. */
void tc_make(struct tc_cert *out, const char *cn, const struct tc_cert *issuer,
             int is_ca, int from_days, int to_days);
void tc_write_cert(const struct tc_cert *c, const char *path);
void tc_write_key(const struct tc_cert *c, const char *path);
char *tc_cert_pem(const struct tc_cert *c); /* caller frees */
void tc_free(struct tc_cert *c);

#endif
