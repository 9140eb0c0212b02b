// SPDX-License-Identifier: GPL-2.0
/*
 * Domains, PAG bindings, socket directories and Reload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"

static int read_domain(sd_bus_message *m, void *each, void *ud)
{
	int (*fn)(const struct pagd_domain *, void *) = each;
	struct pagd_domain d;
	int r;

	r = sd_bus_message_read(m, "ssss", &d.name, &d.tenant, &d.provider,
				&d.status);
	return r < 0 ? r : fn(&d, ud);
}

/* ListDomains: @each is called with every configured domain. */
int pagd_client_list_domains(struct pagd_client *c,
			     int (*each)(const struct pagd_domain *d, void *ud),
			     void *ud)
{
	return pagd_client_list(c, PAGD_METHOD_LIST_DOMAINS, "ssss",
				read_domain, each, ud);
}

static int read_trusted(sd_bus_message *m, void *each, void *ud)
{
	int (*fn)(const struct pagd_trusted_domain *, void *) = each;
	struct pagd_trusted_domain d;
	int r;

	r = sd_bus_message_read(m, "ssssssss", &d.name, &d.parent, &d.tenant,
				&d.forest, &d.state, &d.direction, &d.keytab,
				&d.provider);
	return r < 0 ? r : fn(&d, ud);
}

/* ListTrustedDomains: @each is called with every trusted domain. */
int pagd_client_list_trusted_domains(
	struct pagd_client *c,
	int (*each)(const struct pagd_trusted_domain *d, void *ud), void *ud)
{
	return pagd_client_list(c, PAGD_METHOD_LIST_TRUSTED_DOMAINS, "ssssssss",
				read_trusted, each, ud);
}

/*
 * Bind: @pag, created at @created_ns (0: the live PAG's, looked up by
 * pagd), sees @domains.
 */
int pagd_client_bind(struct pagd_client *c, int32_t pag, uint64_t created_ns,
		     char *const *domains, size_t n_domains)
{
	sd_bus_message *m = NULL;
	int r;

	r = pagd_client_new_call(c, &m, PAGD_METHOD_BIND);
	if (r < 0)
		return r;
	r = sd_bus_message_append(m, "it", pag, created_ns);
	if (r >= 0)
		r = pagd_client_append_strv(m, domains, n_domains);
	if (r < 0) {
		sd_bus_message_unref(m);
		return pagd_client_note(c, r);
	}
	return pagd_client_send(c, m, NULL);
}

int pagd_client_unbind(struct pagd_client *c, int32_t pag)
{
	return pagd_client_call(c, PAGD_METHOD_UNBIND, NULL, "i", pag);
}

static int read_binding(sd_bus_message *m, void *each, void *ud)
{
	int (*fn)(const struct pagd_binding *, void *) = each;
	struct pagd_binding b;
	char **domains = NULL;
	int r;

	r = sd_bus_message_read(m, "it", &b.pag, &b.created_ns);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0) {
		b.domains = pagd_client_or_none(domains);
		r = fn(&b, ud);
	}
	strv_free(domains);
	return r;
}

/* ListBindings: @each is called with every PAG's binding. */
int pagd_client_list_bindings(struct pagd_client *c,
			      int (*each)(const struct pagd_binding *b,
					  void *ud),
			      void *ud)
{
	return pagd_client_list(c, PAGD_METHOD_LIST_BINDINGS, "itas",
				read_binding, each, ud);
}

/*
 * GetSocketDirectory: the directory serving @domains to @responders (none:
 * every responder); *@path is the caller's to free.
 */
int pagd_client_get_socket_directory(struct pagd_client *c,
				     char *const *domains, size_t n_domains,
				     char *const *responders,
				     size_t n_responders, char **path)
{
	sd_bus_message *m = NULL, *reply = NULL;
	const char *s;
	int r;

	r = pagd_client_new_call(c, &m, PAGD_METHOD_GET_SOCKET_DIRECTORY);
	if (r < 0)
		return r;
	r = pagd_client_append_strv(m, domains, n_domains);
	if (r >= 0)
		r = pagd_client_append_strv(m, responders, n_responders);
	if (r < 0) {
		sd_bus_message_unref(m);
		return pagd_client_note(c, r);
	}
	r = pagd_client_send(c, m, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "s", &s);
	if (r >= 0 && !(*path = strdup(s)))
		r = -ENOMEM;
	sd_bus_message_unref(reply);
	return r < 0 ? pagd_client_note(c, r) : 0;
}

static int read_sockdir(sd_bus_message *m, void *each, void *ud)
{
	int (*fn)(const struct pagd_sockdir *, void *) = each;
	char **domains = NULL, **responders = NULL;
	struct pagd_sockdir s;
	int r;

	r = sd_bus_message_read(m, "s", &s.path);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &responders);
	if (r >= 0) {
		s.domains = pagd_client_or_none(domains);
		s.responders = pagd_client_or_none(responders);
		r = fn(&s, ud);
	}
	strv_free(domains);
	strv_free(responders);
	return r;
}

/* ListSocketDirectories: @each is called with every socket directory. */
int pagd_client_list_socket_directories(
	struct pagd_client *c,
	int (*each)(const struct pagd_sockdir *s, void *ud), void *ud)
{
	return pagd_client_list(c, PAGD_METHOD_LIST_SOCKET_DIRECTORIES, "sasas",
				read_sockdir, each, ud);
}

/* Reload: pagd reads its configuration again. */
int pagd_client_reload(struct pagd_client *c)
{
	return pagd_client_call(c, PAGD_METHOD_RELOAD, NULL, NULL);
}

/* SetDomainsOnline: offline and inactive domains try again, or go offline. */
int pagd_client_set_domains_online(struct pagd_client *c, bool online)
{
	return pagd_client_call(c, PAGD_METHOD_SET_DOMAINS_ONLINE, NULL, "b",
				(int)online);
}
