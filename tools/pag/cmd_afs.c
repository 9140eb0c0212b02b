// SPDX-License-Identifier: GPL-2.0
/*
 * pag aklog, pag unlog: kafs tokens (rxrpc keys afs@CELL) made from the
 * Kerberos credentials of the default ccache, stored in the session
 * keyring, which inside a PAG is the PAG.  The work is done by
 * userspace/afs (libpagafs); this file is the command line around it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "afs/aklog.h"
#include "afs/mountns.h"
#include "common/timefmt.h"
#include "cli.h"

/* The cell kafs was told is ours, or NULL. */
static char *default_cell(void)
{
	char buf[256], *nl;
	FILE *f = fopen("/proc/net/afs/rootcell", "re");

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf[0] ? strdup(buf) : NULL;
}

int cmd_aklog(int argc, char **argv)
{
	struct aklog_result res;
	char err[512], when[64], mount[256];
	char *cell;
	json_t *obj;
	int i, rc;

	i = parse_opts(argc, argv, true, &rc);
	if (i < 0)
		return rc;
	if (argc - i > 2)
		return usage_error("unexpected argument '%s'", argv[i + 2]);
	cell = i < argc ? strdup(argv[i]) : default_cell();
	if (!cell) {
		if (i < argc)
			return failure(-ENOMEM, NULL);
		return usage_error("no cell given, and kafs has no default "
				   "cell (/proc/net/afs/rootcell)");
	}
	/*
	 * kafs looks tokens up in the network namespace of the mount, not
	 * ours: a token made here for a mount from another namespace (a
	 * container's bind-mounted host /afs) would be found by nobody.
	 */
	if (afs_cell_mount_elsewhere(cell, mount, sizeof(mount)) == 1) {
		fprintf(stderr,
			"pag aklog: %s is mounted at %s from another network "
			"namespace, where kafs looks up its tokens; a token "
			"made in this one would never be used: have the host "
			"place it in this PAG (pagd, or pag token add --pag)\n",
			cell, mount);
		free(cell);
		return EX_CONFIG;
	}
	rc = afs_aklog(cell, argc - i > 1 ? argv[i + 1] : NULL,
		       KEY_SPEC_SESSION_KEYRING, &res, err, sizeof(err));
	free(cell);
	if (rc) {
		fprintf(stderr, "pag aklog: %s\n", err);
		return rc == -EINVAL ? EX_USAGE : exit_code_of(rc);
	}
	if (json) {
		obj = json_pack("{s:s, s:s, s:i, s:I}", "token",
				res.description, "service", res.service, "key",
				res.key, "expiry", (json_int_t)res.expiry);
		print_json(obj);
		return 0;
	}
	printf("%s: token from %s, key %d, expires %s\n", res.description,
	       res.service, res.key, timefmt(res.expiry, when, sizeof(when)));
	return 0;
}

int cmd_unlog(int argc, char **argv)
{
	unsigned int removed;
	const char *cell;
	int i, rc;

	i = parse_opts(argc, argv, false, &rc);
	if (i < 0)
		return rc;
	if (argc - i > 1)
		return usage_error("unexpected argument '%s'", argv[i + 1]);
	cell = i < argc ? argv[i] : NULL;
	rc = afs_unlog(cell, KEY_SPEC_SESSION_KEYRING, &removed);
	if (rc) {
		fprintf(stderr,
			"pag unlog: cannot read the session keyring: "
			"%s\n",
			strerror(-rc));
		return exit_code_of(rc);
	}
	if (cell && !removed) {
		fprintf(stderr, "pag unlog: no token for cell %s\n", cell);
		return EXIT_NO_SUCH_PAG;
	}
	return 0;
}
