// SPDX-License-Identifier: GPL-2.0
/* Kerberos answers as PAM statuses (krb5pam.h). */
#include <security/pam_appl.h>

#include "common/krb5pam.h"

int krb5pam_status(krb5_error_code code)
{
	switch (code) {
	case 0:
		return PAM_SUCCESS;
	case KRB5KDC_ERR_PREAUTH_FAILED:
	case KRB5KRB_AP_ERR_BAD_INTEGRITY:
	case KRB5_PREAUTH_FAILED:
		return PAM_AUTH_ERR;
	case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
		return PAM_USER_UNKNOWN;
	case KRB5KDC_ERR_CLIENT_REVOKED:
		return PAM_PERM_DENIED;
	case KRB5KDC_ERR_KEY_EXP:
		return PAM_NEW_AUTHTOK_REQD;
	case KRB5_KDC_UNREACH:
	case KRB5_REALM_CANT_RESOLVE:
	case KRB5_REALM_UNKNOWN:
	case KRB5_LIBOS_CANTREADPWD:
		return PAM_AUTHINFO_UNAVAIL;
	default:
		return PAM_SYSTEM_ERR;
	}
}
