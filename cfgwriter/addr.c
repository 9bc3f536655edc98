/* SPDX-License-Identifier: Apache-2.0 */
/* addr.c — parse and validate server addresses. */
#include "addr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_model.h"
#include "cp_platform.h"

/* How much of a bad value an error echoes: the fix must stay within the
 * first 200 characters of the line (SSM shows about 235). */
#define ECHO_MAX 60

static int valid_dns_name(const char *s)
{
  size_t n = strlen(s), label = 0;
  int all_digits_dots = 1;
  size_t i;

  if (n == 0 || n > 253)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-')
        return 0;
      label = 0;
      continue;
    }
    if (!isalnum(c) && c != '-')
      return 0;
    if (c == '-' && label == 0)
      return 0;
    if (!isdigit(c))
      all_digits_dots = 0;
    if (++label > 63)
      return 0;
  }
  /* "10.0.0.999" is a bad IPv4 address, not a name */
  return label > 0 && s[n - 1] != '-' && !all_digits_dots;
}

static int parse_port(const char *s, int *port)
{
  char *end;
  long v;

  if (!*s || !isdigit((unsigned char)*s))
    return -1;
  v = strtol(s, &end, 10);
  if (*end || v < 1 || v > 65535)
    return -1;
  *port = (int)v;
  return 0;
}

enum cp_err addr_parse(const char *text, const char *flag, struct addr *out,
                       struct cp_errbuf *err)
{
  const char *host = text, *port = NULL, *colon;
  size_t hlen;

  memset(out, 0, sizeof(*out));
  out->port = CFG_DEFAULT_PORT;
  if (!*text)
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "empty server address (%s): the value is empty. Give an "
                   "IP address such as 10.0.1.12",
                   flag);
  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    if (!close || (close[1] && close[1] != ':'))
      goto bad;
    host = text + 1;
    hlen = (size_t)(close - host);
    if (close[1] == ':')
      port = close + 2;
  } else if ((colon = strchr(text, ':')) && !strchr(colon + 1, ':')) {
    hlen = (size_t)(colon - text); /* HOST:PORT */
    port = colon + 1;
  } else {
    hlen = strlen(text); /* HOST, or a bare IPv6 address */
  }
  if (hlen == 0 || hlen >= sizeof(out->host))
    goto bad;
  memcpy(out->host, host, hlen);
  out->host[hlen] = '\0';
  if (port && parse_port(port, &out->port))
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "invalid port (%s %.*s%s): the port must be 1-65535. Give "
                   "HOST, HOST:PORT or [IPV6]:PORT",
                   flag, ECHO_MAX, text, strlen(text) > ECHO_MAX ? "..." : "");
  out->family = plat_ip_family(out->host);
  if (text[0] == '[' && out->family != 6)
    goto bad;
  if (out->family || valid_dns_name(out->host))
    return CP_OK;
bad:
  return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "invalid server address (%s %.*s%s): not an IPv4 or IPv6 "
                 "address or host name. Give HOST, HOST:PORT or [IPV6]:PORT",
                 flag, ECHO_MAX, text, strlen(text) > ECHO_MAX ? "..." : "");
}
