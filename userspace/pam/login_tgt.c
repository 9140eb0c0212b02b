// SPDX-License-Identifier: GPL-2.0
/*
 * The login's TGT from authentication to the session's PAG (login_tgt.h).
 *
 * The memory is locked and left out of core dumps, as pagd's is, but not
 * kept from forks (MADV_DONTFORK): the application may fork before
 * pam_end(), and a child that ends its copy of the handle must find the
 * pages there to wipe them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include <keyutils.h>
#include <security/pam_ext.h>

#include "common/keyperm.h"
#include "common/krb5err.h"
#include "pagd-client/client.h"
#include "login_tgt.h"

#define DATA_NAME "pam_pag_login_tgt"

/* pagd's answer may not hold up the login longer than this. */
#define PAGD_CALL_TIMEOUT_USEC (5 * 1000000ULL)

struct login_tgt {
	char *principal;
	void *data; /* marshalled credentials (krb5_marshal_credentials) */
	size_t len, size;
};

static void tgt_free(struct login_tgt *t)
{
	if (!t)
		return;
	if (t->data) {
		explicit_bzero(t->data, t->size);
		munmap(t->data, t->size);
	}
	free(t->principal);
	free(t);
}

static void cleanup(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	tgt_free(data);
}

/* Locked, undumped room for @len bytes in @t.  Return: 0 or -errno. */
static int lock_room(struct login_tgt *t, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = (len + page) & ~(page - 1);
	void *m;
	int r;

	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	if (mlock(m, size) < 0 || madvise(m, size, MADV_DONTDUMP) < 0) {
		r = -errno;
		munmap(m, size);
		return r;
	}
	t->data = m;
	t->len = len;
	t->size = size;
	return 0;
}

int login_tgt_hold(pam_handle_t *pamh, krb5_context ctx,
		   const krb5_creds *creds, const char *principal)
{
	char why[KRB5ERR_MAX];
	struct login_tgt *t;
	krb5_data *m = NULL;
	krb5_error_code e;
	int r;

	e = krb5_marshal_credentials(ctx, (krb5_creds *)creds, &m);
	if (e) {
		pam_syslog(pamh, LOG_ERR, "cannot keep the TGT of %s: %s",
			   principal, krb5err(ctx, e, why, sizeof(why)));
		return -EIO;
	}
	t = calloc(1, sizeof(*t));
	r = t ? lock_room(t, m->length) : -ENOMEM;
	if (!r) {
		memcpy(t->data, m->data, m->length);
		t->principal = strdup(principal);
		if (!t->principal)
			r = -ENOMEM;
	}
	explicit_bzero(m->data, m->length);
	krb5_free_data(ctx, m);
	if (!r && pam_set_data(pamh, DATA_NAME, t, cleanup) != PAM_SUCCESS)
		r = -ENOMEM;
	if (r < 0) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot keep the TGT of %s in locked memory: %s "
			   "(it is not stored)",
			   principal, strerror(-r));
		tgt_free(t);
	}
	return r;
}

static const struct login_tgt *held(pam_handle_t *pamh)
{
	const void *t = NULL;

	if (pam_get_data(pamh, DATA_NAME, &t) != PAM_SUCCESS)
		return NULL;
	return t;
}

/* Wipes the held TGT (pam_set_data() runs the old data's cleanup). */
static void wipe(pam_handle_t *pamh)
{
	pam_set_data(pamh, DATA_NAME, NULL, NULL);
}

void login_tgt_drop(pam_handle_t *pamh, const char *why)
{
	const struct login_tgt *t = held(pamh);

	if (!t)
		return;
	pam_syslog(pamh, LOG_NOTICE, "the TGT of %s is wiped, not stored: %s",
		   t->principal, why);
	wipe(pamh);
}

/* In the PAG: @t into PAGD_CCACHE, keys possessor-only.  Return: 0/-1. */
static int write_ccache(pam_handle_t *pamh, const struct login_tgt *t,
			int32_t pag)
{
	krb5_context ctx = NULL;
	krb5_creds *creds = NULL;
	krb5_ccache cc = NULL;
	char why[KRB5ERR_MAX];
	krb5_data marshalled = { .data = t->data,
				 .length = (unsigned int)t->len };
	krb5_error_code e;
	key_serial_t coll;
	int r = 0, k = 0;

	e = krb5_init_context(&ctx);
	if (!e)
		e = krb5_unmarshal_credentials(ctx, &marshalled, &creds);
	if (!e)
		e = krb5_cc_resolve(ctx, PAGD_CCACHE, &cc);
	if (!e)
		e = krb5_cc_initialize(ctx, cc, creds->client);
	if (!e)
		e = krb5_cc_store_cred(ctx, cc, creds);
	if (e) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot store the TGT of %s in PAG %d (%s): %s",
			   t->principal, pag, PAGD_CCACHE,
			   krb5err(ctx, e, why, sizeof(why)));
		r = -1;
	}
	coll = keyctl_search(KEY_SPEC_SESSION_KEYRING, "keyring",
			     PAGD_CCACHE_COLLECTION, 0);
	if (coll >= 0)
		k = keyperm_restrict_tree(coll);
	if (k < 0 && !r) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot make the keys of the TGT of %s in PAG %d "
			   "possessor-only: %s: it is removed",
			   t->principal, pag, strerror(-k));
		r = -1;
	}
	if (r < 0 && cc)
		krb5_cc_destroy(ctx, cc);
	else if (cc)
		krb5_cc_close(ctx, cc);
	if (creds) {
		krb5_free_cred_contents(ctx, creds);
		free(creds);
	}
	if (ctx)
		krb5_free_context(ctx);
	return r;
}

/* pagd renews the TGT while it is renewable (no keytab). */
static void hand_to_pagd(pam_handle_t *pamh, const struct pam_pag_options *o,
			 const struct login_tgt *t, const struct pag_info *pag)
{
	const char *address = o->pagd_bus ? o->pagd_bus : PAGD_PRIVATE_BUS;
	struct pagd_client c;
	int r;

	r = pagd_client_open(&c, address);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(c.bus,
						   PAGD_CALL_TIMEOUT_USEC);
	if (r >= 0)
		r = pagd_client_bind_login_credentials(
			&c, pag->id, pag->created_ns, t->principal);
	if (r < 0)
		pam_syslog(pamh, LOG_WARNING,
			   "pagd (%s) will not renew the TGT of %s in PAG "
			   "%d: %s",
			   address, t->principal, pag->id,
			   c.error ? pagd_client_error(&c) : strerror(-r));
	else if (o->debug)
		pam_syslog(pamh, LOG_DEBUG,
			   "pagd renews the TGT of %s in PAG %d while it is "
			   "renewable",
			   t->principal, pag->id);
	pagd_client_close(&c);
}

void login_tgt_store(pam_handle_t *pamh, const struct pam_pag_options *o,
		     const struct pag_info *pag)
{
	const struct login_tgt *t = held(pamh);

	if (!t)
		return;
	if (write_ccache(pamh, t, pag->id) == 0) {
		pam_syslog(pamh, LOG_INFO,
			   "the TGT of %s is in the session's PAG %d (%s)",
			   t->principal, pag->id, PAGD_CCACHE);
		if (pam_putenv(pamh, "KRB5CCNAME=" PAGD_CCACHE) != PAM_SUCCESS)
			pam_syslog(pamh, LOG_WARNING,
				   "cannot set KRB5CCNAME=%s in the session's "
				   "environment",
				   PAGD_CCACHE);
		hand_to_pagd(pamh, o, t, pag);
	}
	wipe(pamh);
}
