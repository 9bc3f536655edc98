/* SPDX-License-Identifier: Apache-2.0 */
/* ec2_instance.c — the instance's primary interface from instance metadata
 * (paths as AWS's "Instance metadata categories" page names them). */
#include "ec2.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_platform.h"
#include "imds.h"

void ec2_instance_net_release(struct ec2_instance_net *n)
{
  free(n->mac);
  free(n->vpc_id);
  ec2_strs_release(&n->groups);
  ec2_strs_release(&n->addrs);
  memset(n, 0, sizeof(*n));
}

static enum cp_err wrong_form(const char *path, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "strange instance metadata (%s): the answer is not of the "
                 "form AWS documents. Check AWS_EC2_METADATA_SERVICE_ENDPOINT "
                 "and what answers there",
                 path);
}

/* path's answer in out; *have is 0 for a 404 (an interface with no IPv6). */
static enum cp_err get(const struct http_settings *hs, const char *path,
                       struct cp_buf *out, int *have, int *reachable,
                       struct cp_errbuf *err)
{
  long status;
  enum cp_err rc;

  cp_buf_reset(out);
  rc = imds_read(hs, path, out, &status, reachable, err);
  *have = rc == CP_OK && *reachable && status == 200;
  if (rc == CP_OK && *reachable && status != 200 && status != 404)
    rc = cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "instance metadata refused %s: HTTP %ld. Check the "
                 "instance's metadata options",
                 path, status);
  return rc;
}

static int is_mac(const char *s)
{
  size_t i;

  if (strlen(s) != 17)
    return 0;
  for (i = 0; i < 17; i++)
    if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]) ||
                                       isupper((unsigned char)s[i]))
      return 0;
  return 1;
}

static int is_address(const char *s)
{
  unsigned char a[16];
  return plat_ip_bytes(s, a) != 0;
}

static int is_group(const char *s)
{
  return ec2_id_valid(s, "sg-");
}

/* The metadata path of one of the interface's values. */
static const char *iface(char *path, size_t size, const char *mac,
                         const char *leaf)
{
  snprintf(path, size, "network/interfaces/macs/%s/%s", mac, leaf);
  return path;
}

/* One value a line (the metadata's lists), each of the right form. */
static int add_lines(struct ec2_strs *to, struct cp_buf *b,
                     int (*valid)(const char *))
{
  char *line = b->ptr, *nl;

  if (!line)
    return 1;
  for (; *line; line = nl) {
    nl = line + strcspn(line, "\n");
    if (*nl)
      *nl++ = '\0';
    line[strcspn(line, "\r")] = '\0';
    if (!*line)
      continue;
    if (!valid(line))
      return 0;
    ec2_strs_add(to, line);
  }
  return 1;
}

enum cp_err ec2_instance_net_read(const struct http_settings *hs,
                                  struct ec2_instance_net *out, int *on_ec2,
                                  struct cp_errbuf *err)
{
  struct cp_buf b = CP_BUF_INIT;
  char path[128];
  int have = 0;
  enum cp_err rc;

  memset(out, 0, sizeof(*out));
  CP_TRY(rc, get(hs, "mac", &b, &have, on_ec2, err));
  if (!*on_ec2)
    goto out;
  cp_buf_rtrim(&b, "\r\n");
  if (!have || !is_mac(cp_buf_str(&b)))
    CP_TRY(rc, wrong_form("mac", err));
  out->mac = cp_xstrdup(cp_buf_str(&b));

  CP_TRY(rc, get(hs, iface(path, sizeof(path), out->mac, "security-group-ids"), &b, &have, on_ec2, err));
  if (!add_lines(&out->groups, &b, is_group))
    CP_TRY(rc, wrong_form(path, err));
  CP_TRY(rc, get(hs, iface(path, sizeof(path), out->mac, "local-ipv4s"), &b, &have, on_ec2, err));
  if (!add_lines(&out->addrs, &b, is_address))
    CP_TRY(rc, wrong_form(path, err));
  CP_TRY(rc, get(hs, iface(path, sizeof(path), out->mac, "ipv6s"), &b, &have, on_ec2, err));
  if (have && !add_lines(&out->addrs, &b, is_address))
    CP_TRY(rc, wrong_form(path, err));
  CP_TRY(rc, get(hs, iface(path, sizeof(path), out->mac, "vpc-id"), &b, &have, on_ec2, err));
  cp_buf_rtrim(&b, "\r\n");
  if (have && ec2_id_valid(cp_buf_str(&b), "vpc-"))
    out->vpc_id = cp_xstrdup(cp_buf_str(&b));
  else if (have)
    CP_TRY(rc, wrong_form(path, err));
out:
  if (rc != CP_OK)
    ec2_instance_net_release(out);
  cp_buf_release(&b);
  return rc;
}
