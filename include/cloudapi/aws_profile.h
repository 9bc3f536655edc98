/* SPDX-License-Identifier: Apache-2.0 */
/* aws_profile.h — the AWS shared config and credentials files, read with
 * inih. Files: AWS_CONFIG_FILE (else ~/.aws/config) and
 * AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials). In the config file
 * a profile is "[profile NAME]" ("[default]" for default); in the
 * credentials file it is "[NAME]". A value in the credentials file wins. */
#ifndef AWS_PROFILE_H
#define AWS_PROFILE_H

#include "cp_err.h"

struct aws_profiles;

/* Reads both files (a missing file is fine; an unreadable or malformed one
 * is CP_E_ENVIRONMENT naming it and the line). Caller frees. */
CP_MUST_USE enum cp_err aws_profiles_load(struct aws_profiles **out,
                                          struct cp_errbuf *err);
void aws_profiles_free(struct aws_profiles *p);
/* The same from text in memory (tests, fuzzing). Caller frees. */
CP_MUST_USE enum cp_err aws_profiles_parse(const char *config_text,
                                           const char *credentials_text,
                                           struct aws_profiles **out,
                                           struct cp_errbuf *err);

/* The profile in use: --profile, else AWS_PROFILE, else "default". */
const char *aws_profile_name(const char *flag);
/* 1 when either file has a section for the profile. */
int aws_profile_exists(const struct aws_profiles *p, const char *profile);
/* A key of a profile, or NULL. Valid while p lives. */
const char *aws_profile_get(const struct aws_profiles *p, const char *profile,
                            const char *key);
/* A key of a service inside the profile's "services" section, e.g.
 * ("cloudhsm_v2", "endpoint_url"), or NULL. */
const char *aws_profile_service_get(const struct aws_profiles *p,
                                    const char *profile, const char *service,
                                    const char *key);
/* A key of an "[sso-session NAME]" section of the config file, or NULL. */
const char *aws_sso_session_get(const struct aws_profiles *p,
                                const char *session, const char *key);
/* The file a profile's key comes from (the credentials file's wins), with
 * its owner and mode as read (uid -1 from text); NULL when no file has it.
 * For rules about who may have written it. */
struct plat_file_meta;
const char *aws_profile_origin(const struct aws_profiles *p,
                               const char *profile, const char *key,
                               struct plat_file_meta *meta);
/* Where the files are (for messages). */
const char *aws_profiles_config_path(const struct aws_profiles *p);
const char *aws_profiles_credentials_path(const struct aws_profiles *p);

#endif
