/* SPDX-License-Identifier: Apache-2.0 */
/* output.h — what commands print on stdout, in text or JSON. */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "cfg_model.h"
#include "cli.h"

struct json_object;

/* Prints a result: `json` (taken, freed here) with --output json, `text`
 * with --output text, nothing with --output off. text may be NULL. */
void output_result(const struct cli_ctx *ctx, struct json_object *json,
                   const char *text);

/* [{"hostname","port"}, ...]: a slot's servers as results show them. */
struct json_object *output_servers(const struct cfg_server *servers,
                                   size_t nservers);

/* The standard result of a slot edit (add-cluster, remove-cluster, top-level
 * options): {"action","changed","cluster_id","region","type","servers",
 * "config"}; NULL members are left out. */
struct json_object *output_slot_result(enum cfg_action action, int changed,
                                       const char *cluster_id,
                                       const char *region, const char *type,
                                       const struct cfg_server *servers,
                                       size_t nservers, const char *config);

#endif
