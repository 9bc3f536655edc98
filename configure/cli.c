/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c — table-driven option parsing, generated help, error reporting. */
#include "cli.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "cp_log.h"
#include "cp_text.h"
#include "cp_platform.h"
#include "sdk_paths.h"

const char *const cli_output_choices[] = {"text", "json", "off", NULL};

void cli_list_release(struct cli_list *l)
{
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

/* ---- suggestions ------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t *row = cp_xcalloc(lb + 1, sizeof(*row)), best;

  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; j++) {
      size_t up = row[j], cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = diag + cost;
      if (row[j] + 1 < v)
        v = row[j] + 1;
      if (row[j - 1] + 1 < v)
        v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
    }
  }
  best = row[lb];
  free(row);
  return best;
}

/* How far word is from name: a name the word begins (--dry for --dry-run)
 * is nearest, then one holding it (4 letters or more), then the edit
 * distance. */
static size_t nearness(const char *word, const char *name)
{
  size_t d = edit_distance(word, name), n = strlen(word);

  if (n >= 2 && !strncmp(name, word, n))
    return 0;
  if (n >= 4 && strstr(name, word))
    return d < 1 ? d : 1;
  return d + 1;
}

const char *cli_closest(const char *const *names, size_t n, const char *word)
{
  const char *best = NULL;
  size_t best_d = (size_t)-1, i, d;

  for (i = 0; i < n; i++)
    if (names[i] && (d = nearness(word, names[i])) < best_d) {
      best_d = d;
      best = names[i];
    }
  return best_d <= 4 ? best : NULL; /* an edit distance of 3 at most */
}

static const char *closest_option(const struct cli_opt *opts, const char *name)
{
  const char *names[256];
  size_t n = 0;

  for (; opts->type != CLI_T_END && n < 256; opts++)
    if (opts->long_name)
      names[n++] = opts->long_name;
  return cli_closest(names, n, name);
}

/* ---- help -------------------------------------------------------------- */

/* "-q, --quiet", "    --config <file>", "-a <address>..." */
static void left_column(const struct cli_opt *o, char *out, size_t n)
{
  struct cp_buf b = CP_BUF_INIT;

  if (o->short_name)
    cp_buf_printf(&b, "-%c%s", o->short_name, o->long_name ? ", " : "");
  else
    cp_buf_puts(&b, "    ");
  if (o->long_name)
    cp_buf_printf(&b, "--%s", o->long_name);
  if (o->argh)
    cp_buf_printf(&b, " %s%s", o->argh, o->type == CLI_T_LIST ? "..." : "");
  snprintf(out, n, "%s", cp_buf_str(&b));
  cp_buf_release(&b);
}

void cli_print_help(const struct cli_opt *opts, const struct cli_cmd_doc *doc)
{
  const struct cli_opt *o;
  const char *const *ex;

  printf("usage: %s\n\n%s\n\noptions:\n", doc->synopsis, doc->summary);
  for (o = opts; o->type != CLI_T_END; o++) {
    char left[96];
    if (o->flags & CLI_HIDDEN)
      continue;
    left_column(o, left, sizeof(left));
    printf("  %-40s %s\n", left, o->help);
  }
  if (doc->examples && doc->examples[0]) {
    printf("\nexamples:\n");
    for (ex = doc->examples; *ex; ex++)
      printf("  %s\n", *ex);
  }
  printf("\nconfig file: --config, else $CONFIGURE_PKCS11_CONFIG, else %s.\n"
         "--config-dir (default %s) with --component edits the files of "
         "other SDK components; a link named after one of AWS's configure "
         "tools (configure-cli, configure-jce, ...) edits that component's "
         "file.\n",
         sdk_config_path(), sdk_config_dir());
  printf("\nexit status: 0 success (also when nothing changed), 2 usage, "
         "252 invalid value, 253 invalid environment or config, 254 API "
         "error, 255 other (network, TLS, internal), 130 interrupted.\n");
}

/* ---- parsing ----------------------------------------------------------- */

static enum cp_err usage(const char *file, int line, const char *fmt,
                         const char *a, const char *b, struct cp_errbuf *err)
{
  return cp_fail(err, CP_E_USAGE, file, line, fmt, a, b ? b : "");
}

static int contradicts(const struct cli_opt *opts, const struct cli_opt *o,
                       const char **other)
{
  const struct cli_opt *p;
  for (p = opts; p->type != CLI_T_END; p++)
    if (p != o && p->type == CLI_T_SET && p->value == o->value &&
        p->set_to != o->set_to) {
      *other = p->long_name;
      return 1;
    }
  return 0;
}

static enum cp_err take_value(const struct cli_opt *o, const char *spelled,
                              const char *val, struct cp_errbuf *err)
{
  if (!*val)
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "empty value (%s): the option needs a non-empty value. "
                   "Give a value or leave the option out",
                   spelled);
  switch (o->type) {
  case CLI_T_STR:
  case CLI_T_OPTSTR:
    *(const char **)o->value = val;
    return CP_OK;
  case CLI_T_CHOICE: {
    const char *const *c;
    struct cp_buf list = CP_BUF_INIT;
    enum cp_err rc;
    for (c = o->choices; *c; c++)
      if (!strcmp(*c, val)) {
        *(const char **)o->value = val;
        return CP_OK;
      }
    for (c = o->choices; *c; c++)
      cp_buf_printf(&list, "%s%s", c == o->choices ? "" : ", ", *c);
    rc = cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "invalid value (%s %s): it is not one of the possible "
                 "values. Use one of: %s",
                 spelled, val, cp_buf_str(&list));
    cp_buf_release(&list);
    return rc;
  }
  case CLI_T_INT:
  case CLI_T_OPTINT: {
    char *end;
    long v = strtol(val, &end, 10);
    if (*end || v < 0 || v > 86400 || !isdigit((unsigned char)val[0]))
      return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                     "invalid number (%s %s): it is not a whole number from "
                     "0 to 86400. Give %s as one",
                     spelled, val, o->argh ? o->argh : "the value");
    *(int *)o->value = (int)v;
    return CP_OK;
  }
  default:
    return cp_fail(err, CP_E_INTERNAL, __FILE__, __LINE__, "bad option table");
  }
}

/* For CLI_REQUIRED: whether the option came. Options with a value only;
 * a required switch is a table mistake, reported as never given. */
static int given(const struct cli_opt *o)
{
  switch (o->type) {
  case CLI_T_STR:
  case CLI_T_CHOICE:
  case CLI_T_OPTSTR:
    return *(const char *const *)o->value != NULL;
  case CLI_T_LIST:
    return ((const struct cli_list *)o->value)->n > 0;
  default:
    return 0;
  }
}

static const struct cli_opt *find_long(const struct cli_opt *opts,
                                       const char *name, size_t len)
{
  for (; opts->type != CLI_T_END; opts++)
    if (opts->long_name && strlen(opts->long_name) == len &&
        !strncmp(opts->long_name, name, len))
      return opts;
  return NULL;
}

static const struct cli_opt *find_short(const struct cli_opt *opts, char c)
{
  for (; opts->type != CLI_T_END; opts++)
    if (opts->short_name == c)
      return opts;
  return NULL;
}

int cli_option_in(const struct cli_opt *opts, const char *arg,
                  int *with_value)
{
  const struct cli_opt *o;
  size_t len;

  if (arg[0] != '-' || !arg[1])
    return 0;
  if (arg[1] == '-') {
    len = strcspn(arg + 2, "=");
    o = find_long(opts, arg + 2, len);
    *with_value = o && !arg[2 + len] && o->type != CLI_T_FLAG &&
                  o->type != CLI_T_SET && o->type != CLI_T_OPTINT &&
                  o->type != CLI_T_OPTSTR;
  } else {
    o = find_short(opts, arg[1]);
    *with_value = o && !arg[2] && o->type != CLI_T_FLAG &&
                  o->type != CLI_T_SET && o->type != CLI_T_OPTINT &&
                  o->type != CLI_T_OPTSTR;
  }
  return o != NULL;
}

/* How long a write waits for another run's lock: CONFIGURE_PKCS11_LOCK_TIMEOUT
 * seconds (scripts that start many runs at once raise it), else 10. */
static enum cp_err lock_timeout(struct cli_ctx *ctx, struct cp_errbuf *err)
{
  const char *e = getenv("CONFIGURE_PKCS11_LOCK_TIMEOUT");
  char *end;
  long v;

  ctx->lock_timeout_ms = 10000;
  if (!e || !*e)
    return CP_OK;
  v = strtol(e, &end, 10);
  if (*end || v < 0 || v > 86400 || !isdigit((unsigned char)e[0]))
    return cp_fail(
        err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
        "invalid lock timeout (CONFIGURE_PKCS11_LOCK_TIMEOUT %.20s): "
        "it is not a whole number of seconds. Give one from 0 to "
        "86400, or unset it",
        e);
  ctx->lock_timeout_ms = (int)v * 1000;
  return CP_OK;
}

enum cp_err cli_parse(struct cli_ctx *ctx, int argc, char **argv,
                      const struct cli_opt *opts, const struct cli_cmd_doc *doc,
                      struct cp_errbuf *err)
{
  const struct cli_opt *o;
  unsigned char seen[128] = {0};
  int i, k;
  enum cp_err rc = CP_OK;

  if (ctx->options_out) { /* completions: the table, not a parse */
    ctx->options_out->take(ctx->options_out, opts);
    ctx->help = 1;
    return CP_OK;
  }
  /* Errors found while parsing honour --output json too. */
  for (i = 1; i < argc; i++)
    if ((!strcmp(argv[i], "--output") && i + 1 < argc &&
         !strcmp(argv[i + 1], "json")) ||
        !strcmp(argv[i], "--output=json"))
      ctx->output = CLI_OUT_JSON;
  for (i = 1; i < argc; i++) {
    const char *arg = argv[i], *inline_val = NULL;
    char spelled[80];

    if (arg[0] != '-' || !arg[1])
      return usage(CP_HERE,
                   "unexpected argument (%s): this command takes no "
                   "positional arguments%s. See --help",
                   arg, "", err);
    if (!strcmp(arg, "--"))
      return usage(CP_HERE,
                   "unexpected argument (%s): this command takes no "
                   "positional arguments%s. See --help",
                   arg, "", err);
    if (arg[1] == '-') {
      const char *name = arg + 2, *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      o = find_long(opts, name, len);
      if (!o) {
        char *n = cp_xstrndup(name, len);
        const char *near = closest_option(opts, n);
        if (near)
          rc = cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                       "unknown option (--%s): this command has no such "
                       "option. Did you mean --%s?",
                       n, near);
        else
          rc = cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                       "unknown option (--%s): this command has no such "
                       "option. See %s --help",
                       n, ctx->cmd ? ctx->cmd : "configure-pkcs11");
        free(n);
        return rc;
      }
      if (eq)
        inline_val = eq + 1;
      snprintf(spelled, sizeof(spelled), "--%s", o->long_name);
    } else {
      o = find_short(opts, arg[1]);
      if (!o) {
        char s[3] = {'-', arg[1], 0};
        return usage(CP_HERE,
                     "unknown option (%s): this command has no such "
                     "option%s. See --help",
                     s, "", err);
      }
      if (arg[2])
        inline_val = arg + 2;
      snprintf(spelled, sizeof(spelled), "-%c", o->short_name);
    }
    k = (int)(o - opts);
    if ((k < 128 && seen[k] && o->type != CLI_T_LIST) ||
        ((o->type == CLI_T_STR || o->type == CLI_T_CHOICE ||
          o->type == CLI_T_OPTSTR) &&
         *(const char **)o->value))
      return usage(CP_HERE,
                   "option given twice (%s): it may appear once. Remove "
                   "one of them%s",
                   spelled, "", err);
    if (k < 128)
      seen[k] = 1;

    switch (o->type) {
    case CLI_T_FLAG:
    case CLI_T_SET: {
      const char *other;
      if (inline_val)
        return usage(CP_HERE,
                     "option takes no value (%s): it is a switch. Remove "
                     "\"=%s\"",
                     spelled, inline_val, err);
      if (o->type == CLI_T_SET) {
        if (*(int *)o->value >= 0 && *(int *)o->value != o->set_to &&
            contradicts(opts, o, &other))
          return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                         "contradictory options (%s and --%s): they ask for "
                         "opposite settings. Give only one",
                         spelled, other);
        *(int *)o->value = o->set_to;
      } else {
        *(int *)o->value = 1;
      }
      break;
    }
    case CLI_T_OPTINT:
      if (inline_val)
        rc = take_value(o, spelled, inline_val, err);
      else if (i + 1 < argc && isdigit((unsigned char)argv[i + 1][0]))
        rc = take_value(o, spelled, argv[++i], err);
      else
        *(int *)o->value = o->set_to;
      if (rc != CP_OK)
        return rc;
      break;
    case CLI_T_OPTSTR:
      if (inline_val)
        rc = take_value(o, spelled, inline_val, err);
      else if (i + 1 < argc && argv[i + 1][0] && argv[i + 1][0] != '-')
        rc = take_value(o, spelled, argv[++i], err);
      else
        *(const char **)o->value = "";
      if (rc != CP_OK)
        return rc;
      break;
    case CLI_T_LIST: {
      struct cli_list *l = o->value;
      int start = l->n;
      l->items = cp_xrealloc(l->items, sizeof(char *) * (size_t)argc);
      if (inline_val)
        l->items[l->n++] = inline_val;
      else
        while (i + 1 < argc && (argv[i + 1][0] != '-' || !argv[i + 1][0]))
          l->items[l->n++] = argv[++i];
      if (l->n == start)
        return usage(CP_HERE,
                     "option needs a value (%s): nothing follows it. Give "
                     "at least one%s",
                     spelled, "", err);
      for (; start < l->n; start++)
        if (!l->items[start][0])
          return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                         "empty value (%s): the option needs a non-empty "
                         "value. Give %s values, or leave the option out",
                         spelled, o->argh ? o->argh : "non-empty");
      break;
    }
    default:
      if (!inline_val) {
        if (i + 1 >= argc)
          return usage(CP_HERE,
                       "option needs a value (%s): nothing follows it. "
                       "Give the value after the option%s",
                       spelled, "", err);
        inline_val = argv[++i];
      }
      if ((rc = take_value(o, spelled, inline_val, err)) != CP_OK)
        return rc;
      break;
    }
  }
  if (ctx->help) {
    cli_print_help(opts, doc);
    return CP_OK;
  }
  for (o = opts; o->type != CLI_T_END; o++)
    if ((o->flags & CLI_REQUIRED) && !given(o))
      return cp_fail(err, CP_E_USAGE, __FILE__, __LINE__,
                     "missing option (%s%s): this command needs it. See "
                     "--help",
                     o->long_name ? "--" : "-",
                     o->long_name ? o->long_name : (char[]){o->short_name, 0});
  if ((rc = lock_timeout(ctx, err)) != CP_OK)
    return rc;
  ctx->output = CLI_OUT_TEXT;
  if (ctx->output_arg && !strcmp(ctx->output_arg, "json"))
    ctx->output = CLI_OUT_JSON;
  else if (ctx->output_arg && !strcmp(ctx->output_arg, "off"))
    ctx->output = CLI_OUT_OFF;
  cli_setup_logging(ctx);
  return CP_OK;
}

/* ---- logging and reporting --------------------------------------------- */

/* Every diagnostic line: what it quotes from outside is shown, not obeyed. */
static void print_line(const char *kind, const char *msg, const char *tail)
{
  struct cp_buf safe = CP_BUF_INIT;

  cp_text_safe(msg, CP_TEXT_LINE, &safe);
  fprintf(stderr, "configure-pkcs11: %s: %s%s\n", kind, cp_buf_str(&safe),
          tail);
  cp_buf_release(&safe);
}

static void log_to_stderr(enum cp_log_level level, const char *msg, void *ud)
{
  static const char *const names[] = {"debug", "info", "warning"};
  (void)ud;
  print_line(names[level], msg, "");
}

void cli_setup_logging(struct cli_ctx *ctx)
{
  cp_log_set(log_to_stderr, NULL);
  cp_log_set_min(ctx->debug ? CP_LOG_DEBUG
                            : ctx->quiet ? CP_LOG_WARN + 1 : CP_LOG_INFO);
}

enum cp_err cli_path_for_config(const char *flag, const char *path, char **abs,
                                struct cp_errbuf *err)
{
  *abs = NULL;
  if (!cp_text_is_safe(path, CP_TEXT_UTF8)) /* valid UTF-8 */
    return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                   "invalid path (%s): it is not valid UTF-8, and strict JSON "
                   "readers refuse such a config. Rename the file, or give "
                   "another path",
                   flag);
  *abs = plat_abs_path(path);
  return CP_OK;
}

int cli_is_default_config(const char *path)
{
  return plat_same_path(path, sdk_config_path());
}

/* The {"code","message","exit_status"} of an error. */
static json_object *error_object(enum cp_err rc, const char *detail)
{
  json_object *e = json_object_new_object();
  json_object_object_add(e, "code", json_object_new_string(cp_err_name(rc)));
  json_object_object_add(e, "message", json_object_new_string(detail));
  json_object_object_add(e, "exit_status", json_object_new_int(cp_err_status(rc)));
  return e;
}

/* Every string of the tree made valid UTF-8 (json-c escapes the control
 * characters itself). */
static void json_make_utf8(json_object *o)
{
  struct cp_buf safe = CP_BUF_INIT;
  size_t i, n;

  switch (json_object_get_type(o)) {
  case json_type_object: {
    json_object_object_foreach(o, key, val) {
      (void)key;
      json_make_utf8(val);
    }
    break;
  }
  case json_type_array:
    n = json_object_array_length(o);
    for (i = 0; i < n; i++)
      json_make_utf8(json_object_array_get_idx(o, i));
    break;
  case json_type_string:
    if (!cp_text_is_safe(json_object_get_string(o), CP_TEXT_UTF8)) {
      cp_text_safe(json_object_get_string(o), CP_TEXT_UTF8, &safe);
      json_object_set_string(o, cp_buf_str(&safe));
    }
    break;
  default:
    break;
  }
  cp_buf_release(&safe);
}

void cli_print_json(json_object *o)
{
  /* every document says which contract it keeps (README: within a
   * version, changes only add) */
  if (json_object_is_type(o, json_type_object) &&
      !json_object_object_get_ex(o, "schema_version", NULL))
    json_object_object_add(o, "schema_version",
                           json_object_new_int(CLI_SCHEMA_VERSION));
  json_make_utf8(o);
  printf("%s\n", json_object_to_json_string_ext(
                     o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(o);
}

void cli_print_text(const char *text)
{
  struct cp_buf safe = CP_BUF_INIT;

  cp_text_safe(text, CP_TEXT_LINES, &safe);
  fputs(cp_buf_str(&safe), stdout);
  cp_buf_release(&safe);
}

/* The one line of a failure: its scope, the message, what became of the
 * files ("pkcs11: ... No file was changed"). */
static void error_line(const struct cp_errbuf *err, enum cp_err rc,
                       struct cp_buf *out)
{
  if (err && err->scope[0])
    cp_buf_printf(out, "%s: ", err->scope);
  cp_buf_puts(out, cp_errbuf_text(err, rc));
  if (err && err->outcome[0])
    cp_buf_printf(out, ". %s", err->outcome);
}

int cli_report(struct cli_ctx *ctx, enum cp_err rc, const struct cp_errbuf *err)
{
  struct cp_buf line = CP_BUF_INIT;
  const char *detail;
  char where[160];
  json_object *result = ctx->json_result;

  ctx->json_result = NULL;
  if (rc == CP_OK) {
    if (result)
      cli_print_json(result);
    return 0;
  }
  error_line(err, rc, &line);
  detail = cp_buf_str(&line);
  cp_errbuf_where(err, where, sizeof(where));
  if (ctx->debug) {
    char tail[256];
    snprintf(tail, sizeof(tail), " [%s %s]", cp_err_name(rc), where);
    print_line("error", detail, tail);
  } else {
    print_line("error", detail, "");
  }
  if (ctx->output == CLI_OUT_JSON) {
    json_object *o = result ? result : json_object_new_object();
    /* nothing was written: Ansible's changed_when reads this */
    if (!ctx->read_only && !json_object_object_get_ex(o, "changed", NULL))
      json_object_object_add(o, "changed", json_object_new_boolean(0));
    json_object_object_add(o, "error", error_object(rc, detail));
    cli_print_json(o);
  } else {
    json_object_put(result);
  }
  cp_buf_release(&line);
  return cp_err_status(rc);
}
