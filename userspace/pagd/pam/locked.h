/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffers for secrets (a TGT between authentication and session open):
 * their own pages, locked so that they never reach swap, left out of core
 * dumps, and wiped before they are unmapped.
 */
#ifndef PAGD_PAM_LOCKED_H
#define PAGD_PAM_LOCKED_H

#include <stddef.h>
#include <stdint.h>

struct locked_buf {
	uint8_t *data;
	size_t len;  /* bytes in use */
	size_t size; /* bytes mapped, whole pages */
};

/* Return: 0 with @b mapped for @len bytes (b->len = @len), or -errno. */
int locked_alloc(struct locked_buf *b, size_t len);
/* Wipes and unmaps @b; a zeroed @b is left alone. */
void locked_free(struct locked_buf *b);

#endif /* PAGD_PAM_LOCKED_H */
