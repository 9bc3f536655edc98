/* SPDX-License-Identifier: Apache-2.0 */
/* p11_probe.c — load a PKCS#11 module and read its slots, with the OASIS
 * header p11-kit ships (libp11-kit-dev). */
#include "p11_probe.h"

#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_platform.h"

#define RV(name) {name, #name}
static const struct {
  unsigned long rv;
  const char *name;
} rv_names[] = {
    /* what C_Initialize, C_GetInfo and the slot and token calls may return
     * (PKCS#11 2.40 section 5.4 and 5.5), and the common others */
    RV(CKR_OK), RV(CKR_CANCEL), RV(CKR_HOST_MEMORY), RV(CKR_SLOT_ID_INVALID),
    RV(CKR_GENERAL_ERROR), RV(CKR_FUNCTION_FAILED), RV(CKR_ARGUMENTS_BAD),
    RV(CKR_NO_EVENT), RV(CKR_NEED_TO_CREATE_THREADS), RV(CKR_CANT_LOCK),
    RV(CKR_DEVICE_ERROR), RV(CKR_DEVICE_MEMORY), RV(CKR_DEVICE_REMOVED),
    RV(CKR_FUNCTION_NOT_SUPPORTED), RV(CKR_TOKEN_NOT_PRESENT),
    RV(CKR_TOKEN_NOT_RECOGNIZED), RV(CKR_BUFFER_TOO_SMALL),
    RV(CKR_CRYPTOKI_NOT_INITIALIZED), RV(CKR_CRYPTOKI_ALREADY_INITIALIZED),
    RV(CKR_PIN_INCORRECT), RV(CKR_USER_NOT_LOGGED_IN),
};

const char *p11_rv_name(unsigned long rv, char buf[32])
{
  size_t i;

  for (i = 0; i < sizeof(rv_names) / sizeof(rv_names[0]); i++)
    if (rv_names[i].rv == rv)
      return rv_names[i].name;
  snprintf(buf, 32, "CKR_0x%08lX", rv);
  return buf;
}

/* A blank-padded field of n bytes as text: trailing blanks cut, anything
 * not printable ASCII shown as '?' (the module's bytes reach a terminal). */
static void field(char *out, const unsigned char *in, size_t n)
{
  size_t i, end = n;

  while (end && (in[end - 1] == ' ' || in[end - 1] == '\0'))
    end--;
  for (i = 0; i < end; i++)
    out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
  out[end] = '\0';
}

static enum cp_err failed(const char *path, const char *call, CK_RV rv,
                          struct cp_errbuf *err)
{
  char buf[32];

  return cp_fail(err, CP_E_ENVIRONMENT, __FILE__, __LINE__,
                 "PKCS#11 call failed (%s): %s returned %s. Check the "
                 "library's config and log, then run again",
                 path, call, p11_rv_name(rv, buf));
}

/* Every slot's info, and its token's when one is present. */
static enum cp_err read_slots(const char *path, CK_FUNCTION_LIST_PTR f,
                              struct p11_report *r, struct cp_errbuf *err)
{
  CK_ULONG n = 0, i;
  CK_SLOT_ID *ids = NULL;
  enum cp_err rc = CP_OK;
  CK_RV rv;

  if ((rv = f->C_GetSlotList(CK_FALSE, NULL, &n)) != CKR_OK)
    return failed(path, "C_GetSlotList", rv, err);
  ids = cp_xcalloc(n + 1, sizeof(*ids));
  if ((rv = f->C_GetSlotList(CK_FALSE, ids, &n)) != CKR_OK)
    CP_TRY(rc, failed(path, "C_GetSlotList", rv, err));
  r->slots = cp_xcalloc(n + 1, sizeof(*r->slots));
  for (i = 0; i < n; i++) {
    struct p11_slot *s = &r->slots[r->nslots++];
    CK_SLOT_INFO si;
    CK_TOKEN_INFO ti;
    s->id = ids[i];
    if ((rv = f->C_GetSlotInfo(ids[i], &si)) != CKR_OK)
      CP_TRY(rc, failed(path, "C_GetSlotInfo", rv, err));
    field(s->description, si.slotDescription, sizeof(si.slotDescription));
    field(s->manufacturer, si.manufacturerID, sizeof(si.manufacturerID));
    s->flags = si.flags;
    s->token_present = (si.flags & CKF_TOKEN_PRESENT) != 0;
    if (!s->token_present)
      continue;
    rv = f->C_GetTokenInfo(ids[i], &ti);
    if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED) {
      s->token_present = 0; /* taken out between the two calls */
      continue;
    }
    if (rv != CKR_OK)
      CP_TRY(rc, failed(path, "C_GetTokenInfo", rv, err));
    field(s->token.label, ti.label, sizeof(ti.label));
    field(s->token.manufacturer, ti.manufacturerID, sizeof(ti.manufacturerID));
    field(s->token.model, ti.model, sizeof(ti.model));
    field(s->token.serial, ti.serialNumber, sizeof(ti.serialNumber));
    s->token.flags = ti.flags;
    s->token.initialized = (ti.flags & CKF_TOKEN_INITIALIZED) != 0;
  }
out:
  free(ids);
  return rc;
}

enum cp_err p11_probe(const char *path, struct p11_report *r,
                      struct cp_errbuf *err)
{
  struct plat_dl *dl = NULL;
  CK_C_GetFunctionList get_list;
  CK_FUNCTION_LIST_PTR f = NULL;
  CK_C_INITIALIZE_ARGS init;
  CK_INFO info;
  enum cp_err rc;
  CK_RV rv;
  int initialized = 0;

  memset(r, 0, sizeof(*r));
  CP_TRY(rc, plat_dl_open(path, &dl, err));
  get_list = (CK_C_GetFunctionList)plat_dl_sym(dl, "C_GetFunctionList");
  if (!get_list)
    CP_FAIL(rc, CP_E_ENVIRONMENT,
            "not a PKCS#11 library (%s): it has no C_GetFunctionList. Give "
            "the path of the PKCS#11 module (for CloudHSM, %s)",
            path, "libcloudhsm_pkcs11.so");
  if ((rv = get_list(&f)) != CKR_OK || !f)
    CP_TRY(rc, failed(path, "C_GetFunctionList", rv != CKR_OK ? rv
                                                              : CKR_GENERAL_ERROR,
                      err));
  memset(&init, 0, sizeof(init));
  init.flags = CKF_OS_LOCKING_OK; /* the library may use the OS's locks */
  rv = f->C_Initialize(&init);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
    CP_TRY(rc, failed(path, "C_Initialize", rv, err));
  initialized = rv == CKR_OK; /* finalized only if this run initialized it */
  if ((rv = f->C_GetInfo(&info)) != CKR_OK)
    CP_TRY(rc, failed(path, "C_GetInfo", rv, err));
  field(r->manufacturer, info.manufacturerID, sizeof(info.manufacturerID));
  field(r->description, info.libraryDescription,
        sizeof(info.libraryDescription));
  r->library_major = info.libraryVersion.major;
  r->library_minor = info.libraryVersion.minor;
  r->cryptoki_major = info.cryptokiVersion.major;
  r->cryptoki_minor = info.cryptokiVersion.minor;
  rc = read_slots(path, f, r, err);
out:
  if (initialized)
    f->C_Finalize(NULL);
  plat_dl_close(dl);
  return rc;
}

void p11_report_release(struct p11_report *r)
{
  free(r->slots);
  r->slots = NULL;
  r->nslots = 0;
}
