// SPDX-License-Identifier: GPL-2.0
/*
 * pag aklog, pag unlog: kafs tokens (rxrpc keys afs@CELL) made from the
 * Kerberos credentials of the default ccache, stored in the session
 * keyring, which inside a PAG is the PAG.  The work is done by
 * userspace/afs (libpagafs); this file is the command line around it.
 * Where the caller's kafs mount of the cell is in another network
 * namespace, pagd is asked to place the token (afs_pagd.c).
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "afs/aklog.h"
#include "afs/mountns.h"
#include "common/timefmt.h"
#include "afs_pagd.h"
#include "cli.h"
#include "pagd-client/api.h"

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

/*
 * The caller's kafs mount of @cell is in another network namespace: have
 * pagd place the token there, through the PAG's credential binding, or say
 * why neither can be done.
 */
static int aklog_by_pagd(const char *cell, const char *mount,
			 const char *address)
{
	struct afs_placed res = {};
	char why[512], when[64];
	json_t *obj;

	if (afs_pagd_place(address, cell, &res, why, sizeof(why)) < 0) {
		fprintf(stderr,
			"pag aklog: %s is mounted at %s from another network "
			"namespace, where kafs looks up its tokens; a token "
			"made in this one would never be used, and pagd did "
			"not place one: %s\n",
			cell, mount, why);
		return EX_CONFIG;
	}
	if (json) {
		obj = json_pack("{s:s, s:s, s:s, s:i, s:I}", "token",
				res.description, "placed_by", "pagd",
				"principal", res.principal, "key", res.key,
				"expiry", (json_int_t)res.expiry);
		print_json(obj);
		return 0;
	}
	printf("%s: token placed by pagd (credentials of %s) where %s "
	       "looks, key %d, expires %s\n",
	       res.description, res.principal, mount, res.key,
	       timefmt(res.expiry, when, sizeof(when)));
	return 0;
}

int cmd_aklog(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "system", no_argument, NULL, 's' },
		{ "address", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *address = PAGD_PRIVATE_BUS;
	struct aklog_result res;
	char err[512], when[64], mount[256];
	char *cell;
	json_t *obj;
	int i, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 's')
			address = NULL;
		else if (c == 'a')
			address = optarg;
		else
			return help_or_unknown_opt(c, argv);
	}
	i = optind;
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
	 * container's bind-mounted host /afs) would be found by nobody, so
	 * pagd is asked to place it there.
	 */
	if (afs_cell_mount_elsewhere(cell, mount, sizeof(mount)) == 1) {
		rc = aklog_by_pagd(cell, mount, address);
		free(cell);
		return rc;
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
