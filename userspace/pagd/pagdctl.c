// SPDX-License-Identifier: GPL-2.0
/*
 * pagdctl: pagd's management commands on their own, until they join `pag`
 * as subcommands.  Talks to the private socket by default (works with no
 * system bus); --system uses the system bus, --address another socket.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pagd/client.h"

static const struct {
	const char *name;
	int (*fn)(struct pagd_client *c, int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "domains", pagd_cmd_domains, "domains" },
	{ "bind", pagd_cmd_bind, "bind PAG DOMAIN..." },
	{ "unbind", pagd_cmd_unbind, "unbind PAG" },
	{ "bindings", pagd_cmd_bindings, "bindings" },
	{ "sockets", pagd_cmd_sockets,
	  "sockets DOMAIN... [-r RESPONDER]... | sockets --list" },
	{ "reload", pagd_cmd_reload, "reload" },
	{ "creds-bind", pagd_cmd_creds_bind,
	  "creds-bind PAG PRINCIPAL KEYTAB" },
	{ "creds-unbind", pagd_cmd_creds_unbind, "creds-unbind PAG" },
	{ "creds", pagd_cmd_creds, "creds PAG" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: pagdctl [--json] [--system | --address ADDR] "
		   "COMMAND\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "system", no_argument, NULL, 's' },
		{ "address", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *address = PAGD_PRIVATE_BUS;
	struct pagd_client c = {};
	int o, r;

	while ((o = getopt_long(argc, argv, "+jsa:h", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			c.json = true;
			break;
		case 's':
			address = NULL;
			break;
		case 'a':
			address = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[optind]) != 0)
			continue;
		r = pagd_client_open(&c, address);
		if (r < 0) {
			fprintf(stderr,
				"pagdctl: cannot reach pagd at %s: %s\n",
				address ? address : "the system bus",
				strerror(-r));
			return 1;
		}
		r = commands[i].fn(&c, argc - optind, argv + optind);
		pagd_client_close(&c);
		return r;
	}
	fprintf(stderr, "pagdctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
