/* SPDX-License-Identifier: Apache-2.0 */
/* cloudhsm.h — the CloudHSMv2 DescribeClusters call (JSON 1.1, SigV4,
 * signing name "cloudhsm", through aws_call.h with its retries) and its
 * answer. */
#ifndef CLOUDHSM_H
#define CLOUDHSM_H

#include <stddef.h>

#include "aws_call.h"
#include "aws_creds.h"
#include "cp_err.h"
#include "http.h"

struct hsm_info {
  char *hsm_id, *state, *eni_ip, *eni_ip_v6, *az;
};

struct cluster_info {
  char *cluster_id, *state, *state_message, *hsm_type, *network_type;
  char *security_group, *vpc_id; /* SecurityGroup, VpcId; NULL when absent */
  char *cluster_certificate; /* PEM, NULL when not initialized */
  struct hsm_info *hsms;
  size_t nhsms;
};
void cluster_info_release(struct cluster_info *c);
/* A deep copy of src into dst (released with cluster_info_release). */
void cluster_info_copy(struct cluster_info *dst,
                       const struct cluster_info *src);


/* Parses one DescribeClusters answer: finds cluster_id among Clusters[]
 * (found=0 when absent) and the NextToken (caller frees; NULL at the end).
 * Unknown members are ignored; wrong types are CP_E_API. */
CP_MUST_USE enum cp_err cloudhsm_parse_describe(const char *json, size_t len,
                                                const char *cluster_id,
                                                struct cluster_info *out,
                                                int *found, char **next_token,
                                                struct cp_errbuf *err);

/* Parses a saved answer (--from-describe): the whole DescribeClusters
 * answer, its Clusters list (what --query Clusters prints) or one cluster
 * object (--query 'Clusters[0]'). Finds cluster_id as
 * cloudhsm_parse_describe() does; NextToken is not followed. */
CP_MUST_USE enum cp_err cloudhsm_parse_saved(const char *json, size_t len,
                                             const char *cluster_id,
                                             struct cluster_info *out,
                                             int *found, struct cp_errbuf *err);

/* The same for many clusters at once (refresh-clusters): found[i] (n
 * entries, set here) says whether ids[i] is described in out[i]. */
CP_MUST_USE enum cp_err cloudhsm_parse_saved_many(const char *json, size_t len,
                                                  const char *const *ids,
                                                  size_t n,
                                                  struct cluster_info *out,
                                                  int *found,
                                                  struct cp_errbuf *err);

/* DescribeClusters for many clusters: up to 100 ids a call, NextToken
 * followed until all are found. A cluster not found is found[i] = 0, not an
 * error. *calls is increased by the calls made. */
CP_MUST_USE enum cp_err cloudhsm_describe_clusters(
    struct aws_client *c, const char *const *ids, size_t n,
    struct cluster_info *out, int *found, int *calls, struct cp_errbuf *err);

/* Calls DescribeClusters (following NextToken) for one cluster. A cluster
 * that does not exist is CP_E_API_NOT_FOUND naming the region. Updates
 * c->skew_seconds. */
CP_MUST_USE enum cp_err cloudhsm_describe_cluster(struct aws_client *c,
                                                  const char *cluster_id,
                                                  struct cluster_info *out,
                                                  struct cp_errbuf *err);

/* One DescribeClusters call of one cluster at most, for the answer's Date
 * alone: sets c->skew_seconds (doctor --api with no slot to describe). */
CP_MUST_USE enum cp_err cloudhsm_probe_clock(struct aws_client *c,
                                             struct cp_errbuf *err);

/* The clusters whose TagList holds Key with Value (a Name tag, say):
 * their ids (owned), and how many clusters were looked at. */
struct cluster_match {
  char **ids;
  size_t n, seen;
};
#define CLUSTER_MATCH_INIT                                                     \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }
void cluster_match_release(struct cluster_match *m);
/* DescribeClusters with no filter, every page (the API filters by id, VPC
 * and state, not by tag). *calls is increased by the calls made. */
CP_MUST_USE enum cp_err cloudhsm_find_by_tag(struct aws_client *c,
                                             const char *key,
                                             const char *value,
                                             struct cluster_match *m,
                                             int *calls,
                                             struct cp_errbuf *err);
/* The same in a saved answer (cloudhsm_parse_saved's forms). */
CP_MUST_USE enum cp_err cloudhsm_parse_saved_by_tag(const char *json,
                                                    size_t len,
                                                    const char *key,
                                                    const char *value,
                                                    struct cluster_match *m,
                                                    struct cp_errbuf *err);

#endif
