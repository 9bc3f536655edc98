/* SPDX-License-Identifier: Apache-2.0 */
/* safe_path.h — which file a write of the config may replace, the rules
 * written once (OpenSSH's safe_path is the model) over the platform's walk
 * of links and its judgement of who may change a path (cp_platform.h). */
#ifndef SAFE_PATH_H
#define SAFE_PATH_H

#include "cp_err.h"

/* The file a write of the config at `path` must replace (*out, caller
 * frees). A folder or a device is refused (CP_E_CONFIG). Without links:
 * path itself, and its folder must be one nobody else may write into
 * (safe_path_check_folder). When path or a folder on the way is a link: the
 * link's final target, and the target, its folder and every folder holding
 * a link must be writable by nobody else, every folder above them must let
 * nobody else rename in it (a sticky folder such as /tmp passes): else
 * CP_E_UNSAFE_PATH naming the component. The link itself is kept. err may
 * be NULL (the answer alone is wanted). */
CP_MUST_USE enum cp_err safe_path_for_config(const char *path, char **out,
                                             struct cp_errbuf *err);

/* Refuses a folder others could write into (world-writable; as root also
 * group-writable or owned by another user: CP_E_UNSAFE_PATH), or a missing
 * one or no folder (CP_E_IO). */
CP_MUST_USE enum cp_err safe_path_check_folder(const char *dir,
                                               struct cp_errbuf *err);

/* A file of code this run will load (a PKCS#11 library, run as root): the
 * file, its folder and every folder holding a link on the way may be
 * changed by nobody but root (an administrator) or this user, and every
 * folder above them renamed in by nobody else: else CP_E_UNSAFE_PATH. */
CP_MUST_USE enum cp_err safe_path_check_code(const char *path,
                                             struct cp_errbuf *err);

#endif
