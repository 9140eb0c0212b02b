// SPDX-License-Identifier: GPL-2.0
/*
 * Strict decimal parsing (parse.h).  strtoull() alone accepts blanks, a
 * sign (and negates: "-1" is ULLONG_MAX) and an empty string; the digit
 * checks here refuse them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/parse.h"

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_id(const char *s, uint32_t *out)
{
	uint64_t v;
	int r = parse_uint(s, 0, UINT32_MAX - 1, &v);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

int parse_pag_id(const char *s, int32_t *out)
{
	uint64_t v;
	int r = parse_uint(s, 1, INT32_MAX, &v);

	if (r == 0)
		*out = (int32_t)v;
	return r;
}
