/* SPDX-License-Identifier: Apache-2.0 */
/* profile_dump.c — the AWS profile reader, for the differential test against
 * botocore (tests/cli/t_profiles.sh): reads a config file (argv[1]) and a
 * credentials file (argv[2], may be /dev/null), then answers one
 * "PROFILE<tab>KEY" a line on stdin with the value as JSON (null when
 * absent). A file the reader refuses: "refused: <message>", exit 3. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "aws_profile.h"
#include "cp_buf.h"
#include "cp_platform.h"

static int slurp(const char *path, struct cp_buf *out, struct cp_errbuf *err)
{
  struct plat_file_meta meta = PLAT_FILE_META_INIT;
  return plat_read_file(path, 16u << 20, out, &meta, CP_E_ENVIRONMENT, err) ==
                 CP_OK
             ? 0
             : -1;
}

int main(int argc, char **argv)
{
  struct cp_errbuf err = CP_ERRBUF_INIT;
  struct cp_buf config = CP_BUF_INIT, creds = CP_BUF_INIT;
  struct aws_profiles *p = NULL;
  char line[8192];
  enum cp_err rc;

  if (argc != 3 || slurp(argv[1], &config, &err) || slurp(argv[2], &creds, &err)) {
    fprintf(stderr, "usage: profile_dump CONFIG CREDENTIALS\n");
    return 2;
  }
  rc = aws_profiles_parse(cp_buf_str(&config), cp_buf_str(&creds), &p, &err);
  cp_buf_release(&config);
  cp_buf_release(&creds);
  if (rc != CP_OK) {
    printf("refused: %s\n", cp_errbuf_text(&err, rc));
    return 3;
  }
  while (fgets(line, sizeof(line), stdin)) {
    char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
    const char *v;
    json_object *s;
    if (nl)
      *nl = '\0';
    if (!tab)
      continue;
    *tab = '\0';
    v = aws_profile_get(p, line, tab + 1);
    s = v ? json_object_new_string(v) : NULL;
    printf("%s\n", s ? json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN)
                     : "null");
    json_object_put(s);
  }
  aws_profiles_free(p);
  return 0;
}
