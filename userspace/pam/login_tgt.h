/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TGT pam_pag's auth obtained, between authentication and session.
 *
 * At authentication the application is sshd, login or a container's
 * shared PAG: a TGT stored there would reach every process in it.  So the
 * TGT is held in the PAM handle (pam_set_data), marshalled in locked
 * memory left out of core dumps, until open_session has made the
 * session's PAG; then it goes into that PAG's KEYRING:session:pagd, with
 * possessor-only keys, and pagd is asked to renew it there
 * (BindLoginCredentials).  A TGT no session takes is wiped with the
 * handle (pam_end) or when authentication runs again.
 */
#ifndef PAM_PAG_LOGIN_TGT_H
#define PAM_PAG_LOGIN_TGT_H

#include <krb5.h>
#include <security/pam_modules.h>

#include <pag/pag.h>

#include "options.h"

/*
 * login_tgt_hold() - keep @creds, the TGT of @principal, in @pamh for
 * open_session, replacing one kept before.
 * Return: 0, or a negative errno (logged; nothing is kept).
 */
int login_tgt_hold(pam_handle_t *pamh, krb5_context ctx,
		   const krb5_creds *creds, const char *principal);
/*
 * login_tgt_store() - at open_session, with the calling thread in the PAG
 * @pag made for the session: the held TGT (if any) into its
 * KEYRING:session:pagd, KRB5CCNAME into the session's environment, its
 * renewal to pagd; then wiped.  Failures are logged and leave the session
 * as it is: it just has no TGT.
 */
void login_tgt_store(pam_handle_t *pamh, const struct pam_pag_options *o,
		     const struct pag_info *pag);
/*
 * login_tgt_drop() - wipe the held TGT (if any), logging @why it was not
 * stored.
 */
void login_tgt_drop(pam_handle_t *pamh, const char *why);

#endif /* PAM_PAG_LOGIN_TGT_H */
