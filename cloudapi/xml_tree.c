/* SPDX-License-Identifier: Apache-2.0 */
/* xml_tree.c — expat's events into a tree of elements. */
#include "xml_tree.h"

#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct reader {
  XML_Parser p;
  struct xml_node *root;
  struct xml_node *open[MAX_DEPTH]; /* the elements not yet closed */
  int depth;
  int refused; /* a DTD, or too deep */
};

static void refuse(struct reader *r)
{
  r->refused = 1;
  XML_StopParser(r->p, XML_FALSE);
}

static const char *local_name(const char *name)
{
  const char *colon = strrchr(name, ':');
  return colon ? colon + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **attrs)
{
  struct reader *r = ud;
  struct xml_node *n;

  (void)attrs; /* AWS's answers carry their values as text */
  if (r->refused)
    return;
  if (r->depth == MAX_DEPTH || (r->depth == 0 && r->root)) {
    refuse(r);
    return;
  }
  n = cp_xcalloc(1, sizeof(*n));
  n->name = cp_xstrdup(local_name(name));
  if (r->depth == 0) {
    r->root = n;
  } else {
    struct xml_node *up = r->open[r->depth - 1];
    if (up->last)
      up->last->next = n;
    else
      up->child = n;
    up->last = n;
  }
  r->open[r->depth++] = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
  struct reader *r = ud;

  (void)name; /* expat has matched it to its start */
  if (!r->refused && r->depth > 0)
    r->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
  struct reader *r = ud;

  if (!r->refused && r->depth > 0)
    cp_buf_add(&r->open[r->depth - 1]->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
  (void)name;
  (void)sysid;
  (void)pubid;
  (void)has_internal_subset;
  refuse(ud);
}

static void trim(struct cp_buf *b)
{
  size_t lead = 0;

  cp_buf_rtrim(b, " \t\r\n");
  if (!b->len)
    return;
  lead = strspn(b->ptr, " \t\r\n");
  memmove(b->ptr, b->ptr + lead, b->len - lead + 1);
  b->len -= lead;
}

static void trim_all(struct xml_node *n)
{
  for (; n; n = n->next) {
    trim(&n->text);
    trim_all(n->child);
  }
}

struct xml_node *xml_parse(const char *xml, size_t len)
{
  struct reader r;
  int ok;

  memset(&r, 0, sizeof(r));
  if (len > (size_t)INT_MAX || !(r.p = XML_ParserCreate(NULL)))
    return NULL;
  XML_SetUserData(r.p, &r);
  XML_SetElementHandler(r.p, on_start, on_end);
  XML_SetCharacterDataHandler(r.p, on_text);
  XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
  ok = XML_Parse(r.p, xml, (int)len, XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(r.p);
  if (!ok || r.refused || !r.root) {
    xml_free(r.root);
    return NULL;
  }
  trim_all(r.root);
  return r.root;
}

void xml_free(struct xml_node *n)
{
  while (n) {
    struct xml_node *next = n->next;
    xml_free(n->child);
    free(n->name);
    cp_buf_release_secure(&n->text); /* STS answers hold keys */
    free(n);
    n = next;
  }
}

const struct xml_node *xml_child(const struct xml_node *n, const char *name)
{
  const struct xml_node *c;

  for (c = n ? n->child : NULL; c; c = c->next)
    if (!strcmp(c->name, name))
      return c;
  return NULL;
}

const struct xml_node *xml_next(const struct xml_node *n)
{
  const struct xml_node *s;

  for (s = n ? n->next : NULL; s; s = s->next)
    if (!strcmp(s->name, n->name))
      return s;
  return NULL;
}

const struct xml_node *xml_find(const struct xml_node *n, const char *name)
{
  const struct xml_node *c, *hit;

  if (!n)
    return NULL;
  if (!strcmp(n->name, name))
    return n;
  for (c = n->child; c; c = c->next)
    if ((hit = xml_find(c, name)))
      return hit;
  return NULL;
}

const char *xml_text(const struct xml_node *n)
{
  return n ? cp_buf_str(&n->text) : "";
}

char *xml_find_text(const char *xml, size_t len, const char *name)
{
  struct xml_node *doc = xml_parse(xml, len);
  const struct xml_node *hit = xml_find(doc, name);
  char *out = hit ? cp_xstrdup(xml_text(hit)) : NULL;

  xml_free(doc);
  return out;
}

const char *xml_library_version(void)
{
  return XML_ExpatVersion();
}
