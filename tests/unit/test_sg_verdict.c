/* SPDX-License-Identifier: Apache-2.0 */
/* test_sg_verdict.c — the rules judged for TCP 2223-2225: protocols, port
 * ranges, group pairs, IPv4 and IPv6 ranges, prefix lists, and the
 * commands named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "sg_verdict.h"

#define CLUSTER "sg-c1"
#define APP "sg-a1"

static struct sg_list groups;
static struct ec2_instance_net inst;

#define MAX_GROUPS 8 /* room made at setup: a group's address stays put */

static struct security_group *group(const char *id)
{
  struct security_group *g;

  assert_true(groups.n < MAX_GROUPS);
  g = &groups.v[groups.n++];
  memset(g, 0, sizeof(*g));
  g->group_id = cp_xstrdup(id);
  return g;
}

/* A rule: peer is a group id (sg-...), a CIDR or a prefix list (pl-...). */
static void rule(struct security_group *g, int egress, const char *proto,
                 int from, int to, const char *peer)
{
  struct sg_rule **v = egress ? &g->egress : &g->ingress;
  size_t *n = egress ? &g->negress : &g->ningress;
  struct sg_rule *r;

  *v = cp_xrealloc(*v, (*n + 1) * sizeof(**v));
  r = &(*v)[(*n)++];
  memset(r, 0, sizeof(*r));
  r->protocol = cp_xstrdup(proto);
  r->from_port = from;
  r->to_port = to;
  ec2_strs_add(!strncmp(peer, "sg-", 3)   ? &r->groups
               : !strncmp(peer, "pl-", 3) ? &r->prefix_lists
                                          : &r->cidrs,
               peer);
}

static int setup(void **state)
{
  (void)state;
  groups.v = cp_xcalloc(MAX_GROUPS, sizeof(*groups.v));
  groups.n = 0;
  memset(&inst, 0, sizeof(inst));
  ec2_strs_add(&inst.groups, APP);
  ec2_strs_add(&inst.addrs, "10.0.9.4");
  ec2_strs_add(&inst.addrs, "fd00:ec2::9");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  sg_list_release(&groups);
  ec2_instance_net_release(&inst);
  return 0;
}

static const char *const HSMS[] = {"10.0.1.12", "10.0.2.7"};

static void judge(struct sg_verdict *v)
{
  sg_verdict_judge(&groups, CLUSTER, &inst, HSMS, 2, "us-east-1", v);
}

/* CloudHSM's own group (itself in and out) with an app group that lets
 * all out: in is blocked, out is open; the command names both groups. */
static void test_cluster_group_as_made(void **state)
{
  struct security_group *c = group(CLUSTER), *a = group(APP);
  struct sg_verdict v;
  (void)state;

  rule(c, 0, "tcp", 2223, 2225, CLUSTER);
  rule(c, 1, "tcp", 2223, 2225, CLUSTER);
  rule(a, 1, "-1", -1, -1, "0.0.0.0/0");
  judge(&v);
  assert_int_equal(v.ingress, 0);
  assert_int_equal(v.egress, SG_PORTS_ALL);
  assert_string_equal(v.fix_ingress,
                      "aws ec2 authorize-security-group-ingress --region "
                      "us-east-1 --group-id sg-c1 --protocol tcp --port "
                      "2223-2225 --source-group sg-a1");
  assert_string_equal(v.fix_egress, "");
  assert_null(v.unknown_group);
  /* the cluster's group attached to the instance: its own rules serve */
  ec2_strs_add(&inst.groups, CLUSTER);
  judge(&v);
  assert_int_equal(v.ingress, SG_PORTS_ALL);
  assert_int_equal(v.egress, SG_PORTS_ALL);
}

static void test_ports_and_protocols(void **state)
{
  struct security_group *c = group(CLUSTER), *a = group(APP);
  struct sg_verdict v;
  char text[32];
  (void)state;

  rule(a, 1, "6", 0, 65535, CLUSTER); /* tcp by number */
  rule(c, 0, "udp", 2223, 2225, APP);  /* not tcp */
  rule(c, 0, "tcp", 2224, 2224, APP);
  judge(&v);
  assert_int_equal(v.ingress, 0x2u);
  sg_ports_text(SG_PORTS_ALL & ~v.ingress, text, sizeof(text));
  assert_string_equal(text, "2223, 2225");
  assert_int_equal(v.egress, SG_PORTS_ALL);
  rule(c, 0, "tcp", 2220, 2223, APP);
  rule(c, 0, "tcp", 2225, 2300, APP);
  judge(&v);
  assert_int_equal(v.ingress, SG_PORTS_ALL);
  sg_ports_text(SG_PORTS_ALL, text, sizeof(text));
  assert_string_equal(text, "2223-2225");
}

static void test_ranges(void **state)
{
  struct security_group *c = group(CLUSTER), *a = group(APP);
  struct sg_verdict v;
  (void)state;

  rule(c, 0, "tcp", 2223, 2225, "10.0.10.0/24"); /* not the instance's */
  rule(c, 0, "tcp", 2223, 2225, "fd00:ec3::/32");
  rule(a, 1, "tcp", 2223, 2225, "10.0.1.0/24"); /* one HSM of two */
  judge(&v);
  assert_int_equal(v.ingress, 0);
  assert_int_equal(v.egress, 0); /* out to every HSM, or not at all */
  assert_non_null(strstr(v.fix_egress, "--group-id sg-a1 --ip-permissions "
                                       "'IpProtocol=tcp,FromPort=2223,"
                                       "ToPort=2225,UserIdGroupPairs=[{"
                                       "GroupId=sg-c1}]'"));
  rule(c, 0, "tcp", 2223, 2225, "fd00:ec2::/64"); /* the instance's IPv6 */
  rule(a, 1, "tcp", 2223, 2225, "10.0.0.0/16");
  judge(&v);
  assert_int_equal(v.ingress, SG_PORTS_ALL);
  assert_int_equal(v.egress, SG_PORTS_ALL);
}

static void test_prefix_lists_and_unknown(void **state)
{
  struct security_group *c = group(CLUSTER);
  struct sg_verdict v;
  (void)state;

  rule(c, 0, "tcp", 2223, 2225, "pl-1234");
  judge(&v);
  assert_int_equal(v.ingress, 0);
  assert_int_equal(v.prefix_lists, 1);
  assert_string_equal(v.unknown_group, APP); /* not described */
  /* no HSM addresses: only a rule naming the cluster's group, or every
   * address, lets out */
  sg_verdict_judge(&groups, "sg-other", &inst, NULL, 0, "eu-west-1", &v);
  assert_string_equal(v.unknown_group, "sg-other"); /* the cluster's, first */
  assert_int_equal(v.ingress, 0);
  assert_string_equal(v.fix_ingress, ""); /* its rules are not known */
  rule(group(APP), 1, "-1", -1, -1, "0.0.0.0/0");
  sg_verdict_judge(&groups, "sg-other", &inst, NULL, 0, "eu-west-1", &v);
  assert_int_equal(v.egress, SG_PORTS_ALL); /* every address */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_cluster_group_as_made, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_ports_and_protocols, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_prefix_lists_and_unknown, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
