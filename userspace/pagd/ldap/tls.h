/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PAGD_LDAP_TLS_H
#define PAGD_LDAP_TLS_H

#include "pagd/config.h"

/*
 * pagd_ldap_tls_explain() - what is wrong with @uri's certificate, after a
 * failed TLS handshake (a second, blocking handshake bounded by
 * ldap_network_timeout; see tls.c).
 * Return: a message to free, or NULL when the certificate is not the cause
 * or the cause cannot be told.
 */
char *pagd_ldap_tls_explain(const struct pagd_ldap_conf *cf, const char *uri);

#endif /* PAGD_LDAP_TLS_H */
