// SPDX-License-Identifier: GPL-2.0
/*
 * The container a runtime command acts on: the first argument after the
 * command that is not an option, skipping the values of the options of
 * runc's and crun's create, run, exec and delete that take one; and for
 * create and run, the bundle (--bundle, default the working directory)
 * and its config.json (crun's --config names another file); for exec, the
 * new process's configuration (--process), where engines put it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci-runtime.h"

/* Options of those commands, in runc and crun, that take a separate value */
static const char *const valued[] = {
	"--bundle",
	"-b",
	"--config",
	"-f",
	"--console-socket",
	"--pid-file",
	"--preserve-fds",
	"--process",
	"-p",
	"--cwd",
	"--env",
	"-e",
	"--user",
	"-u",
	"--additional-gids",
	"-g",
	"--process-label",
	"--apparmor",
	"--cap",
	"-c",
	"--cgroup",
};

static bool takes_value(const char *cmd, const char *arg)
{
	/* delete -f is --force, not crun's --config */
	if (!strcmp(cmd, "delete"))
		return false;
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
		if (!strcmp(arg, valued[i]))
			return true;
	return false;
}

/* @name's value in "--name VALUE" or "--name=VALUE" at @argv[*i]. */
static const char *value_of(char **argv, int *i, const char *name,
			    const char *alias)
{
	size_t n = strlen(name);

	if (!strcmp(argv[*i], name) || (alias && !strcmp(argv[*i], alias)))
		return argv[*i + 1] ? argv[++*i] : NULL;
	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return NULL;
}

/* A container id names a file under OCI_RECORD_DIR: no path in it. */
static bool valid_id(const char *id)
{
	if (!*id || *id == '.' || strlen(id) > 1024)
		return false;
	for (const char *p = id; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
			    "YZ"
			    "0123456789_.-+",
			    *p))
			return false;
	return true;
}

int oci_target(const struct oci_opts *o, struct oci_target *t)
{
	const char *cmd = o->argv[o->cmd], *config = NULL, *v;
	char **argv = o->argv;

	*t = (struct oci_target){ .bundle = "." };
	for (int i = o->cmd + 1; argv[i] && !t->id; i++) {
		if (!strcmp(argv[i], "--")) {
			t->id = argv[i + 1];
		} else if ((v = value_of(argv, &i, "--bundle", "-b"))) {
			t->bundle = v;
		} else if (strcmp(cmd, "delete") &&
			   (v = value_of(argv, &i, "--config", "-f"))) {
			config = v;
		} else if (!strcmp(cmd, "exec") &&
			   (v = value_of(argv, &i, "--process", "-p"))) {
			t->process = v;
		} else if (argv[i][0] == '-') {
			if (!strchr(argv[i], '=') &&
			    takes_value(cmd, argv[i]) && argv[i + 1])
				i++;
		} else {
			t->id = argv[i];
		}
	}
	if (!t->id) {
		launch_err("%s: no container id in the arguments", cmd);
		return -EINVAL;
	}
	if (!valid_id(t->id)) {
		launch_err("%s: invalid container id '%s'", cmd, t->id);
		return -EINVAL;
	}
	if (config)
		t->config = strdup(config);
	else if (asprintf(&t->config, "%s/config.json", t->bundle) < 0)
		t->config = NULL;
	if (!t->config) {
		launch_err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

void oci_target_free(struct oci_target *t)
{
	free(t->config);
	t->config = NULL;
}
