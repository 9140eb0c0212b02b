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
 *                                            status (online, offline)
 *   Bind(i pag, t created_ns, as domains)
 *   Unbind(i pag)
 *   ListBindings()                        -> a(itas) pag, created_ns, domains
 *   GetSocketDirectory(as domains, as responders) -> s path
 *   ListSocketDirectories()               -> a(sasas) path, domains, responders
 *   Reload()
 *   BindCredentials(i pag, t created_ns, s principal, s keytab)
 *   UnbindCredentials(i pag)
 *   GetCredentials(i pag)                 -> s principal, s state, s message,
 *                                            s ccache, t expires,
 *                                            t next_attempt, t failing_since
 *   ListCredentials()                     -> a(itssssttt) pag, created_ns,
 *                                            then as above
 *   signal CredentialsChanged(i pag, s state, s message)
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
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-id128.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"

#define BUS_NAME	   "org.pag.Pagd1"
#define BUS_PATH	   "/org/pag/Pagd1"
#define BUS_INTERFACE	   "org.pag.Pagd1"
#define ERR_UNKNOWN_DOMAIN "org.pag.Pagd1.Error.UnknownDomain"
#define ERR_INVALID	   "org.pag.Pagd1.Error.Invalid"
#define ERR_NOT_BOUND	   "org.pag.Pagd1.Error.NotBound"
#define ERR_KEYTAB	   "org.pag.Pagd1.Error.Keytab"
#define ERR_STALE	   "org.pag.Pagd1.Error.Stale"
#define ERR_NO_SUCH_PAG	   "org.pag.Pagd1.Error.NoSuchPAG"

struct bus_conn {
	struct pagd *p;
	struct bus_conn *next, **pprev;
	sd_bus *bus;
	sd_event_source *reap;
};

static int check_caller(sd_bus_message *m, struct pagd *p, sd_bus_error *error)
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
	return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
				"only root or the admin group may manage pagd");
ok:
	sd_bus_creds_unref(creds);
	return 0;
}

/*
 * The reply of a List method: an array of @elem that @fill appends to
 * @reply; sent on success.  Return: as a method handler.
 */
static int reply_list(sd_bus_message *m, const char *elem,
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

static int fill_domains(sd_bus_message *reply, struct pagd *p)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < p->n_domains; i++) {
		const struct domain *d = p->domains[i];

		r = sd_bus_message_append(reply, "(ssss)", d->name, d->tenant,
					  d->ops ? d->ops->name : "files",
					  domain_status(d));
	}
	return r;
}

static int method_list_domains(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = check_caller(m, ud, error);

	return r < 0 ? r : reply_list(m, "(ssss)", fill_domains, ud);
}

/* Reads "as" and checks every name against the configured domains. */
static int read_domains(sd_bus_message *m, struct pagd *p, char ***out,
			sd_bus_error *error)
{
	char **v = NULL;
	int r;

	r = sd_bus_message_read_strv(m, &v);
	if (r < 0)
		return r;
	for (char **n = v; *n; n++) {
		if (!pagd_domain(p, *n)) {
			r = sd_bus_error_setf(error, ERR_UNKNOWN_DOMAIN,
					      "unknown domain '%s'", *n);
			strv_free(v);
			return r;
		}
	}
	*out = v;
	return 0;
}

/*
 * The incarnation a Bind call means: @*created_ns as given, checked against
 * pag.ko, or looked up when 0.  Without pag.ko it is recorded as given (0
 * when not given), and serves no peer until bound again.  Return: 0, or as
 * a method handler after setting @error.
 */
static int resolve_incarnation(int32_t pag, uint64_t *created_ns,
			       sd_bus_error *error)
{
	int r;

	if (!*created_ns) {
		r = pagd_pag_created(pag, created_ns);
		if (r == -EOPNOTSUPP)
			return 0;
		if (r == -ENOENT)
			return sd_bus_error_setf(error, ERR_NO_SUCH_PAG,
						 "no PAG has id %d", pag);
		if (r < 0)
			return sd_bus_error_set_errnof(
				error, r, "cannot look PAG %d up: %s", pag,
				strerror(-r));
		log_info("PAG %d: bound without its creation time, taking "
			 "the live PAG's (%llu)",
			 pag, (unsigned long long)*created_ns);
		return 0;
	}
	r = pagd_pag_alive(pag, *created_ns);
	if (r == -EOPNOTSUPP || r == 1)
		return 0;
	if (r == 0)
		return sd_bus_error_setf(error, ERR_STALE,
					 "PAG %d created at %llu is gone", pag,
					 (unsigned long long)*created_ns);
	return sd_bus_error_set_errnof(error, r, "cannot look PAG %d up: %s",
				       pag, strerror(-r));
}

static int method_bind(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char **names = NULL, *key = NULL;
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "it", &pag, &created_ns);
	if (r < 0)
		return r;
	if (pag <= 0)
		return sd_bus_error_setf(error, ERR_INVALID, "bad PAG id %d",
					 pag);
	r = read_domains(m, p, &names, error);
	if (r < 0)
		return r;
	r = resolve_incarnation(pag, &created_ns, error);
	if (r < 0) {
		strv_free(names);
		return r;
	}
	r = view_key((const char *const *)names, strv_len(names), &key);
	if (r == 0)
		r = state_bind(p->state, pag, created_ns, key);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot bind PAG %d to %s: %m", pag,
			  key ? key : "?");
		r = sd_bus_error_set_errnof(error, r,
					    "cannot record the binding: %s",
					    strerror(-r));
	} else {
		log_info("PAG %d (created at %llu) bound to '%s'", pag,
			 (unsigned long long)created_ns, key);
		scope_invalidate_views(p);
		r = sd_bus_reply_method_return(m, NULL);
	}
	free(key);
	strv_free(names);
	return r;
}

static int method_unbind(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	int32_t pag;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "i", &pag);
	if (r < 0)
		return r;
	r = state_unbind(p->state, pag, 0);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, ERR_NOT_BOUND,
					 "PAG %d has no binding", pag);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "cannot remove the binding: %s",
					       strerror(-r));
	log_info("PAG %d unbound", pag);
	scope_invalidate_views(p);
	return sd_bus_reply_method_return(m, NULL);
}

static int append_names(sd_bus_message *reply, const char *key)
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

static int binding_append(int32_t pag, uint64_t created_ns, const char *key,
			  void *ud)
{
	sd_bus_message *reply = ud;
	int r;

	r = sd_bus_message_open_container(reply, 'r', "itas");
	if (r >= 0)
		r = sd_bus_message_append(reply, "it", pag, created_ns);
	if (r >= 0)
		r = append_names(reply, key);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r < 0 ? r : 0;
}

static int fill_bindings(sd_bus_message *reply, struct pagd *p)
{
	return state_foreach_binding(p->state, binding_append, reply);
}

static int method_list_bindings(sd_bus_message *m, void *ud,
				sd_bus_error *error)
{
	int r = check_caller(m, ud, error);

	return r < 0 ? r : reply_list(m, "(itas)", fill_bindings, ud);
}

static int method_get_sockdir(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char **domains = NULL, **resp = NULL, *path = NULL, *err = NULL;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &resp);
	if (r < 0)
		goto out;
	r = sockdir_get(p, (const char *const *)domains, strv_len(domains),
			(const char *const *)resp, strv_len(resp), &path, &err);
	if (r == -EINVAL && err)
		r = sd_bus_error_set(error,
				     strstr(err, "domain") ? ERR_UNKNOWN_DOMAIN
							   : ERR_INVALID,
				     err);
	else if (r < 0)
		r = sd_bus_error_set_errnof(
			error, r, "cannot make the socket directory: %s",
			strerror(-r));
	else
		r = sd_bus_reply_method_return(m, "s", path);
out:
	free(err);
	free(path);
	strv_free(domains);
	strv_free(resp);
	return r;
}

struct sockdir_walk {
	struct pagd *p;
	sd_bus_message *reply;
};

static int sockdir_append(uint32_t id, const char *key, void *ud)
{
	struct sockdir_walk *w = ud;
	char *domains, *responders, *path = NULL;
	int r;

	r = sockdir_split_key(key, &domains, &responders);
	if (r < 0)
		return 0;
	r = sockdir_path(w->p, id, &path);
	if (r >= 0)
		r = sd_bus_message_open_container(w->reply, 'r', "sasas");
	if (r >= 0)
		r = sd_bus_message_append(w->reply, "s", path);
	if (r >= 0)
		r = append_names(w->reply, domains);
	if (r >= 0)
		r = append_names(w->reply, responders);
	if (r >= 0)
		r = sd_bus_message_close_container(w->reply);
	free(path);
	free(domains);
	free(responders);
	return r < 0 ? r : 0;
}

static int fill_sockdirs(sd_bus_message *reply, struct pagd *p)
{
	struct sockdir_walk w = { .p = p, .reply = reply };

	return state_foreach_sockdir(p->state, sockdir_append, &w);
}

static int method_list_sockdirs(sd_bus_message *m, void *ud,
				sd_bus_error *error)
{
	int r = check_caller(m, ud, error);

	return r < 0 ? r : reply_list(m, "(sasas)", fill_sockdirs, ud);
}

static int method_reload(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char *err = NULL;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = pagd_reload(p, &err);
	if (r < 0) {
		r = sd_bus_error_setf(error, ERR_INVALID, "%s",
				      err ? err : strerror(-r));
		free(err);
		return r;
	}
	return sd_bus_reply_method_return(m, NULL);
}

static int method_bind_credentials(sd_bus_message *m, void *ud,
				   sd_bus_error *error)
{
	struct pagd *p = ud;
	const char *principal, *keytab;
	uint64_t created_ns;
	char *msg = NULL;
	int32_t pag;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "itss", &pag, &created_ns, &principal,
				&keytab);
	if (r < 0)
		return r;
	if (pag <= 0)
		return sd_bus_error_setf(error, ERR_INVALID, "bad PAG id %d",
					 pag);
	if (!*principal)
		return sd_bus_error_set(error, ERR_INVALID,
					"the principal is empty");
	if (keytab[0] != '/')
		return sd_bus_error_setf(error, ERR_KEYTAB,
					 "keytab '%s' is not an absolute path",
					 keytab);
	r = resolve_incarnation(pag, &created_ns, error);
	if (r < 0)
		return r;
	r = creds_bind(p, pag, created_ns, principal, keytab, &msg);
	if (r == -EINVAL || r == -ENOKEY)
		r = sd_bus_error_set(error,
				     r == -EINVAL ? ERR_INVALID : ERR_KEYTAB,
				     msg ? msg : "bad credential binding");
	else if (r < 0)
		r = sd_bus_error_set_errnof(error, r,
					    "cannot bind the credentials: %s",
					    msg ? msg : strerror(-r));
	else
		r = sd_bus_reply_method_return(m, NULL);
	free(msg);
	return r;
}

static int method_unbind_credentials(sd_bus_message *m, void *ud,
				     sd_bus_error *error)
{
	struct pagd *p = ud;
	int32_t pag;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "i", &pag);
	if (r < 0)
		return r;
	r = creds_unbind(p, pag, 0, "unbound");
	if (r == -ENOENT)
		return sd_bus_error_setf(error, ERR_NOT_BOUND,
					 "PAG %d has no credential binding",
					 pag);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_get_credentials(sd_bus_message *m, void *ud,
				  sd_bus_error *error)
{
	struct pagd *p = ud;
	struct creds_info ci;
	int32_t pag;
	int r;

	r = check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "i", &pag);
	if (r < 0)
		return r;
	if (creds_get(p, pag, &ci) < 0)
		return sd_bus_error_setf(error, ERR_NOT_BOUND,
					 "PAG %d has no credential binding",
					 pag);
	return sd_bus_reply_method_return(m, "ssssttt", ci.principal, ci.state,
					  ci.message, ci.ccache, ci.expires,
					  ci.next_attempt, ci.failing_since);
}

static int append_credentials(int32_t pag, const struct creds_info *ci,
			      void *ud)
{
	int r = sd_bus_message_append(ud, "(itssssttt)", pag, ci->created_ns,
				      ci->principal, ci->state, ci->message,
				      ci->ccache, ci->expires, ci->next_attempt,
				      ci->failing_since);

	return r < 0 ? r : 0;
}

static int fill_credentials(sd_bus_message *reply, struct pagd *p)
{
	return creds_foreach(p, append_credentials, reply);
}

static int method_list_credentials(sd_bus_message *m, void *ud,
				   sd_bus_error *error)
{
	int r = check_caller(m, ud, error);

	return r < 0 ? r : reply_list(m, "(itssssttt)", fill_credentials, ud);
}

/**
 * bus_emit_credentials_changed() - tell the system bus and every private
 * connection that a credential binding changed state
 * @p: the daemon
 * @pag: the PAG
 * @state: its new state
 * @message: why, or ""
 */
void bus_emit_credentials_changed(struct pagd *p, int32_t pag,
				  const char *state, const char *message)
{
	if (p->system_bus)
		sd_bus_emit_signal(p->system_bus, BUS_PATH, BUS_INTERFACE,
				   "CredentialsChanged", "iss", pag, state,
				   message);
	for (struct bus_conn *c = p->bus_conns; c; c = c->next)
		sd_bus_emit_signal(c->bus, BUS_PATH, BUS_INTERFACE,
				   "CredentialsChanged", "iss", pag, state,
				   message);
}

static const sd_bus_vtable pagd_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("ListDomains", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(ssss)", domains),
				method_list_domains,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		"Bind", SD_BUS_ARGS("i", pag, "t", created_ns, "as", domains),
		SD_BUS_NO_RESULT, method_bind, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Unbind", SD_BUS_ARGS("i", pag),
				SD_BUS_NO_RESULT, method_unbind,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListBindings", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(itas)", bindings),
				method_list_bindings,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetSocketDirectory",
				SD_BUS_ARGS("as", domains, "as", responders),
				SD_BUS_RESULT("s", path), method_get_sockdir,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListSocketDirectories", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(sasas)", directories),
				method_list_sockdirs,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
				method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("BindCredentials",
				SD_BUS_ARGS("i", pag, "t", created_ns, "s",
					    principal, "s", keytab),
				SD_BUS_NO_RESULT, method_bind_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("UnbindCredentials", SD_BUS_ARGS("i", pag),
				SD_BUS_NO_RESULT, method_unbind_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS(
		"GetCredentials", SD_BUS_ARGS("i", pag),
		SD_BUS_RESULT("s", principal, "s", state, "s", message, "s",
			      ccache, "t", expires, "t", next_attempt, "t",
			      failing_since),
		method_get_credentials, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListCredentials", SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a(itssssttt)", credentials),
				method_list_credentials,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("CredentialsChanged",
				SD_BUS_ARGS("i", pag, "s", state, "s", message),
				0),
	SD_BUS_VTABLE_END
};

static void conn_free(struct bus_conn *c)
{
	sd_event_source_disable_unref(c->reap);
	sd_bus_flush_close_unref(c->bus);
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	free(c);
}

/* Freeing a bus from inside its own callback is not safe: defer it. */
static int conn_reap(sd_event_source *s, void *ud)
{
	conn_free(ud);
	return 0;
}

static int conn_disconnected(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	struct bus_conn *c = ud;

	if (!c->reap &&
	    sd_event_add_defer(c->p->event, &c->reap, conn_reap, c) >= 0)
		sd_event_source_set_enabled(c->reap, SD_EVENT_ONESHOT);
	return 0;
}

static int private_accept(sd_event_source *s, int fd, uint32_t revents,
			  void *ud)
{
	struct pagd *p = ud;
	struct bus_conn *c;
	sd_id128_t id;
	int cfd, r;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	c->p = p;
	r = sd_bus_new(&c->bus);
	if (r >= 0)
		r = sd_bus_set_fd(c->bus, cfd, cfd);
	if (r < 0) {
		close(cfd);
		goto fail;
	}
	r = sd_id128_randomize(&id);
	if (r >= 0)
		r = sd_bus_set_server(c->bus, 1, id);
	if (r >= 0)
		r = sd_bus_add_object_vtable(c->bus, NULL, BUS_PATH,
					     BUS_INTERFACE, pagd_vtable, p);
	if (r >= 0)
		r = sd_bus_match_signal(c->bus, NULL,
					"org.freedesktop.DBus.Local",
					"/org/freedesktop/DBus/Local",
					"org.freedesktop.DBus.Local",
					"Disconnected", conn_disconnected, c);
	if (r >= 0)
		r = sd_bus_start(c->bus);
	if (r >= 0)
		r = sd_bus_attach_event(c->bus, p->event, 0);
	if (r < 0)
		goto fail;
	c->next = p->bus_conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &p->bus_conns;
	p->bus_conns = c;
	return 0;
fail:
	log_errno(LOG_WARNING, r, "private bus connection failed: %m");
	sd_bus_flush_close_unref(c->bus);
	free(c);
	return 0;
}

static int private_listen(struct pagd *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = NULL;
	gid_t gid = p->cfg->has_admin_group ? p->cfg->admin_gid : 0;
	mode_t mode = p->cfg->has_admin_group ? 0750 : 0700;
	int fd = -1, r;

	if (asprintf(&dir, "%s/private", p->cfg->run_dir) < 0)
		return -ENOMEM;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bus", dir);
	r = mkdir_exact_mode(dir, mode);
	if (r == 0 && chown(dir, 0, gid) < 0)
		r = -errno;
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create %s: %m", dir);
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chown(sa.sun_path, 0, gid) < 0 || chmod(sa.sun_path, 0660) < 0 ||
	    listen(fd, 16) < 0) {
		r = log_errno(LOG_ERR, -errno, "cannot listen on %s: %m",
			      sa.sun_path);
		goto out;
	}
	r = sd_event_add_io(p->event, &p->bus_listen, fd, EPOLLIN,
			    private_accept, p);
	if (r < 0)
		goto out;
	p->bus_fd = fd;
	fd = -1;
	log_debug("management API on unix:path=%s", sa.sun_path);
out:
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}

static int system_bus_setup(struct pagd *p)
{
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return log_errno(LOG_INFO, r,
				 "no system bus (%m): management on the "
				 "private socket only");
	r = sd_bus_add_object_vtable(bus, NULL, BUS_PATH, BUS_INTERFACE,
				     pagd_vtable, p);
	if (r < 0)
		goto fail;
	r = sd_bus_request_name(bus, BUS_NAME, 0);
	if (r < 0) {
		/* the usual cause: the bus policy is not installed */
		log_errno(LOG_WARNING, r,
			  "cannot own %s on the system bus (%m; is "
			  "dbus-1/system.d/%s.conf installed?): management on "
			  "the private socket only",
			  BUS_NAME, BUS_NAME);
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
	r = private_listen(p);
	if (r < 0)
		return r;
	if (p->cfg->bus == BUS_NONE)
		return 0;
	if (system_bus_setup(p) >= 0)
		log_info("management API on the system bus as %s", BUS_NAME);
	return 0;
}

void bus_close(struct pagd *p)
{
	while (p->bus_conns)
		conn_free(p->bus_conns);
	sd_event_source_disable_unref(p->bus_listen);
	p->bus_listen = NULL;
	if (p->bus_fd >= 0)
		close(p->bus_fd);
	p->bus_fd = -1;
	p->system_bus = sd_bus_flush_close_unref(p->system_bus);
}
