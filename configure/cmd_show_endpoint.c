/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_show_endpoint.c — which API endpoint add-cluster would call, where the
 * endpoint and the region came from, and the interface VPC endpoint service
 * for networks with no way out to the internet. Calls nothing but instance
 * metadata (for the region, as add-cluster does). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "aws_profile.h"
#include "cluster_source.h"
#include "commands.h"
#include "cp_buf.h"
#include "output.h"

static const char *const show_examples[] = {
    "configure-pkcs11 show-endpoint --region eu-west-1",
    "configure-pkcs11 show-endpoint --region us-gov-west-1 --fips --output json",
    NULL};

static const struct cli_cmd_doc show_doc = {
    "configure-pkcs11 show-endpoint [--region <region>] [--fips] [--dualstack] "
    "[<options>]",
    "Show the CloudHSMv2 API endpoint add-cluster would call and where it "
    "came from (flag, environment, profile, partition rule), the region and "
    "its source, and the VPC endpoint service name for private networks.",
    show_examples};

enum cp_err cmd_show_endpoint(int argc, char **argv, struct cli_ctx *ctx,
                              struct cp_errbuf *err)
{
  struct cluster_opts s; /* resolved exactly as add-cluster does */
  struct http_settings http;
  const struct cli_opt opts[] = {
      CLI_REGION_OPT(&s),
      CLI_API_OPTS(&s),
      CLI_OUTPUT_OPTS(ctx), /* no config: it reads none */
      CLI_END()};
  struct aws_profiles *profiles = NULL;
  char *endpoint = NULL, *region = NULL, *vpce = NULL, *text = NULL;
  const char *region_src, *endpoint_src;
  json_object *o;
  enum cp_err rc;

  cluster_opts_init(&s);
  CP_TRY(rc, cli_parse(ctx, argc, argv, opts, &show_doc, err));
  if (ctx->help)
    goto out;
  CP_TRY(rc, cluster_opts_check(&s, &http, err));
  CP_TRY(rc, cluster_source_target(&s, &http, &profiles, &region, &endpoint,
                                   &region_src, &endpoint_src, err));
  /* interface endpoint service names: "cn.com.amazonaws." in China */
  vpce = cp_xasprintf("%scom.amazonaws.%s.cloudhsmv2",
                      !strncmp(region, "cn-", 3) ? "cn." : "", region);
  text = cp_xasprintf("endpoint: %s (from %s)\nregion: %s (from %s)\n"
                      "signing: service cloudhsm, region %s\n"
                      "vpc endpoint service: %s\n",
                      endpoint, endpoint_src, region, region_src, region, vpce);
  o = json_object_new_object();
  json_object_object_add(o, "endpoint", json_object_new_string(endpoint));
  json_object_object_add(o, "endpoint_source", json_object_new_string(endpoint_src));
  json_object_object_add(o, "region", json_object_new_string(region));
  json_object_object_add(o, "region_source", json_object_new_string(region_src));
  json_object_object_add(o, "signing_name", json_object_new_string("cloudhsm"));
  json_object_object_add(o, "vpc_endpoint_service", json_object_new_string(vpce));
  output_result(ctx, o, text);
out:
  free(text);
  free(vpce);
  free(region);
  free(endpoint);
  aws_profiles_free(profiles);
  return rc;
}
