/* SPDX-License-Identifier: Apache-2.0 */
/* ec2.c — DescribeSecurityGroups: the request, the XML answer, refusals. */
#include "ec2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_platform.h"
#include "sigv4.h"
#include "xml_tree.h"

#define SIGNING_NAME "ec2"
#define API_VERSION "2016-11-15"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"

void ec2_strs_add(struct ec2_strs *l, const char *s)
{
  l->v = cp_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
  l->v[l->n++] = cp_xstrdup(s);
}

void ec2_strs_release(struct ec2_strs *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

int ec2_id_valid(const char *s, const char *prefix)
{
  size_t p = strlen(prefix), n;

  if (strncmp(s, prefix, p))
    return 0;
  n = strspn(s + p, "0123456789abcdef");
  return n >= 1 && n <= 32 && !s[p + n];
}

static void rules_release(struct sg_rule *r, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(r[i].protocol);
    ec2_strs_release(&r[i].groups);
    ec2_strs_release(&r[i].cidrs);
    ec2_strs_release(&r[i].prefix_lists);
  }
  free(r);
}

void sg_list_release(struct sg_list *l)
{
  size_t i;

  for (i = 0; i < l->n; i++) {
    free(l->v[i].group_id);
    free(l->v[i].vpc_id);
    rules_release(l->v[i].ingress, l->v[i].ningress);
    rules_release(l->v[i].egress, l->v[i].negress);
  }
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

const struct security_group *sg_list_find(const struct sg_list *l,
                                          const char *id)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (!strcmp(l->v[i].group_id, id))
      return &l->v[i];
  return NULL;
}

/* ---- the answer ---------------------------------------------------------- */

static enum cp_err bad_answer(const char *what, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_API, __FILE__, __LINE__,
                 "malformed API answer (DescribeSecurityGroups): %s. Check "
                 "the EC2 endpoint (AWS_ENDPOINT_URL_EC2) points at EC2",
                 what);
}

/* A port as EC2 writes it: -1..65535 (ICMP's type and code are ports too). */
static int port_of(const struct xml_node *n, int *out)
{
  const char *t = xml_text(n);
  char *end;
  long v;

  if (!n) {
    *out = -1;
    return 1;
  }
  v = strtol(t, &end, 10);
  *out = (int)v;
  return *t && !*end && v >= -1 && v <= 65535;
}

/* The items of list (a <groups>, <ipRanges>, ...): each one's field. */
static int add_items(struct ec2_strs *to, const struct xml_node *list,
                     const char *field, int (*valid)(const char *))
{
  const struct xml_node *it;

  for (it = xml_child(list, "item"); it; it = xml_next(it)) {
    const char *v = xml_text(xml_child(it, field));
    if (!xml_child(it, field))
      continue; /* a pair by name only (EC2-Classic) names no id */
    if (!valid(v))
      return 0;
    ec2_strs_add(to, v);
  }
  return 1;
}

static int valid_group(const char *s) { return ec2_id_valid(s, "sg-"); }
static int valid_prefix_list(const char *s) { return ec2_id_valid(s, "pl-"); }

/* A CIDR: an address, '/', a prefix length that fits it. */
static int valid_cidr(const char *s)
{
  unsigned char a[16];
  char host[64], *end;
  const char *slash = strchr(s, '/');
  long bits;
  int family;

  if (!slash || (size_t)(slash - s) >= sizeof(host))
    return 0;
  memcpy(host, s, (size_t)(slash - s));
  host[slash - s] = '\0';
  family = plat_ip_bytes(host, a);
  bits = strtol(slash + 1, &end, 10);
  return family && slash[1] && !*end && bits >= 0 &&
         bits <= (family == 4 ? 32 : 128);
}

static enum cp_err parse_rules(const struct xml_node *list,
                               struct sg_rule **out, size_t *n,
                               struct cp_errbuf *err)
{
  const struct xml_node *it;

  for (it = xml_child(list, "item"); it; it = xml_next(it)) {
    struct sg_rule *r;
    const char *proto = xml_text(xml_child(it, "ipProtocol"));
    if (!*proto || strlen(proto) > 16 ||
        strspn(proto, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(proto))
      return bad_answer("a rule has no ipProtocol, or a strange one", err);
    *out = cp_xrealloc(*out, (*n + 1) * sizeof(**out));
    r = &(*out)[(*n)++]; /* owned by the list from here */
    memset(r, 0, sizeof(*r));
    r->protocol = cp_xstrdup(proto);
    if (!port_of(xml_child(it, "fromPort"), &r->from_port) ||
        !port_of(xml_child(it, "toPort"), &r->to_port))
      return bad_answer("a rule's port is not a number", err);
    if (!add_items(&r->groups, xml_child(it, "groups"), "groupId",
                   valid_group) ||
        !add_items(&r->cidrs, xml_child(it, "ipRanges"), "cidrIp",
                   valid_cidr) ||
        !add_items(&r->cidrs, xml_child(it, "ipv6Ranges"), "cidrIpv6",
                   valid_cidr) ||
        !add_items(&r->prefix_lists, xml_child(it, "prefixListIds"),
                   "prefixListId", valid_prefix_list))
      return bad_answer("a rule names a group, range or prefix list of the "
                        "wrong form",
                        err);
  }
  return CP_OK;
}

enum cp_err ec2_parse_security_groups(const char *xml, size_t len,
                                      struct sg_list *out,
                                      struct cp_errbuf *err)
{
  struct xml_node *doc = xml_parse(xml, len);
  const struct xml_node *g;
  enum cp_err rc = CP_OK;

  if (!doc || strcmp(doc->name, "DescribeSecurityGroupsResponse")) {
    rc = bad_answer("it is not a DescribeSecurityGroupsResponse", err);
    goto out;
  }
  for (g = xml_child(xml_child(doc, "securityGroupInfo"), "item"); g;
       g = xml_next(g)) {
    struct security_group *sg;
    const char *id = xml_text(xml_child(g, "groupId"));
    const char *vpc = xml_text(xml_child(g, "vpcId"));
    if (!valid_group(id))
      CP_FAIL(rc, CP_E_API, "malformed API answer (DescribeSecurityGroups): "
              "a group's groupId is missing or of the wrong form. Check the "
              "EC2 endpoint (AWS_ENDPOINT_URL_EC2) points at EC2");
    out->v = cp_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
    sg = &out->v[out->n++];
    memset(sg, 0, sizeof(*sg));
    sg->group_id = cp_xstrdup(id);
    sg->vpc_id = ec2_id_valid(vpc, "vpc-") ? cp_xstrdup(vpc) : NULL;
    CP_TRY(rc, parse_rules(xml_child(g, "ipPermissions"), &sg->ingress,
                           &sg->ningress, err));
    CP_TRY(rc, parse_rules(xml_child(g, "ipPermissionsEgress"), &sg->egress,
                           &sg->negress, err));
  }
out:
  xml_free(doc);
  return rc;
}

/* ---- the call ------------------------------------------------------------ */

static enum cp_err map_error(const struct aws_client *c,
                             const struct http_resp *rs,
                             const struct aws_error *e, const char *first,
                             struct cp_errbuf *err)
{
  const char *rid = e->request_id[0] ? e->request_id : "none";
  const char *said = e->message[0] ? e->message : e->code;

  if (!strcmp(e->code, "UnauthorizedOperation") ||
      !strncmp(e->code, "AccessDenied", 12))
    return cp_fail(err, CP_E_API_ACCESS, __FILE__, __LINE__,
                   "access denied (DescribeSecurityGroups): these credentials "
                   "(from %s) may not read security groups. Allow "
                   "ec2:DescribeSecurityGroups, or check the rules in the "
                   "console (AWS said: %.160s; request id %s)",
                   c->creds->source, said, rid);
  if (!strcmp(e->code, "AuthFailure") ||
      !strcmp(e->code, "InvalidClientTokenId") ||
      !strcmp(e->code, "SignatureDoesNotMatch"))
    return cp_fail(err, CP_E_API_ACCESS, __FILE__, __LINE__,
                   "credentials rejected (%s from %s): EC2 refused them. "
                   "Check the secret key and session token (AWS said: "
                   "%.160s; request id %s)",
                   e->code, c->creds->source, said, rid);
  if (!strcmp(e->code, "InvalidGroup.NotFound") ||
      !strcmp(e->code, "InvalidGroupId.Malformed"))
    return cp_fail(err, CP_E_API_NOT_FOUND, __FILE__, __LINE__,
                   "security group not found (%s and others asked for): "
                   "EC2 in %s does not know it. Check --region (AWS said: "
                   "%.160s)",
                   first, c->region, said);
  if (http_retryable_answer(rs->status, e->code))
    return cp_fail(err, CP_E_API_THROTTLED, __FILE__, __LINE__,
                   "EC2 busy (%s, HTTP %ld): DescribeSecurityGroups was "
                   "retried %d times; wait and run again (request id %s)",
                   e->code[0] ? e->code : "no error code", rs->status,
                   http_retry_attempts(c->http), rid);
  if (!e->code[0])
    return cp_fail(err, CP_E_NETWORK, __FILE__, __LINE__,
                   "unexpected answer from the endpoint (%s, HTTP %ld): it "
                   "is not EC2 (a proxy's page?). Check AWS_ENDPOINT_URL_EC2 "
                   "and proxy settings",
                   c->endpoint, rs->status);
  return cp_fail(err, CP_E_API, __FILE__, __LINE__,
                 "API error (%s, HTTP %ld): EC2 refused DescribeSecurityGroups "
                 "(AWS said: %.160s; request id %s)",
                 e->code, rs->status, said, rid);
}

enum cp_err ec2_describe_security_groups(struct aws_client *c,
                                         const char *const *ids, size_t n,
                                         struct sg_list *out,
                                         struct cp_errbuf *err)
{
  static const struct sigv4_header headers[] = {{"Content-Type", FORM_TYPE}};
  struct cp_buf body = CP_BUF_INIT;
  struct http_resp rs = HTTP_RESP_INIT;
  struct aws_error e;
  enum cp_err rc;
  size_t i;

  aws_form_add(&body, "Action", "DescribeSecurityGroups");
  aws_form_add(&body, "Version", API_VERSION);
  for (i = 0; i < n; i++) {
    char key[32];
    if (!valid_group(ids[i]))
      CP_FAIL(rc, CP_E_INVALID, "invalid security group id (%.40s): it is "
              "not sg- and hex digits. Check where it came from", ids[i]);
    snprintf(key, sizeof(key), "GroupId.%zu", i + 1);
    aws_form_add(&body, key, ids[i]);
  }
  CP_TRY(rc, aws_call(c, SIGNING_NAME, headers, 1, cp_buf_str(&body),
                      4u * 1024u * 1024u, &rs, &e, err));
  if (rs.status != 200)
    CP_TRY(rc, map_error(c, &rs, &e, n ? ids[0] : "none", err));
  rc = ec2_parse_security_groups(cp_buf_str(&rs.body), rs.body.len, out, err);
out:
  http_resp_release(&rs);
  cp_buf_release(&body);
  return rc;
}
