/* SPDX-License-Identifier: Apache-2.0 */
/* test_cli.c — cli_parse() against a table with one option of each type:
 * values, inline values, required options of every kind, repeats,
 * contradictions, empty and invalid values, unknown options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

static const char *const colours[] = {"red", "green", NULL};

struct opts {
  const char *name, *colour;
  struct cli_list items;
  int flag, set, num, wait;
};

static struct cli_ctx ctx;
static struct opts o;

/* Parses the NULL-terminated words after a command name. req: which of
 * "name", "colour", "items" are required. */
static enum cp_err parse_req(const char *req, const char *const *words)
{
  char *argv[32];
  int argc = 0;
  const struct cli_opt opts[] = {
      CLI_STR('n', "name", &o.name, "<name>", "a name",
              strstr(req, "name") ? CLI_REQUIRED : 0),
      {CLI_T_CHOICE, 0, "colour", &o.colour, "<red|green>", "a colour", colours,
       strstr(req, "colour") ? CLI_REQUIRED : 0, 0},
      {CLI_T_LIST, 'i', NULL, &o.items, "<item>", "items", NULL,
       strstr(req, "items") ? CLI_REQUIRED : 0, 0},
      CLI_FLAG(0, "flag", &o.flag, "a switch", 0),
      CLI_SET("enable-x", &o.set, 1, "x on"),
      CLI_SET("disable-x", &o.set, 0, "x off"),
      CLI_INT("num", &o.num, "<seconds>", "a number"),
      CLI_OPTINT("wait", &o.wait, "[<seconds>]", 1800, "wait"),
      CLI_COMMON_OPTS(&ctx),
      CLI_END()};
  static const struct cli_cmd_doc doc = {"test [<options>]", "a test", NULL};

  cli_list_release(&o.items);
  memset(&o, 0, sizeof(o));
  memset(&ctx, 0, sizeof(ctx));
  ctx.cmd = "test";
  o.set = o.num = o.wait = -1;
  argv[argc++] = (char *)"test";
  while (*words)
    argv[argc++] = (char *)*words++;
  argv[argc] = NULL;
  return cli_parse(&ctx, argc, argv, opts, &doc, err);
}

#define PARSE(...) parse_req("", (const char *const[]){__VA_ARGS__, NULL})
#define PARSE_REQ(req, ...)                                                    \
  parse_req(req, (const char *const[]){__VA_ARGS__, NULL})
#define DETAIL_HAS(s) assert_non_null(strstr(err->text, s))

static void test_values(void **state)
{
  (void)state;
  assert_int_equal(PARSE("--name", "a", "--colour=green", "-i", "x", "y",
                         "--flag", "--enable-x", "--num", "7", "--wait"),
                   CP_OK);
  assert_string_equal(o.name, "a");
  assert_string_equal(o.colour, "green");
  assert_int_equal(o.items.n, 2);
  assert_string_equal(o.items.items[1], "y");
  assert_int_equal(o.flag, 1);
  assert_int_equal(o.set, 1);
  assert_int_equal(o.num, 7);
  assert_int_equal(o.wait, 1800); /* no number: the row's default */
  /* inline forms, and an optional number that is given */
  assert_int_equal(PARSE("-nb", "--wait", "60", "--disable-x", "-iz"), CP_OK);
  assert_string_equal(o.name, "b");
  assert_int_equal(o.wait, 60);
  assert_int_equal(o.set, 0);
  assert_int_equal(o.items.n, 1);
  /* a list repeats and accumulates */
  assert_int_equal(PARSE("-i", "a", "--flag", "-i", "b", "c"), CP_OK);
  assert_int_equal(o.items.n, 3);
}

static void test_required_of_every_type(void **state)
{
  (void)state;
  assert_int_equal(PARSE_REQ("name", "--flag"), CP_E_USAGE);
  DETAIL_HAS("missing option (--name)");
  assert_int_equal(PARSE_REQ("colour", "--name", "a"), CP_E_USAGE);
  DETAIL_HAS("missing option (--colour)");
  assert_int_equal(PARSE_REQ("items", "--name", "a"), CP_E_USAGE);
  DETAIL_HAS("missing option (-i)");
  assert_int_equal(PARSE_REQ("name colour items", "--name", "a", "--colour",
                             "red", "-i", "x"),
                   CP_OK);
}

static void test_repeats_and_contradictions(void **state)
{
  (void)state;
  assert_int_equal(PARSE("--name", "a", "-n", "b"), CP_E_USAGE);
  DETAIL_HAS("option given twice (-n)");
  assert_int_equal(PARSE("--colour", "red", "--colour", "red"), CP_E_USAGE);
  assert_int_equal(PARSE("--flag", "--flag"), CP_E_USAGE);
  assert_int_equal(PARSE("--num", "1", "--num", "2"), CP_E_USAGE);
  assert_int_equal(PARSE("--enable-x", "--disable-x"), CP_E_USAGE);
  DETAIL_HAS("contradictory options (--disable-x and --enable-x)");
  assert_int_equal(PARSE("--enable-x", "--enable-x"), CP_E_USAGE);
}

static void test_bad_values(void **state)
{
  (void)state;
  assert_int_equal(PARSE("--name", ""), CP_E_INVALID);
  DETAIL_HAS("empty value (--name)");
  assert_int_equal(PARSE("--name=", "--flag"), CP_E_INVALID);
  assert_int_equal(PARSE("-i", ""), CP_E_INVALID);
  DETAIL_HAS("Give <item> values"); /* the row's unit, not a built-in one */
  assert_int_equal(PARSE("--colour", "blue"), CP_E_INVALID);
  DETAIL_HAS("Use one of: red, green");
  assert_int_equal(PARSE("--num", "-1"), CP_E_INVALID);
  assert_int_equal(PARSE("--num", "1.5"), CP_E_INVALID);
  DETAIL_HAS("Give <seconds> as one");
  assert_int_equal(PARSE("--num", "86401"), CP_E_INVALID);
  assert_int_equal(PARSE("--num", "0x10"), CP_E_INVALID);
  assert_int_equal(PARSE("--wait=soon"), CP_E_INVALID);
  assert_int_equal(PARSE("--flag=1"), CP_E_USAGE);
  DETAIL_HAS("takes no value");
  assert_int_equal(PARSE("--name"), CP_E_USAGE);
  DETAIL_HAS("option needs a value (--name)");
  assert_int_equal(PARSE("-i", "--flag"), CP_E_USAGE);
}

static void test_unknown_and_positional(void **state)
{
  (void)state;
  assert_int_equal(PARSE("--nmae", "x"), CP_E_USAGE);
  DETAIL_HAS("Did you mean --name?");
  assert_int_equal(PARSE("--zzzzzzzz"), CP_E_USAGE);
  DETAIL_HAS("See test --help");
  assert_int_equal(PARSE("-z"), CP_E_USAGE);
  assert_int_equal(PARSE("stray"), CP_E_USAGE);
  DETAIL_HAS("unexpected argument (stray)");
  assert_int_equal(PARSE("--", "--name"), CP_E_USAGE);
}

static void test_output_json_known_early(void **state)
{
  (void)state;
  /* a usage error after --output json is still reported as JSON */
  assert_int_equal(PARSE("--output", "json", "--bogus"), CP_E_USAGE);
  assert_int_equal(ctx.output, CLI_OUT_JSON);
  assert_int_equal(PARSE("--bogus", "--output=json"), CP_E_USAGE);
  assert_int_equal(ctx.output, CLI_OUT_JSON);
  assert_int_equal(PARSE("--output", "off"), CP_OK);
  assert_int_equal(ctx.output, CLI_OUT_OFF);
}

static void test_lock_timeout_from_environment(void **state)
{
  (void)state;
  setenv("CONFIGURE_PKCS11_LOCK_TIMEOUT", "3", 1);
  assert_int_equal(PARSE("--flag"), CP_OK);
  assert_int_equal(ctx.lock_timeout_ms, 3000);
  setenv("CONFIGURE_PKCS11_LOCK_TIMEOUT", "soon", 1);
  assert_int_equal(PARSE("--flag"), CP_E_ENVIRONMENT);
  unsetenv("CONFIGURE_PKCS11_LOCK_TIMEOUT");
  assert_int_equal(PARSE("--flag"), CP_OK);
  assert_int_equal(ctx.lock_timeout_ms, 10000);
}

static int teardown(void **state)
{
  (void)state;
  cli_list_release(&o.items);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_required_of_every_type),
      cmocka_unit_test(test_repeats_and_contradictions),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_unknown_and_positional),
      cmocka_unit_test(test_output_json_known_early),
      cmocka_unit_test(test_lock_timeout_from_environment),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
