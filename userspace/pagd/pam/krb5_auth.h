/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Password authentication against a domain's KDC, in a short-lived forked
 * worker per attempt so that the event loop never waits for a KDC.
 */
#ifndef PAGD_PAM_KRB5_AUTH_H
#define PAGD_PAM_KRB5_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/* Attempts at once; more are answered PAM_AUTHINFO_UNAVAIL. */
#define PAM_AUTH_MAX_WORKERS 16
/* A worker that has not answered by then is killed. */
#define PAM_AUTH_TIMEOUT_SEC 30

struct pam_auth;

/* @msg: why, for the log (never the password); "" on success */
typedef void (*pam_auth_done_fn)(void *ud, int pam_status, const char *msg);

/*
 * pam_auth_start() - obtain a TGT for @principal with the password @pw
 * (@len bytes, no NUL inside) in a worker; @done is called once, from the
 * event loop, unless pam_auth_cancel() comes first.  The TGT is checked
 * and thrown away.  The caller wipes its copy of the password when this
 * returns: the worker has its own.
 * Return: 0, or a negative errno (-EBUSY: too many at once).
 */
int pam_auth_start(sd_event *ev, const char *principal, const uint8_t *pw,
		   size_t len, pam_auth_done_fn done, void *ud,
		   struct pam_auth **out);
void pam_auth_cancel(struct pam_auth *a);

#endif /* PAGD_PAM_KRB5_AUTH_H */
