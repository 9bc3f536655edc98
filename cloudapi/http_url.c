/* SPDX-License-Identifier: Apache-2.0 */
/* http_url.c — URLs read by libcurl's own parser (curl_url), so that every
 * check and every message sees the host a request would go to. */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cp_platform.h"

/* localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x): by the host's value, not
 * its text ("127.0.0.1.example.com" is a DNS name). */
static int host_is_loopback(const char *host)
{
  unsigned char a[16];
  int family = plat_ip_bytes(host, a);

  if (!strcasecmp(host, "localhost"))
    return 1;
  if (family == 4)
    return a[0] == 127;
  if (family == 6) {
    static const unsigned char one[16] = {[15] = 1};
    static const unsigned char v4map[12] = {[10] = 0xff, [11] = 0xff};
    return !memcmp(a, one, 16) || (!memcmp(a, v4map, 12) && a[12] == 127);
  }
  return 0;
}

int http_url_parse(const char *url, struct http_url *out)
{
  CURLU *u = curl_url();
  char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL, *port = NULL;
  int rc = -1;
  size_t n;

  memset(out, 0, sizeof(*out));
  if (!u || strpbrk(url, " \t\r\n") ||
      curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
    goto out;
  if (strcmp(scheme, "https") && strcmp(scheme, "http"))
    goto out;
  /* credentials in a URL are never ours to send */
  if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
      curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK)
    goto out;
  n = strlen(host);
  if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
    host[n - 1] = '\0';
    memmove(host, host + 1, n - 1);
  }
  if (!*host || strlen(host) >= sizeof(out->host))
    goto out;
  snprintf(out->host, sizeof(out->host), "%s", host);
  if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
    snprintf(out->port, sizeof(out->port), "%s", port);
  out->plain_http = !strcmp(scheme, "http");
  out->loopback = host_is_loopback(out->host);
  rc = 0;
out:
  curl_free(scheme);
  curl_free(host);
  curl_free(user);
  curl_free(pass);
  curl_free(port);
  curl_url_cleanup(u);
  return rc;
}

const char *http_url_host(const char *url, char *out, size_t outlen)
{
  struct http_url u;
  int v6;

  if (http_url_parse(url, &u) != 0) {
    snprintf(out, outlen, "?");
    return out;
  }
  v6 = strchr(u.host, ':') != NULL;
  snprintf(out, outlen, "%s%s%s%s%s", v6 ? "[" : "", u.host, v6 ? "]" : "",
           u.port[0] ? ":" : "", u.port);
  return out;
}
