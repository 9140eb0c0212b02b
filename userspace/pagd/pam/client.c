// SPDX-License-Identifier: GPL-2.0
/*
 * PAM requests of one connection (conv.h), as SSSD's PAM responder answers
 * them for a domain with auth_provider = krb5, access_provider = permit and
 * chpass_provider = none:
 *  - the user is looked up in the connection's view only: a user of
 *    another tenant, or of a domain outside requested_domains, is
 *    PAM_USER_UNKNOWN, exactly as a name nobody has;
 *  - PREAUTH: success, password prompting;
 *  - AUTHENTICATE: a TGT from the domain's realm (krb5_auth.c);
 *  - OPEN_SESSION: the domain's session provider (deskprofile/), then
 *    its status;
 *  - ACCT_MGMT, SETCRED, CLOSE_SESSION: success for a user of the view
 *    (nothing stored yet);
 *  - CHAUTHTOK(_PRELIM), RENEW: PAM_MODULE_UNKNOWN, SSSD's answer for a
 *    provider that is not configured, with a message for the user.
 * Every answer about a known user names its domain (SSS_PAM_DOMAIN_NAME).
 * Requests that cannot be parsed get a header status of EINVAL and a log
 * line saying what was wrong; the connection stays.
 */
#include <errno.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/deskprofile/deskprofile.h"
#include "pagd/pagd.h"
#include "pagd/pam/client.h"
#include "pagd/pam/krb5_auth.h"
#include "pagd/pam/protocol.h"

struct pam_client {
	struct pagd *p;
	const char *where; /* the socket, for messages */
	void (*wake)(void *ud);
	void *ud;
	struct pam_auth *auth;
	bool auth_done;
	int auth_status;
	char *auth_domain;
	char *auth_user;
	/* the session provider of an OPEN_SESSION (deskprofile/) */
	struct deskprofile_req *session;
	bool session_done;
	int session_status;
	char *session_domain;
};

struct pam_client *pam_client_new(struct pagd *p, const char *where,
				  void (*wake)(void *ud), void *ud)
{
	struct pam_client *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->p = p;
	pc->where = where;
	pc->wake = wake;
	pc->ud = ud;
	return pc;
}

void pam_client_free(struct pam_client *pc)
{
	if (!pc)
		return;
	pam_auth_cancel(pc->auth);
	deskprofile_cancel(pc->session);
	free(pc->session_domain);
	free(pc->auth_domain);
	free(pc->auth_user);
	free(pc);
}

static void wipe_request(struct nss_session *s)
{
	explicit_bzero(s->in, sizeof(s->in));
	s->in_len = 0;
}

int pam_client_query(const struct nss_session *s, struct id_query *q)
{
	uint32_t len = nss_get_u32(s->in), cmd = nss_get_u32(s->in + 4);
	struct pam_request rq;
	const char *why;

	if (!s->versioned || len < NSS_HEADER_SIZE || len > NSS_REQUEST_MAX ||
	    !pam_cmd_known(cmd) ||
	    pam_request_parse(cmd, s->in + NSS_HEADER_SIZE,
			      len - NSS_HEADER_SIZE, &rq, &why) < 0 ||
	    !rq.user)
		return 0;
	*q = (struct id_query){ .kind = ID_USER_NAME, .name = rq.user };
	return 1;
}

static int reply(struct nss_buf *out, uint32_t cmd, int status,
		 const char *domain, bool prompting, const char *chpass_msg)
{
	struct pam_reply r;

	if (pam_reply_begin(&r, out, cmd, status) < 0)
		return -ENOMEM;
	if (chpass_msg) {
		uint8_t info[8 + 128];
		uint32_t type = SSS_PAM_USER_INFO_CHPASS_ERROR;
		uint32_t n = strlen(chpass_msg);

		memcpy(info, &type, 4);
		memcpy(info + 4, &n, 4);
		memcpy(info + 8, chpass_msg, n);
		if (pam_reply_add(&r, SSS_PAM_USER_INFO, info, 8 + n) < 0)
			return -ENOMEM;
	}
	if (domain && pam_reply_add_str(&r, SSS_PAM_DOMAIN_NAME, domain) < 0)
		return -ENOMEM;
	if (prompting && pam_reply_add(&r, SSS_PASSWORD_PROMPTING, NULL, 0) < 0)
		return -ENOMEM;
	pam_reply_finish(&r);
	return NSS_REPLY;
}

static void auth_done(void *ud, int status, const char *msg)
{
	struct pam_client *pc = ud;

	pc->auth = NULL;
	pc->auth_done = true;
	pc->auth_status = status;
	if (status == PAM_SUCCESS)
		log_info("pam: %s of %s authenticated", pc->auth_user,
			 pc->auth_domain);
	else if (status == PAM_AUTHINFO_UNAVAIL)
		log_warning("pam: domain %s: cannot reach its KDC, "
			    "authentication unavailable: %s",
			    pc->auth_domain, msg);
	else
		log_notice("pam: authentication of %s of %s failed "
			   "(PAM status %d): %s",
			   pc->auth_user, pc->auth_domain, status, msg);
	pc->wake(pc->ud);
}

/* Whether @domain is in the comma-separated @list (NULL: no limit). */
static bool domain_requested(const char *list, const char *domain)
{
	size_t n = strlen(domain);

	for (const char *p = list; p && *p;) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == n && !strncmp(p, domain, n))
			return true;
		p = *end ? end + 1 : end;
	}
	return !list;
}

/* Hands the password to a worker.  Return: PAM_CLIENT_WAIT or a reply. */
static int authenticate(struct pam_client *pc, const struct pam_request *rq,
			const struct domain *d, const struct pagd_user *u,
			struct nss_buf *out)
{
	const struct domain_conf *dc = config_domain(pc->p->cfg, d->name);
	char *principal = NULL;
	int r;

	if (!rq->has_authtok || rq->authtok_type != SSS_AUTHTOK_TYPE_PASSWORD) {
		log_notice("pam: %s: authentication without a password "
			   "(token type %u) refused",
			   pc->where, rq->has_authtok ? rq->authtok_type : 0);
		return reply(out, rq->cmd, PAM_AUTH_ERR, d->name, false, NULL);
	}
	if (memchr(rq->authtok, '\0', rq->authtok_len)) {
		/* libkrb5 would see a shorter, different password */
		log_notice("pam: %s: a password with a NUL byte refused",
			   pc->where);
		return reply(out, rq->cmd, PAM_AUTH_ERR, d->name, false, NULL);
	}
	if (dc && dc->krb5_realm)
		r = asprintf(&principal, "%s@%s", u->name, dc->krb5_realm);
	else
		r = asprintf(&principal, "%s", u->name);
	if (r < 0)
		return -ENOMEM;
	free(pc->auth_domain);
	free(pc->auth_user);
	pc->auth_domain = strdup(d->name);
	pc->auth_user = strdup(u->name);
	r = pc->auth_domain && pc->auth_user
		    ? pam_auth_start(pc->p->event, principal, rq->authtok,
				     rq->authtok_len, auth_done, pc, &pc->auth)
		    : -ENOMEM;
	free(principal);
	if (r == -EBUSY) {
		log_warning("pam: %s: %d authentications already running, "
			    "one refused",
			    pc->where, PAM_AUTH_MAX_WORKERS);
		return reply(out, rq->cmd, PAM_AUTHINFO_UNAVAIL, d->name, false,
			     NULL);
	}
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "pam: cannot start an authentication: %m");
		return reply(out, rq->cmd, PAM_SYSTEM_ERR, d->name, false,
			     NULL);
	}
	return PAM_CLIENT_WAIT;
}

static void session_done(void *ud, int status)
{
	struct pam_client *pc = ud;

	pc->session = NULL;
	pc->session_done = true;
	pc->session_status = status;
	pc->wake(pc->ud);
}

/* Runs the domain's session provider; Return: PAM_CLIENT_WAIT or a reply. */
static int open_session(struct pam_client *pc, const struct pam_request *rq,
			const struct domain *d, const struct pagd_user *u,
			struct nss_buf *out)
{
	free(pc->session_domain);
	pc->session_domain = strdup(d->name);
	if (pc->session_domain &&
	    deskprofile_session_open(pc->p, d->name, u->name, session_done, pc,
				     &pc->session) == 1)
		return PAM_CLIENT_WAIT;
	return reply(out, rq->cmd, PAM_SUCCESS, d->name, false, NULL);
}

static int answer(struct pam_client *pc, const struct pam_request *rq,
		  const struct view *v, struct nss_buf *out)
{
	const struct pagd_user *u = NULL;
	const struct domain *d = NULL;

	if (v && rq->user)
		u = view_user_by_name(v, rq->user, &d);
	if (u && !domain_requested(rq->domains, d->name))
		u = NULL;
	if (!u) {
		log_info("pam: %s: user unknown in this view (command %#x)",
			 pc->where, rq->cmd);
		return reply(out, rq->cmd, PAM_USER_UNKNOWN, NULL, false, NULL);
	}
	switch (rq->cmd) {
	case SSS_PAM_PREAUTH:
		return reply(out, rq->cmd, PAM_SUCCESS, d->name, true, NULL);
	case SSS_PAM_AUTHENTICATE:
		return authenticate(pc, rq, d, u, out);
	case SSS_PAM_OPEN_SESSION:
		return open_session(pc, rq, d, u, out);
	case SSS_PAM_ACCT_MGMT:
	case SSS_PAM_SETCRED:
	case SSS_PAM_CLOSE_SESSION:
		return reply(out, rq->cmd, PAM_SUCCESS, d->name, false, NULL);
	case SSS_PAM_CHAUTHTOK:
	case SSS_PAM_CHAUTHTOK_PRELIM:
		log_info("pam: %s: password change refused: not supported",
			 pc->where);
		return reply(out, rq->cmd, PAM_MODULE_UNKNOWN, d->name, false,
			     "pagd does not change passwords");
	default:
		return reply(out, rq->cmd, PAM_MODULE_UNKNOWN, d->name, false,
			     NULL);
	}
}

int pam_client_handle(struct pam_client *pc, struct nss_session *s,
		      const struct view *v, struct nss_buf *out)
{
	uint32_t len = nss_get_u32(s->in), cmd = nss_get_u32(s->in + 4);
	struct pam_request rq;
	const char *why;
	int r;

	if (pc->auth_done) {
		pc->auth_done = false;
		return reply(out, SSS_PAM_AUTHENTICATE, pc->auth_status,
			     pc->auth_domain, false, NULL);
	}
	if (pc->session_done) {
		pc->session_done = false;
		return reply(out, SSS_PAM_OPEN_SESSION, pc->session_status,
			     pc->session_domain, false, NULL);
	}
	if (len < NSS_HEADER_SIZE || len > NSS_REQUEST_MAX) {
		log_notice("pam: %s: request length %u out of bounds, closing",
			   pc->where, len);
		r = nss_reply_status(out, cmd, EBADMSG);
		wipe_request(s);
		return r < 0 ? r : NSS_CLOSE;
	}
	if (cmd == SSS_GET_VERSION) {
		s->versioned = true;
		if (nss_reply_version(out, PAM_PROTOCOL_VERSION) < 0)
			return -ENOMEM;
		r = NSS_REPLY;
	} else if (!s->versioned) {
		log_notice("pam: %s: command %#x before SSS_GET_VERSION",
			   pc->where, cmd);
		r = nss_reply_status(out, cmd, EPROTO);
	} else if (!pam_cmd_known(cmd)) {
		log_notice("pam: %s: unknown command %#x", pc->where, cmd);
		r = nss_reply_status(out, cmd, ENOSYS);
	} else if (pam_request_parse(cmd, s->in + NSS_HEADER_SIZE,
				     len - NSS_HEADER_SIZE, &rq, &why) < 0) {
		log_notice("pam: %s: malformed request (command %#x): %s",
			   pc->where, cmd, why);
		r = nss_reply_status(out, cmd, EINVAL);
	} else {
		r = answer(pc, &rq, v, out);
	}
	wipe_request(s);
	if (r == NSS_REPLY || r == PAM_CLIENT_WAIT || r < 0)
		return r;
	return r == NSS_CLOSE ? r : NSS_REPLY;
}
