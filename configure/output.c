/* SPDX-License-Identifier: Apache-2.0 */
/* output.c — results on stdout, one shape per command. */
#include "output.h"

#include <json-c/json.h>
#include <stdio.h>

void output_result(const struct cli_ctx *ctx, struct json_object *json,
                   const char *text)
{
  if (ctx->output == CLI_OUT_JSON) {
    cli_print_json(json);
    json = NULL;
  } else if (ctx->output == CLI_OUT_TEXT && text) {
    cli_print_text(text);
  }
  json_object_put(json);
  fflush(stdout);
}

struct json_object *output_servers(const struct cfg_server *servers,
                                   size_t nservers)
{
  json_object *arr = json_object_new_array();
  size_t i;

  for (i = 0; i < nservers; i++) {
    json_object *s = json_object_new_object();
    json_object_object_add(s, "hostname",
                           json_object_new_string(servers[i].hostname));
    json_object_object_add(s, "port", json_object_new_int(servers[i].port));
    json_object_array_add(arr, s);
  }
  return arr;
}

struct json_object *output_slot_result(enum cfg_action action, int changed,
                                       const char *cluster_id,
                                       const char *region, const char *type,
                                       const struct cfg_server *servers,
                                       size_t nservers, const char *config)
{
  json_object *o = json_object_new_object();

  json_object_object_add(o, "action",
                         json_object_new_string(cfg_action_name(action)));
  json_object_object_add(o, "changed", json_object_new_boolean(changed));
  if (cluster_id)
    json_object_object_add(o, "cluster_id", json_object_new_string(cluster_id));
  if (region)
    json_object_object_add(o, "region", json_object_new_string(region));
  if (type)
    json_object_object_add(o, "type", json_object_new_string(type));
  if (servers)
    json_object_object_add(o, "servers", output_servers(servers, nservers));
  json_object_object_add(o, "config", json_object_new_string(config));
  return o;
}
