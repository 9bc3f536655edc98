/* SPDX-License-Identifier: Apache-2.0 */
/* addr.h — server addresses as given to -a: HOST, HOST:PORT, [IPV6]:PORT or
 * a bare IPv6 address. HOST is an IPv4 address, an IPv6 address or a DNS
 * name (for a TCP proxy or load balancer in front of the HSMs). */
#ifndef ADDR_H
#define ADDR_H

#include "cp_err.h"

struct addr {
  char host[254]; /* without brackets */
  int port;       /* 2223 when not given */
  int family;     /* 4, 6, or 0 for a DNS name */
};

/* CP_E_INVALID naming `flag` and the text when it is not an address. */
CP_MUST_USE enum cp_err addr_parse(const char *text, const char *flag,
                                   struct addr *out, struct cp_errbuf *err);

#endif
