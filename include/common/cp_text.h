/* SPDX-License-Identifier: Apache-2.0 */
/* cp_text.h — text that came from outside (API answers, saved answers,
 * files, the environment, a peer's certificate), made safe to show: the one
 * way it reaches a terminal, a log, Ansible or JSON (OpenSSH's utf8.c does
 * the same for what a remote peer sent). Control characters are shown
 * escaped, never obeyed; bytes that are not UTF-8 are shown as \xNN, so
 * the result is always valid UTF-8; an incomplete character at the very end
 * (a message cut short) is dropped. */
#ifndef CP_TEXT_H
#define CP_TEXT_H

#include "cp_buf.h"

enum cp_text_mode {
  CP_TEXT_LINE,  /* one line: a line break is shown as \n too */
  CP_TEXT_LINES, /* lines of a report: line breaks are kept */
  CP_TEXT_UTF8   /* only bytes that are not UTF-8 are escaped (JSON strings:
                    the JSON writer escapes control characters itself) */
};

/* Appends the safe form of s to out. */
void cp_text_safe(const char *s, enum cp_text_mode mode, struct cp_buf *out);

/* 1 when s needs no change in that mode. */
int cp_text_is_safe(const char *s, enum cp_text_mode mode);

#endif
