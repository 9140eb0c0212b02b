// SPDX-License-Identifier: GPL-2.0
/*
 * Leveled logging.  Daemons started by systemd have stderr connected to the
 * journal, which understands a "<N>" priority prefix; elsewhere a human
 * reads the lines, so they get the program name and the level instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

static const char *log_ident = "pag";
static int log_max_level = LOG_INFO;
static bool log_to_journal;

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg",	   [LOG_ALERT] = "alert",
	[LOG_CRIT] = "crit",	   [LOG_ERR] = "err",
	[LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",	   [LOG_DEBUG] = "debug",
};

/* JOURNAL_STREAM is "DEV:INODE" of the stream systemd gave us. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_init(const char *ident)
{
	log_ident = ident;
	log_to_journal = stderr_is_journal();
}

void log_set_max_level(int level)
{
	log_max_level = level;
}

int log_get_max_level(void)
{
	return log_max_level;
}

int log_level_from_string(const char *s)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++)
		if (!strcasecmp(s, level_names[i]))
			return (int)i;
	if (!strcasecmp(s, "error"))
		return LOG_ERR;
	return -EINVAL;
}

const char *log_level_to_string(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}

static void log_va(int level, int err, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level > log_max_level)
		return;
	errno = err;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_to_journal)
		fprintf(stderr, "<%d>%s\n", level, buf);
	else if (level <= LOG_WARNING)
		fprintf(stderr, "%s: %s: %s\n", log_ident,
			level <= LOG_ERR ? "error" : "warning", buf);
	else
		fprintf(stderr, "%s: %s\n", log_ident, buf);
}

void log_internal(int level, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_va(level, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

int log_errno(int level, int err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_va(level, err < 0 ? -err : err, fmt, ap);
	va_end(ap);
	errno = saved;
	return err < 0 ? err : -err;
}
