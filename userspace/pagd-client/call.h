/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the library's files share (client.c): making a call, walking the
 * array a List method answers, recording why one failed.
 */
#ifndef PAGD_CLIENT_CALL_H
#define PAGD_CLIENT_CALL_H

#include "common/strv.h"
#include "pagd-client/client.h"

int pagd_client_new_call(struct pagd_client *c, sd_bus_message **m,
			 const char *method);
int pagd_client_send(struct pagd_client *c, sd_bus_message *m,
		     sd_bus_message **reply);
int pagd_client_call(struct pagd_client *c, const char *method,
		     sd_bus_message **reply, const char *sig, ...);
int pagd_client_list(struct pagd_client *c, const char *method,
		     const char *fields,
		     int (*read)(sd_bus_message *m, void *each, void *ud),
		     void *each, void *ud);
int pagd_client_fail(struct pagd_client *c, const sd_bus_error *e, int r);
int pagd_client_note(struct pagd_client *c, int r);
int pagd_client_append_strv(sd_bus_message *m, char *const *v, size_t n);
char **pagd_client_or_none(char **v);
int pagd_client_walk(struct pagd_client *c, sd_bus_message *reply,
		     const char *row, const char *fields,
		     int (*read)(sd_bus_message *m, void *each, void *ud),
		     void *each, void *ud);

#endif /* PAGD_CLIENT_CALL_H */
