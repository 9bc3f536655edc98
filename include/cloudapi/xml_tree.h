/* SPDX-License-Identifier: Apache-2.0 */
/* xml_tree.h — an XML answer (STS, EC2, an error page) read by expat into a
 * small tree. An element's name is its local name
 * (any prefix dropped); its text is its own character data, trimmed. A
 * document with a DTD is refused: AWS's answers have none, and a DTD is how
 * entity expansion attacks come in.
 *
 * struct xml_node *doc = xml_parse(body, len);
 * const struct xml_node *g = xml_child(xml_find(doc, "securityGroupInfo"), "item");
 * for (; g; g = xml_next(g)) ... xml_text(xml_child(g, "groupId")) ...
 * xml_free(doc); */
#ifndef XML_TREE_H
#define XML_TREE_H

#include <stddef.h>

#include "cp_buf.h"

struct xml_node {
  char *name;
  struct cp_buf text;
  struct xml_node *child, *last, *next; /* first and last child, sibling */
};

/* The document's root element (freed with xml_free), or NULL when the text
 * is not well-formed XML, holds a DTD or nests deeper than 64 elements. */
struct xml_node *xml_parse(const char *xml, size_t len);
void xml_free(struct xml_node *root);

/* n's first child element named name, or NULL (also for a NULL n). */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* The next sibling of n with n's name, or NULL. */
const struct xml_node *xml_next(const struct xml_node *n);
/* The first element named name in n or below it (document order), or NULL. */
const struct xml_node *xml_find(const struct xml_node *n, const char *name);
/* n's text; "" for NULL. */
const char *xml_text(const struct xml_node *n);

/* The text of the first element named name in an XML document (a copy the
 * caller frees), or NULL when there is none or it is not XML. */
char *xml_find_text(const char *xml, size_t len, const char *name);

/* The expat in use, as "expat_2.5.0". Static text. */
const char *xml_library_version(void);

#endif
