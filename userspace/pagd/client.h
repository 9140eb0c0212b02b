/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client side of pagd's management API, for `pag domains|bind|unbind|
 * bindings|sockets` (pagdctl's main is a stand-in until these join the
 * `pag` tool).  Each command prints text, or JSON with --json, and returns
 * an exit status: 0, 1 when pagd refused or failed, 2 on bad usage.
 */
#ifndef PAGD_CLIENT_H
#define PAGD_CLIENT_H

#include <stdbool.h>
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
int pagd_cmd_creds_bind(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_creds_unbind(struct pagd_client *c, int argc, char **argv);
int pagd_cmd_creds(struct pagd_client *c, int argc, char **argv);

#endif /* PAGD_CLIENT_H */
