/* SPDX-License-Identifier: Apache-2.0 */
/* slot_plan.h — what a cluster's DescribeClusters answer means for a slot:
 * the one place for the rules every command follows (the answer's checks,
 * the states, the servers by address family, the CA that checks the
 * cluster, the type). Pure but for warnings (cp_log) and the CA file that
 * slot_plan_verify_ca() reads. */
#ifndef SLOT_PLAN_H
#define SLOT_PLAN_H

#include "cfg_model.h"
#include "cloudhsm.h"

/* One cluster's answer; owned, freed by cluster_answer_release(). */
struct cluster_answer {
  char *cluster_id;   /* the cluster asked for */
  struct cluster_info ci;
  char *region_used;  /* where it was found; NULL for a saved answer
                         without --region */
};
#define CLUSTER_ANSWER_INIT                                                    \
  {                                                                            \
    NULL, {0}, NULL                                                            \
  }
void cluster_answer_release(struct cluster_answer *a);

/* The answer can be written: it describes the cluster asked for, with IP
 * literals and a plain type name; a usable state (ACTIVE, INITIALIZED,
 * DEGRADED, UPDATE/MODIFY/ROLLBACK_IN_PROGRESS, or one this tool does not
 * know) with an ACTIVE HSM with an address of the families ip_family (NULL:
 * IPv4) asks for. Else CP_E_API (a bad answer) or CP_E_CLUSTER_STATE, whose
 * fix says "Wait longer" when waiting. */
CP_MUST_USE enum cp_err cluster_answer_check(const struct cluster_answer *a,
                                             const char *ip_family,
                                             int waiting,
                                             struct cp_errbuf *err);
/* Says what a usable state other than ACTIVE means, and names the HSMs
 * that are not ACTIVE (left out). Once per answer used. */
void cluster_answer_warn(const struct cluster_answer *a);
/* A cluster without a certificate: CP_E_CLUSTER_STATE. */
CP_MUST_USE enum cp_err cluster_answer_need_certificate(
    const struct cluster_answer *a, struct cp_errbuf *err);
/* check, warn and need_certificate: an answer taken as it is. */
CP_MUST_USE enum cp_err cluster_answer_accept(const struct cluster_answer *a,
                                              const char *ip_family,
                                              int waiting,
                                              struct cp_errbuf *err);
/* Why the cluster is not ready yet, in a few words, for waiting. */
void cluster_answer_not_ready_why(const struct cluster_answer *a, char *buf,
                                  size_t n);
/* 1 for a cluster in a usable state with no HSM at all: its HSMs were
 * deleted (to save cost), or none was made yet. cluster_answer_check()
 * refuses it; refresh-clusters keeps such a slot as it is. */
int cluster_answer_no_hsms(const struct cluster_answer *a);
/* 1 for DELETE_IN_PROGRESS and DELETED: states waiting cannot fix. */
int cluster_state_gone(const char *state);
/* "hsm1.medium" -> "hsm1"; NULL when unknown. Caller frees. */
char *cluster_answer_slot_type(const struct cluster_answer *a);

/* The servers to write into one slot. */
struct slot_plan {
  struct cfg_server *servers; /* owned; the hostnames point into the answer */
  size_t nservers;
};
#define SLOT_PLAN_INIT                                                         \
  {                                                                            \
    NULL, 0                                                                    \
  }
/* The servers for slot `slot` of m about to be written (-1: a new slot),
 * from an answer cluster_answer_check() passed: ip_family when given; else
 * the slot keeps its family: one holding the IPv6 address of an HSM that
 * also has an IPv4 one, or an IPv6 address the answer does not know (a
 * replaced HSM), keeps IPv6 (and IPv4 if it has that too); any other slot
 * gets the default, IPv4 (an HSM with only an IPv6 address gives it). Warns
 * when the slot would lose every server of a family it has, or an ACTIVE
 * HSM's address that ip_family leaves out. */
void slot_plan_servers(struct slot_plan *p, const struct cluster_answer *a,
                       const char *ip_family, const struct cfg_model *m,
                       int slot);
void slot_plan_release(struct slot_plan *p);
/* The same rule, silent and with no --ip-family, for a slot that exists:
 * what refresh-clusters would write there (doctor's stale-slot test). */
void slot_plan_select(struct slot_plan *p, const struct cluster_info *ci,
                      const struct cfg_model *m, size_t slot);

/* Which CA file checks a slot's cluster, the one rule of every command:
 * --hsm-ca-cert (given); else the hsm_ca_file of slot `slot` (-1: none
 * yet); else, with CA_DEFAULT, the default path. With CA_IF_PRESENT a
 * path that does not exist is passed over, and NULL means none does (the
 * original tool never checked: slot_plan_verify_ca warns). Caller frees. */
#define CA_DEFAULT 1
#define CA_IF_PRESENT 2
char *cluster_ca_for_slot(const struct cfg_model *m, int slot,
                          const char *given, unsigned how);
/* A certificate of the CA file ca_path (a bundle counts) signed the
 * cluster's certificate (else CP_E_CA_MISMATCH naming both subjects), or the
 * file holds that very certificate (passes, with a warning). ca_path NULL:
 * no CA file to check against; passes with a warning. */
CP_MUST_USE enum cp_err slot_plan_verify_ca(const struct cluster_answer *a,
                                            const char *ca_path,
                                            struct cp_errbuf *err);

#endif
