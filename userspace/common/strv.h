/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NULL-terminated arrays of strings, as sd-bus reads an "as" and as pagd's
 * configuration keeps its name lists.
 */
#ifndef PAG_COMMON_STRV_H
#define PAG_COMMON_STRV_H

#include <stddef.h>

/* Frees each string and the array; NULL is an empty array. */
void strv_free(char **v);

/* The number of strings; NULL is an empty array. */
size_t strv_len(char *const *v);

#endif /* PAG_COMMON_STRV_H */
