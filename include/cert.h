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
  char not_after[32];  /* "2031-05-01T12:00:00Z" */
  long days_left;      /* negative when expired */
};

/* A readable PEM X.509 certificate that is a CA and valid now. */
CP_MUST_USE enum cp_err cert_check_ca_file(const char *path,
                                           struct cert_info *info);
/* A readable PEM file with at least one certificate (a TLS CA bundle). */
CP_MUST_USE enum cp_err cert_check_bundle(const char *path);
/* A readable PEM certificate and a PEM private key that belong together. */
CP_MUST_USE enum cp_err cert_check_client_pair(const char *cert_path,
                                               const char *key_path,
                                               struct cert_info *info);
/* The CA in ca_path signed the PEM certificate `pem` (the cluster's
 * ClusterCertificate). On mismatch the detail names both subjects. */
CP_MUST_USE enum cp_err cert_verify_cluster(const char *ca_path,
                                            const char *pem, size_t len,
                                            const char *cluster_id);

#endif
