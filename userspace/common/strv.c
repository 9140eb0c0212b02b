// SPDX-License-Identifier: GPL-2.0
/* NULL-terminated arrays of strings (strv.h). */

#include <stdlib.h>

#include "common/strv.h"

void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}
