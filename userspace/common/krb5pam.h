/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a password authentication's Kerberos answer means to PAM, as SSSD's
 * krb5 provider reads the KDC's answers.  Shared by pagd's PAM responder
 * (userspace/pagd/pam/) and pam_pag's auth (userspace/pam/), so a wrong
 * password, an unknown principal and an unreachable KDC are the same PAM
 * status through either.
 */
#ifndef PAG_COMMON_KRB5PAM_H
#define PAG_COMMON_KRB5PAM_H

#include <krb5.h>

/*
 * krb5pam_status() - the PAM status of krb5_get_init_creds_password()'s
 * @code: PAM_AUTH_ERR (wrong password), PAM_USER_UNKNOWN (no such
 * principal), PAM_AUTHINFO_UNAVAIL (no KDC reached), PAM_PERM_DENIED,
 * PAM_NEW_AUTHTOK_REQD, PAM_SYSTEM_ERR for anything else.
 */
int krb5pam_status(krb5_error_code code);

#endif /* PAG_COMMON_KRB5PAM_H */
