// SPDX-License-Identifier: GPL-2.0
/*
 * pag-aklog - kafs tokens for the current PAG from its Kerberos credentials.
 *
 *   pag-aklog [--json] [CELL [REALM]]   store a token for CELL
 *   pag-aklog --unlog [CELL]            remove CELL's token (default: all)
 *
 * The token lands in the session keyring, which inside a PAG is the PAG.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <keyutils.h>

#include "afs/aklog.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: pag-aklog [--json] [CELL [REALM]]\n"
		   "       pag-aklog --unlog [CELL]\n"
		   "Store a kafs token (rxrpc key afs@CELL) made from the "
		   "Kerberos credentials\nof the default ccache in the session "
		   "keyring (the PAG); or remove tokens.\n"
		   "CELL defaults to /proc/net/afs/rootcell, REALM to CELL in "
		   "upper case.\n");
}

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

static int unlog(const char *cell)
{
	unsigned int removed;
	int ret = afs_unlog(cell, KEY_SPEC_SESSION_KEYRING, &removed);

	if (ret) {
		fprintf(stderr,
			"pag-aklog: cannot read the session keyring: "
			"%s\n",
			strerror(-ret));
		return 1;
	}
	if (cell && !removed) {
		fprintf(stderr, "pag-aklog: no token for cell %s\n", cell);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "unlog", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int json = 0, do_unlog = 0, c, ret;
	struct aklog_result res;
	char err[512], *cell;

	while ((c = getopt_long(argc, argv, "+juh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'u':
			do_unlog = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > (do_unlog ? 1 : 2)) {
		usage(stderr);
		return 2;
	}
	if (do_unlog)
		return unlog(argc ? argv[0] : NULL);

	cell = argc ? strdup(argv[0]) : default_cell();
	if (!cell) {
		fprintf(stderr, "pag-aklog: no cell given, and kafs has no "
				"default cell (/proc/net/afs/rootcell)\n");
		return 2;
	}
	ret = afs_aklog(cell, argc > 1 ? argv[1] : NULL,
			KEY_SPEC_SESSION_KEYRING, &res, err, sizeof(err));
	free(cell);
	if (ret) {
		fprintf(stderr, "pag-aklog: %s\n", err);
		return 1;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:i, s:I}", "token",
				      res.description, "service", res.service,
				      "key", res.key, "expiry",
				      (json_int_t)res.expiry);

		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		char when[64];

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z",
			 localtime(&res.expiry));
		printf("%s: token from %s, key %d, expires %s\n",
		       res.description, res.service, res.key, when);
	}
	return 0;
}
