/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pag CLI's commands over pagd's management API (`pag domains|bind|
 * unbind|bindings|sockets|reload|creds|profiles`), each a call of
 * libpagd-client (userspace/pagd-client/) and its output.  Each command
 * prints text, or JSON with --json, and returns an exit status: 0, 1 when
 * pagd refused or failed, 2 on bad usage.
 */
#ifndef PAG_TOOL_PAGD_CMDS_H
#define PAG_TOOL_PAGD_CMDS_H

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>

#include "pagd-client/client.h"

/* A command's connection to pagd (libpagd-client) and its output style. */
struct pagd_cmd {
	struct pagd_client client;
	bool json;
	const char *profile;   /* bind --profile: BindProfile */
	const char *principal; /* ...--principal */
};

int pagd_cmd_domains(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_bind(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_unbind(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_bindings(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_sockets(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_reload(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_creds(struct pagd_cmd *c, int argc, char **argv);
int pagd_cmd_profiles(struct pagd_cmd *c, int argc, char **argv);

/* Shared by the commands (pagd_cmds.c). */

/* Prints "pag: @what: " and why the last call failed.  Return: 1. */
int pagd_fail(struct pagd_cmd *c, const char *what);
/* Prints @j indented and drops it.  Return: 0, or 1. */
int pagd_print_json(json_t *j);
/* Prints "usage: pag @usage".  Return: 2. */
int pagd_usage_err(const char *usage);
/* A PAG id from @s, or -1 after a message. */
int pagd_parse_pag(const char *s, int32_t *pag);
/*
 * "ID" or "ID:CREATED_NS" (the PAG's creation time as "pag id" shows it);
 * *@created_ns is 0 for "ID": pagd then takes the live PAG's.
 */
int pagd_parse_incarnation(const char *s, int32_t *pag, uint64_t *created_ns);

#endif /* PAG_TOOL_PAGD_CMDS_H */
