// SPDX-License-Identifier: GPL-2.0
/*
 * pagsh - run a shell in a new PAG, like OpenAFS's pagsh: every argument
 * goes to the shell (`pagsh -c 'cmd'`), which is the user's login shell
 * from the password database, or /bin/sh.
 */

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pag/pag.h>

#include "common/exitcode.h"
#include "pag_version.h"

static const char *login_shell(void)
{
	const struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_shell && *pw->pw_shell)
		return pw->pw_shell;
	return "/bin/sh";
}

int main(int argc, char **argv)
{
	struct pag_handle *h;
	const char *shell;
	unsigned int limits;
	int err;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: pagsh [SHELL-ARGS...] | --help | --version\n"
		       "Run your login shell in a new PAG; every argument "
		       "goes to the shell\n(pagsh -c 'command').\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("pagsh %s\n", PAG_VERSION);
		return 0;
	}
	err = pag_open(&h, 0);
	if (err) {
		fprintf(stderr, "pagsh: cannot reach pag.ko: %s\n",
			strerror(-err));
		return EX_OSERR;
	}
	err = pag_create(h, NULL);
	if (err < 0) {
		fprintf(stderr, "pagsh: cannot create a PAG: %s\n",
			*pag_errmsg(h) ? pag_errmsg(h) : strerror(-err));
		pag_close(h);
		return exit_code_of(err);
	}
	limits = pag_limits(h);
	if (limits)
		fprintf(stderr,
			"pagsh: warning: pag.ko is not loaded; this "
			"PAG is a plain session keyring (pag status)\n");
	pag_close(h);

	shell = login_shell();
	argv[0] = (char *)shell;
	execv(shell, argv);
	fprintf(stderr, "pagsh: cannot run %s: %s\n", shell, strerror(errno));
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}
