// SPDX-License-Identifier: GPL-2.0
/*
 * pag-bpf - load, inspect and unload the pag BPF LSM program.  The logic is
 * in userspace/bpf/loader.c, so that `pag bpf ...` can call the same.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "pag/peer.h"

/* Exit codes of `status`, in the manner of systemctl. */
#define EXIT_NOT_LOADED	 3
#define EXIT_UNAVAILABLE 4

static int usage(FILE *out, int status)
{
	fprintf(out, "Usage: pag-bpf load [--force]    attach and pin (a no-op "
		     "when loaded)\n"
		     "       pag-bpf status            state, pins, and why "
		     "(exit 0 active,\n"
		     "                                 3 not loaded, 4 BPF LSM "
		     "unavailable)\n"
		     "       pag-bpf unload [--purge]  detach; --purge drops "
		     "tags and fences\n");
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *opt = argc > 2 ? argv[2] : NULL;
	int err;

	if (argc > 3)
		return usage(stderr, 2);
	if (!strcmp(cmd, "load") && (!opt || !strcmp(opt, "--force"))) {
		err = pag_bpf_load(!!opt);
		return err == -EOPNOTSUPP ? EXIT_UNAVAILABLE : !!err;
	}
	if (!strcmp(cmd, "unload") && (!opt || !strcmp(opt, "--purge")))
		return !!pag_bpf_unload(!!opt);
	if (!strcmp(cmd, "status") && !opt) {
		switch (pag_bpf_status(stdout)) {
		case PAG_BPF_ACTIVE:
			return 0;
		case PAG_BPF_NOT_LOADED:
			return EXIT_NOT_LOADED;
		default:
			return EXIT_UNAVAILABLE;
		}
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return usage(stdout, 0);
	fprintf(stderr, "pag-bpf: unknown command '%s %s'\n", cmd,
		opt ? opt : "");
	return usage(stderr, 2);
}
