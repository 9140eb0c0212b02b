/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One LDAP connection per domain, driven by the event loop.
 *
 * The connection is opened on first use and then reused.  Servers are
 * tried in ldap_uri order; the TCP connect is non-blocking (bounded by
 * ldap_network_timeout) and the socket is then handed to libldap, whose
 * operations are all asynchronous: requests are written and results
 * collected with ldap_result() whenever the socket is readable, so a slow
 * server delays only the requests waiting for it.  Exceptions, bounded by
 * ldap_network_timeout: the TLS handshake (StartTLS or ldaps://) and a
 * SASL/GSSAPI bind, which libldap performs synchronously.
 *
 * An operation that got no answer when the connection drops is sent again
 * on a new connection; so is one that got part of its answer, when its
 * owner can forget that part (ops->reset), at most once per server of
 * ldap_uri.  A server that does not answer within ldap_search_timeout is
 * left for the servers after it the same way.  When no server can be
 * reached, every operation fails and the owner is told (down), so it can
 * go offline.
 */
#ifndef PAGD_LDAP_CONN_H
#define PAGD_LDAP_CONN_H

#include <ldap.h>
#include <stdbool.h>
#include <systemd/sd-event.h>

#include "pagd/config.h"

struct pagd_ldap_conn;
struct pagd_ldap_op;

struct pagd_ldap_conn_ops {
	void (*up)(void *ud);			 /* bound to a server */
	void (*down)(void *ud, const char *why); /* no server answers */
	/* a search's entries, then its end: 0, -EIO, or a connection error */
	void (*entry)(void *op_ud, LDAP *ld, LDAPMessage *e);
	void (*done)(void *op_ud, int err);
	/* the entries given so far are void: the search starts again */
	void (*reset)(void *op_ud);
};

int pagd_ldap_conn_new(sd_event *e, const char *domain,
		       const struct pagd_ldap_conf *cf,
		       const struct pagd_ldap_conn_ops *ops, void *ud,
		       struct pagd_ldap_conn **out);
/* Fails what is pending with -ECANCELED. */
void pagd_ldap_conn_free(struct pagd_ldap_conn *c);

/*
 * pagd_ldap_conn_search() - queue a subtree search of @base.
 * @attrs:	NULL-terminated, kept by the caller until done
 * @paged:	fetch in pages of ldap_page_size (enumerations, big groups)
 * @ud:		passed to ops->entry and ops->done
 */
int pagd_ldap_conn_search(struct pagd_ldap_conn *c, const char *base,
			  const char *filter, char *const *attrs, bool paged,
			  void *ud);

/* The same, with its own callbacks instead of the connection's. */
int pagd_ldap_conn_search_cb(struct pagd_ldap_conn *c, const char *base,
			     const char *filter, char *const *attrs, bool paged,
			     void (*entry)(void *ud, LDAP *ld, LDAPMessage *e),
			     void (*done)(void *ud, int err), void *ud);

/* Connect now when idle (a retry); a no-op otherwise. */
void pagd_ldap_conn_connect(struct pagd_ldap_conn *c);
/* Close, failing what is pending with @err. */
void pagd_ldap_conn_drop(struct pagd_ldap_conn *c, int err);

#endif /* PAGD_LDAP_CONN_H */
