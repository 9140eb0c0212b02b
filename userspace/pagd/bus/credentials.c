// SPDX-License-Identifier: GPL-2.0
/*
 * BindCredentials, BindLoginCredentials, SetCredentialsNetwork,
 * RenewCredentials, UnbindCredentials, GetCredentials and
 * ListCredentials: Kerberos credential bindings of PAGs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"
#include "bus.h"

/*
 * Binds @pag (that incarnation) to @principal's credentials from @keytab,
 * which pagd's configuration gave; a refusal is set in @error.  Shared with
 * BindProfile (profiles.c).  Return: 0, or as a method handler.
 */
int bus_bind_creds(struct pagd *p, int32_t pag, uint64_t created_ns,
		   const char *principal, const char *keytab,
		   sd_bus_error *error)
{
	char *msg = NULL;
	int r;

	r = creds_bind(p, pag, created_ns, principal, keytab, &msg);
	if (r == -EINVAL || r == -ENOKEY)
		r = bus_error(error, r, "%s",
			      msg ? msg : "bad credential binding");
	else if (r < 0)
		r = bus_error(error, r, "cannot bind the credentials: %s",
			      msg ? msg : strerror(-r));
	free(msg);
	return r < 0 ? r : 0;
}

/*
 * The keytab is never the caller's to name: it is the one of the profiles
 * listing @principal, and a principal no profile lists is refused.
 */
int bus_method_bind_credentials(sd_bus_message *m, void *ud,
				sd_bus_error *error)
{
	struct pagd *p = ud;
	const char *principal, *keytab;
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = bus_caller_incarnation_arg(m, p, error, &pag, &created_ns,
				       &principal);
	if (r < 0)
		return r;
	if (!*principal)
		return bus_error(error, -EINVAL, "the principal is empty");
	keytab = config_principal_keytab(p->cfg, principal);
	if (!keytab)
		return bus_error(error, -EPERM,
				 "principal '%s' is in no profile", principal);
	r = bus_resolve_incarnation(pag, &created_ns, error);
	if (r < 0)
		return r;
	r = bus_bind_creds(p, pag, created_ns, principal, keytab, error);
	return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

/*
 * A TGT that a login obtained with its password (pam_pag's auth) is in
 * @pag's PAGD_CCACHE: pagd renews it while the KDC lets it, with no
 * keytab, as it renews those its own PAM responder stores; the binding ends
 * when the TGT can no longer be renewed, or with the PAG.
 */
int bus_method_bind_login_credentials(sd_bus_message *m, void *ud,
				      sd_bus_error *error)
{
	struct pagd *p = ud;
	const char *principal;
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = bus_caller_incarnation_arg(m, p, error, &pag, &created_ns,
				       &principal);
	if (r < 0)
		return r;
	if (!*principal)
		return bus_error(error, -EINVAL, "the principal is empty");
	r = bus_resolve_incarnation(pag, &created_ns, error);
	if (r < 0)
		return r;
	r = creds_bind_password(p, pag, created_ns, principal);
	if (r < 0)
		return bus_error(error, r, "cannot bind the login's TGT: %s",
				 strerror(-r));
	return sd_bus_reply_method_return(m, NULL);
}

/*
 * The network namespace of the kafs mount @pag's processes use, where its
 * kafs tokens must be made (Documentation/admin-guide/afs.rst).
 */
int bus_method_set_credentials_network(sd_bus_message *m, void *ud,
				       sd_bus_error *error)
{
	struct pagd *p = ud;
	const char *msg;
	uint64_t created_ns;
	int32_t pag;
	int fd, r;

	r = bus_caller_incarnation_arg(m, p, error, &pag, &created_ns, NULL);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "h", &fd);
	if (r < 0)
		return r;
	r = creds_set_netns(p, pag, created_ns, fd, &msg);
	if (r < 0)
		return bus_error(error, r, "PAG %d: %s", pag,
				 msg ? msg : strerror(-r));
	return sd_bus_reply_method_return(m, NULL);
}

/*
 * The binding's credentials and kafs tokens made anew now, in the network
 * namespace it has (`pag aklog` where the mount's namespace is not the
 * caller's); the caller waits for "ok" again.
 */
int bus_method_renew_credentials(sd_bus_message *m, void *ud,
				 sd_bus_error *error)
{
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = bus_caller_incarnation_arg(m, ud, error, &pag, &created_ns, NULL);
	if (r < 0)
		return r;
	if (creds_renew(ud, pag, created_ns) < 0)
		return bus_error(error, -ENOENT,
				 "PAG %d has no credential binding", pag);
	return sd_bus_reply_method_return(m, NULL);
}

int bus_method_unbind_credentials(sd_bus_message *m, void *ud,
				  sd_bus_error *error)
{
	struct pagd *p = ud;
	int32_t pag;
	int r;

	r = bus_caller_pag_arg(m, p, error, &pag);
	if (r < 0)
		return r;
	r = creds_unbind(p, pag, 0, "unbound");
	if (r == -ENOENT)
		return bus_error(error, -ENOENT,
				 "PAG %d has no credential binding", pag);
	return sd_bus_reply_method_return(m, NULL);
}

int bus_method_get_credentials(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	struct creds_info ci;
	int32_t pag;
	int r;

	r = bus_caller_pag_arg(m, p, error, &pag);
	if (r < 0)
		return r;
	if (creds_get(p, pag, &ci) < 0)
		return bus_error(error, -ENOENT,
				 "PAG %d has no credential binding", pag);
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

int bus_method_list_credentials(sd_bus_message *m, void *ud,
				sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r
		     : bus_reply_list(m, "(itssssttt)", fill_credentials, ud);
}
