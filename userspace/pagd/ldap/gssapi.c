// SPDX-License-Identifier: GPL-2.0
/*
 * The Kerberos credential of a GSSAPI bind (ldap_sasl_mech = GSSAPI with
 * ldap_krb5_keytab).
 *
 * The SASL GSSAPI mechanism takes whatever credential GSS-API finds by
 * default.  pagd does not rely on the environment for it: before each
 * bind it gets a ticket for the keytab's principal into a ccache of its
 * own, in memory and named after the domain, and points GSS-API at it for
 * the bind.  Failing here names the keytab and krb5's reason, which the
 * SASL layer would have reduced to "Local error".
 */
#include <errno.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/krb5err.h"
#include "pagd/ldap/gssapi.h"

/* The principal of the keytab's first entry. */
static krb5_error_code first_principal(krb5_context k, krb5_keytab kt,
				       krb5_principal *out, const char **what)
{
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	krb5_error_code code;

	*what = "cannot read it";
	code = krb5_kt_start_seq_get(k, kt, &cur);
	if (code)
		return code;
	code = krb5_kt_next_entry(k, kt, &e, &cur);
	krb5_kt_end_seq_get(k, kt, &cur);
	if (code == KRB5_KT_END) {
		*what = "it holds no keys";
		return code;
	}
	if (code)
		return code;
	code = krb5_copy_principal(k, e.principal, out);
	krb5_free_keytab_entry_contents(k, &e);
	return code;
}

int pagd_ldap_gssapi_get_creds(const char *keytab, const char *ccname,
			       char **msg)
{
	krb5_context k = NULL;
	krb5_keytab kt = NULL;
	krb5_principal princ = NULL;
	krb5_ccache cc = NULL;
	krb5_creds creds;
	const char *what = "cannot open it";
	char *name = NULL, *label = NULL, buf[KRB5ERR_MAX];
	krb5_error_code code;
	bool got = false;

	*msg = NULL;
	memset(&creds, 0, sizeof(creds));
	code = krb5_init_context(&k);
	if (code) {
		*msg = strdup("cannot initialise Kerberos");
		return -EIO;
	}
	code = krb5_kt_resolve(k, keytab, &kt);
	if (!code)
		code = first_principal(k, kt, &princ, &what);
	if (!code) {
		what = "cannot get a ticket";
		code = krb5_get_init_creds_keytab(k, &creds, princ, kt, 0, NULL,
						  NULL);
		got = !code;
	}
	if (!code) {
		what = "cannot store the ticket";
		code = krb5_cc_resolve(k, ccname, &cc);
	}
	if (!code)
		code = krb5_cc_initialize(k, cc, princ);
	if (!code)
		code = krb5_cc_store_cred(k, cc, &creds);
	if (code) {
		if (princ && krb5_unparse_name(k, princ, &name) == 0 &&
		    asprintf(&label, "%s for %s", what, name) >= 0)
			what = label;
		/* "what: krb5's message", for the caller to log */
		if (asprintf(msg, "%s: %s", what,
			     krb5err(k, code, buf, sizeof(buf))) < 0)
			*msg = NULL;
	}
	if (got)
		krb5_free_cred_contents(k, &creds);
	if (cc)
		krb5_cc_close(k, cc);
	krb5_free_unparsed_name(k, name);
	free(label);
	krb5_free_principal(k, princ);
	if (kt)
		krb5_kt_close(k, kt);
	krb5_free_context(k);
	return code ? -EIO : 0;
}

int pagd_ldap_gssapi_use(const char *ccname)
{
	OM_uint32 minor;

	return gss_krb5_ccache_name(&minor, ccname, NULL) == GSS_S_COMPLETE
		       ? 0
		       : -EIO;
}
