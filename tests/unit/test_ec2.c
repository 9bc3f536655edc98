/* SPDX-License-Identifier: Apache-2.0 */
/* test_ec2.c — DescribeSecurityGroups: an answer of the shape EC2's API
 * reference shows, refusals in EC2's error XML, and answers of the wrong
 * form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "fake_http.h"

static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

/* The API reference's example (DescribeSecurityGroups, Example 1), with a
 * group pair, an IPv6 range, a prefix list and the all-traffic egress. */
static const char ANSWER[] =
    "<DescribeSecurityGroupsResponse "
    "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    "  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\n"
    "  <securityGroupInfo>\n"
    "    <item>\n"
    "      <ownerId>123456789012</ownerId>\n"
    "      <groupId>sg-1a2b3c4d</groupId>\n"
    "      <groupName>WebServers</groupName>\n"
    "      <groupDescription>Web Servers</groupDescription>\n"
    "      <vpcId>vpc-614cc409</vpcId>\n"
    "      <ipPermissions>\n"
    "        <item>\n"
    "          <ipProtocol>tcp</ipProtocol>\n"
    "          <fromPort>2223</fromPort>\n"
    "          <toPort>2225</toPort>\n"
    "          <groups><item><userId>123456789012</userId>"
    "<groupId>sg-99aa88bb</groupId></item></groups>\n"
    "          <ipRanges><item><cidrIp>10.0.0.0/16</cidrIp></item></ipRanges>\n"
    "          <ipv6Ranges><item><cidrIpv6>2001:db8::/32</cidrIpv6></item>"
    "</ipv6Ranges>\n"
    "          <prefixListIds><item><prefixListId>pl-12345678</prefixListId>"
    "</item></prefixListIds>\n"
    "        </item>\n"
    "      </ipPermissions>\n"
    "      <ipPermissionsEgress>\n"
    "        <item>\n"
    "          <ipProtocol>-1</ipProtocol>\n"
    "          <groups/>\n"
    "          <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>\n"
    "        </item>\n"
    "      </ipPermissionsEgress>\n"
    "    </item>\n"
    "    <item><groupId>sg-99aa88bb</groupId><ipPermissions/>"
    "<ipPermissionsEgress/></item>\n"
    "  </securityGroupInfo>\n"
    "</DescribeSecurityGroupsResponse>\n";

static void test_parse(void **state)
{
  struct sg_list l = {NULL, 0};
  const struct security_group *g;
  (void)state;

  assert_int_equal(ec2_parse_security_groups(ANSWER, strlen(ANSWER), &l, err),
                   CP_OK);
  assert_int_equal(l.n, 2);
  g = sg_list_find(&l, "sg-1a2b3c4d");
  assert_non_null(g);
  assert_string_equal(g->vpc_id, "vpc-614cc409");
  assert_int_equal(g->ningress, 1);
  assert_string_equal(g->ingress[0].protocol, "tcp");
  assert_int_equal(g->ingress[0].from_port, 2223);
  assert_int_equal(g->ingress[0].to_port, 2225);
  assert_int_equal(g->ingress[0].groups.n, 1);
  assert_string_equal(g->ingress[0].groups.v[0], "sg-99aa88bb");
  assert_int_equal(g->ingress[0].cidrs.n, 2);
  assert_string_equal(g->ingress[0].cidrs.v[1], "2001:db8::/32");
  assert_string_equal(g->ingress[0].prefix_lists.v[0], "pl-12345678");
  assert_int_equal(g->negress, 1);
  assert_string_equal(g->egress[0].protocol, "-1");
  assert_int_equal(g->egress[0].from_port, -1); /* no ports for all */
  g = sg_list_find(&l, "sg-99aa88bb");
  assert_non_null(g);
  assert_int_equal(g->ningress + g->negress, 0);
  assert_null(sg_list_find(&l, "sg-00000000"));
  sg_list_release(&l);
}

static void expect_bad(const char *xml)
{
  struct sg_list l = {NULL, 0};

  assert_int_equal(ec2_parse_security_groups(xml, strlen(xml), &l, err),
                   CP_E_API);
  assert_non_null(strstr(err->text, "DescribeSecurityGroups"));
  sg_list_release(&l);
}

static void test_wrong_form(void **state)
{
  (void)state;
  expect_bad("{\"not\": \"xml\"}");
  expect_bad("<html><body>proxy</body></html>");
  /* an id that would reach a terminal or the next request as it is */
  expect_bad("<DescribeSecurityGroupsResponse><securityGroupInfo><item>"
             "<groupId>sg-1\x1b[31m</groupId></item></securityGroupInfo>"
             "</DescribeSecurityGroupsResponse>");
  expect_bad("<DescribeSecurityGroupsResponse><securityGroupInfo><item>"
             "<groupId>sg-1a</groupId><ipPermissions><item><ipProtocol>tcp"
             "</ipProtocol><fromPort>x</fromPort></item></ipPermissions>"
             "</item></securityGroupInfo></DescribeSecurityGroupsResponse>");
  expect_bad("<DescribeSecurityGroupsResponse><securityGroupInfo><item>"
             "<groupId>sg-1a</groupId><ipPermissions><item><ipProtocol>tcp"
             "</ipProtocol><ipRanges><item><cidrIp>10.0.0.0/33</cidrIp>"
             "</item></ipRanges></item></ipPermissions></item>"
             "</securityGroupInfo></DescribeSecurityGroupsResponse>");
  assert_true(ec2_id_valid("sg-0123456789abcdef0", "sg-"));
  assert_false(ec2_id_valid("sg-", "sg-"));
  assert_false(ec2_id_valid("sg-ABC", "sg-"));
  assert_false(ec2_id_valid("vpc-1", "sg-"));
}

static char key_id[] = "AKIDEXAMPLE";
static char secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static struct aws_creds creds = {key_id, secret, NULL, "test"};

static enum cp_err describe(const struct fake_answer *a, size_t n,
                            struct sg_list *l)
{
  static struct http_settings hs;
  struct aws_client c;
  const char *ids[] = {"sg-1a2b3c4d", "sg-99aa88bb"};

  fake_reset(a, n);
  hs = fake_settings();
  memset(&c, 0, sizeof(c));
  c.endpoint = "https://ec2.us-east-1.amazonaws.com";
  c.region = "us-east-1";
  c.creds = &creds;
  c.http = &hs;
  return ec2_describe_security_groups(&c, ids, 2, l, err);
}

#define EC2_ERROR(code)                                                        \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"     \
  "<Code>" code "</Code><Message>You are not authorized to perform this "      \
  "operation.</Message></Error></Errors><RequestID>ea966190-example"           \
  "</RequestID></Response>"

static void test_call(void **state)
{
  static const struct fake_answer ok[] = {
      {503, EC2_ERROR("RequestLimitExceeded"), NULL, CP_OK},
      {200, ANSWER, NULL, CP_OK}};
  static const struct fake_answer denied[] = {
      {403, EC2_ERROR("UnauthorizedOperation"), NULL, CP_OK}};
  static const struct fake_answer missing[] = {
      {400, EC2_ERROR("InvalidGroup.NotFound"), NULL, CP_OK}};
  struct sg_list l = {NULL, 0};
  (void)state;

  /* throttled, then answered: signed for ec2, retried once */
  assert_int_equal(describe(ok, FAKE_N(ok), &l), CP_OK);
  assert_int_equal(fake.calls, 2);
  assert_int_equal(l.n, 2);
  assert_non_null(strstr(fake.headers[1], "/us-east-1/ec2/aws4_request"));
  assert_non_null(strstr(fake.headers[1], "application/x-www-form-urlencoded"));
  sg_list_release(&l);
  /* refusals said in our words, with AWS's and the request id */
  assert_int_equal(describe(denied, 1, &l), CP_E_API_ACCESS);
  assert_int_equal(fake.calls, 1);
  assert_non_null(strstr(err->text, "ec2:DescribeSecurityGroups"));
  assert_non_null(strstr(err->text, "request id ea966190-example"));
  assert_int_equal(describe(ok, 1, &l), CP_E_API_THROTTLED); /* every try */
  assert_int_equal(fake.calls, 3);
  assert_int_equal(describe(missing, 1, &l), CP_E_API_NOT_FOUND);
  assert_non_null(strstr(err->text, "sg-1a2b3c4d"));
  sg_list_release(&l);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_wrong_form),
      cmocka_unit_test(test_call),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
