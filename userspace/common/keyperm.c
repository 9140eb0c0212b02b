// SPDX-License-Identifier: GPL-2.0
/* Possessor-only key trees (keyperm.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "common/keyperm.h"

static int restrict_tree(key_serial_t key, int depth)
{
	key_serial_t *children = NULL;
	char *desc = NULL;
	long n;
	int r = 0;

	if (keyctl_setperm(key, KEY_POS_ALL) < 0)
		return -errno;
	if (keyctl_describe_alloc(key, &desc) < 0)
		return -errno;
	if (strncmp(desc, "keyring;", 8) || depth >= 4) {
		free(desc);
		return 0;
	}
	free(desc);
	n = keyctl_read_alloc(key, (void **)&children);
	if (n < 0)
		return -errno;
	for (long i = 0; !r && i < n / (long)sizeof(*children); i++)
		r = restrict_tree(children[i], depth + 1);
	free(children);
	return r;
}

int keyperm_restrict_tree(int32_t key)
{
	return restrict_tree(key, 0);
}
