/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of pagd's management API on D-Bus, written once: the server
 * (userspace/pagd/bus/) and the client library beside this header (used by
 * pag, pag-launch and through it the OCI wrapper) include it.  What the
 * methods take and answer is at the top of userspace/pagd/bus/bus.c and in
 * Documentation/admin-guide/pagd.rst.
 */
#ifndef PAGD_CLIENT_API_H
#define PAGD_CLIENT_API_H

#include <errno.h>
#include <stddef.h>

#define PAGD_BUS_NAME	   "org.pag.Pagd1"
#define PAGD_BUS_PATH	   "/org/pag/Pagd1"
#define PAGD_BUS_INTERFACE "org.pag.Pagd1"

/*
 * pagd's private socket under the default run_dir: the address that works
 * on hosts without a system bus (connect with no destination name).
 */
#define PAGD_PRIVATE_BUS "unix:path=/run/pagd/private/bus"

#define PAGD_METHOD_LIST_DOMAINS	    "ListDomains"
#define PAGD_METHOD_LIST_TRUSTED_DOMAINS    "ListTrustedDomains"
#define PAGD_METHOD_BIND		    "Bind"
#define PAGD_METHOD_UNBIND		    "Unbind"
#define PAGD_METHOD_LIST_BINDINGS	    "ListBindings"
#define PAGD_METHOD_GET_SOCKET_DIRECTORY    "GetSocketDirectory"
#define PAGD_METHOD_LIST_SOCKET_DIRECTORIES "ListSocketDirectories"
#define PAGD_METHOD_RELOAD		    "Reload"
#define PAGD_METHOD_SET_DOMAINS_ONLINE	    "SetDomainsOnline"
#define PAGD_METHOD_BIND_CREDENTIALS	    "BindCredentials"
#define PAGD_METHOD_BIND_LOGIN_CREDENTIALS  "BindLoginCredentials"
#define PAGD_METHOD_SET_CREDENTIALS_NETWORK "SetCredentialsNetwork"
#define PAGD_METHOD_RENEW_CREDENTIALS	    "RenewCredentials"
#define PAGD_METHOD_UNBIND_CREDENTIALS	    "UnbindCredentials"
#define PAGD_METHOD_GET_CREDENTIALS	    "GetCredentials"
#define PAGD_METHOD_LIST_CREDENTIALS	    "ListCredentials"
#define PAGD_METHOD_BIND_PROFILE	    "BindProfile"
#define PAGD_METHOD_LIST_PROFILES	    "ListProfiles"

#define PAGD_SIGNAL_CREDENTIALS_CHANGED "CredentialsChanged"

/*
 * Where pagd keeps a PAG's Kerberos credentials, and where a login's TGT
 * goes (pam_pag, pagd's PAM responder) for BindLoginCredentials to renew.
 */
#define PAGD_CCACHE "KEYRING:session:pagd"
/* The keyring in which libkrb5 keeps that collection ("_krb_" + name). */
#define PAGD_CCACHE_COLLECTION "_krb_pagd"

/* pagd's own errors; pagd_client_errno() says what each means to a client */
#define PAGD_ERROR_UNKNOWN_DOMAIN  "org.pag.Pagd1.Error.UnknownDomain"
#define PAGD_ERROR_INVALID	   "org.pag.Pagd1.Error.Invalid"
#define PAGD_ERROR_NOT_BOUND	   "org.pag.Pagd1.Error.NotBound"
#define PAGD_ERROR_KEYTAB	   "org.pag.Pagd1.Error.Keytab"
#define PAGD_ERROR_STALE	   "org.pag.Pagd1.Error.Stale"
#define PAGD_ERROR_NO_SUCH_PAG	   "org.pag.Pagd1.Error.NoSuchPAG"
#define PAGD_ERROR_UNKNOWN_PROFILE "org.pag.Pagd1.Error.UnknownProfile"
#define PAGD_ERROR_NOT_IN_PROFILE  "org.pag.Pagd1.Error.NotInProfile"
#define PAGD_ERROR_ACCESS_DENIED   "org.freedesktop.DBus.Error.AccessDenied"

/*
 * The errno each error stands for, both ways: the server answers a failure
 * -errno with its name (bus_error()), the client reads the name back as
 * that -errno (pagd_client_errno()).  Any other failure reaches a client
 * as sd-bus names it, and means -EPROTO there.
 */
struct pagd_error {
	const char *name;
	int err;
};

static inline const struct pagd_error *pagd_errors(size_t *n)
{
	static const struct pagd_error errors[] = {
		{ PAGD_ERROR_INVALID, EINVAL },
		{ PAGD_ERROR_UNKNOWN_DOMAIN, ENXIO },
		{ PAGD_ERROR_NOT_BOUND, ENOENT },
		{ PAGD_ERROR_KEYTAB, ENOKEY },
		{ PAGD_ERROR_STALE, ESTALE },
		{ PAGD_ERROR_NO_SUCH_PAG, ESRCH },
		{ PAGD_ERROR_UNKNOWN_PROFILE, ENODEV },
		{ PAGD_ERROR_NOT_IN_PROFILE, EPERM },
		{ PAGD_ERROR_ACCESS_DENIED, EACCES },
	};

	*n = sizeof(errors) / sizeof(errors[0]);
	return errors;
}

#endif /* PAGD_CLIENT_API_H */
