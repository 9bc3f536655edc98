/* SPDX-License-Identifier: Apache-2.0 */
/* slot_options.c — servers by hand and the cluster.options members. */
#include "slot_options.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "component.h"
#include "cp_buf.h"
#include "cp_log.h"

const char *const slot_retry_modes[] = {"off", "standard", NULL};

int slot_options_any(const struct slot_options *o)
{
  return o->key_check >= 0 || o->validate_key >= 0 || o->cert_storage >= 0 ||
         o->ecdh_without_kdf >= 0 || o->sdk3_compat >= 0 || o->retry_mode;
}

enum cp_err slot_options_check(struct slot_options *o, struct cp_errbuf *err)
{
  enum cp_err rc = CP_OK;
  int i;

  if (!o->addrs.n)
    return CP_OK;
  o->addr_store = cp_xcalloc((size_t)o->addrs.n, sizeof(*o->addr_store));
  o->servers = cp_xcalloc((size_t)o->addrs.n, sizeof(*o->servers));
  for (i = 0; i < o->addrs.n; i++) {
    CP_TRY(rc, addr_parse(o->addrs.items[i], "-a", &o->addr_store[i], err));
    o->servers[i].hostname = o->addr_store[i].host;
    o->servers[i].port = o->addr_store[i].port;
    o->servers[i].enable = 1;
  }
  {
    size_t n = (size_t)o->addrs.n;
    if (cfg_servers_dedupe(o->servers, &n))
      cp_log(CP_LOG_WARN, "-a names an address more than once: each is "
             "written once");
    o->nservers = n;
  }
out:
  return rc;
}

void slot_options_apply(const struct slot_options *o, struct cfg_model *m,
                        int slot)
{
  if (o->key_check >= 0)
    cfg_model_set_option_bool(m, slot, "disable_key_availability_check",
                              !o->key_check);
  if (o->validate_key >= 0)
    cfg_model_set_option_bool(m, slot, "validate_key_at_init", o->validate_key);
  if (o->cert_storage >= 0)
    cfg_model_set_option_bool(m, slot, "certificate_storage", o->cert_storage);
  if (o->ecdh_without_kdf >= 0)
    cfg_model_set_option_bool(m, slot, "enable_ecdh_without_kdf",
                              o->ecdh_without_kdf);
  if (o->sdk3_compat >= 0)
    cfg_model_set_option_bool(m, slot, "enable_sdk3_compatibility_mode",
                              o->sdk3_compat);
  if (o->retry_mode)
    cfg_model_set_option_string(m, slot, "default_retry_mode", o->retry_mode);
}

enum cp_err slot_options_check_file(const struct slot_options *o,
                                    const struct component *c,
                                    const char *path, struct cp_errbuf *err)
{
  if (o->sdk3_compat < 0 || !c || !strcmp(c->name, "ksp"))
    return CP_OK;
  return cp_fail(err, CP_E_INVALID, __FILE__, __LINE__,
                 "option of another component (--%s-sdk3-compatibility-mode, "
                 "%s): only the KSP reads it. Give --component ksp, or the "
                 "KSP's file with --config (%s is %s's)",
                 o->sdk3_compat ? "enable" : "disable", c->name, path,
                 c->library);
}

void slot_options_release(struct slot_options *o)
{
  cli_list_release(&o->addrs);
  free(o->servers);
  free(o->addr_store);
  o->servers = NULL;
  o->addr_store = NULL;
}

void slot_warn_unconfigured(const struct cfg_model *m, const char *path)
{
  size_t i, n = cfg_model_slot_count(m);

  for (i = 0; i < n; i++) {
    struct cfg_slot_view v;
    cfg_model_slot(m, i, &v);
    if (v.unconfigured && n > 1)
      cp_log(CP_LOG_WARN,
             "slot %zu is not configured (%s): the library "
             "cannot use it; remove it with configure-pkcs11 remove-cluster "
             "--slot %zu%s%s",
             i, v.placeholder ? "placeholder" : "no servers", i,
             CLI_FILE_HINT(path));
  }
}
