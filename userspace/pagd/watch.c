// SPDX-License-Identifier: GPL-2.0
/*
 * Following PAGs' lives: when pag.ko reports that a PAG ended, its binding
 * goes, so that a later PAG that gets the same id (ids are keyring serials,
 * and serials are reused) never inherits a dead container's domains.  The
 * events come from pag.ko's multicast group, without polling; if some were
 * lost (the socket overflowed), every binding is checked against the
 * registry instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include <pag/pag.h>
#include <pag/peer.h>

#include "common/log.h"
#include "pagd/creds.h"
#include "pagd/pagd.h"

static struct pag_handle *events;

static void drop_binding(struct pagd *p, int32_t pag, const char *why)
{
	int r = state_unbind(p->state, pag);

	creds_unbind(p, pag, why);

	if (r == 0) {
		log_info("PAG %d %s: binding dropped", pag, why);
		pagd_invalidate_views(p);
	} else if (r != -ENOENT) {
		log_errno(LOG_ERR, r, "PAG %d %s: dropping its binding: %m",
			  pag, why);
	}
}

/* Its id may be reused: no fence may admit it any longer. */
static void forget_fences(int32_t pag, uint64_t created_ns)
{
	int r = pag_fence_forget(pag, created_ns);

	if (r > 0)
		log_info("PAG %d ended: removed from %d fences", pag, r);
	else if (r < 0 && r != -ENOENT && r != -EOPNOTSUPP)
		log_errno(LOG_ERR, r,
			  "PAG %d ended: removing it from fences: %m", pag);
}

struct dead_list {
	int32_t *ids;
	size_t n;
	int err;
};

/* Collect the bindings whose PAG the registry no longer knows. */
static int collect_dead(int32_t pag, const char *key, void *ud)
{
	struct dead_list *d = ud;
	int32_t *ids;
	int r = pag_get(events, pag, 0, NULL);

	(void)key;
	if (r != -ENOENT && r != -ESRCH)
		return 0;
	ids = reallocarray(d->ids, d->n + 1, sizeof(*ids));
	if (!ids) {
		d->err = -ENOMEM;
		return -ENOMEM;
	}
	d->ids = ids;
	d->ids[d->n++] = pag;
	return 0;
}

/*
 * Fences are kept by the BPF maps, not by pagd's state, and outlive pagd:
 * an id whose PAG ended while pagd was not listening leaves them now.
 */
static void resync_fences(void)
{
	struct pag_incarnation *ids = NULL;
	size_t n = 0;
	int r = pag_fence_pags(&ids, &n);

	if (r == -ENOENT || r == -EOPNOTSUPP)
		return;
	if (r < 0) {
		log_errno(LOG_ERR, r, "checking fences against pag.ko: %m");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		r = pag_get(events, ids[i].pag, ids[i].created_ns, NULL);
		if (r != -ENOENT && r != -ESRCH && r != -ESTALE)
			continue;
		r = pag_fence_forget(ids[i].pag, ids[i].created_ns);
		if (r > 0)
			log_info("PAG %d is gone: removed from %d fences",
				 ids[i].pag, r);
		else if (r < 0)
			log_errno(LOG_ERR, r,
				  "PAG %d is gone: removing it from fences: %m",
				  ids[i].pag);
	}
	free(ids);
}

/*
 * After lost events, and at start-up: a binding whose PAG the registry no
 * longer knows goes, and so does the PAG's place in fences.  Bindings are
 * collected first and dropped after the walk, whose read transaction must
 * be over before a write one begins.
 */
static void resync(struct pagd *p)
{
	struct dead_list d = { 0 };
	int r = state_foreach_binding(p->state, collect_dead, &d);

	if (r < 0)
		log_errno(LOG_ERR, r, "checking bindings against pag.ko: %m");
	for (size_t i = 0; i < d.n; i++)
		drop_binding(p, d.ids[i], "is gone");
	free(d.ids);
	resync_fences();
}

static int on_pag_event(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct pagd *p = ud;
	struct pag_event ev;
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	while ((r = pag_event_read(events, &ev)) == 0)
		if (ev.type == PAG_EVENT_ENDED) {
			drop_binding(p, ev.pag.id, "ended");
			forget_fences(ev.pag.id, ev.pag.created_ns);
		}
	if (r == -ENOBUFS) {
		log_warning("PAG events were lost: checking every binding");
		resync(p);
	} else if (r != -EAGAIN)
		log_errno(LOG_ERR, r, "reading PAG events: %m");
	return 0;
}

/**
 * pagd_watch_start() - drop bindings of PAGs as they end
 * @p: the daemon
 *
 * Without pag.ko there are no events, and bindings stay until unbound.
 *
 * Return: 0, or a negative errno from the event loop.
 */
int pagd_watch_start(struct pagd *p)
{
	int fd, r;

	r = pag_open(&events, PAG_OPEN_KERNEL_ONLY);
	if (r < 0) {
		log_errno(LOG_WARNING, r,
			  "no PAG events (pag.ko: %m): bindings of ended PAGs "
			  "stay until unbound");
		events = NULL;
		return 0;
	}
	fd = pag_subscribe(events);
	if (fd < 0) {
		log_errno(LOG_WARNING, fd, "no PAG events: %m");
		pag_close(events);
		events = NULL;
		return 0;
	}
	r = sd_event_add_io(p->event, NULL, fd, EPOLLIN, on_pag_event, p);
	if (r < 0)
		return log_errno(LOG_ERR, r, "watching PAG events: %m");
	/* Bindings of PAGs that ended while we were not running. */
	resync(p);
	return 0;
}

void pagd_watch_stop(void)
{
	pag_close(events);
	events = NULL;
}
