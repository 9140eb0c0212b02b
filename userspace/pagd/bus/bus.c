// SPDX-License-Identifier: GPL-2.0
/*
 * The management API, org.pag.Pagd1 at /org/pag/Pagd1, on D-Bus.
 *
 * It is served on the system bus when one runs (name org.pag.Pagd1) and
 * always on a private socket, RUN_DIR/private/bus, for hosts without a bus:
 * connect with address "unix:path=RUN_DIR/private/bus" and no name.  Only
 * root, or members of the configured admin_group, may call it; the check
 * uses the caller's credentials as the kernel reports them.
 *
 *   ListDomains()                         -> a(ssss) name, tenant, provider,
 *                                            status (online, offline; a
 *                                            trusted domain: active,
 *                                            inactive)
 *   ListTrustedDomains()                  -> a(ssssssss) PARENT/NAME,
 *                                            parent, tenant, forest,
 *                                            state, direction, keytab,
 *                                            provider
 *   Bind(i pag, t created_ns, as domains)
 *   Unbind(i pag)
 *   ListBindings()                        -> a(itas) pag, created_ns, domains
 *   GetSocketDirectory(as domains, as responders) -> s path
 *   ListSocketDirectories()               -> a(sasas) path, domains, responders
 *   Reload()
 *   SetDomainsOnline(b online)            as SIGUSR2 (true): offline and
 *                                         inactive domains try their
 *                                         servers; SIGUSR1 (false)
 *   BindCredentials(i pag, t created_ns, s principal)
 *                                         the keytab: the one of the
 *                                         profiles listing principal
 *   BindLoginCredentials(i pag, t created_ns, s principal)
 *                                         renew the TGT of principal that
 *                                         a login (pam_pag) stored in the
 *                                         PAG's KEYRING:session:pagd while
 *                                         it is renewable; no keytab
 *   SetCredentialsNetwork(i pag, t created_ns, h netns)
 *                                         the binding's kafs tokens are
 *                                         made in netns (a network
 *                                         namespace's nsfs file), that of
 *                                         the kafs mount the PAG uses;
 *                                         made anew now (state acquiring)
 *   RenewCredentials(i pag, t created_ns) the binding's credentials and
 *                                         kafs tokens made anew now, in
 *                                         its network namespace (state
 *                                         acquiring)
 *   UnbindCredentials(i pag)
 *   GetCredentials(i pag)                 -> s principal, s state, s message,
 *                                            s ccache, t expires,
 *                                            t next_attempt, t failing_since
 *   ListCredentials()                     -> a(itssssttt) pag, created_ns,
 *                                            then as above
 *   BindProfile(i pag, t created_ns, s profile, as domains, s principal)
 *                                         domains: some of the profile's
 *                                         (none: all), principal: one of
 *                                         its (empty: its first, if any);
 *                                         all of it is bound, or nothing
 *   ListProfiles()                        -> a(sasass) name, domains,
 *                                            principals, keytab
 *   signal CredentialsChanged(i pag, s state, s message)
 *
 * Which domains and principals a PAG may be given is the host's to say, in
 * pagd.conf's [profile/NAME] sections: BindProfile refuses anything outside
 * the profile it names (Error.UnknownProfile, Error.NotInProfile), and no
 * caller ever names a keytab.
 *
 * Credential states are acquiring, ok, renewing and failing; times are
 * CLOCK_REALTIME microseconds, 0 for none.
 *
 * A PAG id is a keyring serial and is reused: (pag, created_ns), its
 * creation time in CLOCK_BOOTTIME nanoseconds as pag.ko reports it, names
 * one PAG for ever.  Bindings are recorded for that incarnation and serve
 * or enter no other.  A created_ns of 0 makes pagd look the id's creation
 * time up once, at the call: racy when the PAG ends during the call and
 * the id is reused, so callers that created the PAG pass the time they
 * were given.  A created_ns that is not the live PAG's is refused
 * (Error.Stale), as is an id no PAG has (Error.NoSuchPAG).
 *
 * The names above are written once, in pagd-client/api.h, which the
 * clients' library (userspace/pagd-client/) includes too.  This file
 * holds the method table, the caller check and the system bus; the
 * methods are in domains.c, bindings.c, sockdirs.c, credentials.c and
 * profiles.c, the
 * private socket in private.c, the signals in signals.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "bus.h"

int bus_error(sd_bus_error *error, int r, const char *fmt, ...)
{
	const struct pagd_error *known;
	char *msg = NULL;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	known = pagd_errors(&n);
	for (size_t i = 0; i < n; i++) {
		if (-r == known[i].err) {
			sd_bus_error_set(error, known[i].name,
					 msg ? msg : strerror(-r));
			free(msg);
			return r;
		}
	}
	if (msg)
		sd_bus_error_set_errnof(error, r, "%s", msg);
	else
		sd_bus_error_set_errno(error, r);
	free(msg);
	return r;
}

int bus_check_caller(sd_bus_message *m, struct pagd *p, sd_bus_error *error)
{
	sd_bus_creds *creds = NULL;
	const gid_t *gids;
	uid_t uid;
	gid_t gid;
	int r, n;

	r = sd_bus_query_sender_creds(m,
				      SD_BUS_CREDS_EUID | SD_BUS_CREDS_EGID |
					      SD_BUS_CREDS_SUPPLEMENTARY_GIDS |
					      SD_BUS_CREDS_AUGMENT,
				      &creds);
	if (r < 0)
		goto denied;
	r = sd_bus_creds_get_euid(creds, &uid);
	if (r < 0)
		goto denied;
	if (uid == 0)
		goto ok;
	if (!p->cfg->has_admin_group)
		goto denied;
	if (sd_bus_creds_get_egid(creds, &gid) >= 0 && gid == p->cfg->admin_gid)
		goto ok;
	n = sd_bus_creds_get_supplementary_gids(creds, &gids);
	for (int i = 0; i < n; i++)
		if (gids[i] == p->cfg->admin_gid)
			goto ok;
denied:
	sd_bus_creds_unref(creds);
	return bus_error(error, -EACCES,
			 "only root or the admin group may manage pagd");
ok:
	sd_bus_creds_unref(creds);
	return 0;
}

/*
 * The methods that take only a PAG id: the caller is checked before the
 * argument is read.  Return: 0, or a negative errno with @error set.
 */
int bus_caller_pag_arg(sd_bus_message *m, struct pagd *p, sd_bus_error *error,
		       int32_t *pag)
{
	int r = bus_check_caller(m, p, error);

	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "i", pag);
	return r < 0 ? r : 0;
}

/*
 * For the methods that take a PAG by incarnation first: checks the caller,
 * reads the PAG's id and creation time and, with @name, the string that
 * follows them.  Return: 0, or as a method handler (a bad id refused in
 * @error).
 */
int bus_caller_incarnation_arg(sd_bus_message *m, struct pagd *p,
			       sd_bus_error *error, int32_t *pag,
			       uint64_t *created_ns, const char **name)
{
	int r = bus_check_caller(m, p, error);

	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "it", pag, created_ns);
	if (r >= 0 && name)
		r = sd_bus_message_read(m, "s", name);
	if (r < 0)
		return r;
	if (*pag <= 0)
		return bus_error(error, -EINVAL, "bad PAG id %d", *pag);
	return 0;
}

/*
 * The reply of a List method: an array of @elem that @fill appends to
 * @reply; sent on success.  Return: as a method handler.
 */
int bus_reply_list(sd_bus_message *m, const char *elem,
		   int (*fill)(sd_bus_message *reply, struct pagd *p),
		   struct pagd *p)
{
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', elem);
	if (r >= 0)
		r = fill(reply, p);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

int bus_append_names(sd_bus_message *reply, const char *key)
{
	char **names;
	int r;

	r = view_key_split(key, &names);
	if (r < 0)
		return r;
	r = sd_bus_message_append_strv(reply, names);
	strv_free(names);
	return r;
}

const sd_bus_vtable bus_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_LIST_DOMAINS, SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(ssss)", domains),
				bus_method_list_domains,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_LIST_TRUSTED_DOMAINS, SD_BUS_NO_ARGS,
		SD_BUS_RESULT("a(ssssssss)", domains),
		bus_method_list_trusted_domains, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_BIND,
		SD_BUS_ARGS("i", pag, "t", created_ns, "as", domains),
		SD_BUS_NO_RESULT, bus_method_bind, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_UNBIND, SD_BUS_ARGS("i", pag),
				SD_BUS_NO_RESULT, bus_method_unbind,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_LIST_BINDINGS, SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(itas)", bindings),
				bus_method_list_bindings,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_GET_SOCKET_DIRECTORY,
				SD_BUS_ARGS("as", domains, "as", responders),
				SD_BUS_RESULT("s", path),
				bus_method_get_sockdir,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_LIST_SOCKET_DIRECTORIES, SD_BUS_NO_ARGS,
		SD_BUS_RESULT("a(sasas)", directories),
		bus_method_list_sockdirs, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_RELOAD, SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT, bus_method_reload,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_SET_DOMAINS_ONLINE,
				SD_BUS_ARGS("b", online), SD_BUS_NO_RESULT,
				bus_method_set_domains_online,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_BIND_CREDENTIALS,
		SD_BUS_ARGS("i", pag, "t", created_ns, "s", principal),
		SD_BUS_NO_RESULT, bus_method_bind_credentials,
		SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_BIND_LOGIN_CREDENTIALS,
		SD_BUS_ARGS("i", pag, "t", created_ns, "s", principal),
		SD_BUS_NO_RESULT, bus_method_bind_login_credentials,
		SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_SET_CREDENTIALS_NETWORK,
		SD_BUS_ARGS("i", pag, "t", created_ns, "h", netns),
		SD_BUS_NO_RESULT, bus_method_set_credentials_network,
		SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_RENEW_CREDENTIALS,
				SD_BUS_ARGS("i", pag, "t", created_ns),
				SD_BUS_NO_RESULT, bus_method_renew_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_UNBIND_CREDENTIALS,
				SD_BUS_ARGS("i", pag), SD_BUS_NO_RESULT,
				bus_method_unbind_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		PAGD_METHOD_GET_CREDENTIALS, SD_BUS_ARGS("i", pag),
		SD_BUS_RESULT("s", principal, "s", state, "s", message, "s",
			      ccache, "t", expires, "t", next_attempt, "t",
			      failing_since),
		bus_method_get_credentials, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_LIST_CREDENTIALS, SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(itssssttt)", credentials),
				bus_method_list_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_BIND_PROFILE,
				SD_BUS_ARGS("i", pag, "t", created_ns, "s",
					    profile, "as", domains, "s",
					    principal),
				SD_BUS_NO_RESULT, bus_method_bind_profile,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(PAGD_METHOD_LIST_PROFILES, SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(sasass)", profiles),
				bus_method_list_profiles,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS(PAGD_SIGNAL_CREDENTIALS_CHANGED,
				SD_BUS_ARGS("i", pag, "s", state, "s", message),
				0),
	SD_BUS_VTABLE_END
};

static int system_bus_setup(struct pagd *p)
{
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return log_errno(LOG_INFO, r,
				 "no system bus (%m): management on the "
				 "private socket only");
	r = sd_bus_add_object_vtable(bus, NULL, PAGD_BUS_PATH,
				     PAGD_BUS_INTERFACE, bus_vtable, p);
	if (r < 0)
		goto fail;
	r = sd_bus_request_name(bus, PAGD_BUS_NAME, 0);
	if (r < 0) {
		/* the usual cause: the bus policy is not installed */
		log_errno(LOG_WARNING, r,
			  "cannot own %s on the system bus (%m; is "
			  "dbus-1/system.d/%s.conf installed?): management on "
			  "the private socket only",
			  PAGD_BUS_NAME, PAGD_BUS_NAME);
		sd_bus_flush_close_unref(bus);
		return r;
	}
	r = sd_bus_attach_event(bus, p->event, 0);
	if (r < 0)
		goto fail;
	p->system_bus = bus;
	return 0;
fail:
	log_errno(LOG_WARNING, r,
		  "cannot serve on the system bus: %m: management on the "
		  "private socket only");
	sd_bus_flush_close_unref(bus);
	return r;
}

/*
 * bus_setup() - serve the management API.  The private socket is required;
 * the system bus is optional and its absence is only noted.
 */
int bus_setup(struct pagd *p)
{
	int r;

	p->bus_fd = -1;
	r = bus_private_listen(p);
	if (r < 0)
		return r;
	if (p->cfg->bus == BUS_NONE)
		return 0;
	if (system_bus_setup(p) >= 0)
		log_info("management API on the system bus as %s",
			 PAGD_BUS_NAME);
	return 0;
}

void bus_close(struct pagd *p)
{
	while (p->bus_conns)
		bus_conn_free(p->bus_conns);
	sd_event_source_disable_unref(p->bus_listen);
	p->bus_listen = NULL;
	if (p->bus_fd >= 0)
		close(p->bus_fd);
	p->bus_fd = -1;
	p->system_bus = sd_bus_flush_close_unref(p->system_bus);
}
