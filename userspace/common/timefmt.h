/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Times for people: ISO 8601 in local time with the UTC offset,
 * "2026-12-02T14:05:07+0000".  One format in every log line and every
 * human output of the tools; it sorts as text and says which zone it is
 * in.  JSON output keeps epoch seconds, for programs.
 */
#ifndef PAG_COMMON_TIMEFMT_H
#define PAG_COMMON_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* Long enough for any time timefmt() prints, with room to spare. */
#define TIMEFMT_MAX 64

/*
 * timefmt() - @t (seconds since the epoch) into @buf, which it returns.
 * A time localtime_r() cannot convert is printed as "@SECONDS".
 */
const char *timefmt(time_t t, char *buf, size_t len);

#endif /* PAG_COMMON_TIMEFMT_H */
