// SPDX-License-Identifier: GPL-2.0
/*
 * The table of held TGTs (held.h): a short list, as logins in flight are
 * few; each entry wipes itself when its timer fires.
 *
 * A session PAG is recognised by pag.ko's creation event: made by the
 * thread whose pid the kernel recorded for the connection (SO_PEERCRED),
 * from the PAG the connection was tagged with.  A process that forked
 * between authentication and session open, or a multi-threaded PAM
 * application whose session thread is not its main one, makes no match:
 * the TGT is then dropped at open_session, never stored elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "pagd/pam/held.h"

static struct held_tgt *held;
static unsigned int n_held;

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* pag.ko's clock for creation times */
static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool matches(const struct held_tgt *h, const struct pam_conv_key *k)
{
	return h->cli_pid == k->cli_pid && h->peer_pid == k->peer_pid &&
	       h->has_pag == k->has_pag &&
	       (!h->has_pag || (h->pag == k->pag && h->pag_ns == k->pag_ns)) &&
	       !strcmp(h->user, or_empty(k->user)) &&
	       !strcmp(h->service, or_empty(k->service)) &&
	       !strcmp(h->tty, or_empty(k->tty)) &&
	       !strcmp(h->rhost, or_empty(k->rhost));
}

static void unlink_held(struct held_tgt *h)
{
	for (struct held_tgt **pp = &held; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			h->next = NULL;
			n_held--;
			return;
		}
	}
}

void held_tgt_free(struct held_tgt *h)
{
	if (!h)
		return;
	sd_event_source_disable_unref(h->expiry);
	locked_free(&h->tgt);
	free(h->user);
	free(h->service);
	free(h->tty);
	free(h->rhost);
	free(h->domain);
	free(h->principal);
	free(h);
}

static int on_expiry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct held_tgt *h = ud;

	(void)s;
	(void)usec;
	log_info("pam: the TGT of %s of %s waited %u s for its session and "
		 "was wiped",
		 h->user, h->domain, h->hold_sec);
	unlink_held(h);
	held_tgt_free(h);
	return 0;
}

struct held_tgt *held_tgt_take(const struct pam_conv_key *k)
{
	for (struct held_tgt *h = held; h; h = h->next) {
		if (matches(h, k)) {
			unlink_held(h);
			return h;
		}
	}
	return NULL;
}

int held_tgt_put(sd_event *ev, const struct pam_conv_key *k, const char *domain,
		 const char *principal, struct locked_buf *tgt,
		 unsigned int hold_sec)
{
	struct held_tgt *h = held_tgt_take(k);
	int r;

	held_tgt_free(h);
	if (n_held >= PAM_TGT_HOLD_MAX) {
		locked_free(tgt);
		return -ENOSPC;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		locked_free(tgt);
		return -ENOMEM;
	}
	h->tgt = *tgt;
	memset(tgt, 0, sizeof(*tgt));
	h->user = strdup(or_empty(k->user));
	h->service = strdup(or_empty(k->service));
	h->tty = strdup(or_empty(k->tty));
	h->rhost = strdup(or_empty(k->rhost));
	h->domain = strdup(domain);
	h->principal = strdup(principal);
	h->cli_pid = k->cli_pid;
	h->peer_pid = k->peer_pid;
	h->has_pag = k->has_pag;
	h->pag = k->pag;
	h->pag_ns = k->pag_ns;
	h->held_ns = boottime_ns();
	h->hold_sec = hold_sec;
	r = h->user && h->service && h->tty && h->rhost && h->domain &&
			    h->principal
		    ? sd_event_add_time_relative(
			      ev, &h->expiry, CLOCK_MONOTONIC,
			      hold_sec * 1000000ULL, 0, on_expiry, h)
		    : -ENOMEM;
	if (r < 0) {
		held_tgt_free(h);
		return r;
	}
	h->next = held;
	held = h;
	n_held++;
	return 0;
}

void held_tgt_clear(void)
{
	while (held) {
		struct held_tgt *h = held;

		unlink_held(h);
		held_tgt_free(h);
	}
}

void held_tgt_pag_created(int32_t pag, uint64_t ns, uint32_t creator_pid,
			  bool has_parent, int32_t parent, uint64_t parent_ns)
{
	for (struct held_tgt *h = held; h; h = h->next) {
		/* made by the peer, after the authentication */
		if ((uint32_t)h->peer_pid != creator_pid || ns <= h->held_ns)
			continue;
		if (h->has_pag &&
		    (!has_parent || parent != h->pag || parent_ns != h->pag_ns))
			continue;
		log_debug("pam: PAG %d made by pid %u is the session PAG for "
			  "the TGT of %s",
			  pag, creator_pid, h->user);
		h->has_session = true;
		h->session_pag = pag;
		h->session_ns = ns;
	}
}
