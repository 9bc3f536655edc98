/* SPDX-License-Identifier: Apache-2.0 */
/* imds.h — EC2 instance metadata, for the region and credential chains
 * (private to cloudapi/). */
#ifndef IMDS_H
#define IMDS_H

#include "cp_buf.h"
#include "cp_err.h"
#include "http.h"

/* EC2 instance metadata v2: GET path (e.g. "placement/region") with a
 * session token, each request capped at 1 s. *reachable is 0 when no
 * metadata service answered; the service is asked once per run. The body
 * is added to out when *status is 200. */
CP_MUST_USE enum cp_err imds_read(const struct http_settings *hs,
                                  const char *path, struct cp_buf *out,
                                  long *status, int *reachable,
                                  struct cp_errbuf *err);

/* The same, with any answer but 200 an error (for credentials). */
CP_MUST_USE enum cp_err imds_get(const struct http_settings *hs,
                                 const char *path, struct cp_buf *out,
                                 int *reachable, struct cp_errbuf *err);

#endif
