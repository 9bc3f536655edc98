/* SPDX-License-Identifier: Apache-2.0 */
/* sg_verdict.c — security group rules judged for TCP 2223-2225. */
#include "sg_verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_platform.h"

/* The ports of 2223-2225 a rule allows. */
static unsigned rule_ports(const struct sg_rule *r)
{
  unsigned mask = 0;
  int p;

  if (!strcmp(r->protocol, "-1") || !strcmp(r->protocol, "all"))
    return SG_PORTS_ALL;
  if (strcmp(r->protocol, "tcp") && strcmp(r->protocol, "6"))
    return 0;
  for (p = SG_PORT_FIRST; p <= SG_PORT_LAST; p++)
    if (r->from_port <= p && p <= r->to_port)
      mask |= 1u << (p - SG_PORT_FIRST);
  return mask;
}

/* 1 when addr is inside cidr (both of one family); a NULL addr is inside
 * only the whole space ("0.0.0.0/0", "::/0"). */
static int cidr_holds(const char *cidr, const char *addr)
{
  unsigned char net[16], a[16];
  char host[64];
  const char *slash = strchr(cidr, '/');
  int bits, family, i;

  if (!slash || (size_t)(slash - cidr) >= sizeof(host))
    return 0;
  memcpy(host, cidr, (size_t)(slash - cidr));
  host[slash - cidr] = '\0';
  bits = atoi(slash + 1);
  if (!(family = plat_ip_bytes(host, net)))
    return 0;
  if (!addr)
    return bits == 0;
  if (plat_ip_bytes(addr, a) != family)
    return 0;
  for (i = 0; i < bits; i++)
    if ((net[i / 8] ^ a[i / 8]) & (0x80u >> (i % 8)))
      return 0;
  return 1;
}

static int strs_has(const struct ec2_strs *l, const char *s)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (!strcmp(l->v[i], s))
      return 1;
  return 0;
}

/* 1 when rule r names one of groups or a range holding one of addrs. */
static int names_any(const struct sg_rule *r, const struct ec2_strs *groups,
                     const struct ec2_strs *addrs)
{
  size_t i, k;

  for (i = 0; i < groups->n; i++)
    if (strs_has(&r->groups, groups->v[i]))
      return 1;
  for (i = 0; i < r->cidrs.n; i++)
    for (k = 0; k < addrs->n; k++)
      if (cidr_holds(r->cidrs.v[i], addrs->v[k]))
        return 1;
  return 0;
}

static unsigned ingress_from(const struct security_group *cluster,
                             const struct ec2_instance_net *inst,
                             int *prefix_lists)
{
  unsigned mask = 0;
  size_t i;

  for (i = 0; i < cluster->ningress; i++) {
    const struct sg_rule *r = &cluster->ingress[i];
    if (names_any(r, &inst->groups, &inst->addrs))
      mask |= rule_ports(r);
    else if (r->prefix_lists.n && rule_ports(r))
      (*prefix_lists)++;
  }
  return mask;
}

/* The ports the instance's groups let out to addr (NULL: to the cluster's
 * group alone). */
static unsigned egress_to(const struct sg_list *groups,
                          const struct ec2_instance_net *inst,
                          const char *cluster_sg, const char *addr,
                          int *prefix_lists)
{
  unsigned mask = 0;
  size_t g, i, k;

  for (g = 0; g < inst->groups.n; g++) {
    const struct security_group *sg = sg_list_find(groups, inst->groups.v[g]);
    for (i = 0; sg && i < sg->negress; i++) {
      const struct sg_rule *r = &sg->egress[i];
      int hit = strs_has(&r->groups, cluster_sg);
      for (k = 0; !hit && k < r->cidrs.n; k++)
        hit = cidr_holds(r->cidrs.v[k], addr);
      if (hit)
        mask |= rule_ports(r);
      else if (r->prefix_lists.n && rule_ports(r))
        (*prefix_lists)++;
    }
  }
  return mask;
}

void sg_ports_text(unsigned mask, char *out, size_t size)
{
  char *at = out;
  size_t left = size;
  int p, first = 1;

  *out = '\0';
  if ((mask & SG_PORTS_ALL) == SG_PORTS_ALL) {
    snprintf(out, size, "%d-%d", SG_PORT_FIRST, SG_PORT_LAST);
    return;
  }
  for (p = SG_PORT_FIRST; p <= SG_PORT_LAST; p++) {
    int w;
    if (!(mask & (1u << (p - SG_PORT_FIRST))))
      continue;
    w = snprintf(at, left, "%s%d", first ? "" : ", ", p);
    if (w < 0 || (size_t)w >= left)
      return;
    at += w;
    left -= (size_t)w;
    first = 0;
  }
}

void sg_verdict_judge(const struct sg_list *groups, const char *cluster_sg,
                      const struct ec2_instance_net *inst,
                      const char *const *addrs, size_t n, const char *region,
                      struct sg_verdict *v)
{
  const struct security_group *cluster = sg_list_find(groups, cluster_sg);
  const char *mine = inst->groups.n ? inst->groups.v[0] : "<instance-group>";
  size_t i;

  memset(v, 0, sizeof(*v));
  for (i = 0; i < inst->groups.n && !v->unknown_group; i++)
    if (!sg_list_find(groups, inst->groups.v[i]))
      v->unknown_group = inst->groups.v[i];
  if (!cluster)
    v->unknown_group = cluster_sg;
  else
    v->ingress = ingress_from(cluster, inst, &v->prefix_lists);
  v->egress = SG_PORTS_ALL;
  if (!n)
    v->egress = egress_to(groups, inst, cluster_sg, NULL, &v->prefix_lists);
  for (i = 0; i < n; i++)
    v->egress &= egress_to(groups, inst, cluster_sg, addrs[i],
                           &v->prefix_lists);
  if (cluster && v->ingress != SG_PORTS_ALL)
    snprintf(v->fix_ingress, sizeof(v->fix_ingress),
             "aws ec2 authorize-security-group-ingress --region %s "
             "--group-id %s --protocol tcp --port %d-%d --source-group %s",
             region, cluster_sg, SG_PORT_FIRST, SG_PORT_LAST, mine);
  if (v->egress != SG_PORTS_ALL)
    snprintf(v->fix_egress, sizeof(v->fix_egress),
             "aws ec2 authorize-security-group-egress --region %s "
             "--group-id %s --ip-permissions "
             "'IpProtocol=tcp,FromPort=%d,ToPort=%d,"
             "UserIdGroupPairs=[{GroupId=%s}]'",
             region, mine, SG_PORT_FIRST, SG_PORT_LAST, cluster_sg);
}
