/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cfg_model.c — the config parser and shape checks. A config that
 * parses must serialize, parse again, and serialize to the same bytes; the
 * edits the tool makes must keep it parseable. */
#include <stdlib.h>
#include <string.h>

#include "cfg_model.h"
#include "fuzz.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size);
  struct cfg_model m, again;
  struct cp_buf out = CP_BUF_INIT, out2 = CP_BUF_INIT;
  static const struct cfg_server srv = {"10.0.0.1", 2223, 1};
  struct cfg_slot_spec spec = {"cluster-2ab3cd4ef5g", "hsm2m", "/ca.crt",
                               &srv, 1};
  enum cfg_action action;

  memset(&m, 0, sizeof(m));
  memset(&again, 0, sizeof(again));
  if (cfg_model_parse(&m, text, size, "fuzz", err) == CP_OK) {
    cfg_model_serialize(&m, &out);
    if (cfg_model_parse(&again, cp_buf_str(&out), out.len, "fuzz", err) !=
        CP_OK)
      abort(); /* we wrote something we cannot read */
    cfg_model_serialize(&again, &out2);
    if (out.len != out2.len || memcmp(out.ptr, out2.ptr, out.len))
      abort(); /* not deterministic */
    cfg_model_upsert_slot(&m, &spec, &action);
    cfg_model_set_logging(&m, "log_level", "info");
    cfg_model_remove_slot(&m, "cluster-2ab3cd4ef5g", &action);
    cp_buf_release(&out);
    cfg_model_serialize(&m, &out);
    cfg_model_release(&again);
    memset(&again, 0, sizeof(again));
    if (cfg_model_parse(&again, cp_buf_str(&out), out.len, "fuzz", err) !=
        CP_OK)
      abort();
  }
  cfg_model_release(&m);
  cfg_model_release(&again);
  cp_buf_release(&out);
  cp_buf_release(&out2);
  free(text);
  return 0;
}
