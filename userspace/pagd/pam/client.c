// SPDX-License-Identifier: GPL-2.0
/*
 * PAM requests of one connection (conv.h), as SSSD's PAM responder answers
 * them for a domain with auth_provider = krb5, access_provider = permit and
 * chpass_provider = none:
 *  - the user is looked up in the connection's view only: a user of
 *    another tenant, or of a domain outside requested_domains, is
 *    PAM_USER_UNKNOWN, exactly as a name nobody has;
 *  - PREAUTH: success, password prompting;
 *  - AUTHENTICATE: a TGT from the domain's realm (krb5_auth.c), held by
 *    pagd for the conversation (held.c), never stored in the caller;
 *  - OPEN_SESSION: the held TGT goes into the PAG the caller made for the
 *    session since (tgt_store.c), its renewal to a credential binding
 *    (creds/), and KRB5CCNAME to the session's environment; at the same
 *    time the domain's session provider runs (deskprofile/), whose status
 *    is the answer;
 *  - ACCT_MGMT: the user is in the view, not disabled (nsAccountLock:
 *    PAM_PERM_DENIED) and not expired (krbPrincipalExpiration,
 *    shadowExpire: PAM_ACCT_EXPIRED), as SSSD's IPA and shadow access
 *    checks answer;
 *  - SETCRED, CLOSE_SESSION: success for a user of the view;
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
#include <sys/socket.h>
#include <time.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/deskprofile/deskprofile.h"
#include "pagd/pagd.h"
#include "pagd/pam/client.h"
#include "pagd/pam/held.h"
#include "pagd/pam/krb5_auth.h"
#include "pagd/pam/offline.h"
#include "pagd/pam/protocol.h"
#include "pagd/pam/tgt_store.h"

/* What the session's processes find in their environment (pam_sss). */
#define PAM_KRB5CCNAME_ENV "KRB5CCNAME=" PAGD_KRB5_WORKER_CCACHE

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
	char *auth_principal;
	char *auth_name; /* the user's name in the domain */
	struct offline_plan offline;
	struct offline_notice notice; /* for the user, with auth_status */
	/* the conversation of the running authentication (held.h) */
	char *auth_service, *auth_tty, *auth_rhost;
	uint32_t auth_cli_pid;

	/* the connection's peer, as the kernel recorded it at connect */
	pid_t peer_pid;
	bool has_pag;
	int32_t pag;
	uint64_t pag_ns;

	/*
	 * OPEN_SESSION: storing a TGT and the session provider
	 * (deskprofile/) run side by side; the answer goes when the
	 * last of @session_pending is done.
	 */
	struct tgt_store *store;
	struct held_tgt *storing;
	struct deskprofile_req *session;
	unsigned int session_pending;
	bool session_done;
	bool session_stored;
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

void pam_client_set_peer(struct pam_client *pc, int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0)
		pc->peer_pid = uc.pid;
	pc->has_pag = pagd_peer_pag(fd, &pc->pag, &pc->pag_ns) == 0;
}

static void forget_conversation(struct pam_client *pc)
{
	free(pc->auth_principal);
	free(pc->auth_name);
	pc->auth_name = NULL;
	explicit_bzero(&pc->offline, sizeof(pc->offline));
	free(pc->auth_service);
	free(pc->auth_tty);
	free(pc->auth_rhost);
	pc->auth_principal = NULL;
	pc->auth_service = pc->auth_tty = pc->auth_rhost = NULL;
}

void pam_client_free(struct pam_client *pc)
{
	if (!pc)
		return;
	pam_auth_cancel(pc->auth);
	tgt_store_cancel(pc->store);
	held_tgt_free(pc->storing);
	forget_conversation(pc);
	deskprofile_cancel(pc->session);
	free(pc->auth_domain);
	free(pc->auth_user);
	free(pc->session_domain);
	free(pc);
}

/* The conversation @rq belongs to, on this connection. */
static void conv_key(const struct pam_client *pc, const struct pam_request *rq,
		     struct pam_conv_key *k)
{
	*k = (struct pam_conv_key){
		.user = rq->user,
		.service = rq->service,
		.tty = rq->tty,
		.rhost = rq->rhost,
		.cli_pid = rq->cli_pid,
		.peer_pid = pc->peer_pid,
		.has_pag = pc->has_pag,
		.pag = pc->pag,
		.pag_ns = pc->pag_ns,
	};
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

static int reply_env(struct nss_buf *out, uint32_t cmd, int status,
		     const char *domain, bool prompting, const char *chpass_msg,
		     const char *env)
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
	if (env && pam_reply_add_str(&r, SSS_PAM_ENV_ITEM, env) < 0)
		return -ENOMEM;
	pam_reply_finish(&r);
	return NSS_REPLY;
}

static int reply(struct nss_buf *out, uint32_t cmd, int status,
		 const char *domain, bool prompting, const char *chpass_msg)
{
	return reply_env(out, cmd, status, domain, prompting, chpass_msg, NULL);
}

/*
 * Whether pam_sss is to be told of @n, as SSSD's pam_verbosity filters it:
 * a cached password that never expires only from 2 (info) up, the others
 * from 1 (important, the default) up.
 */
static bool notice_shown(const struct pagd *p, const struct offline_notice *n)
{
	if (n->type == SSS_PAM_USER_INFO_OFFLINE_AUTH)
		return p->cfg->pam_verbosity >= (n->when ? 1U : 2U);
	return n->type && p->cfg->pam_verbosity >= 1;
}

/* The answer to AUTHENTICATE, with what the user is told of it. */
static int reply_auth(struct pam_client *pc, struct nss_buf *out)
{
	struct pam_reply r;
	uint8_t info[12];

	if (pam_reply_begin(&r, out, SSS_PAM_AUTHENTICATE, pc->auth_status) < 0)
		return -ENOMEM;
	if (notice_shown(pc->p, &pc->notice)) {
		memcpy(info, &pc->notice.type, 4);
		memcpy(info + 4, &pc->notice.when, 8);
		if (pam_reply_add(&r, SSS_PAM_USER_INFO, info, sizeof(info)) <
		    0)
			return -ENOMEM;
	}
	if (pc->auth_domain &&
	    pam_reply_add_str(&r, SSS_PAM_DOMAIN_NAME, pc->auth_domain) < 0)
		return -ENOMEM;
	pam_reply_finish(&r);
	return NSS_REPLY;
}

/* Keeps the TGT of a successful authentication for its session. */
static void hold_tgt(struct pam_client *pc, struct locked_buf *tgt)
{
	struct pam_conv_key k = {
		.user = pc->auth_user,
		.service = pc->auth_service,
		.tty = pc->auth_tty,
		.rhost = pc->auth_rhost,
		.cli_pid = pc->auth_cli_pid,
		.peer_pid = pc->peer_pid,
		.has_pag = pc->has_pag,
		.pag = pc->pag,
		.pag_ns = pc->pag_ns,
	};
	int r = held_tgt_put(pc->p->event, &k, pc->auth_domain,
			     pc->auth_principal, tgt, pc->p->cfg->pam_tgt_hold);

	if (r == -ENOSPC)
		log_warning("pam: %d TGTs already wait for their sessions: "
			    "the TGT of %s of %s is not kept",
			    PAM_TGT_HOLD_MAX, pc->auth_user, pc->auth_domain);
	else if (r < 0)
		log_errno(LOG_WARNING, r,
			  "pam: cannot keep the TGT of %s of %s: %m",
			  pc->auth_user, pc->auth_domain);
	else
		log_debug("pam: the TGT of %s of %s waits for its session "
			  "(%u s at most)",
			  pc->auth_user, pc->auth_domain,
			  pc->p->cfg->pam_tgt_hold);
}

static void auth_done(void *ud, int status, const char *msg,
		      struct locked_buf *tgt, const struct pam_auth_outcome *o)
{
	struct pam_client *pc = ud;

	pc->auth = NULL;
	status = offline_after(pc->p, pc->auth_domain, pc->auth_name,
			       &pc->offline, status, o, &pc->notice);
	if (o->offline || status == PAM_PERM_DENIED)
		msg = status == PAM_SUCCESS ? "" : "offline";
	pc->auth_done = true;
	pc->auth_status = status;
	if (status == PAM_SUCCESS && tgt)
		hold_tgt(pc, tgt);
	forget_conversation(pc);
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
	struct pam_auth_offline off = { 0 };
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
	forget_conversation(pc);
	pc->auth_domain = strdup(d->name);
	/* the name pam_sss sent: its open_session sends it again */
	pc->auth_user = strdup(rq->user);
	pc->auth_principal = principal;
	pc->auth_service = strdup(rq->service ? rq->service : "");
	pc->auth_tty = strdup(rq->tty ? rq->tty : "");
	pc->auth_rhost = strdup(rq->rhost ? rq->rhost : "");
	pc->auth_cli_pid = rq->cli_pid;
	pc->auth_name = strdup(u->name);
	if (pc->auth_domain && pc->auth_name)
		offline_plan(pc->p, pc->auth_domain, pc->auth_name,
			     &pc->offline, &off);
	r = pc->auth_domain && pc->auth_user && pc->auth_service &&
			    pc->auth_tty && pc->auth_rhost && pc->auth_name
		    ? pam_auth_start(pc->p->event, principal, rq->authtok,
				     rq->authtok_len, &off, auth_done, pc,
				     &pc->auth)
		    : -ENOMEM;
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

/* One part of an OPEN_SESSION ended: answer once both have. */
static void session_part_done(struct pam_client *pc)
{
	if (--pc->session_pending)
		return;
	pc->session_done = true;
	pc->wake(pc->ud);
}

static void store_done(void *ud, int status, const char *msg)
{
	struct pam_client *pc = ud;
	struct held_tgt *h = pc->storing;
	int r;

	pc->store = NULL;
	pc->storing = NULL;
	pc->session_stored = status == TGT_STORE_OK;
	if (status == TGT_STORE_OK) {
		log_info("pam: the TGT of %s of %s stored in the session's "
			 "PAG %d",
			 h->user, h->domain, h->session_pag);
		r = creds_bind_password(pc->p, h->session_pag, h->session_ns,
					h->principal);
		if (r < 0)
			log_errno(LOG_WARNING, r,
				  "pam: PAG %d: the TGT of %s will not be "
				  "renewed: %m",
				  h->session_pag, h->user);
	} else {
		log_warning("pam: the TGT of %s of %s was not stored in PAG "
			    "%d: %s",
			    h->user, h->domain, h->session_pag, msg);
	}
	held_tgt_free(h);
	session_part_done(pc);
}

static void provider_done(void *ud, int status)
{
	struct pam_client *pc = ud;

	pc->session = NULL;
	pc->session_status = status;
	session_part_done(pc);
}

/*
 * The TGT authentication left for this conversation goes into the PAG
 * the caller made since (pam_pag), and only there.  Return: true when
 * storing it started (store_done() follows).
 */
static bool start_tgt_store(struct pam_client *pc, const struct pam_request *rq)
{
	struct pam_conv_key k;
	struct held_tgt *h;
	uint64_t bound_ns;
	int r;

	/* pam_pag's creation event is queued before its request returned */
	pagd_watch_catch_up(pc->p);
	conv_key(pc, rq, &k);
	h = held_tgt_take(&k);
	if (!h)
		return false;
	if (!h->has_session) {
		log_notice("pam: the session of %s of %s has no PAG of its "
			   "own (pam_pag before pam_sss in the session "
			   "stack?): its TGT is wiped, not stored in the "
			   "caller's PAG",
			   h->user, h->domain);
		held_tgt_free(h);
		return false;
	}
	/*
	 * pam_pag's own auth, earlier in the stack, stored its TGT there and
	 * bound it (BindLoginCredentials) before this request: one TGT per
	 * session, the first one's.
	 */
	if (creds_bound(h->session_pag, &bound_ns) &&
	    bound_ns == h->session_ns) {
		log_notice("pam: the session's PAG %d of %s of %s has "
			   "credentials already (pam_pag's auth?): the TGT "
			   "pagd held is wiped, not stored",
			   h->session_pag, h->user, h->domain);
		held_tgt_free(h);
		return false;
	}
	r = tgt_store_start(pc->p->event, h->session_pag, h->session_ns,
			    &h->tgt, store_done, pc, &pc->store);
	if (r < 0) {
		log_errno(LOG_WARNING, r,
			  "pam: cannot start storing the TGT of %s: %m",
			  h->user);
		held_tgt_free(h);
		return false;
	}
	pc->storing = h;
	return true;
}

/*
 * The ipa_hostname of the profile the caller's PAG (the connection's, as
 * the kernel tagged it) was bound within, for a container whose sessions'
 * desktop profiles are those of its own host name; NULL: the domain's.
 * The binding counts only when it is for that very PAG (id and creation
 * time), as everywhere else.
 */
static const char *profile_host(struct pam_client *pc)
{
	const struct profile_conf *pr;
	char *name = NULL;
	int r;

	if (!pc->has_pag)
		return NULL;
	r = state_binding_profile(pc->p->state, pc->pag, pc->pag_ns, &name);
	if (r < 0 && r != -ENOENT)
		log_errno(LOG_WARNING, r,
			  "pam: %s: cannot read the binding of PAG %d: %m",
			  pc->where, pc->pag);
	if (r < 0 || !name)
		return NULL;
	pr = config_profile(pc->p->cfg, name);
	if (pr && pr->ipa_hostname)
		log_debug("pam: %s: PAG %d is bound within profile '%s': "
			  "the desktop profiles of host %s apply",
			  pc->where, pc->pag, name, pr->ipa_hostname);
	free(name);
	return pr ? pr->ipa_hostname : NULL;
}

/*
 * OPEN_SESSION: the held TGT is stored and the domain's session provider
 * runs, side by side.  Return: PAM_CLIENT_WAIT or a reply.
 */
static int open_session(struct pam_client *pc, const struct pam_request *rq,
			const struct domain *d, const struct pagd_user *u,
			struct nss_buf *out)
{
	free(pc->session_domain);
	pc->session_domain = strdup(d->name);
	if (!pc->session_domain)
		return reply(out, rq->cmd, PAM_BUF_ERR, d->name, false, NULL);
	pc->session_pending = 0;
	pc->session_stored = false;
	pc->session_status = PAM_SUCCESS;
	if (start_tgt_store(pc, rq))
		pc->session_pending++;
	if (deskprofile_session_open(pc->p, d->name, u->name, profile_host(pc),
				     provider_done, pc, &pc->session) == 1)
		pc->session_pending++;
	if (pc->session_pending)
		return PAM_CLIENT_WAIT;
	return reply(out, rq->cmd, PAM_SUCCESS, d->name, false, NULL);
}

static int account(struct pam_client *pc, const struct pam_request *rq,
		   const struct domain *d, const struct pagd_user *u,
		   struct nss_buf *out)
{
	time_t now = time(NULL);

	if (u->locked) {
		log_notice("pam: %s: account of %s of %s refused: disabled "
			   "in the directory (nsAccountLock)",
			   pc->where, u->name, d->name);
		return reply(out, rq->cmd, PAM_PERM_DENIED, d->name, false,
			     NULL);
	}
	if (u->expires && u->expires <= (int64_t)now) {
		log_notice("pam: %s: account of %s of %s refused: expired "
			   "%lld s ago (krbPrincipalExpiration, shadowExpire)",
			   pc->where, u->name, d->name,
			   (long long)(now - u->expires));
		return reply(out, rq->cmd, PAM_ACCT_EXPIRED, d->name, false,
			     NULL);
	}
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
		return account(pc, rq, d, u, out);
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
		return reply_auth(pc, out);
	}
	if (pc->session_done) {
		pc->session_done = false;
		return reply_env(out, SSS_PAM_OPEN_SESSION, pc->session_status,
				 pc->session_domain, false, NULL,
				 pc->session_stored ? PAM_KRB5CCNAME_ENV
						    : NULL);
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
