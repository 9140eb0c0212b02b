/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PAGD_LDAP_GSSAPI_H
#define PAGD_LDAP_GSSAPI_H

/*
 * pagd_ldap_gssapi_get_creds() - a ticket for @keytab's first principal into
 * the ccache @ccname (replacing what it held).  Talks to the KDC: blocks.
 * Return: 0, or -EIO with *@msg a message to free naming what failed.
 */
int pagd_ldap_gssapi_get_creds(const char *keytab, const char *ccname,
			       char **msg);

/* Make GSS-API use @ccname from now on (NULL: the default again). */
int pagd_ldap_gssapi_use(const char *ccname);

#endif /* PAGD_LDAP_GSSAPI_H */
