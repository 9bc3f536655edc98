/* SPDX-License-Identifier: Apache-2.0 */
/* completion.c — shell completions for bash, zsh and fish, made from the
 * commands' own option tables (each command hands its table over instead of
 * parsing), so they cannot drift from --help. */
#include "completion.h"
#include "component.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cp_buf.h"
#include "sdk_paths.h"

struct copt {
  char name[48];    /* "--cluster-id" or "-a" */
  int takes_value;  /* a value follows (not a switch, not an optional number) */
  int file;         /* the value is a path */
  int cluster_id;   /* the value is a configured cluster id */
  char choices[96]; /* "text json off", or "" */
};

struct ctable {
  const char *cmd; /* NULL: the top level */
  struct copt *o;  /* owned, n of them */
  size_t n;
};

struct collector {
  struct cli_opt_sink sink;
  struct ctable *t;
};

static void add_opt(struct ctable *t, const struct cli_opt *o, int use_short)
{
  struct copt *c;
  const char *const *ch;

  t->o = cp_xrealloc(t->o, (t->n + 1) * sizeof(*t->o));
  c = &t->o[t->n++];
  memset(c, 0, sizeof(*c));
  if (use_short)
    snprintf(c->name, sizeof(c->name), "-%c", o->short_name);
  else
    snprintf(c->name, sizeof(c->name), "--%s", o->long_name);
  c->takes_value = o->type == CLI_T_STR || o->type == CLI_T_CHOICE ||
                   o->type == CLI_T_LIST || o->type == CLI_T_INT ||
                   o->type == CLI_T_OPTSTR;
  c->file = (o->flags & CLI_IS_PATH) != 0;
  c->cluster_id = o->long_name && !strcmp(o->long_name, "cluster-id");
  for (ch = o->choices; ch && *ch; ch++)
    snprintf(c->choices + strlen(c->choices),
             sizeof(c->choices) - strlen(c->choices), "%s%s",
             ch == o->choices ? "" : " ", *ch);
  if (o->long_name && !strcmp(o->long_name, "component"))
    component_choices(c->choices, sizeof(c->choices));
}

static void take_table(struct cli_opt_sink *sink, const struct cli_opt *opts)
{
  struct ctable *t = ((struct collector *)sink)->t;

  for (; opts->type != CLI_T_END; opts++) {
    if (opts->flags & CLI_HIDDEN)
      continue;
    if (opts->long_name)
      add_opt(t, opts, 0);
    if (opts->short_name)
      add_opt(t, opts, 1);
  }
}

/* Every table: [0] the top level, then each command but help. *out, one
 * more than the count returned, is the caller's (tables_release). */
static size_t collect(struct ctable **out)
{
  const struct cmd_entry *c;
  size_t n = 0, max = 1;
  struct ctable *tables;

  for (c = commands; c->name; c++)
    max++;
  tables = *out = cp_xcalloc(max + 1, sizeof(*tables)); /* + the spare */
  for (c = NULL; n < max; c = c ? c + 1 : commands) {
    struct collector col = {{take_table}, &tables[n]};
    struct cli_ctx ctx;
    struct cp_errbuf err = CP_ERRBUF_INIT;
    char help[] = "--help", name[64];
    char *argv[3];
    enum cp_err rc;

    if (c && !c->name)
      break;
    if (c && !strcmp(c->name, "help"))
      continue;
    memset(&ctx, 0, sizeof(ctx));
    free(tables[n].o);
    memset(&tables[n], 0, sizeof(tables[n]));
    ctx.options_out = &col.sink;
    snprintf(name, sizeof(name), "%s", c ? c->name : "configure-pkcs11");
    argv[0] = name;
    argv[1] = help;
    argv[2] = NULL;
    tables[n].cmd = c ? c->name : NULL;
    rc = c ? c->fn(2, argv, &ctx, &err) : cmd_top(2, argv, &ctx, &err);
    if (rc == CP_OK)
      n++;
  }
  return n;
}

/* "a b c": the commands' names */
static void command_words(struct cp_buf *b, const char *sep)
{
  const struct cmd_entry *c;

  for (c = commands; c->name; c++)
    cp_buf_printf(b, "%s%s", c == commands ? "" : sep, c->name);
}

static void option_words(struct cp_buf *b, const struct ctable *t)
{
  size_t i;

  for (i = 0; i < t->n; i++)
    cp_buf_printf(b, "%s%s", b->len ? " " : "", t->o[i].name);
}

static void tables_release(struct ctable *tables, size_t nt)
{
  size_t i;

  for (i = 0; i < nt; i++)
    free(tables[i].o);
  free(tables);
}

/* Every option name that takes a value, once, with what completes it:
 * *out (caller frees) points into tables. */
static size_t valued_options(const struct ctable *tables, size_t nt,
                             const struct copt ***out)
{
  size_t i, j, k, n = 0, max = 0;

  for (i = 0; i < nt; i++)
    max += tables[i].n;
  *out = cp_xcalloc(max ? max : 1, sizeof(**out));
  for (i = 0; i < nt; i++)
    for (j = 0; j < tables[i].n; j++) {
      const struct copt *o = &tables[i].o[j];
      if (!o->takes_value)
        continue;
      for (k = 0; k < n && strcmp((*out)[k]->name, o->name); k++)
        ;
      if (k == n)
        (*out)[n++] = o;
    }
  return n;
}

/* The cluster ids of the config the line names: $cfg, set by the script
 * from a --config on the line, else $CONFIGURE_PKCS11_CONFIG, else the
 * default path. */
#define CLUSTER_IDS_SH                                                         \
  "grep -o '\"cluster-[2-7a-zA-Z]*\"' \"$cfg\" 2>/dev/null | tr -d '\"'"

static void print_bash(const struct ctable *t, size_t nt)
{
  const struct copt **valued;
  size_t nv = valued_options(t, nt, &valued), i;
  struct cp_buf words = CP_BUF_INIT;

  printf("# bash completion for configure-pkcs11: made by\n"
         "# `configure-pkcs11 --completion bash` from its option tables\n"
         "_configure_pkcs11() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}"
         " cmd= i opts cfg=${CONFIGURE_PKCS11_CONFIG:-%s}\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n"
         "      --config) if [ \"${COMP_WORDS[i+1]}\" = = ]; then "
         "cfg=${COMP_WORDS[i+2]}; else cfg=${COMP_WORDS[i+1]}; fi ;;\n"
         "      --config=*) cfg=${COMP_WORDS[i]#--config=} ;;\n"
         "      ",
         sdk_config_path());
  command_words(&words, "|");
  printf("%s) [ -n \"$cmd\" ] || cmd=${COMP_WORDS[i]} ;;\n    esac\n  done\n"
         "  cfg=${cfg/#\\~/$HOME}\n  case $prev in\n",
         cp_buf_str(&words));
  for (i = 0; i < nv; i++) {
    const struct copt *o = valued[i];
    if (o->file)
      printf("    %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
             o->name);
    else if (o->choices[0])
      printf("    %s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
             o->name, o->choices);
    else if (o->cluster_id)
      printf("    %s) COMPREPLY=($(compgen -W \"$(" CLUSTER_IDS_SH
             ")\" -- \"$cur\")); return ;;\n",
             o->name);
    else
      printf("    %s) return ;;\n", o->name);
  }
  printf("  esac\n  case $cmd in\n");
  for (i = 1; i < nt; i++) {
    cp_buf_reset(&words);
    option_words(&words, &t[i]);
    printf("    %s) opts=\"%s\" ;;\n", t[i].cmd, cp_buf_str(&words));
  }
  cp_buf_reset(&words);
  command_words(&words, " ");
  printf("    help) opts=\"%s\" ;;\n", cp_buf_str(&words));
  option_words(&words, &t[0]);
  printf("    *) opts=\"%s\" ;;\n  esac\n"
         "  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n}\n"
         "complete -F _configure_pkcs11 configure-pkcs11\n",
         cp_buf_str(&words));
  cp_buf_release(&words);
  free(valued);
}

static void print_zsh(const struct ctable *t, size_t nt)
{
  const struct copt **valued;
  size_t nv = valued_options(t, nt, &valued), i;
  struct cp_buf words = CP_BUF_INIT;

  printf("#compdef configure-pkcs11\n"
         "# zsh completion for configure-pkcs11: made by\n"
         "# `configure-pkcs11 --completion zsh` from its option tables\n"
         "local cmd= w p= cfg=${CONFIGURE_PKCS11_CONFIG:-%s}\n"
         "for w in ${words[2,CURRENT-1]}; do\n"
         "  [[ $p == --config ]] && cfg=$w\n"
         "  case $w in (--config=*) cfg=${w#--config=} ;; (",
         sdk_config_path());
  command_words(&words, "|");
  printf("%s) [[ -n $cmd ]] || cmd=$w ;; esac\n  p=$w\ndone\ncfg=${~cfg}\n"
         "case ${words[CURRENT-1]} in\n",
         cp_buf_str(&words));
  for (i = 0; i < nv; i++) {
    const struct copt *o = valued[i];
    if (o->file)
      printf("  (%s) _files; return ;;\n", o->name);
    else if (o->choices[0])
      printf("  (%s) compadd -- %s; return ;;\n", o->name, o->choices);
    else if (o->cluster_id)
      printf("  (%s) compadd -- ${(f)\"$(" CLUSTER_IDS_SH ")\"}; return ;;\n",
             o->name);
    else
      printf("  (%s) return ;;\n", o->name);
  }
  printf("esac\ncase $cmd in\n");
  for (i = 1; i < nt; i++) {
    cp_buf_reset(&words);
    option_words(&words, &t[i]);
    printf("  (%s) compadd -- %s ;;\n", t[i].cmd, cp_buf_str(&words));
  }
  cp_buf_reset(&words);
  command_words(&words, " ");
  printf("  (help) compadd -- %s ;;\n", cp_buf_str(&words));
  option_words(&words, &t[0]);
  printf("  (*) compadd -- %s ;;\nesac\n", cp_buf_str(&words));
  cp_buf_release(&words);
  free(valued);
}

static void print_fish(const struct ctable *t, size_t nt)
{
  struct cp_buf cmds = CP_BUF_INIT;
  size_t i, j;

  command_words(&cmds, " ");
  printf("# fish completion for configure-pkcs11: made by\n"
         "# `configure-pkcs11 --completion fish` from its option tables\n"
         "function __configure_pkcs11_clusters\n"
         "    set -l f %s\n"
         "    set -q CONFIGURE_PKCS11_CONFIG; and set f $CONFIGURE_PKCS11_CONFIG\n"
         "    set -l t (commandline -opc)\n"
         "    for i in (seq (count $t))\n"
         "        if test \"$t[$i]\" = --config; and test $i -lt (count $t)\n"
         "            set f $t[(math $i + 1)]\n"
         "        else if string match -q -- '--config=*' $t[$i]\n"
         "            set f (string replace -- '--config=' '' $t[$i])\n"
         "        end\n"
         "    end\n"
         "    grep -o '\"cluster-[2-7a-zA-Z]*\"' $f 2>/dev/null | tr -d '\"'\n"
         "end\n"
         "complete -c configure-pkcs11 -f\n"
         "complete -c configure-pkcs11 -n \"not __fish_seen_subcommand_from %s\" "
         "-a \"%s\"\n"
         "complete -c configure-pkcs11 -n \"__fish_seen_subcommand_from help\" "
         "-a \"%s\"\n",
         sdk_config_path(), cp_buf_str(&cmds), cp_buf_str(&cmds),
         cp_buf_str(&cmds));
  for (i = 0; i < nt; i++)
    for (j = 0; j < t[i].n; j++) {
      const struct copt *o = &t[i].o[j];
      if (t[i].cmd)
        printf("complete -c configure-pkcs11 -n \"__fish_seen_subcommand_from "
               "%s\"", t[i].cmd);
      else
        printf("complete -c configure-pkcs11 -n \"not "
               "__fish_seen_subcommand_from %s\"", cp_buf_str(&cmds));
      printf(o->name[1] == '-' ? " -l %s" : " -s %s", o->name + (o->name[1] == '-' ? 2 : 1));
      if (o->file)
        printf(" -r -F");
      else if (o->choices[0])
        printf(" -x -a \"%s\"", o->choices);
      else if (o->cluster_id)
        printf(" -x -a \"(__configure_pkcs11_clusters)\"");
      else if (o->takes_value)
        printf(" -x");
      printf("\n");
    }
  cp_buf_release(&cmds);
}

enum cp_err completion_print(const char *shell, struct cp_errbuf *err)
{
  struct ctable *tables = NULL;
  size_t n;

  if (!shell || (strcmp(shell, "bash") && strcmp(shell, "zsh") &&
                 strcmp(shell, "fish")))
    return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                   "unknown shell (--completion %s): completions are made for "
                   "bash, zsh and fish. Give one of them",
                   shell ? shell : "");
  n = collect(&tables);
  if (!strcmp(shell, "bash"))
    print_bash(tables, n);
  else if (!strcmp(shell, "zsh"))
    print_zsh(tables, n);
  else
    print_fish(tables, n);
  tables_release(tables, n + 1);
  return CP_OK;
}
