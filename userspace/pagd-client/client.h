/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpagd-client: the one client of pagd's management API (api.h), over
 * sd-bus.  pag, pag-launch and the benchmarks call pagd through it.
 *
 * Every call returns 0 or a negative errno (pagd_client_errno()) and keeps
 * why it failed, pagd's own message when pagd answered, for
 * pagd_client_error().  The List and Get calls hand each entry to a
 * callback; its strings live until the callback returns, and a negative
 * return from the callback stops the walk and is returned.
 *
 * Files: client.c (the connection, calls, errors), bindings.c (domains,
 * bindings, socket directories, reload), credentials.c (credential
 * bindings and their signal), profiles.c (binding within a profile of the
 * host's configuration, listing the profiles).
 */
#ifndef PAGD_CLIENT_CLIENT_H
#define PAGD_CLIENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "pagd-client/api.h"

/**
 * struct pagd_client - a connection to pagd
 * @bus: the connection
 * @direct: to a private socket: calls name no destination
 * @error: why the last call failed, or NULL
 */
struct pagd_client {
	sd_bus *bus;
	bool direct;
	char *error;
};

/* A domain as ListDomains gives it. */
struct pagd_domain {
	const char *name, *tenant, *provider, *status;
};

/* A trusted domain as ListTrustedDomains gives it. */
struct pagd_trusted_domain {
	const char *name, *parent, *tenant, *forest, *state, *direction,
		*keytab, *provider;
};

/* A PAG's domain binding; @domains is NULL-terminated. */
struct pagd_binding {
	int32_t pag;
	uint64_t created_ns;
	char **domains;
};

/* A socket directory and the subset it serves (NULL-terminated lists). */
struct pagd_sockdir {
	const char *path;
	char **domains, **responders;
};

/*
 * A credential binding.  @created_ns is 0 from GetCredentials, which does
 * not give it; the times are CLOCK_REALTIME microseconds, 0 for none.
 */
struct pagd_creds {
	int32_t pag;
	uint64_t created_ns;
	const char *principal, *state, *message, *ccache;
	uint64_t expires, next_attempt, failing_since;
};

/*
 * A profile of pagd's configuration: the domains a PAG bound under it may
 * see, the principals it may be given (NULL-terminated lists) and the
 * keytab they come from ("" without principals).
 */
struct pagd_profile {
	const char *name;
	char **domains, **principals;
	const char *keytab;
};

/* client.c */
int pagd_client_open(struct pagd_client *c, const char *address);
void pagd_client_close(struct pagd_client *c);
const char *pagd_client_error(const struct pagd_client *c);
int pagd_client_errno(const sd_bus_error *e, int r);
int pagd_client_wait(struct pagd_client *c, uint64_t usec);

/* bindings.c */
int pagd_client_list_domains(struct pagd_client *c,
			     int (*each)(const struct pagd_domain *d, void *ud),
			     void *ud);
int pagd_client_list_trusted_domains(
	struct pagd_client *c,
	int (*each)(const struct pagd_trusted_domain *d, void *ud), void *ud);
int pagd_client_bind(struct pagd_client *c, int32_t pag, uint64_t created_ns,
		     char *const *domains, size_t n_domains);
int pagd_client_unbind(struct pagd_client *c, int32_t pag);
int pagd_client_list_bindings(struct pagd_client *c,
			      int (*each)(const struct pagd_binding *b,
					  void *ud),
			      void *ud);
int pagd_client_get_socket_directory(struct pagd_client *c,
				     char *const *domains, size_t n_domains,
				     char *const *responders,
				     size_t n_responders, char **path);
int pagd_client_list_socket_directories(
	struct pagd_client *c,
	int (*each)(const struct pagd_sockdir *s, void *ud), void *ud);
int pagd_client_reload(struct pagd_client *c);
int pagd_client_set_domains_online(struct pagd_client *c, bool online);

/* credentials.c */
int pagd_client_bind_credentials(struct pagd_client *c, int32_t pag,
				 uint64_t created_ns, const char *principal);
int pagd_client_bind_login_credentials(struct pagd_client *c, int32_t pag,
				       uint64_t created_ns,
				       const char *principal);
int pagd_client_set_credentials_network(struct pagd_client *c, int32_t pag,
					uint64_t created_ns, int netns);
int pagd_client_renew_credentials(struct pagd_client *c, int32_t pag,
				  uint64_t created_ns);
int pagd_client_unbind_credentials(struct pagd_client *c, int32_t pag);
int pagd_client_get_credentials(struct pagd_client *c, int32_t pag,
				int (*each)(const struct pagd_creds *w,
					    void *ud),
				void *ud);
int pagd_client_list_credentials(struct pagd_client *c,
				 int (*each)(const struct pagd_creds *w,
					     void *ud),
				 void *ud);
int pagd_client_watch_credentials(struct pagd_client *c, sd_bus_slot **slot);

/* profiles.c */
int pagd_client_bind_profile(struct pagd_client *c, int32_t pag,
			     uint64_t created_ns, const char *profile,
			     char *const *domains, size_t n_domains,
			     const char *principal);
int pagd_client_list_profiles(struct pagd_client *c,
			      int (*each)(const struct pagd_profile *p,
					  void *ud),
			      void *ud);

#endif /* PAGD_CLIENT_CLIENT_H */
