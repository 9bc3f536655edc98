/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_describe.c — the DescribeClusters answer parser, and the saved-answer
 * parser (--from-describe: an answer, a list of clusters or one cluster). */
#include <stdlib.h>
#include <string.h>

#include "cloudhsm.h"
#include "fuzz.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size), *next = NULL;
  struct cluster_info ci;
  int found = 0;

  memset(&ci, 0, sizeof(ci));
  if (cloudhsm_parse_describe(text, size, "cluster-2ab3cd4ef5g", &ci, &found,
                              &next, err) == CP_OK &&
      found && !ci.cluster_id)
    abort(); /* found, but without its id */
  cluster_info_release(&ci);
  memset(&ci, 0, sizeof(ci));
  if (cloudhsm_parse_saved(text, size, "cluster-2ab3cd4ef5g", &ci, &found,
                           err) == CP_OK &&
      found && !ci.cluster_id)
    abort();
  cluster_info_release(&ci);
  free(next);
  free(text);
  return 0;
}
