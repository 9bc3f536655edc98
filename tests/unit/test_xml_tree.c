/* SPDX-License-Identifier: Apache-2.0 */
/* test_xml_tree.c — XML answers read by expat: the elements and their text,
 * and what is refused (not XML, a DTD, too deep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cp_buf.h"
#include "xml_tree.h"

static char *find(const char *xml, const char *name)
{
  return xml_find_text(xml, strlen(xml), name);
}

static void test_find_text(void **state)
{
  char *v;
  (void)state;
  v = find("<E><Code>SignatureDoesNotMatch</Code><Message>m</Message></E>",
           "Code");
  assert_string_equal(v, "SignatureDoesNotMatch");
  free(v);
  v = find("<Code></Code>", "Code");
  assert_string_equal(v, "");
  free(v);
  /* entities are decoded, the text trimmed, a prefix dropped */
  v = find("<?xml version=\"1.0\"?>\n<a:R xmlns:a=\"urn:x\">\n <a:Message>\n"
           "  a &lt;b&gt; &amp; &#x41;\n </a:Message></a:R>",
           "Message");
  assert_string_equal(v, "a <b> & A");
  free(v);
  assert_null(find("<E><Code>x</Code></E>", "Message"));
}

static void test_refused(void **state)
{
  struct cp_buf deep = CP_BUF_INIT;
  int i;
  (void)state;
  assert_null(find("<E><Code>unterminated</E>", "Code"));
  assert_null(find("{\"json\": 1}", "Code"));
  assert_null(find("", "Code"));
  assert_null(find("<a/><b/>", "a")); /* two roots */
  /* a DTD, even a harmless one: AWS sends none */
  assert_null(find("<!DOCTYPE E [<!ENTITY x \"y\">]><E><Code>&x;</Code></E>",
                   "Code"));
  /* 64 levels are read, 65 are not */
  for (i = 0; i < 64; i++)
    cp_buf_puts(&deep, "<d>");
  cp_buf_puts(&deep, "t");
  for (i = 0; i < 64; i++)
    cp_buf_puts(&deep, "</d>");
  {
    char *v = xml_find_text(deep.ptr, deep.len, "d");
    assert_non_null(v);
    free(v);
  }
  cp_buf_reset(&deep);
  for (i = 0; i < 65; i++)
    cp_buf_puts(&deep, "<d>");
  for (i = 0; i < 65; i++)
    cp_buf_puts(&deep, "</d>");
  assert_null(xml_find_text(deep.ptr, deep.len, "d"));
  cp_buf_release(&deep);
}

/* the shape of EC2's lists: items in order, siblings by name */
static void test_walk(void **state)
{
  static const char xml[] =
      "<R><info><item><id>a</id></item><other/><item><id>b</id>"
      "<sub><item><id>c</id></item></sub></item></info></R>";
  struct xml_node *doc = xml_parse(xml, strlen(xml));
  const struct xml_node *it;
  char seen[8] = "";
  (void)state;
  assert_non_null(doc);
  for (it = xml_child(xml_child(doc, "info"), "item"); it; it = xml_next(it))
    strcat(seen, xml_text(xml_child(it, "id")));
  assert_string_equal(seen, "ab"); /* not c: a grandchild */
  assert_string_equal(xml_text(xml_find(doc, "sub")), "");
  assert_null(xml_child(NULL, "item"));
  assert_string_equal(xml_text(NULL), "");
  xml_free(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_find_text),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_walk),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
