/* SPDX-License-Identifier: Apache-2.0 */
/* cp_diff.h — a unified diff of two texts, line by line (Myers' algorithm,
 * as diff(1) and git produce it), for --dry-run. The output applies with
 * patch(1). */
#ifndef CP_DIFF_H
#define CP_DIFF_H

#include "cp_buf.h"

/* Appends to out the unified diff of a to b ("--- label_a", "+++ label_b",
 * hunks with `context` lines around each change). Nothing is appended when
 * the texts are equal. When the edit script would need more than a few
 * thousand steps the changed middle is shown as one replacement: still a
 * correct diff, only not the shortest. */
void cp_diff_unified(const char *a, const char *b, const char *label_a,
                     const char *label_b, int context, struct cp_buf *out);

#endif
