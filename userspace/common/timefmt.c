// SPDX-License-Identifier: GPL-2.0
/* Times for people (timefmt.h). */
#include <stdio.h>
#include <time.h>

#include "common/timefmt.h"

const char *timefmt(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}
