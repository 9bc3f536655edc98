/* SPDX-License-Identifier: Apache-2.0 */
/* p11_probe.h — what a PKCS#11 module says about itself and its slots, as
 * an application sees it: C_GetFunctionList, C_Initialize (OS locking),
 * C_GetInfo, C_GetSlotList (every slot), C_GetSlotInfo, C_GetTokenInfo,
 * C_Finalize. No session, no login, no PIN. */
#ifndef P11_PROBE_H
#define P11_PROBE_H

#include <stddef.h>

#include "cp_err.h"

/* The module's blank-padded fields, trimmed and made printable. */
struct p11_token {
  char label[33], manufacturer[33], model[17], serial[17];
  unsigned long flags;
  int initialized; /* CKF_TOKEN_INITIALIZED */
};
struct p11_slot {
  unsigned long id;
  char description[65], manufacturer[33];
  unsigned long flags;
  int token_present; /* CKF_TOKEN_PRESENT: token holds what C_GetTokenInfo said */
  struct p11_token token;
};
struct p11_report {
  char manufacturer[33], description[33];
  unsigned library_major, library_minor; /* libraryVersion */
  unsigned cryptoki_major, cryptoki_minor;
  struct p11_slot *slots; /* owned, in C_GetSlotList's order */
  size_t nslots;
};

/* Loads the module at path, asks it, finalizes and unloads it. A missing
 * file, a file that is no PKCS#11 module (no C_GetFunctionList) or a call
 * that fails: CP_E_ENVIRONMENT (CP_E_IO for a missing file), the message
 * naming the call and its CKR_ code. *r is the caller's to release. */
CP_MUST_USE enum cp_err p11_probe(const char *path, struct p11_report *r,
                                  struct cp_errbuf *err);
void p11_report_release(struct p11_report *r);

/* "CKR_TOKEN_NOT_PRESENT" for 0xE0; "CKR_0x..." for a code it does not
 * know. Static text. */
const char *p11_rv_name(unsigned long rv, char buf[32]);

#endif
