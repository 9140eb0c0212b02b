// SPDX-License-Identifier: GPL-2.0
/*
 * Why a TLS handshake with an LDAP server failed.
 *
 * libldap refuses a server whose certificate does not verify, but built
 * with GnuTLS (as Debian builds it) it says no more than "Connect error".
 * An administrator needs to know whether the issuer is unknown, the name
 * does not match or the certificate expired.  So after a failure, and only
 * then, a second connection repeats the handshake with verification left
 * to us (LDAP_OPT_X_TLS_ALLOW) and asks GnuTLS what is wrong with the
 * certificate it got.  That connection is closed whatever it finds: libldap's
 * own check stays the only gate.  The check here sees the server's own
 * certificate only (not a chain it sends), against ldap_tls_cacert or the
 * system's CAs, as libldap does.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "pagd/ldap/conn.h"
#include "pagd/ldap/tls.h"

/* What is wrong with @crt for @host, trusting what @cf trusts; NULL: nothing.
 */
static char *check_cert(const struct pagd_ldap_conf *cf, gnutls_x509_crt_t crt,
			const char *host)
{
	gnutls_x509_trust_list_t tl;
	gnutls_datum_t out = {};
	unsigned int status = 0;
	char *why = NULL;
	int r;

	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		return NULL;
	if (cf->tls_cacert)
		r = gnutls_x509_trust_list_add_trust_file(
			tl, cf->tls_cacert, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	else
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (r >= 0)
		r = gnutls_x509_trust_list_verify_crt(tl, &crt, 1, 0, &status,
						      NULL);
	gnutls_x509_trust_list_deinit(tl, 1);
	if (r < 0)
		return NULL;
	if (!gnutls_x509_crt_check_hostname(crt, host))
		status |= GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER;
	if (!status)
		return NULL;
	if (gnutls_certificate_verification_status_print(
		    status, GNUTLS_CRT_X509, &out, 0) < 0)
		return NULL;
	why = strdup((char *)out.data);
	gnutls_free(out.data);
	/* GnuTLS ends each reason with a space */
	for (size_t n = why ? strlen(why) : 0; n && why[n - 1] == ' '; n--)
		why[n - 1] = '\0';
	return why;
}

char *pagd_ldap_tls_explain(const struct pagd_ldap_conf *cf, const char *uri)
{
	struct timeval tv = { .tv_sec = cf->network_timeout };
	int v3 = LDAP_VERSION3, allow = LDAP_OPT_X_TLS_ALLOW, zero = 0, rc;
	struct berval der = {};
	gnutls_datum_t datum;
	gnutls_x509_crt_t crt;
	LDAPURLDesc *lud = NULL;
	char *why = NULL;
	LDAP *ld = NULL;

	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
		return NULL;
	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		goto out;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	if (cf->tls_cacert)
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cf->tls_cacert);
	ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &allow);
	ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (!strcmp(lud->lud_scheme, "ldaps"))
		rc = ldap_connect(ld);
	else
		rc = ldap_start_tls_s(ld, NULL, NULL);
	if (rc != LDAP_SUCCESS)
		goto out; /* not the certificate: the caller's message stands */
	if (ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, &der) != 0 ||
	    !der.bv_val || gnutls_x509_crt_init(&crt) < 0)
		goto out;
	datum.data = (unsigned char *)der.bv_val;
	datum.size = der.bv_len;
	if (gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER) >= 0)
		why = check_cert(cf, crt,
				 lud->lud_host && *lud->lud_host ? lud->lud_host
								 : "localhost");
	gnutls_x509_crt_deinit(crt);
out:
	if (ld)
		ldap_unbind_ext(ld, NULL, NULL);
	ldap_memfree(der.bv_val);
	ldap_free_urldesc(lud);
	return why;
}
