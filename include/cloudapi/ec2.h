/* SPDX-License-Identifier: Apache-2.0 */
/* ec2.h — what EC2 says of the network path to a cluster (doctor --api):
 * this instance's interface, from instance metadata, and security groups'
 * rules, from DescribeSecurityGroups (the Query API: SigV4 signing name
 * "ec2", XML answers, through aws_call.h). Every id and address is checked
 * for its form before it is kept: they reach URLs, bodies and terminals. */
#ifndef EC2_H
#define EC2_H

#include <stddef.h>

#include "aws_call.h"
#include "cp_err.h"
#include "http.h"

/* A list of owned strings. */
struct ec2_strs {
  char **v;
  size_t n;
};
void ec2_strs_add(struct ec2_strs *l, const char *s);
void ec2_strs_release(struct ec2_strs *l);

/* The instance's primary interface (metadata's "mac": device 0). */
struct ec2_instance_net {
  char *mac, *vpc_id;
  struct ec2_strs groups; /* security-group-ids */
  struct ec2_strs addrs;  /* local-ipv4s, then ipv6s */
};
void ec2_instance_net_release(struct ec2_instance_net *n);

/* Reads instance metadata. *on_ec2 is 0 (CP_OK, nothing read) when none
 * answered: not on EC2, or AWS_EC2_METADATA_DISABLED. An answer of the
 * wrong form is CP_E_ENVIRONMENT naming the path. */
CP_MUST_USE enum cp_err ec2_instance_net_read(const struct http_settings *hs,
                                              struct ec2_instance_net *out,
                                              int *on_ec2,
                                              struct cp_errbuf *err);

/* One rule: a protocol ("tcp", "6", "-1" for all), a port range (-1 when
 * the protocol has none), and the peers it names. */
struct sg_rule {
  char *protocol;
  int from_port, to_port;
  struct ec2_strs groups;       /* UserIdGroupPairs' GroupId */
  struct ec2_strs cidrs;        /* IpRanges' CidrIp, Ipv6Ranges' CidrIpv6 */
  struct ec2_strs prefix_lists; /* PrefixListIds (not resolved here) */
};
struct security_group {
  char *group_id, *vpc_id;
  struct sg_rule *ingress, *egress;
  size_t ningress, negress;
};
struct sg_list {
  struct security_group *v;
  size_t n;
};
void sg_list_release(struct sg_list *l);
/* The group with id, or NULL. */
const struct security_group *sg_list_find(const struct sg_list *l,
                                          const char *id);

/* 1 when s has the form of an id with prefix ("sg-", "vpc-"): the prefix,
 * then 1 to 32 lowercase hex digits. */
int ec2_id_valid(const char *s, const char *prefix);

/* Parses a DescribeSecurityGroups answer into out (added to it). */
CP_MUST_USE enum cp_err ec2_parse_security_groups(const char *xml, size_t len,
                                                  struct sg_list *out,
                                                  struct cp_errbuf *err);

/* DescribeSecurityGroups for the n ids (each ec2_id_valid "sg-"). A
 * refusal is CP_E_API_ACCESS (UnauthorizedOperation, rejected keys) or
 * CP_E_API_NOT_FOUND (InvalidGroup.NotFound) or CP_E_API, with AWS's
 * words. */
CP_MUST_USE enum cp_err
ec2_describe_security_groups(struct aws_client *c, const char *const *ids,
                             size_t n, struct sg_list *out,
                             struct cp_errbuf *err);

#endif
