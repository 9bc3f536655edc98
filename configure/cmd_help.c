/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_help.c — `configure-pkcs11 help [<command>]`: the command's --help. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

enum cp_err cmd_help(int argc, char **argv, struct cli_ctx *ctx,
                     struct cp_errbuf *err)
{
  const struct cmd_entry *c;
  char help_flag[] = "--help";
  char *args[3];

  if (argc < 2) {
    args[0] = argv[0];
    args[1] = help_flag;
    return cmd_top(2, args, ctx, err);
  }
  for (c = commands; c->name; c++)
    if (!strcmp(argv[1], c->name) && c->fn != cmd_help) {
      args[0] = argv[1];
      args[1] = help_flag;
      args[2] = NULL;
      ctx->cmd = c->name;
      return c->fn(2, args, ctx, err);
    }
  return command_unknown(argv[1], err);
}

enum cp_err command_unknown(const char *name, struct cp_errbuf *err)
{
  const char *names[32], *near;
  size_t n = 0;
  const struct cmd_entry *c;

  for (c = commands; c->name && n < 32; c++)
    names[n++] = c->name;
  near = cli_closest(names, n, name);
  if (near) /* as git: "did you mean", and nothing run */
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "unknown command (%s): there is no such command. Did you "
                   "mean %s?",
                   name, near);
  return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                 "unknown command (%s): there is no such command. See "
                 "configure-pkcs11 --help",
                 name);
}
