/* SPDX-License-Identifier: Apache-2.0 */
/* test_component.c — which component's file a run edits: the name the tool
 * was invoked by (a link named configure-jce), --config, --config-dir,
 * --component, and the contradictions. Runs on POSIX and under wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component.h"
#include "cp_platform.h"

static const char *by_program(const char *argv0)
{
  const struct component *c = component_by_program(argv0);
  return c ? c->name : "(none)";
}

static void test_invoked_name(void **state)
{
  (void)state;
#ifdef _WIN32
  assert_string_equal(
      by_program("C:\\Program Files\\Amazon\\CloudHSM\\bin\\CONFIGURE-JCE.EXE"),
      "jce");
  assert_string_equal(by_program("configure-ksp.exe"), "ksp");
  assert_string_equal(by_program("configure-dyn.exe"), "(none)");
#else
  assert_string_equal(by_program("/opt/cloudhsm/bin/configure-jce"), "jce");
  assert_string_equal(by_program("configure-dyn"), "dyn");
  assert_string_equal(by_program("configure-ksp"), "(none)");
  assert_string_equal(by_program("/usr/local/bin/CONFIGURE-JCE"), "(none)");
#endif
  assert_string_equal(by_program("configure-cli"), "cli");
  assert_string_equal(by_program("configure-pkcs11"), "pkcs11");
  assert_string_equal(by_program("configure-pkcs11-old"), "(none)");
  assert_string_equal(by_program("configure"), "(none)");
}

/* The files ctx names, "name=path;..." (name "-" for --config). */
static enum cp_err targets(struct cli_ctx *ctx, char *out, size_t n)
{
  struct config_targets t = CONFIG_TARGETS_INIT;
  struct cp_errbuf err = CP_ERRBUF_INIT;
  enum cp_err rc = config_targets_resolve(ctx, &t, &err);
  size_t i, len = 0;

  out[0] = '\0';
  for (i = 0; rc == CP_OK && i < t.n; i++)
    len += (size_t)snprintf(out + len, n - len, "%s=%s;",
                            t.v[i].comp ? t.v[i].comp->name : "-", t.v[i].path);
  config_targets_release(&t);
  return rc;
}

static void test_which_files(void **state)
{
  struct cli_ctx ctx;
  char got[512], want[512], *p1, *p2;
  (void)state;

  memset(&ctx, 0, sizeof(ctx));
  ctx.program = "configure-pkcs11";
  ctx.config_dir = "D";
  p1 = plat_path_join("D", "cloudhsm-pkcs11.cfg");
  p2 = plat_path_join("D", "cloudhsm-jce.cfg");

  /* the order is the table's (the lock order), whatever the user's */
  ctx.component_arg = "jce,pkcs11,jce";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_OK);
  snprintf(want, sizeof(want), "pkcs11=%s;jce=%s;", p1, p2);
  assert_string_equal(got, want);

  /* no --component: the invoked name's file */
  ctx.component_arg = NULL;
  ctx.program = "configure-jce";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_OK);
  snprintf(want, sizeof(want), "jce=%s;", p2);
  assert_string_equal(got, want);

  /* --config names one file, and contradicts the others */
  ctx.config_path = "x.cfg";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_E_USAGE);
  ctx.config_dir = NULL;
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_OK);
  assert_string_equal(got, "-=x.cfg;");
  ctx.component_arg = "pkcs11";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_E_USAGE);

  /* unknown names; "installed" with nothing installed */
  ctx.config_path = NULL;
  ctx.config_dir = "no-such-folder";
  ctx.component_arg = "pkcs11,hsm";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_E_INVALID);
  ctx.component_arg = "installed";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_E_NOT_CONFIGURED);
  ctx.component_arg = ",";
  assert_int_equal(targets(&ctx, got, sizeof(got)), CP_E_USAGE);
  free(p1);
  free(p2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invoked_name),
      cmocka_unit_test(test_which_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
