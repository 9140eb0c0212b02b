/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the pag tool shared by its files: pag.c owns the command
 * table, main() and the output and option helpers; each cmd_*.c file holds
 * one group of commands.  Exit codes are part of the interface (pag(1)).
 */
#ifndef PAG_TOOL_CLI_H
#define PAG_TOOL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <pag/pag.h>

#include "common/exitcode.h"
#include "common/jsonout.h"
#include "common/parse.h"

/* pag's own exit codes; the others are <sysexits.h>'s (exitcode.h) */
#define EXIT_NO_PAG	 1
#define EXIT_NO_SUCH_PAG 2

/**
 * struct cmd - one subcommand
 * @name: what the user types after "pag"
 * @fn: runs it with argv[0] == @name; returns the exit code
 * @usage: its arguments, for the usage line
 * @help: one line on what it does
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

/* The command running, the libpag handle it opened, and output options. */
extern const struct cmd *current_cmd;
extern struct pag_handle *handle;
extern bool json;
extern bool quiet;

/* pag.c: the command table, ended by an entry without a name */
const struct cmd *pag_commands(void);

void usage_of(FILE *f, const struct cmd *c);
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int failure(int err, const char *what);
int open_handle(void);
int parse_opts(int argc, char **argv, bool json_ok, int *rc);
/*
 * What getopt_long() returned (@c) that a command does not handle itself:
 * 'h' prints the usage (exit code 0), anything else is an unknown option
 * (EX_USAGE, after the message).  Returns the exit code.
 */
int help_or_unknown_opt(int c, char **argv);
/*
 * The start of a command that takes options (parse_opts()) and no
 * arguments, and needs the libpag handle.  Returns true to go on, else
 * false with the exit code in *@rc (0 after --help).
 */
bool start_without_args(int argc, char **argv, bool json_ok, int *rc);

/*
 * module_check.c: 1 and "pag.ko built for X, running Y (PATH)" in @why when
 * the pag.ko this kernel would load, or failing that one installed for
 * another kernel, was built for another release; else 0.
 */
int pag_module_mismatch(char *why, size_t len);

/* cmd_pag.c: the caller's PAG and the registry. */
int cmd_new(int argc, char **argv);
int cmd_id(int argc, char **argv);
int cmd_leave(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* cmd_token.c: the tokens of a PAG. */
int cmd_tokens(int argc, char **argv);
int cmd_token(int argc, char **argv);

/* cmd_afs.c: kafs tokens from Kerberos credentials. */
int cmd_aklog(int argc, char **argv);
int cmd_unlog(int argc, char **argv);

/* cmd_pagd.c: pagd's management API (domains, bind, ...). */
int cmd_pagd(int argc, char **argv);

/* completion.c: shell completion generated from the command table. */
int cmd_completion(int argc, char **argv);

/* cmd_bpf.c: the BPF LSM program that tags sockets with PAGs. */
int cmd_bpf(int argc, char **argv);

#endif /* PAG_TOOL_CLI_H */
