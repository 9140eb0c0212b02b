// SPDX-License-Identifier: GPL-2.0
/*
 * Wrapping an OCI runtime.  runc and crun join every new container to a
 * fresh session keyring of their own ("_ses.<id>") unless run with
 * --no-new-keyring, and a new session keyring is leaving the PAG: the
 * container would run outside it, silently.  So for the commands that
 * start a container (run, create) the option is inserted after the
 * command when the caller did not give it; everything else is passed
 * through untouched.  The runtime's own global options come before the
 * command and some take a value; those are skipped to find it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch.h"

#define NO_NEW_KEYRING "--no-new-keyring"

/* Global options of runc and crun that take a separate value. */
static const char *const valued[] = {
	"--root", "--log",	"--log-format",	    "--log-level",
	"--criu", "--rootless", "--cgroup-manager",
};

bool launch_oci_takes_value(const char *arg)
{
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
		if (!strcmp(arg, valued[i]))
			return true;
	return false;
}

/* Index of the runtime's command in @argv, or -1. */
int launch_oci_command(char **argv)
{
	for (int i = 0; argv[i]; i++) {
		if (argv[i][0] != '-')
			return i;
		if (launch_oci_takes_value(argv[i]) && argv[i + 1])
			i++;
	}
	return -1;
}

/* Whether the caller already gave the option, up to a "--". */
static bool has_no_new_keyring(char **argv, int from)
{
	for (int i = from; argv[i] && strcmp(argv[i], "--"); i++)
		if (!strncmp(argv[i], NO_NEW_KEYRING,
			     sizeof(NO_NEW_KEYRING) - 1))
			return true;
	return false;
}

bool launch_oci_creates(char **argv)
{
	int i = launch_oci_command(argv);

	return i >= 0 &&
	       (!strcmp(argv[i], "run") || !strcmp(argv[i], "create"));
}

int launch_oci_exec(const struct launch_opts *o, const char *sockdir)
{
	int argc = 0, cmd = launch_oci_command(o->argv), n = 0;
	bool insert = launch_oci_creates(o->argv) &&
		      !has_no_new_keyring(o->argv, cmd + 1);
	char **argv;

	while (o->argv[argc])
		argc++;
	argv = calloc(argc + 3, sizeof(*argv));
	if (!argv) {
		launch_err("out of memory");
		return EX_OSERR;
	}
	argv[n++] = (char *)o->oci_runtime;
	for (int i = 0; i < argc; i++) {
		argv[n++] = o->argv[i];
		if (i == cmd && insert)
			argv[n++] = NO_NEW_KEYRING;
	}
	/* For an OCI hook or the bundle's mounts: see pag-launch(1). */
	if (sockdir && setenv("PAG_SOCKET_DIR", sockdir, 1) < 0) {
		free(argv);
		return EX_OSERR;
	}
	fflush(NULL);
	execv(o->oci_runtime, argv);
	launch_err("cannot run %s: %s", o->oci_runtime, strerror(errno));
	free(argv);
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}
