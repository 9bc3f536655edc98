/* SPDX-License-Identifier: Apache-2.0 */
/* cert.h — the certificate checks the config needs, with OpenSSL.
 * Every failure is CP_E_CERT or CP_E_CA_MISMATCH with a detail that names the
 * file and which check failed. Nothing here writes files. */
#ifndef CERT_H
#define CERT_H

#include <stddef.h>

#include "cp_err.h"

struct cert_info {
  char subject[256];   /* one-line RFC 2253 subject */
  char issuer[256];    /* the same of its issuer */
  char sha256[96];     /* "AB:CD:..." of its DER */
  char not_after[32];  /* "2031-05-01T12:00:00Z" */
  long days_left;      /* negative when expired */
  int is_ca;           /* cert_check_ca_file: the certificate is a CA */
  int count;           /* certificates in the file */
  size_t file_bytes;   /* cert_check_client_pair: the certificate file's size */
  int chain_in_order;  /* cert_check_client_pair: each certificate after the
                          first issued the one before it (1 for one) */
};

/* A readable PEM file of one or more X.509 certificates (a bundle). info
 * describes the first CA valid now (else the first CA, else the first
 * certificate), which must be valid now. A file with no CA passes with
 * info->is_ca = 0: it may hold the cluster's own certificate, which the
 * caller warns about. */
/* The OpenSSL in use: "3.0.19". Static text. */
const char *cert_library_version(void);

CP_MUST_USE enum cp_err cert_check_ca_file(const char *path,
                                           struct cert_info *info,
                                           struct cp_errbuf *err);
/* Describes a DER certificate a peer presented (info's subject, issuer,
 * sha256, not_after, days_left, is_ca); CP_E_CERT when it does not parse. */
CP_MUST_USE enum cp_err cert_describe_der(const unsigned char *der, size_t len,
                                          struct cert_info *info,
                                          struct cp_errbuf *err);
/* A readable PEM file whose first block is a certificate (a TLS CA
 * bundle); the rest is left to the TLS layer, which reads it anyway. */
CP_MUST_USE enum cp_err cert_check_bundle(const char *path,
                                          struct cp_errbuf *err);
/* A readable PEM certificate file (the leaf first, optionally its chain)
 * whose first certificate is valid now, and a PEM private key that belongs
 * to that leaf. */
CP_MUST_USE enum cp_err cert_check_client_pair(const char *cert_path,
                                               const char *key_path,
                                               struct cert_info *info,
                                               struct cp_errbuf *err);
/* A certificate in ca_path (any of a bundle) signed the PEM certificate
 * `pem` (the cluster's ClusterCertificate), or is that very certificate
 * (*is_cluster_cert = 1, for the caller to warn). On mismatch
 * (CP_E_CA_MISMATCH) the detail names the CA and the cluster's issuer. */
CP_MUST_USE enum cp_err cert_verify_cluster(const char *ca_path,
                                            const char *pem, size_t len,
                                            const char *cluster_id,
                                            int *is_cluster_cert,
                                            struct cp_errbuf *err);

#endif
