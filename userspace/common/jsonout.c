// SPDX-License-Identifier: GPL-2.0
/* The tools' --json output (jsonout.h). */
#include <errno.h>
#include <stdio.h>

#include "common/jsonout.h"

int print_json(json_t *j)
{
	int r = 0;

	if (!j)
		return -ENOMEM;
	if (json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', stdout) == EOF)
		r = -EIO;
	json_decref(j);
	return r;
}
