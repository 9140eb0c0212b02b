// SPDX-License-Identifier: GPL-2.0
/*
 * What the kafs commands ask pagd: whose credentials a PAG's tokens are
 * (pag tokens names the principal, which a v1 rxkad token does not carry)
 * and, for pag aklog in a container whose kafs mount is in another network
 * namespace, to make the PAG's tokens anew where its credential binding
 * puts them (the host's namespace unless the launcher recorded another).
 * Both need pagd's management API: root or pagd's admin group.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <keyutils.h>

#include "afs_pagd.h"
#include "cli.h"
#include "pagd-client/client.h"

/* How long pag aklog waits for pagd's new credentials. */
#define PLACE_TIMEOUT_MS 30000

struct principal_lookup {
	int32_t pag;
	uint64_t created_ns;
	char *out;
	size_t len;
	bool found;
};

static int match_binding(const struct pagd_creds *w, void *ud)
{
	struct principal_lookup *l = ud;

	/* (pag, created_ns) names one PAG: an old binding of the id is not */
	if (w->pag != l->pag ||
	    (w->created_ns && l->created_ns && w->created_ns != l->created_ns))
		return 0;
	snprintf(l->out, l->len, "%s", w->principal);
	l->found = true;
	return 0;
}

int afs_binding_principal(const char *address, int32_t pag, uint64_t created_ns,
			  char *out, size_t len)
{
	struct principal_lookup l = { pag, created_ns, out, len, false };
	struct pagd_client c = {};
	int r;

	r = pagd_client_open(&c, address);
	if (r >= 0)
		r = pagd_client_list_credentials(&c, match_binding, &l);
	pagd_client_close(&c);
	if (r < 0)
		return r;
	return l.found ? 0 : -ENOENT;
}

struct wait_state {
	char state[32];
	char message[256];
	char principal[256];
};

static int note_state(const struct pagd_creds *w, void *ud)
{
	struct wait_state *st = ud;

	snprintf(st->state, sizeof(st->state), "%s", w->state);
	snprintf(st->message, sizeof(st->message), "%s", w->message);
	snprintf(st->principal, sizeof(st->principal), "%s", w->principal);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* Until @pag's binding is "ok" again, or failing, or the time is up. */
static int wait_made(struct pagd_client *c, int32_t pag, struct wait_state *st,
		     char *why, size_t len)
{
	uint64_t deadline = now_ms() + PLACE_TIMEOUT_MS, now;
	int r;

	for (;;) {
		r = pagd_client_get_credentials(c, pag, note_state, st);
		if (r < 0) {
			snprintf(why, len, "pagd: %s", pagd_client_error(c));
			return r;
		}
		if (!strcmp(st->state, "ok"))
			return 0;
		if (!strcmp(st->state, "failing")) {
			snprintf(why, len,
				 "pagd cannot make the credentials of %s: %s",
				 st->principal, st->message);
			return -EIO;
		}
		now = now_ms();
		if (now >= deadline) {
			snprintf(why, len,
				 "pagd made no credentials for %s in %d s "
				 "(state %s)",
				 st->principal, PLACE_TIMEOUT_MS / 1000,
				 st->state);
			return -ETIMEDOUT;
		}
		/* the signal wakes us up; asking twice a second covers a miss
		 */
		r = pagd_client_wait(
			c,
			(deadline - now < 500 ? deadline - now : 500) * 1000);
		if (r < 0) {
			snprintf(why, len, "lost pagd: %s",
				 pagd_client_error(c));
			return r;
		}
	}
}

struct placed_find {
	const char *name;
	int32_t here; /* the serial this namespace finds, or -1 */
	struct afs_placed *res;
};

static int find_placed(const struct pag_token *t, void *ud)
{
	struct placed_find *f = ud;

	if (strcmp(t->type, "rxrpc") || strcmp(t->name, f->name) ||
	    t->serial == f->here)
		return 0;
	f->res->key = t->serial;
	f->res->expiry = (time_t)t->expiry;
	return 0;
}

int afs_pagd_place(const char *address, const char *cell,
		   struct afs_placed *res, char *why, size_t len)
{
	struct pagd_client c = {};
	struct wait_state st = {};
	sd_bus_slot *slot = NULL;
	struct placed_find f;
	struct pag_info info;
	char *name = res->description;
	int r;

	if (open_handle()) {
		snprintf(why, len, "cannot tell which PAG the caller is in");
		return -ENOKEY;
	}
	r = pag_current(handle, &info);
	if (r < 0) {
		snprintf(why, len, "the caller is in no PAG for pagd to serve");
		return r;
	}
	r = pagd_client_open(&c, address);
	if (r < 0) {
		snprintf(why, len, "pagd is not reachable at %s: %s",
			 address ? address : "the system bus",
			 pagd_client_error(&c));
		goto out;
	}
	r = pagd_client_watch_credentials(&c, &slot);
	if (r >= 0)
		r = pagd_client_renew_credentials(&c, info.id, info.created_ns);
	if (r < 0) {
		snprintf(why, len, "pagd: %s", pagd_client_error(&c));
		goto out;
	}
	r = wait_made(&c, info.id, &st, why, len);
	if (r < 0)
		goto out;
	snprintf(res->principal, sizeof(res->principal), "%s", st.principal);
	/*
	 * Placed where the mount looks means: in the PAG, and not where
	 * this namespace would find it (pagd's binding may put its tokens in
	 * the caller's own namespace, or make none for this cell).
	 */
	snprintf(name, sizeof(res->description), "afs@%s", cell);
	for (char *q = name; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	f.name = name;
	f.here = keyctl_search(KEY_SPEC_SESSION_KEYRING, "rxrpc", name, 0);
	f.res = res;
	res->key = -1;
	r = pag_token_iterate(handle, 0, 0, find_placed, &f);
	if (r < 0) {
		snprintf(why, len, "cannot list the PAG's tokens: %s",
			 strerror(-r));
		goto out;
	}
	if (res->key < 0) {
		snprintf(why, len,
			 "pagd made the credentials of %s, but no token for "
			 "%s in another network namespace (its binding puts "
			 "them in this one, or %s is not in pagd's afs_cells)",
			 st.principal, cell, cell);
		r = -ENOENT;
	}
out:
	sd_bus_slot_unref(slot);
	pagd_client_close(&c);
	return r < 0 ? r : 0;
}
