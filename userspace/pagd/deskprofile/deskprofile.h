/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FleetCommander session provider (session_provider = ipa), what
 * SSSD 2.8's ipa session provider does at PAM session open: the tenant's
 * desktop-profile rules that apply to this host and the user are written
 * as JSON files to STATE_DIR/deskprofile/DOMAIN/USER (files.h), and the
 * FleetCommander client is called on the system bus (notify.h).
 *
 * The entry point for the PAM responder is deskprofile_session_open();
 * everything else in this folder is its own.
 */
#ifndef PAGD_DESKPROFILE_H
#define PAGD_DESKPROFILE_H

struct pagd;
struct deskprofile_req;

/*
 * deskprofile_session_open() - run the session provider of @domain for
 * @user, whose session opens.
 * @host:	the host whose rules apply: the ipa_hostname of the profile
 *		the caller's PAG was bound within, or NULL for the domain's
 *		ipa_hostname (default: this host's FQDN)
 * @done:	called once from the event loop with the PAM status for the
 *		session (PAM_SUCCESS, or PAM_SESSION_ERR when profiles that
 *		apply could not be written), unless cancelled first
 * @out:	the request, for deskprofile_cancel()
 *
 * Return: 0 when there is nothing to run (session_provider = none, or an
 * unknown domain or user: @done is not called), 1 when @done will be.
 */
int deskprofile_session_open(struct pagd *p, const char *domain,
			     const char *user, const char *host,
			     void (*done)(void *ud, int pam_status), void *ud,
			     struct deskprofile_req **out);
/* Ends @r (NULL: nothing) without calling its done(). */
void deskprofile_cancel(struct deskprofile_req *r);

#endif /* PAGD_DESKPROFILE_H */
