/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz.h — the libFuzzer entry point every harness defines. The same
 * harnesses build without libFuzzer against regress_main.c, which replays
 * the seed corpus and every crash ever found (tests/fuzz/crashes/) in ctest. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input; caller frees. */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
