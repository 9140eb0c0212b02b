/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The D-Bus API's server, shared by its files: bus.c (the method table,
 * the caller check, the system bus), private.c (the private socket),
 * domains.c, bindings.c, sockdirs.c, credentials.c, profiles.c (the
 * methods) and signals.c.
 */
#ifndef PAGD_BUS_BUS_H
#define PAGD_BUS_BUS_H

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "pagd-client/api.h"

struct pagd;

struct bus_conn {
	struct pagd *p;
	struct bus_conn *next, **pprev;
	sd_bus *bus;
	sd_event_source *reap;
};

extern const sd_bus_vtable bus_vtable[];

/* bus.c */
/*
 * bus_error() - the one place a method's failure becomes a D-Bus error
 * @error: the handler's
 * @r: a negative errno: it picks the name, pagd's own (pagd_errors() in
 *     pagd-client/api.h) where there is one, else sd-bus's
 * @fmt: the message, "what: why", naming the object
 *
 * Return: @r, for "return bus_error(...)" in a handler.
 */
int bus_error(sd_bus_error *error, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int bus_check_caller(sd_bus_message *m, struct pagd *p, sd_bus_error *error);
int bus_caller_pag_arg(sd_bus_message *m, struct pagd *p, sd_bus_error *error,
		       int32_t *pag);
int bus_caller_incarnation_arg(sd_bus_message *m, struct pagd *p,
			       sd_bus_error *error, int32_t *pag,
			       uint64_t *created_ns, const char **name);
int bus_reply_list(sd_bus_message *m, const char *elem,
		   int (*fill)(sd_bus_message *reply, struct pagd *p),
		   struct pagd *p);
int bus_append_names(sd_bus_message *reply, const char *key);

/* private.c */
void bus_conn_free(struct bus_conn *c);
int bus_private_listen(struct pagd *p);

/* bindings.c */
int bus_resolve_incarnation(int32_t pag, uint64_t *created_ns,
			    sd_bus_error *error);
int bus_bind_domains(struct pagd *p, int32_t pag, uint64_t created_ns,
		     char **names, const char *profile, sd_bus_error *error);

/* credentials.c */
int bus_bind_creds(struct pagd *p, int32_t pag, uint64_t created_ns,
		   const char *principal, const char *keytab,
		   sd_bus_error *error);

/*
 * The methods, in domains.c, bindings.c, sockdirs.c, credentials.c and
 * profiles.c
 */
int bus_method_list_domains(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_list_trusted_domains(sd_bus_message *m, void *ud,
				    sd_bus_error *error);
int bus_method_bind(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_unbind(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_list_bindings(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_get_sockdir(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_list_sockdirs(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_reload(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_set_domains_online(sd_bus_message *m, void *ud,
				  sd_bus_error *error);
int bus_method_set_credentials_network(sd_bus_message *m, void *ud,
				       sd_bus_error *error);
int bus_method_renew_credentials(sd_bus_message *m, void *ud,
				 sd_bus_error *error);
int bus_method_bind_credentials(sd_bus_message *m, void *ud,
				sd_bus_error *error);
int bus_method_bind_login_credentials(sd_bus_message *m, void *ud,
				      sd_bus_error *error);
int bus_method_unbind_credentials(sd_bus_message *m, void *ud,
				  sd_bus_error *error);
int bus_method_get_credentials(sd_bus_message *m, void *ud,
			       sd_bus_error *error);
int bus_method_list_credentials(sd_bus_message *m, void *ud,
				sd_bus_error *error);
int bus_method_bind_profile(sd_bus_message *m, void *ud, sd_bus_error *error);
int bus_method_list_profiles(sd_bus_message *m, void *ud, sd_bus_error *error);

#endif /* PAGD_BUS_BUS_H */
