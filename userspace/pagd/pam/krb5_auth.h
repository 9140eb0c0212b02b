/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Password authentication against a domain's KDC, in a short-lived forked
 * worker per attempt so that the event loop never waits for a KDC.
 */
#ifndef PAGD_PAM_KRB5_AUTH_H
#define PAGD_PAM_KRB5_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "pagd/pam/locked.h"

/* Attempts at once; more are answered PAM_AUTHINFO_UNAVAIL. */
#define PAM_AUTH_MAX_WORKERS 16
/* A worker that has not answered by then is killed. */
#define PAM_AUTH_TIMEOUT_SEC 30
/* A marshalled TGT larger than this is refused (a PAC makes them big). */
#define PAM_TGT_MAX 32768

struct pam_auth;

/* Offline authentication (offline.c): what the worker is asked. */
struct pam_auth_offline {
	bool make_hash;	  /* on success, a new slow hash of the password */
	const char *hash; /* KDC unreachable: check the password with it */
};

/* What the worker says besides the status. */
struct pam_auth_outcome {
	bool offline;	/* the status is the cached hash's check */
	char hash[128]; /* with make_hash, on success: crypt(5) form */
};

/*
 * @msg: why, for the log (never the password); "" on success.
 * @tgt: on success, the TGT (krb5_marshal_credentials()): the callee may
 * take it (move *@tgt and zero it); what is left is wiped after the call.
 */
typedef void (*pam_auth_done_fn)(void *ud, int pam_status, const char *msg,
				 struct locked_buf *tgt,
				 const struct pam_auth_outcome *o);

/*
 * pam_auth_start() - obtain a TGT for @principal with the password @pw
 * (@len bytes, no NUL inside) in a worker; @done is called once, from the
 * event loop, unless pam_auth_cancel() comes first, with the TGT.  The
 * caller wipes its copy of the password when this
 * returns: the worker has its own.
 * Return: 0, or a negative errno (-EBUSY: too many at once).
 */
int pam_auth_start(sd_event *ev, const char *principal, const uint8_t *pw,
		   size_t len, const struct pam_auth_offline *off,
		   pam_auth_done_fn done, void *ud, struct pam_auth **out);
void pam_auth_cancel(struct pam_auth *a);

#endif /* PAGD_PAM_KRB5_AUTH_H */
