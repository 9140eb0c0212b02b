// SPDX-License-Identifier: GPL-2.0
/*
 * pag - create, inspect and watch Process Authentication Groups, their
 * tokens, and what pagd knows of them.
 *
 * One table of commands drives dispatch and the usage text; each command
 * is one function taking its own arguments, in the cmd_*.c file of its
 * group.  This file holds the table, main() and the helpers they share.
 * Exit codes are part of the interface (pag(1)): 0 success, 1 not in a
 * PAG, 2 no such PAG (or token), and <sysexits.h>'s: 64 usage, 69 not
 * available (no pag.ko or an older one; pagd not running), 71 any other
 * failure, 75 timed out, 77 permission denied; `new` and `leave` with a command
 * exit with its status (126: cannot run it, 127: not found).
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pag_version.h"

const struct cmd *current_cmd;
struct pag_handle *handle;
bool json;
bool quiet;

void usage_of(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: pag %s %s\n", c->name, c->usage);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pag %s: ", current_cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_of(stderr, current_cmd);
	return EX_USAGE;
}

/* The exit code for a library failure, after saying what it was. */
int failure(int err, const char *what)
{
	const char *msg = handle ? pag_errmsg(handle) : "";

	fprintf(stderr, "pag %s: %s%s%s\n", current_cmd->name, what ? what : "",
		what ? ": " : "", *msg ? msg : strerror(-err));
	return exit_code_of(err);
}

/* Say once which guarantees are missing, so nobody relies on them. */
static void warn_limits(void)
{
	unsigned int limits = pag_limits(handle);
	unsigned int bit;
	const char *sep = "";

	if (!limits || quiet)
		return;
	fprintf(stderr, "pag: warning: pag.ko is not loaded; PAGs are plain "
			"session keyrings, with no ");
	for (bit = 1; bit <= limits; bit <<= 1) {
		if (!(limits & bit))
			continue;
		fprintf(stderr, "%s%s", sep,
			bit == PAG_LIMIT_NO_ADMIN ? "admin operations"
						  : pag_limit_name(bit));
		sep = ", no ";
	}
	fputs(" (pag status)\n", stderr);
}

int open_handle(void)
{
	int err = pag_open(&handle, 0);

	if (err) {
		fprintf(stderr, "pag %s: cannot reach pag.ko: %s\n",
			current_cmd->name, strerror(-err));
		return EX_OSERR;
	}
	warn_limits();
	return 0;
}

int help_or_unknown_opt(int c, char **argv)
{
	if (c == 'h') {
		usage_of(stdout, current_cmd);
		return 0;
	}
	return usage_error("unknown option '%s'", argv[optind - 1]);
}

/*
 * Options shared by the commands: --json where it applies, --help.  Returns
 * the index of the first argument, or -1 after a usage error (its exit code
 * in *rc).
 */
int parse_opts(int argc, char **argv, bool json_ok, int *rc)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!json_ok) {
				*rc = usage_error(
					"--json: no output to format");
				return -1;
			}
			json = true;
			break;
		default:
			*rc = help_or_unknown_opt(c, argv);
			return -1;
		}
	}
	return optind;
}

bool start_without_args(int argc, char **argv, bool json_ok, int *rc)
{
	int i = parse_opts(argc, argv, json_ok, rc);

	if (i < 0)
		return false;
	if (i < argc) {
		*rc = usage_error("unexpected argument '%s'", argv[i]);
		return false;
	}
	*rc = open_handle();
	return !*rc;
}

static int cmd_help(int argc, char **argv);

/* Options of the pagd commands: output, and where pagd listens. */
#define PAGD_OPTS "[--json] [--system | --address ADDR]"

static const struct cmd cmds[] = {
	{ "new", cmd_new, "[-- CMD [ARG...]]",
	  "run CMD (default $SHELL) in a new PAG" },
	{ "id", cmd_id, "[--json]", "print the id of the current PAG" },
	{ "leave", cmd_leave, "[-- CMD [ARG...]]",
	  "run CMD (default $SHELL) in no PAG" },
	{ "list", cmd_list, "[--json]", "list every live PAG (privileged)" },
	{ "show", cmd_show, "[--json] ID", "show one PAG" },
	{ "monitor", cmd_monitor, "[--json] [--count N] [-- CMD [ARG...]]",
	  "print PAG events until interrupted" },
	{ "status", cmd_status, "[--json]",
	  "show whether pag.ko is loaded and what it offers" },
	{ "tokens", cmd_tokens,
	  "[--pag ID] [--json] [--system | --address ADDR]",
	  "list the tokens of a PAG (default: the caller's)" },
	{ "token", cmd_token,
	  "add [--pag ID] --type TYPE --name NAME (--data STRING | --file "
	  "PATH) [--expiry SECONDS]\n  token del [--pag ID] --name "
	  "NAME [--type TYPE]",
	  "add or replace a token; delete one" },
	{ "aklog", cmd_aklog,
	  "[--json] [--system | --address ADDR] [CELL [REALM]]",
	  "store a kafs token for CELL made from Kerberos credentials" },
	{ "unlog", cmd_unlog, "[CELL]",
	  "remove CELL's kafs token (default: every cell's)" },
	{ "domains", cmd_pagd, PAGD_OPTS " [online | offline]",
	  "list the identity domains pagd serves; or have offline and\n"
	  "      inactive ones try their servers now, or take them offline" },
	{ "bind", cmd_pagd,
	  PAGD_OPTS " PAG[:CREATED_NS] DOMAIN...\n  bind " PAGD_OPTS
		    " --profile NAME [--principal PRINCIPAL]\n"
		    "       PAG[:CREATED_NS] [DOMAIN...]",
	  "bind a PAG to a set of domains in pagd; or within a profile of\n"
	  "      pagd's configuration: its domains (or some), its first "
	  "principal (or one)" },
	{ "unbind", cmd_pagd, PAGD_OPTS " PAG", "drop a PAG's binding" },
	{ "bindings", cmd_pagd, PAGD_OPTS, "list pagd's PAG bindings" },
	{ "sockets", cmd_pagd,
	  PAGD_OPTS " DOMAIN... [-r RESPONDER]...\n  sockets " PAGD_OPTS
		    " --list",
	  "the socket directory serving a set of domains; or list them" },
	{ "reload", cmd_pagd, PAGD_OPTS,
	  "make pagd re-read its configuration" },
	{ "profiles", cmd_pagd, PAGD_OPTS,
	  "list the profiles of pagd's configuration" },
	{ "creds", cmd_pagd,
	  PAGD_OPTS " [PAG]\n  creds " PAGD_OPTS
		    " bind PAG[:CREATED_NS] PRINCIPAL\n  creds " PAGD_OPTS
		    " unbind PAG",
	  "Kerberos credentials pagd keeps in PAGs: their state; bind a PAG\n"
	  "      to a principal (its keytab: its profile's); stop renewing" },
	{ "bpf", cmd_bpf,
	  "load [--force]\n  bpf status [--json]\n  bpf unload [--purge]",
	  "attach the BPF LSM program that tags sockets with PAGs; show its "
	  "state\n      (exit 0 active, 3 not loaded, 4 unavailable); "
	  "detach it" },
	{ "completion", cmd_completion, "bash",
	  "print a bash completion script for pag" },
	{ "help", cmd_help, "", "show this help (also: pag COMMAND --help)" },
	{}
};

const struct cmd *pag_commands(void)
{
	return cmds;
}

static void usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "usage: pag [--help | --version] COMMAND [ARGS...]\n\n"
		   "commands:\n");
	for (c = cmds; c->name; c++)
		fprintf(f, "  %s%s%s\n      %s\n", c->name,
			*c->usage ? " " : "", c->usage, c->help);
	fprintf(f, "\nexit codes: 0 ok, 1 not in a PAG, 2 no such PAG or "
		   "token, 64 usage,\n69 not available (pag.ko, pagd), "
		   "71 failure, 75 timed out, 77 permission denied\n");
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("pag %s\n", PAG_VERSION);
		return 0;
	}
	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			break;
	if (!c->name) {
		fprintf(stderr, "pag: unknown command '%s' (pag --help)\n",
			argv[1]);
		return EX_USAGE;
	}
	current_cmd = c;
	rc = c->fn(argc - 1, argv + 1);
	pag_close(handle);
	if (fflush(stdout) && !rc)
		rc = EX_OSERR;
	return rc;
}
