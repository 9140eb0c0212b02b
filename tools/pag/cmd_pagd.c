// SPDX-License-Identifier: GPL-2.0
/*
 * pag domains, bind, unbind, bindings, sockets, reload, creds: pagd's
 * management API.  The commands are in pagd_client.c and pagd_creds.c,
 * over libpagd-client (userspace/pagd-client/); this file finds the
 * daemon and maps their results onto pag's exit codes. By default pagd is
 * reached on its private socket, which works on hosts without a system bus;
 * --system uses the system bus,
 * --address another D-Bus address.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pagd_client.h"

static int (*const pagd_fns[])(struct pagd_cmd *, int, char **) = {
	pagd_cmd_domains, pagd_cmd_bind,   pagd_cmd_unbind, pagd_cmd_bindings,
	pagd_cmd_sockets, pagd_cmd_reload, pagd_cmd_creds,
};
static const char *const pagd_names[] = {
	"domains", "bind", "unbind", "bindings", "sockets", "reload", "creds",
};

int cmd_pagd(int argc, char **argv)
{
	const char *address = PAGD_PRIVATE_BUS;
	struct pagd_cmd c = {};
	unsigned int n;
	int i, r;

	for (n = 0; n < sizeof(pagd_names) / sizeof(pagd_names[0]); n++)
		if (!strcmp(pagd_names[n], argv[0]))
			break;
	if (n == sizeof(pagd_names) / sizeof(pagd_names[0]))
		return usage_error("not a pagd command");

	/*
	 * Only the leading options are ours: the command's own arguments
	 * (sockets --list, -r RESPONDER) follow them untouched.
	 */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--system")) {
			address = NULL;
		} else if (!strcmp(argv[i], "--address")) {
			if (++i == argc)
				return usage_error("--address needs an "
						   "argument");
			address = argv[i];
		} else if (!strncmp(argv[i], "--address=", 10)) {
			address = argv[i] + 10;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage_of(stdout, current_cmd);
			return 0;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			break;
		}
	}
	/* The command sees itself as argv[0], then its own arguments. */
	argv[i - 1] = argv[0];
	argc -= i - 1;
	argv += i - 1;

	r = pagd_client_open(&c.client, address);
	if (r < 0) {
		fprintf(stderr, "pag %s: cannot reach pagd at %s: %s\n",
			current_cmd->name, address ? address : "the system bus",
			pagd_client_error(&c.client));
		pagd_client_close(&c.client);
		return r == -EHOSTDOWN ? EXIT_UNAVAILABLE : exit_code(r);
	}
	r = pagd_fns[n](&c, argc, argv);
	pagd_client_close(&c.client);
	switch (r) {
	case 0:
		return 0;
	case 2:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}
