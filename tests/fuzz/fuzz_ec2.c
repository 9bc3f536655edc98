/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_ec2.c — EC2's XML answers: the tree expat builds, and the
 * DescribeSecurityGroups parser over it. */
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "fuzz.h"
#include "xml_tree.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size);
  struct sg_list l = {NULL, 0};
  size_t i;

  free(xml_find_text(text, size, "Code"));
  if (ec2_parse_security_groups(text, size, &l, err) == CP_OK)
    for (i = 0; i < l.n; i++)
      if (!ec2_id_valid(l.v[i].group_id, "sg-"))
        abort(); /* an id of the wrong form was kept */
  sg_list_release(&l);
  free(text);
  return 0;
}
