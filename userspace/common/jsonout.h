/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --json output of the tools: one style for all of them.  Each document is
 * one line (compact, keys in the order they were set), so a stream of
 * them (pag monitor --json) is JSON Lines and `jq`, `python3 -c
 * json.loads` or a line-oriented reader all work; times are seconds since
 * the epoch (or the clock the field names), never formatted dates.
 */
#ifndef PAG_COMMON_JSONOUT_H
#define PAG_COMMON_JSONOUT_H

#include <jansson.h>

/*
 * print_json() - write @j and a newline to stdout, and release @j (which
 * may be NULL: a failed json_pack(), reported as -ENOMEM).  Named so as
 * not to take a name in jansson's json_* namespace.
 * Return: 0, -ENOMEM, or -EIO when stdout cannot be written.
 */
int print_json(json_t *j);

#endif /* PAG_COMMON_JSONOUT_H */
