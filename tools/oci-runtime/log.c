// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime log: engines give runc and crun a --log FILE (and
 * --log-format json or text) and show the last error in it when a command
 * fails; containerd's shim (docker) reads nothing else, not even stderr.
 * When the wrapper refuses before the real runtime runs, its message goes
 * there too, as runc would write it, so `docker run` says why.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oci-runtime.h"

static const char *log_path;
static bool log_json;

/* RFC 3339 in UTC, as the runtimes' logs stamp each line. */
static void now_rfc3339(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%FT%TZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* @msg quoted as logrus's text format quotes a value */
static char *quoted(const char *msg)
{
	json_t *j = json_string(msg);
	char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return q;
}

/*
 * The first message only: it says why, those after it what did not
 * happen because of it, and engines show the last line of the log.
 */
static void log_line(const char *msg)
{
	char when[32], *line = NULL, *q;
	json_t *j;
	int fd;

	launch_err_hook = NULL;
	now_rfc3339(when, sizeof(when));
	if (log_json) {
		j = json_pack("{s:s, s:s, s:s}", "level", "error", "msg", msg,
			      "time", when);
		line = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
	} else if ((q = quoted(msg))) {
		if (asprintf(&line, "time=\"%s\" level=error msg=%s", when, q) <
		    0)
			line = NULL;
		free(q);
	}
	fd = line ? open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			 0600)
		  : -1;
	/* a log that cannot be written: stderr has the message */
	if (fd >= 0) {
		dprintf(fd, "%s\n", line);
		close(fd);
	}
	free(line);
}

/* A separate value follows @a: a runtime's global option or ours. */
static bool valued(const char *a)
{
	return launch_oci_takes_value(a) ||
	       (!strncmp(a, "--pag-", 6) && !strchr(a, '=') &&
		strcmp(a, "--pag-help"));
}

/* @name's value at @argv[*i], as "NAME VALUE" or "NAME=VALUE"; or NULL */
static const char *value_of(char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return !argv[*i][n] && argv[*i + 1] ? argv[++*i] : NULL;
}

void oci_log_setup(char **argv)
{
	const char *v;

	for (int i = 1; argv[i] && argv[i][0] == '-'; i++) {
		if ((v = value_of(argv, &i, "--log")))
			log_path = v;
		else if ((v = value_of(argv, &i, "--log-format")))
			log_json = !strcmp(v, "json");
		else if (valued(argv[i]) && argv[i + 1])
			i++;
	}
	if (log_path && *log_path)
		launch_err_hook = log_line;
}
