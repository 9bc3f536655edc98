/* SPDX-License-Identifier: Apache-2.0 */
/* version.h — what --version prints. */
#ifndef VERSION_H
#define VERSION_H

/* As curl -V: the version, then the libraries as loaded, how they are
 * linked, and the system, on stdout. */
void version_print(void);

#endif
