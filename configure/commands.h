/* SPDX-License-Identifier: Apache-2.0 */
/* commands.h — one function per subcommand, each in cmd_<name>.c. Each
 * returns a cp_err with its detail in err; main() owns err and turns both
 * into a message and an exit status. */
#ifndef COMMANDS_H
#define COMMANDS_H

#include "cli.h"

enum cp_err cmd_top(int argc, char **argv, struct cli_ctx *ctx,
                    struct cp_errbuf *err);
enum cp_err cmd_add_cluster(int argc, char **argv, struct cli_ctx *ctx,
                            struct cp_errbuf *err);
enum cp_err cmd_remove_cluster(int argc, char **argv, struct cli_ctx *ctx,
                               struct cp_errbuf *err);
enum cp_err cmd_refresh_clusters(int argc, char **argv, struct cli_ctx *ctx,
                                 struct cp_errbuf *err);
enum cp_err cmd_list_clusters(int argc, char **argv, struct cli_ctx *ctx,
                              struct cp_errbuf *err);
enum cp_err cmd_check(int argc, char **argv, struct cli_ctx *ctx,
                      struct cp_errbuf *err);
enum cp_err cmd_doctor(int argc, char **argv, struct cli_ctx *ctx,
                       struct cp_errbuf *err);
enum cp_err cmd_show_endpoint(int argc, char **argv, struct cli_ctx *ctx,
                              struct cp_errbuf *err);
enum cp_err cmd_help(int argc, char **argv, struct cli_ctx *ctx,
                     struct cp_errbuf *err);

/* A word where a command goes that is none: CP_E_USAGE, naming the command
 * it most likely meant. */
CP_MUST_USE enum cp_err command_unknown(const char *name,
                                        struct cp_errbuf *err);

struct cmd_entry {
  const char *name;
  enum cp_err (*fn)(int argc, char **argv, struct cli_ctx *ctx,
                    struct cp_errbuf *err);
  const char *summary;
  int read_only; /* writes nothing: its JSON has no "changed" */
};
extern const struct cmd_entry commands[];

#endif
