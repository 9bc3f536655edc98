/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_profile.c — the AWS config/credentials file parser (inih and our
 * profile and services rules). The input is the config text, then a NUL,
 * then the credentials text. */
#include <stdlib.h>
#include <string.h>

#include "aws_profile.h"
#include "fuzz.h"

/* what the code under test records when it fails */
static struct cp_errbuf err_record;
static struct cp_errbuf *const err = &err_record;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = fuzz_text(data, size);
  const char *creds = text + strlen(text) + (strlen(text) < size ? 1 : 0);
  struct aws_profiles *p = NULL;

  if (aws_profiles_parse(text, creds, &p, err) == CP_OK) {
    (void)aws_profile_exists(p, "default");
    (void)aws_profile_get(p, "default", "region");
    (void)aws_profile_get(p, "hsm", "role_arn");
    (void)aws_profile_service_get(p, "default", "cloudhsm_v2", "endpoint_url");
  }
  aws_profiles_free(p);
  free(text);
  return 0;
}
