/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leveled logging for daemons and tools, systemd style: each line goes to
 * stderr prefixed with "<N>" (the syslog priority) when stderr is the journal
 * (JOURNAL_STREAM matches), or with the program name otherwise.
 */
#ifndef PAG_COMMON_LOG_H
#define PAG_COMMON_LOG_H

#include <syslog.h>

void log_init(const char *ident);
void log_set_max_level(int level);
int log_get_max_level(void);
int log_level_from_string(const char *s);
const char *log_level_to_string(int level);

void log_internal(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * log_errno() - log a message and return @err (a negative errno), so that
 * "return log_errno(LOG_ERR, r, ...)" reports and propagates in one line.
 * "%m" in @fmt prints @err.
 */
int log_errno(int level, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(...)	 log_internal(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	 log_internal(LOG_INFO, __VA_ARGS__)
#define log_notice(...)	 log_internal(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, __VA_ARGS__)
#define log_error(...)	 log_internal(LOG_ERR, __VA_ARGS__)

#endif /* PAG_COMMON_LOG_H */
