/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client side of pagd's management API, for `pag domains|bind|unbind|
 * bindings|sockets|reload|creds`.  Each command prints text, or JSON with
 * --json, and returns an exit status: 0, 1 when pagd refused or failed, 2 on
 * bad usage.
 */
#ifndef PAG_TOOL_PAGD_CLIENT_H
#define PAG_TOOL_PAGD_CLIENT_H

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#define PAGD_PRIVATE_BUS "unix:path=/run/pagd/private/bus"

struct pagd_client {
	sd_bus *bus;
	bool json;
	bool direct; /* private socket: no destination name */
};

/* Connects to @address, or to the system bus when @address is NULL. */
int pagd_client_open(struct pagd_client *c, const char *address);
void pagd_client_close(struct pagd_client *c);

int pagd_cmd_domains(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_bind(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_unbind(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_bindings(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_sockets(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_reload(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_creds(struct pagd_client *c, int argc, char **argv);

/* Shared by the commands (pagd_client.c). */

/*
 * Calls @method with arguments of signature @sig (NULL: none); @reply may
 * be NULL when only success matters.  Return: 0, or 1 after printing the
 * error.
 */
int pagd_call(struct pagd_client *c, const char *method, sd_bus_message **reply,
	      const char *sig, ...);
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

#endif /* PAG_TOOL_PAGD_CLIENT_H */
