/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h — option tables, parsing, help and reporting for the front end.
 *
 * Each subcommand declares a table of struct cli_opt ending in CLI_END() and
 * calls cli_parse(). Values are checked by type before any work is done:
 * a string option refuses "" naming the flag, a choice refuses values not in
 * its list, an --enable/--disable pair refuses being given both ways. */
#ifndef CLI_H
#define CLI_H

#include "cp_err.h"

struct json_object;

enum cli_output { CLI_OUT_TEXT, CLI_OUT_JSON, CLI_OUT_OFF };

/* What every command shares: output mode, verbosity, config path. */
/* The JSON contract's version (docs/schema/): every document carries it. */
#define CLI_SCHEMA_VERSION 1

struct cli_ctx {
  const char *cmd;          /* "add-cluster", or NULL for top level */
  const char *program;      /* argv[0]: a link named configure-jce edits
                               cloudhsm-jce.cfg (component.h) */
  const char *config_path;  /* --config (component.h resolves the files) */
  const char *config_dir;   /* --config-dir */
  const char *component_arg; /* --component */
  const char *output_arg;   /* --output as given */
  enum cli_output output;
  int read_only;            /* the command writes nothing: its JSON has no
                               "changed" */
  int debug;
  int quiet;
  int help;                 /* --help was given: usage printed, exit 0 */
  int lock_timeout_ms;      /* CONFIGURE_PKCS11_LOCK_TIMEOUT, else 10 s */
  struct json_object *json_result; /* a result that must come out even on
                                      failure (check): cli_report prints it
                                      with "error" added, and frees it */
  struct cli_opt_sink *options_out; /* set: cli_parse hands the command's
                                       option table here and stops as for
                                       --help (completions are made from
                                       the tables) */
};

/* Where cli_parse hands an option table (see cli_ctx.options_out). */
struct cli_opt;
struct cli_opt_sink {
  void (*take)(struct cli_opt_sink *sink, const struct cli_opt *opts);
};

/* The types are generic: what a value means (its unit, an example) is in
 * the row's argh ("<seconds>", "<address>"), which messages repeat. */
enum cli_type {
  CLI_T_END,
  CLI_T_STR,    /* char **: one non-empty value */
  CLI_T_CHOICE, /* char **: one of choices[] */
  CLI_T_LIST,   /* struct cli_list *: one or more values, option repeatable */
  CLI_T_FLAG,   /* int *: set to 1 */
  CLI_T_SET,    /* int *: set to set_to; the other value of the pair is a
                   contradiction (--enable-x / --disable-x) */
  CLI_T_INT,    /* int *: a non-negative whole number */
  CLI_T_OPTINT, /* int *: a flag with an optional number (--wait [N]) */
  CLI_T_OPTSTR  /* char **: a flag with an optional value, the next argument
                   unless it starts with '-' (--library [PATH]); "" when
                   given without one */
};

#define CLI_REQUIRED 1 /* STR, CHOICE, LIST: must be given */
#define CLI_HIDDEN 2 /* an accepted alias: not shown in --help */
#define CLI_IS_PATH 4 /* STR: the value is a file or folder (completion) */

struct cli_opt {
  enum cli_type type;
  char short_name;
  const char *long_name;
  void *value;
  const char *argh;
  const char *help;
  const char *const *choices;
  int flags;
  int set_to; /* CLI_T_SET value; CLI_T_OPTINT value when no number given */
};

#define CLI_STR(s, l, v, a, h, f) {CLI_T_STR, s, l, v, a, h, NULL, f, 0}
#define CLI_PATH(s, l, v, a, h, f)                                             \
  {CLI_T_STR, s, l, v, a, h, NULL, (f) | CLI_IS_PATH, 0}
#define CLI_CHOICE(l, v, a, c, h) {CLI_T_CHOICE, 0, l, v, a, h, c, 0, 0}
#define CLI_LIST(s, l, v, a, h) {CLI_T_LIST, s, l, v, a, h, NULL, 0, 0}
#define CLI_FLAG(s, l, v, h, f) {CLI_T_FLAG, s, l, v, NULL, h, NULL, f, 0}
#define CLI_SET(l, v, to, h) {CLI_T_SET, 0, l, v, NULL, h, NULL, 0, to}
#define CLI_INT(l, v, a, h) {CLI_T_INT, 0, l, v, a, h, NULL, 0, 0}
#define CLI_OPTINT(l, v, a, d, h) {CLI_T_OPTINT, 0, l, v, a, h, NULL, 0, d}
#define CLI_OPTPATH(l, v, a, h)                                                \
  {CLI_T_OPTSTR, 0, l, v, a, h, NULL, CLI_IS_PATH, 0}
#define CLI_END() {CLI_T_END, 0, NULL, NULL, NULL, NULL, NULL, 0, 0}

/* The name among n (NULL entries skipped) a mistyped word most likely
 * meant: one it begins, else one holding it, else the nearest within 3
 * edits; NULL when none is near. */
const char *cli_closest(const char *const *names, size_t n, const char *word);

struct cli_list {
  const char **items; /* point into argv; the array is owned */
  int n;
};
void cli_list_release(struct cli_list *l);

/* The options every command takes (--config, --config-dir, --component,
 * --output, --debug, -q, -h); one that reads no config (show-endpoint)
 * takes the output ones only. */
#define CLI_COMMON_OPTS(ctx) CLI_CONFIG_OPTS(ctx), CLI_OUTPUT_OPTS(ctx)
#define CLI_CONFIG_OPTS(ctx)                                                   \
  CLI_PATH(0, "config", (void *)&(ctx)->config_path, "<file>",                 \
           "the config file to edit", 0),                                      \
  CLI_PATH(0, "config-dir", (void *)&(ctx)->config_dir, "<dir>",               \
           "the folder of the SDK components' config files (below)", 0),       \
  CLI_STR(0, "component", (void *)&(ctx)->component_arg,                       \
          "<name[,name...]|installed>",                                        \
          "edit these components' files (pkcs11, cli, jce, dyn or ksp), or "   \
          "every one installed in the config folder", 0)
#define CLI_OUTPUT_OPTS(ctx)                                                   \
  CLI_CHOICE("output", (void *)&(ctx)->output_arg, "<text|json|off>",          \
             cli_output_choices, "what to print on stdout (default text)"),    \
  CLI_FLAG(0, "debug", &(ctx)->debug, "print details of each step on stderr",  \
           0),                                                                 \
  CLI_FLAG('q', "quiet", &(ctx)->quiet, "print only errors on stderr", 0),     \
  CLI_FLAG('h', "help", &(ctx)->help, "show this help", 0)

extern const char *const cli_output_choices[];

struct cli_cmd_doc {
  const char *synopsis;    /* "configure-pkcs11 add-cluster --cluster-id <id> …" */
  const char *summary;     /* one line */
  const char *const *examples;
};

/* Parses argv[1..argc-1] against opts. Prints --help to stdout (ctx->help
 * set, CP_OK). Usage errors are CP_E_USAGE with the detail recorded. */
CP_MUST_USE enum cp_err cli_parse(struct cli_ctx *ctx, int argc, char **argv,
                                  const struct cli_opt *opts,
                                  const struct cli_cmd_doc *doc,
                                  struct cp_errbuf *err);
void cli_print_help(const struct cli_opt *opts, const struct cli_cmd_doc *doc);

/* 1 when arg ("--name", "--name=v", "-x") is an option of opts; *with_value
 * is 1 when its value is the next word. Parses nothing. */
int cli_option_in(const struct cli_opt *opts, const char *arg,
                  int *with_value);

/* Installs the diagnostics hook for ctx (stderr, "configure-pkcs11: …"). */
void cli_setup_logging(struct cli_ctx *ctx);

struct json_object;
/* The two ways results reach stdout, through cp_text.h: a JSON tree (taken,
 * freed here; every string made valid UTF-8) and report text (control
 * characters escaped, line breaks kept). Diagnostics on stderr go the same
 * way, one line each. */
void cli_print_json(struct json_object *o);
void cli_print_text(const char *text);

/* Prints the error of rc with err's detail (stderr, and a JSON object on
 * stdout with --output json) and returns the exit status. CP_OK returns 0
 * and prints nothing (but a pending ctx->json_result). */
int cli_report(struct cli_ctx *ctx, enum cp_err rc,
               const struct cp_errbuf *err);

/* For hints that name another command: the two printf arguments of "%s%s"
 * that name the file with --config unless it is the default, so the hint
 * edits the same file. */
#define CLI_FILE_HINT(path)                                                    \
  cli_is_default_config(path) ? "" : " --config ",                             \
      cli_is_default_config(path) ? "" : (path)
int cli_is_default_config(const char *path);

/* A path that goes into the config (--hsm-ca-cert, --log-file, the client
 * pair): valid UTF-8 (else CP_E_INVALID naming flag), stored absolute in
 * *abs (caller frees). */
CP_MUST_USE enum cp_err cli_path_for_config(const char *flag, const char *path,
                                            char **abs, struct cp_errbuf *err);

#endif
