// SPDX-License-Identifier: GPL-2.0
/*
 * pag domains, bind, unbind, bindings, sockets, reload, creds, profiles:
 * pagd's management API.  The commands are in pagd_cmds.c and pagd_creds.c,
 * over libpagd-client (userspace/pagd-client/); this file finds the
 * daemon and maps their results onto pag's exit codes. By default pagd is
 * reached on its private socket, which works on hosts without a system bus;
 * --system uses the system bus,
 * --address another D-Bus address.
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pagd_cmds.h"

static int (*const pagd_fns[])(struct pagd_cmd *, int, char **) = {
	pagd_cmd_domains, pagd_cmd_bind,   pagd_cmd_unbind, pagd_cmd_bindings,
	pagd_cmd_sockets, pagd_cmd_reload, pagd_cmd_creds,  pagd_cmd_profiles,
};
static const char *const pagd_names[] = {
	"domains", "bind",   "unbind", "bindings",
	"sockets", "reload", "creds",  "profiles",
};

/*
 * The options of the pagd commands, wherever they are on the command line
 * (getopt_long() moves the arguments after them); sockets has two of its
 * own, handed on in @args, which has room for 2 * argc + 1 strings; bind
 * has --profile and --principal, kept in @c.
 * Returns how many arguments the command gets in @args (NAME first, then
 * as it reads them: [--list | DOMAIN... [-r RESPONDER]...]), or -1 with
 * the exit code in *rc (0 after --help).
 */
static int pagd_opts(int argc, char **argv, struct pagd_cmd *c,
		     const char **address, char **args, int *rc)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "system", no_argument, NULL, 's' },
		{ "address", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "list", no_argument, NULL, 'l' },
		{ "responder", required_argument, NULL, 'r' },
		{ "profile", required_argument, NULL, 'p' },
		{ "principal", required_argument, NULL, 'P' },
		{}
	};
	bool sockets = !strcmp(argv[0], "sockets"), list = false;
	bool bind = !strcmp(argv[0], "bind");
	char **resps = args + argc; /* the upper half, until the end */
	int n = 0, nr = 0, o;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":hr:", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			c->json = true;
			break;
		case 's':
			*address = NULL;
			break;
		case 'a':
			*address = optarg;
			break;
		case 'h':
			usage_of(stdout, current_cmd);
			*rc = 0;
			return -1;
		case 'p':
		case 'P':
			if (!bind) {
				*rc = usage_error("%s: only bind has it",
						  o == 'p' ? "--profile"
							   : "--principal");
				return -1;
			}
			if (o == 'p')
				c->profile = optarg;
			else
				c->principal = optarg;
			break;
		case 'l':
		case 'r':
			if (!sockets) {
				*rc = usage_error("%s: only sockets has it",
						  o == 'l' ? "--list"
							   : "--responder");
				return -1;
			}
			if (o == 'l')
				list = true;
			else
				resps[nr++] = optarg;
			break;
		case ':':
			*rc = usage_error("%s needs an argument",
					  argv[optind - 1]);
			return -1;
		default:
			*rc = usage_error("unknown option '%s'",
					  argv[optind - 1]);
			return -1;
		}
	}
	if (c->principal && !c->profile) {
		*rc = usage_error("--principal needs --profile");
		return -1;
	}
	if (list && (nr || optind < argc)) {
		*rc = usage_error("--list takes no domain or responder");
		return -1;
	}
	args[n++] = argv[0];
	if (list)
		args[n++] = "--list";
	while (optind < argc)
		args[n++] = argv[optind++];
	/* n + 2 * i stays below argc + i: each -r took an element of argv */
	for (int i = 0; i < nr; i++) {
		char *r = resps[i];

		args[n++] = "-r";
		args[n++] = r;
	}
	args[n] = NULL;
	return n;
}

int cmd_pagd(int argc, char **argv)
{
	const char *address = PAGD_PRIVATE_BUS;
	struct pagd_cmd c = {};
	char **args;
	unsigned int n;
	int r;

	for (n = 0; n < sizeof(pagd_names) / sizeof(pagd_names[0]); n++)
		if (!strcmp(pagd_names[n], argv[0]))
			break;
	if (n == sizeof(pagd_names) / sizeof(pagd_names[0]))
		return usage_error("not a pagd command");
	args = calloc(2 * (size_t)argc + 1, sizeof(*args));
	if (!args)
		return failure(-ENOMEM, NULL);
	argc = pagd_opts(argc, argv, &c, &address, args, &r);
	if (argc < 0) {
		free(args);
		return r;
	}

	r = pagd_client_open(&c.client, address);
	if (r < 0) {
		free(args);
		fprintf(stderr, "pag %s: cannot reach pagd at %s: %s\n",
			current_cmd->name, address ? address : "the system bus",
			pagd_client_error(&c.client));
		pagd_client_close(&c.client);
		return r == -EHOSTDOWN ? EX_UNAVAILABLE : exit_code_of(r);
	}
	r = pagd_fns[n](&c, argc, args);
	pagd_client_close(&c.client);
	free(args);
	switch (r) {
	case 0:
		return 0;
	case 2:
		return EX_USAGE;
	default:
		return EX_OSERR;
	}
}
