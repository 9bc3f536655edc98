/* SPDX-License-Identifier: Apache-2.0 */
/* main.c — configure-pkcs11: dispatch to a subcommand, report its result. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cluster_source.h"
#include "commands.h"
#include "completion.h"
#include "version.h"
#include "cp_platform.h"
#include "http.h"

const struct cmd_entry commands[] = {
    {"add-cluster", cmd_add_cluster, "add or refresh a cluster's slot from the API", 0},
    {"remove-cluster", cmd_remove_cluster, "remove a cluster's slot", 0},
    {"refresh-clusters", cmd_refresh_clusters,
     "refresh every slot's servers with one API call per region", 0},
    {"list-clusters", cmd_list_clusters, "show the configured slots", 1},
    {"check", cmd_check, "test TLS connectivity to every configured server", 1},
    {"doctor", cmd_doctor, "name what keeps an application from using the config", 1},
    {"show-endpoint", cmd_show_endpoint, "show the API endpoint and where it came from", 1},
    {"help", cmd_help, "show help for a command", 1},
    {NULL, NULL, NULL, 0},
};

static const struct cmd_entry *find_command(const char *name)
{
  const struct cmd_entry *c;

  for (c = commands; c->name; c++)
    if (!strcmp(name, c->name))
      return c;
  return NULL;
}

/* Options AWS CLI users type before the command (`configure-pkcs11 --output
 * json list-clusters`, `--config F add-cluster ...`): every command's common
 * options and the AWS CLI's global options this tool has, as the same rows
 * the commands parse them with. with_value says whether one follows. */
static int global_option(const char *arg, int *with_value)
{
  struct cli_ctx c;
  struct cluster_opts s;
  const struct cli_opt globals[] = {
      CLI_COMMON_OPTS(&c),
      CLI_CLUSTER_SOURCE_GLOBAL_OPTS(&s),
      CLI_END()};

  return cli_option_in(globals, arg, with_value);
}

/* Moves global options given before the command to after it, so the
 * command's own table checks them: argv[1..k] global options, argv[k+1] a
 * command. Returns the command, or NULL (argv untouched: the top level). */
static const struct cmd_entry *hoist_globals(int argc, char **argv)
{
  const struct cmd_entry *c;
  int i = 1, with_value;
  char *cmd;

  while (i < argc && global_option(argv[i], &with_value))
    i += 1 + with_value;
  if (i <= 1 || i >= argc || !(c = find_command(argv[i])))
    return NULL;
  cmd = argv[i];
  memmove(argv + 2, argv + 1, sizeof(*argv) * (size_t)(i - 1));
  argv[1] = cmd;
  return c;
}

/* As coreutils' close_stdout: output that could not be written (a full
 * disk, a closed pipe) is an error, not a silent success. */
static int close_stdout(int status)
{
  int failed = fflush(stdout) != 0 || ferror(stdout);

  if (fclose(stdout) != 0)
    failed = 1;
  if (!failed)
    return status;
  fprintf(stderr, "configure-pkcs11: error: cannot write the output "
          "(stdout): %s. Check where stdout goes (a full disk, a closed "
          "pipe)\n", strerror(errno ? errno : EIO));
  return status ? status : 255;
}

int main(int argc, char **argv)
{
  struct cli_ctx ctx = {0};
  struct cp_errbuf err = CP_ERRBUF_INIT;
  const struct cmd_entry *c;
  enum cp_err rc;

  plat_process_init();
  ctx.program = argv[0];
  if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
    version_print();
    return close_stdout(0);
  }
  if (argc > 1 && !strcmp(argv[1], "--completion")) { /* for packagers */
    rc = completion_print(argc > 2 ? argv[2] : NULL, &err);
    return close_stdout(cli_report(&ctx, rc, &err));
  }
  http_global_init();
  c = argc > 1 ? find_command(argv[1]) : NULL;
  if (!c)
    c = hoist_globals(argc, argv);
  if (c) {
    ctx.cmd = c->name;
    ctx.read_only = c->read_only;
    rc = c->fn(argc - 1, argv + 1, &ctx, &err);
  } else if (argc > 1 && argv[1][0] && argv[1][0] != '-') {
    rc = command_unknown(argv[1], &err); /* the top level takes no word */
  } else {
    rc = cmd_top(argc, argv, &ctx, &err);
  }
  http_global_cleanup();
  return close_stdout(cli_report(&ctx, rc, &err));
}
