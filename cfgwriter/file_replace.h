/* SPDX-License-Identifier: Apache-2.0 */
/* file_replace.h — the atomic replace of a config file (private to
 * cfgwriter/). */
#ifndef FILE_REPLACE_H
#define FILE_REPLACE_H

#include <stddef.h>

#include "cp_err.h"
#include "cp_platform.h"

/* Replaces path with data so that a reader sees the old file or the new
 * one, never a part: a temporary file beside it, written, given the old
 * file's mode, owner and attributes (0644 for a new file), flushed,
 * renamed over path, the folder synced. A failure up to the rename
 * removes the temporary file and leaves path untouched; a failure to sync
 * the folder comes after it: path is the new file, and CP_E_IO says its
 * durability is in doubt. */
CP_MUST_USE enum cp_err file_replace(const char *path, const void *data,
                                     size_t len,
                                     const struct plat_file_meta *old,
                                     struct cp_errbuf *err);

#endif
