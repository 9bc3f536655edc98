/* SPDX-License-Identifier: Apache-2.0 */
/* main.c — configure-pkcs11: dispatch to a subcommand, report its result. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cp_platform.h"
#include "cp_version.h"
#include "http.h"

const struct cmd_entry commands[] = {
    {"add-cluster", cmd_add_cluster, "add or refresh a cluster's slot from the API"},
    {"remove-cluster", cmd_remove_cluster, "remove a cluster's slot"},
    {"list-clusters", cmd_list_clusters, "show the configured slots"},
    {"check", cmd_check, "test TLS connectivity to every configured server"},
    {"show-endpoint", cmd_show_endpoint, "show the API endpoint and where it came from"},
    {"help", cmd_help, "show help for a command"},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
  struct cli_ctx ctx = {0};
  const struct cmd_entry *c;
  enum cp_err rc;

  plat_process_init();
  if (argc > 1 && !strcmp(argv[1], "--version")) {
    printf("configure-pkcs11 %s\n", CP_VERSION);
    return 0;
  }
  http_global_init();
  for (c = commands; argc > 1 && c->name; c++)
    if (!strcmp(argv[1], c->name))
      break;
  if (argc > 1 && c->name) {
    ctx.cmd = c->name;
    rc = c->fn(argc - 1, argv + 1, &ctx);
  } else {
    rc = cmd_top(argc, argv, &ctx);
  }
  http_global_cleanup();
  return cli_report(&ctx, rc);
}
