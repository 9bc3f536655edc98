/* SPDX-License-Identifier: Apache-2.0 */
/* sg_verdict.h — whether security groups let this instance reach a
 * cluster's HSMs on TCP 2223-2225 (AWS's CloudHSM guide: the cluster's
 * group must allow them in from the client, the client's groups must let
 * them out), and the AWS CLI command that adds a missing rule. Pure: the
 * groups, the instance and the HSMs' addresses come in, a verdict comes
 * out. Security groups are stateful: answers need no rule of their own. */
#ifndef SG_VERDICT_H
#define SG_VERDICT_H

#include <stddef.h>

#include "ec2.h"

#define SG_PORT_FIRST 2223
#define SG_PORT_LAST 2225
#define SG_PORTS_ALL 0x7u /* one bit a port, 2223 first */

struct sg_verdict {
  unsigned ingress; /* ports the cluster's group lets in from the instance */
  unsigned egress;  /* ports the instance's groups let out to every HSM */
  int prefix_lists; /* rules naming prefix lists, which were not judged */
  const char *unknown_group; /* a group needed and not described, or NULL */
  char fix_ingress[400];     /* the command that adds what is missing, */
  char fix_egress[400];      /* or "" */
};

/* Judges the path from inst to the HSMs at addrs (n of them; with none,
 * only rules naming the cluster's group, or every address, count out).
 * region goes into the commands. */
void sg_verdict_judge(const struct sg_list *groups, const char *cluster_sg,
                      const struct ec2_instance_net *inst,
                      const char *const *addrs, size_t n, const char *region,
                      struct sg_verdict *v);

/* "2223-2225", "2223 and 2225", ... for the ports of mask. */
void sg_ports_text(unsigned mask, char *out, size_t size);

#endif
