// SPDX-License-Identifier: GPL-2.0
/*
 * pam_pag's auth, for stacks without pam_sss: the stack's password gets a
 * TGT for the user's principal from the KDC with libkrb5, which both
 * proves the password and is kept (login_tgt.h) for the session's PAG.
 * Nothing is stored anywhere at authentication: the application's PAG
 * (sshd's, login's, a container's shared one) never sees the TGT.
 *
 * The principal is the user's name in libkrb5's default realm, in realm=,
 * or principal= with %u for the user.  The KDC's answer is the PAM status
 * pagd's PAM responder gives too (common/krb5pam.h): a wrong password
 * PAM_AUTH_ERR, a principal the KDC does not know PAM_USER_UNKNOWN, no KDC
 * reached PAM_AUTHINFO_UNAVAIL; each is logged with the principal and the
 * KDC's words, never with the password.
 */
#define PAM_SM_AUTH

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <krb5.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "common/krb5err.h"
#include "common/krb5pam.h"
#include "login_tgt.h"
#include "options.h"

/*
 * The data pam_sss sets on the handle after each request to its responder
 * (SSSD 2.8's pam_sss.c: it closes the socket when the handle ends).
 */
#define PAM_SSS_FD_DATA "pam_sss:fd_destructor"

/*
 * Whether pam_sss talked to its responder earlier in this handle: then
 * that responder authenticates and holds the TGT (pagd stores it at
 * pam_sss's open_session), and pam_pag's auth must not do it twice.  Its
 * answer is not known here, so a stack with pam_pag after a failed
 * pam_sss fails closed; pam_pag(8) gives the stacks that work.
 */
static bool pam_sss_ran(pam_handle_t *pamh)
{
	const void *data = NULL;

	return pam_get_data(pamh, PAM_SSS_FD_DATA, &data) == PAM_SUCCESS;
}

/* @o's principal for @user, malloc'ed, or NULL (no memory). */
static char *principal_of(const struct pam_pag_options *o, const char *user)
{
	const char *pattern = o->principal;
	size_t n = 0, ulen = strlen(user);
	char *out, *w;

	if (!pattern) {
		char *s = NULL;

		if (o->realm)
			return asprintf(&s, "%s@%s", user, o->realm) < 0 ? NULL
									 : s;
		return strdup(user); /* libkrb5 adds its default realm */
	}
	for (const char *p = pattern; *p; p++, n++)
		if (*p == '%' && *++p == 'u')
			n += ulen - 1;
	out = w = malloc(n + 1);
	if (!out)
		return NULL;
	for (const char *p = pattern; *p; p++) {
		if (*p != '%') {
			*w++ = *p;
		} else if (*++p == 'u') {
			memcpy(w, user, ulen);
			w += ulen;
		} else {
			*w++ = '%';
		}
	}
	*w = '\0';
	return out;
}

/* The password: the stack's (PAM_AUTHTOK), or asked for. */
static int get_password(pam_handle_t *pamh, const struct pam_pag_options *o,
			const char **pw)
{
	const void *item = NULL;
	int r;

	if (!o->use_first_pass)
		return pam_get_authtok(pamh, PAM_AUTHTOK, pw, NULL);
	r = pam_get_item(pamh, PAM_AUTHTOK, &item);
	if (r != PAM_SUCCESS || !item) {
		pam_syslog(pamh, LOG_ERR,
			   "no password from an earlier module "
			   "(use_first_pass)");
		return PAM_AUTH_ERR;
	}
	*pw = item;
	return PAM_SUCCESS;
}

/* Logs why @name was refused, by the PAM status the KDC's answer gave. */
static void log_refusal(pam_handle_t *pamh, int status, const char *name,
			const char *why)
{
	switch (status) {
	case PAM_AUTH_ERR:
		pam_syslog(pamh, LOG_NOTICE,
			   "authentication of %s failed: wrong password (%s)",
			   name, why);
		break;
	case PAM_USER_UNKNOWN:
		pam_syslog(pamh, LOG_NOTICE,
			   "authentication of %s failed: the KDC does not "
			   "know the principal (%s)",
			   name, why);
		break;
	case PAM_AUTHINFO_UNAVAIL:
		pam_syslog(pamh, LOG_ERR,
			   "authentication of %s unavailable: no KDC of its "
			   "realm could be reached (%s)",
			   name, why);
		break;
	default:
		pam_syslog(pamh, LOG_ERR, "authentication of %s failed: %s",
			   name, why);
	}
}

/*
 * A TGT for @principal with @pw.  Return: a PAM status; on success the TGT
 * is held for open_session (or not, logged, when it cannot be kept: the
 * password was right all the same).
 */
static int get_tgt(pam_handle_t *pamh, const struct pam_pag_options *o,
		   const char *principal, const char *pw)
{
	krb5_get_init_creds_opt *opt = NULL;
	krb5_principal princ = NULL;
	krb5_context ctx = NULL;
	char why[KRB5ERR_MAX], *name = NULL;
	krb5_creds creds;
	krb5_error_code e;
	int status;

	memset(&creds, 0, sizeof(creds));
	e = krb5_init_context(&ctx);
	if (e) {
		pam_syslog(pamh, LOG_ERR, "cannot start libkrb5: %s",
			   krb5err(NULL, e, why, sizeof(why)));
		return PAM_AUTHINFO_UNAVAIL;
	}
	e = krb5_parse_name(ctx, principal, &princ);
	if (e) {
		pam_syslog(pamh, LOG_ERR, "bad principal name '%s': %s",
			   principal, krb5err(ctx, e, why, sizeof(why)));
		status = PAM_USER_UNKNOWN;
		goto out;
	}
	if (krb5_unparse_name(ctx, princ, &name))
		name = NULL;
	/* lifetimes: [libdefaults] ticket_lifetime, renew_lifetime */
	e = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (!e)
		e = krb5_get_init_creds_password(ctx, &creds, princ, pw, NULL,
						 NULL, 0, NULL, opt);
	status = krb5pam_status(e);
	if (e) {
		log_refusal(pamh, status, name ? name : principal,
			    krb5err(ctx, e, why, sizeof(why)));
		goto out;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG,
			   "%s authenticated: its TGT waits for the session",
			   name ? name : principal);
	login_tgt_hold(pamh, ctx, &creds, name ? name : principal);
out:
	if (creds.client)
		krb5_free_cred_contents(ctx, &creds);
	krb5_get_init_creds_opt_free(ctx, opt);
	krb5_free_unparsed_name(ctx, name);
	krb5_free_principal(ctx, princ);
	krb5_free_context(ctx);
	return status;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct pam_pag_options o;
	const char *user = NULL, *pw = NULL;
	char *principal;
	int r;

	(void)flags;
	if (pam_pag_parse_options(pamh, argc, argv, &o) < 0)
		return PAM_SERVICE_ERR;
	/* a TGT of an earlier attempt is no one's now */
	login_tgt_drop(pamh, "authentication runs again");
	if (pam_sss_ran(pamh)) {
		pam_syslog(pamh, LOG_NOTICE,
			   "pam_sss ran earlier in this stack: its responder "
			   "(pagd's or SSSD's) authenticates and gives the "
			   "TGT; pam_pag's auth steps aside");
		return PAM_IGNORE;
	}
	r = pam_get_user(pamh, &user, NULL);
	if (r != PAM_SUCCESS || !user || !*user) {
		pam_syslog(pamh, LOG_ERR,
			   "no user name: nothing to "
			   "authenticate");
		return PAM_USER_UNKNOWN;
	}
	principal = principal_of(&o, user);
	if (!principal)
		return PAM_BUF_ERR;
	r = get_password(pamh, &o, &pw);
	if (r != PAM_SUCCESS) {
		if (!o.use_first_pass)
			pam_syslog(pamh, LOG_ERR, "no password for %s: %s",
				   principal, pam_strerror(pamh, r));
	} else {
		r = get_tgt(pamh, &o, principal, pw);
	}
	free(principal);
	return r;
}

/* The credentials go into the session's PAG at open_session, not here. */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
