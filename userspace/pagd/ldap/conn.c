// SPDX-License-Identifier: GPL-2.0
/*
 * The LDAP connection: server failover, bind, asynchronous searches with
 * simple paged results (see conn.h for the model).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sasl/sasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/ldap/conn.h"
#include "pagd/ldap/gssapi.h"
#include "pagd/oneshot.h"
#include "pagd/ldap/tls.h"

/*
 * Exported by libldap since 2.4 and stable, but declared only in its
 * private header: hands an already connected socket to a new handle.
 */
#ifndef LDAP_PROTO_TCP
#define LDAP_PROTO_TCP 1
int ldap_init_fd(ber_socket_t fd, int proto, const char *url, LDAP **ld);
#endif

enum conn_state {
	C_IDLE,
	C_CONNECTING, /* TCP connect in progress */
	C_BINDING,    /* bind sent */
	C_READY,
};

struct pagd_ldap_op {
	struct pagd_ldap_conn *c;
	struct pagd_ldap_op *next, **pprev;
	char *base;
	char *filter;
	char *const *attrs;
	bool paged;
	struct berval *cookie;
	int msgid;     /* -1: not sent */
	bool answered; /* some result came: sent again only after reset */
	unsigned int restarts;
	/* the connection's ops->entry, done and reset, or the caller's own */
	void (*entry)(void *ud, LDAP *ld, LDAPMessage *e);
	void (*done)(void *ud, int err);
	void (*reset)(void *ud);
	void *ud;
};

struct pagd_ldap_conn {
	sd_event *event;
	const char *domain;
	const struct pagd_ldap_conf *cf;
	const struct pagd_ldap_conn_ops *ops;
	void *ud;
	enum conn_state st;
	size_t uri; /* index of the server being tried or used */
	int fd;
	LDAP *ld;
	int bind_msgid;
	sd_event_source *io;
	sd_event_source *timer; /* connect, bind or oldest operation */
	sd_event_source *kick;	/* connects from the loop, never in a call */
	struct pagd_ldap_op *ops_list;
};

static void conn_try(struct pagd_ldap_conn *c);
static void conn_lost(struct pagd_ldap_conn *c, const char *why);
static void requeue(struct pagd_ldap_conn *c, int err);

static const char *cur_uri(const struct pagd_ldap_conn *c)
{
	return c->cf->uris[c->uri];
}

static void op_free(struct pagd_ldap_op *op)
{
	if (op->pprev) {
		if (op->next)
			op->next->pprev = op->pprev;
		*op->pprev = op->next;
	}
	if (op->cookie)
		ber_bvfree(op->cookie);
	free(op->base);
	free(op->filter);
	free(op);
}

/* Unlinks first: done() may queue new operations. */
static void op_finish(struct pagd_ldap_op *op, int err)
{
	void (*done)(void *ud, int err) = op->done;
	void *ud = op->ud;

	op_free(op);
	done(ud, err);
}

static void fail_all(struct pagd_ldap_conn *c, int err)
{
	while (c->ops_list)
		op_finish(c->ops_list, err);
}

/* Closes the connection; operations stay queued. */
static void conn_close(struct pagd_ldap_conn *c)
{
	c->io = sd_event_source_disable_unref(c->io);
	c->timer = sd_event_source_disable_unref(c->timer);
	if (c->ld) {
		/* libldap owns the socket once ldap_init_fd() took it */
		ldap_unbind_ext(c->ld, NULL, NULL);
		c->ld = NULL;
	} else if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	c->st = C_IDLE;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud);

static int arm_timer(struct pagd_ldap_conn *c, unsigned int sec)
{
	return oneshot_arm(c->event, &c->timer, sec * 1000000ULL, on_timer, c);
}

/* The operation timer runs while operations are outstanding. */
static void rearm_ops_timer(struct pagd_ldap_conn *c)
{
	bool sent = false;

	for (struct pagd_ldap_op *op = c->ops_list; op; op = op->next)
		sent |= op->msgid >= 0;
	if (sent)
		arm_timer(c, c->cf->search_timeout);
	else if (c->timer)
		sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
}

static int send_op(struct pagd_ldap_conn *c, struct pagd_ldap_op *op)
{
	LDAPControl *ctrls[2] = {};
	int rc;

	if (op->paged && c->cf->page_size) {
		rc = ldap_create_page_control(c->ld, c->cf->page_size,
					      op->cookie, 0, &ctrls[0]);
		if (rc != LDAP_SUCCESS)
			return -ENOMEM;
	}
	rc = ldap_search_ext(c->ld, op->base, LDAP_SCOPE_SUBTREE, op->filter,
			     (char **)op->attrs, 0, ctrls, NULL, NULL,
			     LDAP_NO_LIMIT, &op->msgid);
	if (ctrls[0])
		ldap_control_free(ctrls[0]);
	if (rc != LDAP_SUCCESS) {
		op->msgid = -1;
		log_warning("domain '%s': search (%s) on %s failed: %s",
			    c->domain, op->filter, cur_uri(c),
			    ldap_err2string(rc));
		/* only a broken connection is worth a new one */
		return rc == LDAP_SERVER_DOWN ? -ECONNRESET : -EIO;
	}
	return 0;
}

static void send_queued(struct pagd_ldap_conn *c)
{
	struct pagd_ldap_op *op, *next;
	int r;

	for (op = c->ops_list; op; op = next) {
		next = op->next;
		if (op->msgid >= 0)
			continue;
		r = send_op(c, op);
		if (r == -ECONNRESET) {
			conn_lost(c, "cannot send a request");
			return;
		}
		if (r < 0)
			op_finish(op, r);
	}
	rearm_ops_timer(c);
}

static void search_result(struct pagd_ldap_conn *c, struct pagd_ldap_op *op,
			  LDAPMessage *msg)
{
	char *emsg = NULL;
	int err, rc;

	rc = ldap_parse_result(c->ld, msg, &err, NULL, &emsg, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS)
		err = rc;
	if (err == LDAP_NO_SUCH_OBJECT) {
		/* the tenant's tree does not exist: nothing there */
		log_debug("domain '%s': %s does not exist", c->domain,
			  op->base);
		err = LDAP_SUCCESS;
	}
	if (err != LDAP_SUCCESS) {
		log_warning("domain '%s': search (%s) under %s on %s: %s%s%s",
			    c->domain, op->filter, op->base, cur_uri(c),
			    ldap_err2string(err), emsg && *emsg ? ": " : "",
			    emsg ? emsg : "");
		ldap_memfree(emsg);
		op_finish(op, -EIO);
		return;
	}
	ldap_memfree(emsg);
	op_finish(op, 0);
}

static struct pagd_ldap_op *find_op(struct pagd_ldap_conn *c, int msgid)
{
	for (struct pagd_ldap_op *op = c->ops_list; op; op = op->next)
		if (op->msgid == msgid)
			return op;
	return NULL;
}

/* Next page: returns true when the operation was sent again. */
static bool next_page(struct pagd_ldap_conn *c, struct pagd_ldap_op *op,
		      LDAPMessage *msg)
{
	LDAPControl **ctrls = NULL, *page;
	struct berval cookie = {};
	ber_int_t count;
	int err = 0, rc;

	if (!op->paged || !c->cf->page_size)
		return false;
	rc = ldap_parse_result(c->ld, msg, &err, NULL, NULL, NULL, &ctrls, 0);
	if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS || !ctrls) {
		ldap_controls_free(ctrls);
		return false;
	}
	page = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	if (!page || ldap_parse_pageresponse_control(c->ld, page, &count,
						     &cookie) != LDAP_SUCCESS) {
		ldap_controls_free(ctrls);
		return false;
	}
	ldap_controls_free(ctrls);
	if (op->cookie)
		ber_bvfree(op->cookie);
	op->cookie = NULL;
	if (!cookie.bv_len) {
		ber_memfree(cookie.bv_val);
		return false;
	}
	op->cookie = ber_bvdup(&cookie);
	ber_memfree(cookie.bv_val);
	if (!op->cookie || send_op(c, op) < 0) {
		conn_lost(c, "cannot ask for the next page");
		return true;
	}
	return true;
}

static void bind_result(struct pagd_ldap_conn *c, LDAPMessage *msg)
{
	char *emsg = NULL;
	int err, rc;

	rc = ldap_parse_result(c->ld, msg, &err, NULL, &emsg, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS)
		err = rc;
	if (err != LDAP_SUCCESS) {
		log_error("domain '%s': bind as %s to %s failed: %s%s%s",
			  c->domain,
			  c->cf->bind_dn ? c->cf->bind_dn : "anonymous",
			  cur_uri(c), ldap_err2string(err),
			  emsg && *emsg ? ": " : "", emsg ? emsg : "");
		ldap_memfree(emsg);
		conn_close(c);
		c->uri++;
		conn_try(c);
		return;
	}
	ldap_memfree(emsg);
	log_info("domain '%s': connected to %s", c->domain, cur_uri(c));
	c->st = C_READY;
	if (c->timer)
		sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
	c->ops->up(c->ud);
	if (c->st == C_READY)
		send_queued(c);
}

/* Drains what libldap can give without blocking. */
static void read_results(struct pagd_ldap_conn *c)
{
	struct timeval zero = { 0, 0 };
	LDAPMessage *msg;
	struct pagd_ldap_op *op;
	int type, id;

	while (c->ld) {
		type = ldap_result(c->ld, LDAP_RES_ANY, LDAP_MSG_ONE, &zero,
				   &msg);
		if (type == 0)
			return;
		if (type < 0) {
			conn_lost(c, "connection closed");
			return;
		}
		id = ldap_msgid(msg);
		if (c->st == C_BINDING && id == c->bind_msgid) {
			bind_result(c, msg);
			ldap_msgfree(msg);
			continue;
		}
		op = find_op(c, id);
		if (!op) {
			ldap_msgfree(msg);
			continue;
		}
		op->answered = true;
		switch (type) {
		case LDAP_RES_SEARCH_ENTRY:
			op->entry(op->ud, c->ld, msg);
			break;
		case LDAP_RES_SEARCH_RESULT:
			if (!next_page(c, op, msg))
				search_result(c, op, msg);
			rearm_ops_timer(c);
			break;
		default: /* references: referrals are not chased */
			break;
		}
		ldap_msgfree(msg);
	}
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud);

/*
 * libldap's own words for the last failure on @ld, as ": WORDS" to append
 * to a message, or "" (with *@buf to free either way).
 */
static const char *diagnostic(LDAP *ld, char **buf)
{
	char *msg = NULL;

	*buf = NULL;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg);
	if (msg && *msg && strcmp(msg, "(unknown error code)") != 0 &&
	    asprintf(buf, ": %s", msg) < 0)
		*buf = NULL;
	ldap_memfree(msg);
	return *buf ? *buf : "";
}

/*
 * The TLS handshake: fails with a message naming what is wrong with the
 * server's certificate when that is the cause (tls.c).
 */
static int start_tls(struct pagd_ldap_conn *c)
{
	const struct pagd_ldap_conf *cf = c->cf;
	int req = cf->tls_reqcert == TLS_REQCERT_NEVER ? LDAP_OPT_X_TLS_NEVER
		  : cf->tls_reqcert == TLS_REQCERT_ALLOW
			  ? LDAP_OPT_X_TLS_ALLOW
			  : LDAP_OPT_X_TLS_DEMAND;
	int zero = 0, rc;
	char *msg = NULL, *why;

	if (cf->tls_cacert)
		ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE,
				cf->tls_cacert);
	ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &req);
	ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (!strncmp(cur_uri(c), "ldaps://", 8))
		rc = ldap_install_tls(c->ld);
	else if (cf->start_tls)
		rc = ldap_start_tls_s(c->ld, NULL, NULL);
	else
		return 0;
	if (rc == LDAP_SUCCESS)
		return 0;
	why = req != LDAP_OPT_X_TLS_NEVER
		      ? pagd_ldap_tls_explain(cf, cur_uri(c))
		      : NULL;
	if (why)
		log_error("domain '%s': TLS with %s failed: server certificate "
			  "refused: %s",
			  c->domain, cur_uri(c), why);
	else
		log_warning("domain '%s': TLS with %s failed: %s%s", c->domain,
			    cur_uri(c), ldap_err2string(rc),
			    diagnostic(c->ld, &msg));
	free(why);
	free(msg);
	return -EIO;
}

/*
 * SASL asks for the authorization identity even when the credential says
 * who we are: answer every prompt with its default (none: the identity
 * of the ticket), as ldapsearch does.  Without an answer libldap gives
 * up with "Local error".
 */
static int sasl_defaults(LDAP *ld, unsigned int flags, void *defaults, void *in)
{
	for (sasl_interact_t *p = in; p->id != SASL_CB_LIST_END; p++) {
		p->result = p->defresult ? p->defresult : "";
		p->len = strlen(p->result);
	}
	return LDAP_SUCCESS;
}

/* The GSSAPI bind, with the ticket of ldap_krb5_keytab when set. */
static int sasl_bind(struct pagd_ldap_conn *c)
{
	const struct pagd_ldap_conf *cf = c->cf;
	char ccname[PAGD_NAME_MAX + 32], *why, *msg;
	int rc;

	if (cf->krb5_keytab) {
		/* one ccache per domain: domains may use different keytabs */
		snprintf(ccname, sizeof(ccname), "MEMORY:pagd-ldap-%s",
			 c->domain);
		if (pagd_ldap_gssapi_get_creds(cf->krb5_keytab, ccname, &why) <
		    0) {
			log_error("domain '%s': ldap_krb5_keytab %s: %s",
				  c->domain, cf->krb5_keytab,
				  why ? why : "out of memory");
			free(why);
			return -EIO;
		}
		pagd_ldap_gssapi_use(ccname);
	}
	/*
	 * The service is ldap/HOST with HOST as ldap_uri names it, as SSSD
	 * does by default: no reverse lookup decides whom pagd trusts.
	 */
	ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
	rc = ldap_sasl_interactive_bind_s(c->ld, cf->bind_dn, cf->sasl_mech,
					  NULL, NULL, LDAP_SASL_QUIET,
					  sasl_defaults, NULL);
	if (cf->krb5_keytab)
		pagd_ldap_gssapi_use(NULL);
	if (rc == LDAP_SUCCESS)
		return 0;
	log_error("domain '%s': SASL %s bind to %s failed: %s%s", c->domain,
		  cf->sasl_mech, cur_uri(c), ldap_err2string(rc),
		  diagnostic(c->ld, &msg));
	free(msg);
	return -EIO;
}

static int start_bind(struct pagd_ldap_conn *c)
{
	const struct pagd_ldap_conf *cf = c->cf;
	struct berval cred = {};
	int v3 = LDAP_VERSION3, rc;

	rc = ldap_init_fd(c->fd, LDAP_PROTO_TCP, cur_uri(c), &c->ld);
	if (rc != LDAP_SUCCESS) {
		log_warning("domain '%s': %s: %s", c->domain, cur_uri(c),
			    ldap_err2string(rc));
		return -EIO;
	}
	ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (cf->start_tls || !strncmp(cur_uri(c), "ldaps://", 8) ||
	    cf->sasl_mech) {
		/*
		 * libldap does these synchronously: block with a deadline,
		 * the one place the loop may wait (conn.h).
		 */
		struct timeval tv = { .tv_sec = cf->network_timeout };

		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		rc = start_tls(c);
		if (rc == 0 && cf->sasl_mech)
			rc = sasl_bind(c);
		tv.tv_sec = 0;
		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		if (rc < 0)
			return rc;
	}
	if (cf->sasl_mech) {
		c->st = C_READY;
		log_info("domain '%s': connected to %s (SASL %s)", c->domain,
			 cur_uri(c), cf->sasl_mech);
		c->ops->up(c->ud);
		return 1;
	}
	if (cf->authtok) {
		cred.bv_val = cf->authtok;
		cred.bv_len = strlen(cf->authtok);
	}
	rc = ldap_sasl_bind(c->ld, cf->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL,
			    NULL, &c->bind_msgid);
	if (rc != LDAP_SUCCESS) {
		log_warning("domain '%s': bind to %s: %s", c->domain,
			    cur_uri(c), ldap_err2string(rc));
		return -EIO;
	}
	c->st = C_BINDING;
	return arm_timer(c, cf->network_timeout);
}

static void connected(struct pagd_ldap_conn *c)
{
	int err = 0, r;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		log_warning("domain '%s': cannot connect to %s: %s", c->domain,
			    cur_uri(c), strerror(err));
		goto next;
	}
	r = sd_event_source_set_io_events(c->io, EPOLLIN);
	if (r >= 0)
		r = start_bind(c);
	if (r < 0)
		goto next;
	if (r > 0 && c->st == C_READY)
		send_queued(c);
	return;
next:
	conn_close(c);
	c->uri++;
	conn_try(c);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct pagd_ldap_conn *c = ud;

	if (c->st == C_CONNECTING)
		connected(c);
	else
		read_results(c);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct pagd_ldap_conn *c = ud;
	char why[128];

	switch (c->st) {
	case C_CONNECTING:
	case C_BINDING:
		log_warning("domain '%s': %s did not answer within %us",
			    c->domain, cur_uri(c), c->cf->network_timeout);
		conn_close(c);
		c->uri++;
		conn_try(c);
		break;
	case C_READY:
		snprintf(why, sizeof(why), "%s did not answer within %us",
			 cur_uri(c), c->cf->search_timeout);
		log_warning("domain '%s': %s", c->domain, why);
		/* a hung server: its searches go to the servers after it */
		conn_close(c);
		requeue(c, -ETIMEDOUT);
		if (c->cf->uris[++c->uri]) {
			conn_try(c);
			break;
		}
		c->uri = 0;
		fail_all(c, -ETIMEDOUT);
		c->ops->down(c->ud, why);
		break;
	default:
		break;
	}
	return 0;
}

/* Starts a non-blocking connect to server c->uri. */
static int start_connect(struct pagd_ldap_conn *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	LDAPURLDesc *lud = NULL;
	char port[16];
	int r, gai;

	if (ldap_url_parse(cur_uri(c), &lud) != LDAP_URL_SUCCESS) {
		log_error("domain '%s': bad URI %s", c->domain, cur_uri(c));
		return -EINVAL;
	}
	snprintf(port, sizeof(port), "%d",
		 lud->lud_port			     ? lud->lud_port
		 : !strcmp(lud->lud_scheme, "ldaps") ? 636
						     : 389);
	/* a name takes the resolver: prefer addresses in ldap_uri */
	gai = getaddrinfo(lud->lud_host && *lud->lud_host ? lud->lud_host
							  : "localhost",
			  port, &hints, &ai);
	ldap_free_urldesc(lud);
	if (gai) {
		log_warning("domain '%s': %s: %s", c->domain, cur_uri(c),
			    gai_strerror(gai));
		return -EHOSTUNREACH;
	}
	c->fd = socket(ai->ai_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		r = -errno;
		freeaddrinfo(ai);
		return r;
	}
	/*
	 * as libldap does for the sockets it makes: small requests are not
	 * held back for the ACK of the previous one (Nagle's algorithm and
	 * the server's delayed ACK would cost 40 ms per exchange)
	 */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	r = connect(c->fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (r < 0 && errno != EINPROGRESS) {
		r = -errno;
		log_warning("domain '%s': cannot connect to %s: %s", c->domain,
			    cur_uri(c), strerror(-r));
		close(c->fd);
		c->fd = -1;
		return r;
	}
	c->st = C_CONNECTING;
	r = sd_event_add_io(c->event, &c->io, c->fd, EPOLLOUT, on_io, c);
	if (r >= 0)
		r = arm_timer(c, c->cf->network_timeout);
	if (r < 0) {
		conn_close(c);
		return r;
	}
	return 0;
}

/* Tries servers from c->uri on; tells the owner when none is left. */
static void conn_try(struct pagd_ldap_conn *c)
{
	char why[64];

	while (c->cf->uris[c->uri]) {
		if (start_connect(c) == 0)
			return;
		c->uri++;
	}
	c->uri = 0;
	snprintf(why, sizeof(why), "no server of ldap_uri answers");
	fail_all(c, -EHOSTUNREACH);
	c->ops->down(c->ud, why);
}

/*
 * An operation that got part of its answer starts again from its first
 * entry, when its owner can forget what it got; at most once per server,
 * so servers that all drop it mid-answer do not keep it for ever.
 */
static bool op_restart(struct pagd_ldap_conn *c, struct pagd_ldap_op *op)
{
	size_t n = 0;

	while (c->cf->uris[n])
		n++;
	if (!op->reset || op->restarts >= n)
		return false;
	op->restarts++;
	op->reset(op->ud);
	op->answered = false;
	if (op->cookie)
		ber_bvfree(op->cookie);
	op->cookie = NULL; /* a page cookie is the old server's */
	log_info("domain '%s': search (%s) cut short by %s: sent again",
		 c->domain, op->filter, cur_uri(c));
	return true;
}

/* After conn_close(): what can be sent again waits for the next server. */
static void requeue(struct pagd_ldap_conn *c, int err)
{
	struct pagd_ldap_op *op, *next;

	for (op = c->ops_list; op; op = next) {
		next = op->next;
		if (op->answered && !op_restart(c, op))
			op_finish(op, err);
		else
			op->msgid = -1;
	}
}

/*
 * The connection broke.  Operations are sent again on a new connection
 * (a server stopped or restarted is not an outage): those that got no
 * answer yet, and those that can start again (op_restart()); the others
 * fail.
 */
static void conn_lost(struct pagd_ldap_conn *c, const char *why)
{
	log_info("domain '%s': %s: %s", c->domain, cur_uri(c), why);
	conn_close(c);
	requeue(c, -ECONNRESET);
	if (c->ops_list)
		pagd_ldap_conn_connect(c);
}

static int on_kick(sd_event_source *s, void *ud)
{
	struct pagd_ldap_conn *c = ud;

	if (c->st == C_IDLE) {
		c->uri = 0;
		conn_try(c);
	} else if (c->st == C_READY) {
		send_queued(c);
	}
	return 0;
}

int pagd_ldap_conn_new(sd_event *e, const char *domain,
		       const struct pagd_ldap_conf *cf,
		       const struct pagd_ldap_conn_ops *ops, void *ud,
		       struct pagd_ldap_conn **out)
{
	struct pagd_ldap_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	*c = (struct pagd_ldap_conn){ .event = e,
				      .domain = domain,
				      .cf = cf,
				      .ops = ops,
				      .ud = ud,
				      .fd = -1 };
	r = sd_event_add_defer(e, &c->kick, on_kick, c);
	if (r >= 0)
		r = sd_event_source_set_enabled(c->kick, SD_EVENT_OFF);
	if (r < 0) {
		sd_event_source_disable_unref(c->kick);
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

void pagd_ldap_conn_free(struct pagd_ldap_conn *c)
{
	if (!c)
		return;
	conn_close(c);
	fail_all(c, -ECANCELED);
	sd_event_source_disable_unref(c->kick);
	free(c);
}

int pagd_ldap_conn_search(struct pagd_ldap_conn *c, const char *base,
			  const char *filter, char *const *attrs, bool paged,
			  void *ud)
{
	int r = pagd_ldap_conn_search_cb(c, base, filter, attrs, paged,
					 c->ops->entry, c->ops->done, ud);

	/* the newest operation is first in the list */
	if (r == 0)
		c->ops_list->reset = c->ops->reset;
	return r;
}

int pagd_ldap_conn_search_cb(struct pagd_ldap_conn *c, const char *base,
			     const char *filter, char *const *attrs, bool paged,
			     void (*entry)(void *ud, LDAP *ld, LDAPMessage *e),
			     void (*done)(void *ud, int err), void *ud)
{
	struct pagd_ldap_op *op = calloc(1, sizeof(*op));

	if (!op)
		return -ENOMEM;
	op->c = c;
	op->entry = entry;
	op->done = done;
	op->base = strdup(base);
	op->filter = strdup(filter);
	op->attrs = attrs;
	op->paged = paged;
	op->msgid = -1;
	op->ud = ud;
	if (!op->base || !op->filter) {
		op_free(op);
		return -ENOMEM;
	}
	op->next = c->ops_list;
	if (op->next)
		op->next->pprev = &op->next;
	op->pprev = &c->ops_list;
	c->ops_list = op;
	if (c->st == C_READY) {
		/* failures end the operation from the loop, never in here */
		if (send_op(c, op) < 0)
			pagd_ldap_conn_connect(c);
		rearm_ops_timer(c);
	} else if (c->st == C_IDLE) {
		pagd_ldap_conn_connect(c);
	}
	return 0;
}

void pagd_ldap_conn_connect(struct pagd_ldap_conn *c)
{
	if (c->st == C_IDLE || c->st == C_READY)
		sd_event_source_set_enabled(c->kick, SD_EVENT_ONESHOT);
}

void pagd_ldap_conn_drop(struct pagd_ldap_conn *c, int err)
{
	conn_close(c);
	fail_all(c, err);
}
