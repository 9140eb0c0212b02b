// SPDX-License-Identifier: GPL-2.0
/*
 * aklog for kafs: get a service ticket for an AFS cell from the Kerberos
 * credentials of the caller's default ccache and store it as an "rxrpc"
 * key named "afs@CELL" in a keyring, where kafs looks for it.  The kernel's
 * rxrpc key parser validates the payload; we only build it.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>
#include <krb5.h>

#include "aklog.h"
#include "common/krb5err.h"
#include "rxkad.h"

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void set_krb5_error(krb5_context ctx, krb5_error_code code, char *err,
			   size_t errlen, const char *what)
{
	char msg[KRB5ERR_MAX];

	set_error(err, errlen, "%s: %s", what,
		  krb5err(ctx, code, msg, sizeof(msg)));
}

static void lower(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/*
 * The ticket for the cell: afs/CELL@REALM, or the pre-1.2 form afs@REALM
 * that old cells still use.  On failure, @err names the first form.
 */
static krb5_error_code
get_service_ticket(krb5_context ctx, krb5_ccache cc, krb5_principal client,
		   const char *cell, const char *realm, krb5_creds **out,
		   char *service, size_t service_len, char *err, size_t errlen)
{
	krb5_error_code code, first = 0;
	krb5_creds in;

	for (int form = 0; form < 2; form++) {
		memset(&in, 0, sizeof(in));
		in.client = client;
		if (form == 0)
			code = krb5_build_principal(ctx, &in.server,
						    (unsigned int)strlen(realm),
						    realm, "afs", cell, NULL);
		else
			code = krb5_build_principal(ctx, &in.server,
						    (unsigned int)strlen(realm),
						    realm, "afs", NULL);
		if (!code)
			code = krb5_get_credentials(ctx, 0, cc, &in, out);
		if (in.server)
			krb5_free_principal(ctx, in.server);
		if (!code) {
			snprintf(service, service_len,
				 form ? "afs@%s" : "afs/%s@%s",
				 form ? realm : cell, realm);
			return 0;
		}
		if (!first) {
			char what[320];

			snprintf(what, sizeof(what), "no ticket for afs/%s@%s",
				 cell, realm);
			set_krb5_error(ctx, code, err, errlen, what);
			first = code;
		}
	}
	return first;
}

/*
 * add_key() in the network namespace @netns (an open nsfs file), -1: the
 * caller's.  An rxrpc key belongs to the network namespace it is added in,
 * and kafs finds it only through a mount of that namespace; the thread
 * goes back to its own namespace before returning.
 */
static key_serial_t add_key_in(int netns, const char *desc, const void *data,
			       size_t len, key_serial_t keyring)
{
	key_serial_t key;
	int own, e;

	if (netns < 0)
		return add_key("rxrpc", desc, data, len, keyring);
	own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return -1;
	if (setns(netns, CLONE_NEWNET) < 0) {
		e = errno;
		close(own);
		errno = e;
		return -1;
	}
	key = add_key("rxrpc", desc, data, len, keyring);
	e = errno;
	/* a thread that cannot go back must not go on in the wrong one */
	if (setns(own, CLONE_NEWNET) < 0)
		abort();
	close(own);
	errno = e;
	return key;
}

/**
 * afs_aklog_netns() - store a kafs token for @cell in @keyring, for @netns
 * @cell: AFS cell name (case-insensitive; stored lower-case)
 * @realm: Kerberos realm of the cell, or NULL for the cell name upper-cased
 * @keyring: where to add the key, e.g. KEY_SPEC_SESSION_KEYRING (the PAG)
 * @netns: the network namespace of the kafs mounts that are to find the
 *	token (an open /proc/PID/ns/net), or -1 for the caller's.  The KDC is
 *	asked from the caller's: @netns may have no way to it.
 * @res: filled in on success
 * @err: buffer for a message naming what failed
 * @errlen: its size
 *
 * Return: 0, or a negative errno (-ENOKEY: no usable Kerberos credentials
 * or no ticket for the cell; -EPROTONOSUPPORT: unusable session key
 * enctype; -EMSGSIZE: ticket too large; others from add_key(2)).
 */
int afs_aklog_netns(const char *cell, const char *realm, int32_t keyring,
		    int netns, struct aklog_result *res, char *err,
		    size_t errlen)
{
	char lcell[96], urealm[256];
	struct rxkad_token tok = { .kvno = RXKAD_TKT_TYPE_KERBEROS_V5 };
	krb5_creds *creds = NULL;
	krb5_context ctx;
	krb5_principal client = NULL;
	krb5_ccache cc = NULL;
	krb5_error_code code;
	void *payload = NULL;
	size_t len;
	key_serial_t key;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!cell || !*cell || strlen(cell) >= sizeof(lcell) ||
	    strchr(cell, '/') || strchr(cell, '@')) {
		set_error(err, errlen, "invalid cell name '%s'",
			  cell ? cell : "");
		return -EINVAL;
	}
	lower(lcell, cell, sizeof(lcell));
	if (realm) {
		snprintf(urealm, sizeof(urealm), "%s", realm);
	} else {
		size_t n = strlen(lcell); /* < sizeof(lcell) < sizeof(urealm) */

		for (size_t i = 0; i < n; i++)
			urealm[i] = (char)toupper((unsigned char)lcell[i]);
		urealm[n] = '\0';
	}

	code = krb5_init_context(&ctx);
	if (code) {
		set_error(err, errlen, "cannot initialise Kerberos: %s",
			  strerror(code));
		return -EIO;
	}
	code = krb5_cc_default(ctx, &cc);
	if (!code)
		code = krb5_cc_get_principal(ctx, cc, &client);
	if (code) {
		set_krb5_error(ctx, code, err, errlen,
			       "no Kerberos credentials (run kinit)");
		ret = -ENOKEY;
		goto out;
	}
	code = get_service_ticket(ctx, cc, client, lcell, urealm, &creds,
				  res->service, sizeof(res->service), err,
				  errlen);
	if (code) {
		ret = -ENOKEY;
		goto out;
	}

	ret = rxkad_derive_des_key(creds->keyblock.enctype,
				   creds->keyblock.contents,
				   creds->keyblock.length, tok.session_key);
	if (ret) {
		set_error(err, errlen,
			  "session key of enctype %d cannot be used by rxkad",
			  creds->keyblock.enctype);
		goto out;
	}
	tok.expiry = (uint32_t)creds->times.endtime;
	tok.ticket = creds->ticket.data;
	tok.ticket_len = creds->ticket.length;
	ret = rxkad_key_payload(&tok, &payload, &len);
	if (ret) {
		set_error(err, errlen, "ticket of %zu bytes: %s",
			  tok.ticket_len, strerror(-ret));
		goto out;
	}

	snprintf(res->description, sizeof(res->description), "afs@%s", lcell);
	key = add_key_in(netns, res->description, payload, len, keyring);
	if (key < 0) {
		ret = -errno;
		set_error(err, errlen, "%s rxrpc %s: %s%s",
			  netns < 0
				  ? "add_key"
				  : "add_key in the mount's network namespace",
			  res->description, strerror(errno),
			  errno == ENODEV ? " (is the rxrpc module loaded?)"
					  : "");
		goto out;
	}
	res->key = key;
	res->expiry = (time_t)(uint32_t)creds->times.endtime;
	ret = 0;
out:
	free(payload);
	if (creds)
		krb5_free_creds(ctx, creds);
	if (client)
		krb5_free_principal(ctx, client);
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_context(ctx);
	return ret;
}

/* afs_aklog_netns() in the caller's network namespace. */
int afs_aklog(const char *cell, const char *realm, int32_t keyring,
	      struct aklog_result *res, char *err, size_t errlen)
{
	return afs_aklog_netns(cell, realm, keyring, -1, res, err, errlen);
}

/* Is @desc ("type;uid;gid;perm;description") an rxrpc key for @cell? */
static int is_cell_token(const char *desc, const char *cell)
{
	const char *name = strrchr(desc, ';');

	if (strncmp(desc, "rxrpc;", 6) || !name)
		return 0;
	name++;
	if (strncmp(name, "afs@", 4))
		return 0;
	return !cell || !strcasecmp(name + 4, cell);
}

/**
 * afs_unlog() - remove kafs tokens from @keyring
 * @cell: the cell whose token goes, or NULL for every cell
 * @keyring: the keyring (e.g. KEY_SPEC_SESSION_KEYRING)
 * @removed: set to the number of tokens unlinked
 *
 * Return: 0, or a negative errno from reading the keyring.
 */
int afs_unlog(const char *cell, int32_t keyring, unsigned int *removed)
{
	return afs_unlog_except(cell, keyring, 0, removed);
}

/**
 * afs_unlog_except() - afs_unlog(), keeping the token @keep
 * @cell: the cell whose tokens go, or NULL for every cell
 * @keyring: the keyring
 * @keep: the serial of a token to leave, 0: none
 * @removed: set to the number of tokens unlinked
 *
 * A keyring holds a token per network namespace (the rxrpc key type
 * indexes keys by it): after making one in a mount's namespace, this
 * removes those of the others, which no mount the PAG uses looks in.
 *
 * Return: 0, or a negative errno from reading the keyring.
 */
int afs_unlog_except(const char *cell, int32_t keyring, int32_t keep,
		     unsigned int *removed)
{
	key_serial_t *keys;
	void *buf;
	long n;

	*removed = 0;
	n = keyctl_read_alloc(keyring, &buf);
	if (n < 0)
		return -errno;
	keys = buf;
	for (long i = 0; i < n / (long)sizeof(*keys); i++) {
		char *desc;

		if (keyctl_describe_alloc(keys[i], &desc) < 0)
			continue; /* gone, or not ours to see */
		if (keys[i] != keep && is_cell_token(desc, cell) &&
		    keyctl_unlink(keys[i], keyring) == 0)
			(*removed)++;
		free(desc);
	}
	free(buf);
	return 0;
}
