// SPDX-License-Identifier: GPL-2.0
/*
 * Following PAGs' lives: when pag.ko reports that a PAG ended, its binding
 * goes, so that a later PAG that gets the same id (ids are keyring serials,
 * and serials are reused) never inherits a dead container's domains; when
 * it reports a PAG made inside a bound one, the new PAG gets its parent's
 * binding (inherit.c).  The
 * events come from pag.ko's multicast group, without polling; if some were
 * lost (the socket overflowed), every binding is checked against the
 * registry instead.
 *
 * A PAG is (id, creation time): an ENDED event drops only the bindings of
 * the incarnation that ended, so a late event for an earlier holder of the
 * id never drops a newer PAG's binding.
 *
 * Any user may create and end PAGs as fast as the kernel lets them, and
 * pagd hears of every end: the event path must stay cheap.  An ended id
 * with no binding costs a read-only LMDB lookup and a lookup in memory, no
 * write.  Fences (BPF maps, which outlive pagd) are cleaned off the event
 * path: ended ids are collected, and a pass removes the ended incarnations
 * of those that some fence lists (one pag_fence_pags(), then a lookup and
 * pag_fence_forget() for those only).
 * libpag loads and verifies a BPF skeleton for each of these calls, which
 * takes a good part of a second on a slow machine, so a pass runs in a
 * forked child at the lowest priority, one at a time and FENCE_PASS_USEC
 * apart at least: pagd's loop never waits for it.  Lost events make a
 * resync, at most one per RESYNC_USEC however often the socket overflows.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pag/pag.h>
#include <pag/peer.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"
#include "pagd/pam/held.h"

#define USEC 1000000ULL
/* At most one fence pass (from start to start), and one resync, in such a
 * period. */
#define FENCE_PASS_USEC USEC
#define RESYNC_USEC	USEC
/* Ended ids kept for the next fence pass; beyond, that pass checks all. */
#define FENCE_BATCH_MAX 4096
/* Events read per wake-up, so that NSS clients get their turn in a flood. */
#define EVENTS_PER_WAKEUP 256
/* Events read at most before answering a client of an unbound PAG. */
#define CATCH_UP_MAX 8192

static struct pag_handle *events;

static struct {
	struct pagd *p;
	sd_event_source *fence_timer, *resync_timer;
	sd_event_source *fence_io; /* the pass's pipe: EOF when it is over */
	pid_t fence_pid;	   /* the pass at work, or 0 */
	uint64_t fence_last, resync_last; /* CLOCK_MONOTONIC µs */
	int32_t ended[FENCE_BATCH_MAX];	  /* ids for the next fence pass */
	size_t n_ended;
	bool fence_all; /* the next pass checks every fenced id */
	bool resync;	/* events were lost: a resync is due */
} w;

/**
 * pagd_pag_gone() - forget the bindings of a PAG that ended
 * @p: the daemon
 * @pag: its id
 * @created_ns: its creation time
 * @why: for the log
 *
 * Bindings of another incarnation of @pag (a newer PAG given the same id)
 * stay; those recorded without a creation time (0: no pag.ko at the time),
 * which no peer is served and no worker enters, go too.  An id without
 * binding costs two lookups and no write.
 */
void pagd_pag_gone(struct pagd *p, int32_t pag, uint64_t created_ns,
		   const char *why)
{
	uint64_t bound = 0, cbound = 0;
	int r = state_get_binding(p->state, pag, &bound, NULL);

	if (r == 0 && bound && bound != created_ns)
		r = -ENOENT;
	if (r == 0)
		r = state_unbind(p->state, pag, bound);
	if (r == 0) {
		log_info("PAG %d (created at %llu) %s: binding dropped", pag,
			 (unsigned long long)bound, why);
		scope_invalidate_views(p);
	} else if (r != -ENOENT) {
		log_errno(LOG_ERR, r, "PAG %d %s: dropping its binding: %m",
			  pag, why);
	}
	if (creds_bound(pag, &cbound) && (!cbound || cbound == created_ns))
		creds_unbind(p, pag, cbound, why);
}

/*
 * The only calls of libpag's fence API: @ids ended (or @all: any fenced
 * PAG may have); remove from fences the incarnations of those ids that
 * have ended.  One pag_fence_pags() per pass, a registry lookup and a
 * forget per candidate.  Fences admit only the exact incarnation they
 * list, so an entry of an ended PAG admits nobody, not even a later PAG
 * with its id: this is hygiene (small fences), not a guard.
 */
static void fence_forget_batch(struct pag_handle *h, const int32_t *ids,
			       size_t n, bool all)
{
	struct pag_incarnation *fenced = NULL;
	size_t n_fenced = 0, j = 0;
	int r = pag_fence_pags(&fenced, &n_fenced);

	if (r == -ENOENT || r == -EOPNOTSUPP)
		return; /* no fences: nothing to clean */
	if (r < 0) {
		log_errno(LOG_ERR, r, "reading fences: %m");
		return;
	}
	for (size_t i = 0; i < n_fenced; i++) {
		int32_t id = fenced[i].pag;

		if (!all) {
			/* both ascending */
			while (j < n && ids[j] < id)
				j++;
			if (j == n || ids[j] != id)
				continue;
		}
		r = pag_get(h, id, fenced[i].created_ns, NULL);
		if (r != -ENOENT && r != -ESRCH && r != -ESTALE)
			continue;
		r = pag_fence_forget(id, fenced[i].created_ns);
		if (r > 0)
			log_info("PAG %d is gone: removed from %d fences", id,
				 r);
		else if (r < 0 && r != -ENOENT)
			log_errno(LOG_ERR, r,
				  "PAG %d is gone: removing it from fences: %m",
				  id);
	}
	free(fenced);
}

static int cmp_id(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static uint64_t now_mono(void)
{
	uint64_t t = 0;

	sd_event_now(w.p->event, CLOCK_MONOTONIC, &t);
	return t;
}

/* Fires @s (a oneshot) no sooner than @period after @last. */
static void arm_after(sd_event_source *s, uint64_t last, uint64_t period)
{
	uint64_t now = now_mono(), at = last + period;
	int enabled = SD_EVENT_OFF;

	sd_event_source_get_enabled(s, &enabled);
	if (enabled != SD_EVENT_OFF)
		return; /* already due: this joins it */
	sd_event_source_set_time(s, at > now ? at : now);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* The pass is over (its pipe's EOF): the next may start. */
static int on_fence_done(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	int status;

	(void)fd;
	(void)revents;
	(void)ud;
	while (waitpid(w.fence_pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		log_warning("the fence pass (process %d) failed",
			    (int)w.fence_pid);
	w.fence_pid = 0;
	w.fence_io = sd_event_source_disable_unref(s);
	if (w.n_ended || w.fence_all)
		arm_after(w.fence_timer, w.fence_last, FENCE_PASS_USEC);
	return 0;
}

/* The child of a pass: its own libpag handle; pagd's state untouched. */
static void fence_child(int fd)
{
	struct pag_handle *h = NULL;

	setpriority(PRIO_PROCESS, 0, 19);
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) < 0)
		_exit(1);
	fence_forget_batch(h, w.ended, w.n_ended, w.fence_all);
	pag_close(h);
	close(fd);
	_exit(0);
}

static int on_fence_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	int fds[2], r;
	pid_t pid;

	(void)s;
	(void)usec;
	(void)ud;
	if (w.fence_pid)
		return 0; /* on_fence_done() starts the next */
	w.fence_last = now_mono();
	qsort(w.ended, w.n_ended, sizeof(w.ended[0]), cmp_id);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		log_errno(LOG_ERR, -errno, "fence pass: %m");
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		fence_child(fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		log_errno(LOG_ERR, -errno, "fence pass: %m");
		close(fds[0]);
		return 0;
	}
	r = sd_event_add_io(w.p->event, &w.fence_io, fds[0], EPOLLIN,
			    on_fence_done, NULL);
	if (r >= 0)
		r = sd_event_source_set_io_fd_own(w.fence_io, 1);
	if (r < 0) {
		/* cannot watch it: wait for it here, once */
		log_errno(LOG_WARNING, r, "fence pass: %m");
		w.fence_io = sd_event_source_disable_unref(w.fence_io);
		close(fds[0]);
		waitpid(pid, NULL, 0);
	} else {
		w.fence_pid = pid;
	}
	/* the child has its copy */
	w.n_ended = 0;
	w.fence_all = false;
	return 0;
}

/* @pag ended: off fences at the next pass. */
static void fence_later(int32_t pag)
{
	if (w.n_ended < FENCE_BATCH_MAX)
		w.ended[w.n_ended++] = pag;
	else
		w.fence_all = true;
	if (!w.fence_pid)
		arm_after(w.fence_timer, w.fence_last, FENCE_PASS_USEC);
}

struct dead_list {
	int32_t *ids;
	uint64_t *times;
	size_t n;
	int err;
};

static int dead_add(struct dead_list *d, int32_t pag, uint64_t created_ns)
{
	int32_t *ids = reallocarray(d->ids, d->n + 1, sizeof(*ids));
	uint64_t *times;

	if (ids)
		d->ids = ids;
	times = ids ? reallocarray(d->times, d->n + 1, sizeof(*times)) : NULL;
	if (!times) {
		d->err = -ENOMEM;
		return -ENOMEM;
	}
	d->times = times;
	d->ids[d->n] = pag;
	d->times[d->n++] = created_ns;
	return 0;
}

/* Whether the incarnation (@pag, @created_ns) is certainly over. */
static bool is_dead(int32_t pag, uint64_t created_ns)
{
	int r;

	if (!created_ns)
		return true; /* recorded without pag.ko: cannot be proven */
	r = pag_get(events, pag, created_ns, NULL);
	return r == -ENOENT || r == -ESRCH || r == -ESTALE;
}

/* Collect the bindings whose PAG the registry no longer knows. */
static int collect_dead(int32_t pag, uint64_t created_ns, const char *key,
			void *ud)
{
	(void)key;
	return is_dead(pag, created_ns) ? dead_add(ud, pag, created_ns) : 0;
}

static int collect_dead_creds(int32_t pag, const struct creds_info *info,
			      void *ud)
{
	return is_dead(pag, info->created_ns)
		       ? dead_add(ud, pag, info->created_ns)
		       : 0;
}

/*
 * After lost events, and at start-up: a binding whose PAG (that
 * incarnation) the registry no longer knows goes, and so does the PAG's
 * place in fences.  Bindings are collected first and dropped after the
 * walk, whose read transaction must be over before a write one begins.
 */
static void resync(struct pagd *p)
{
	struct dead_list d = { 0 };
	int r = state_foreach_binding(p->state, collect_dead, &d);

	if (r < 0)
		log_errno(LOG_ERR, r, "checking bindings against pag.ko: %m");
	r = creds_foreach(p, collect_dead_creds, &d);
	if (r < 0)
		log_errno(LOG_ERR, r,
			  "checking credential bindings against pag.ko: %m");
	for (size_t i = 0; i < d.n; i++)
		pagd_pag_gone(p, d.ids[i], d.times[i], "is gone");
	free(d.ids);
	free(d.times);
	w.fence_all = true;
	arm_after(w.fence_timer, w.fence_last, FENCE_PASS_USEC);
}

static int on_resync_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	(void)ud;
	w.resync_last = now_mono();
	w.resync = false;
	log_warning("PAG events were lost: checking every binding");
	resync(w.p);
	return 0;
}

/* One event: an ended PAG loses its bindings, a new one may inherit. */
static void handle_event(struct pagd *p, const struct pag_event *ev)
{
	const struct pag_info *i = &ev->pag;

	if (ev->type == PAG_EVENT_ENDED) {
		pagd_pag_gone(p, i->id, i->created_ns, "ended");
		fence_later(i->id);
	} else if (ev->type == PAG_EVENT_CREATED) {
		bool has_parent =
			i->present & PAG_INFO_HAS(PAG_A_PAG_PARENT_ID);

		if (has_parent)
			pagd_pag_inherit(p, i->id, i->created_ns, i->parent_id,
					 i->parent_created_ns);
		/* a login's session PAG, for the TGT its login holds */
		held_tgt_pag_created(i->id, i->created_ns, i->creator_pid,
				     has_parent, i->parent_id,
				     i->parent_created_ns);
	}
}

/*
 * Handles up to @max queued events.  Return: how many, with *@r the last
 * read's result (0: @max reached; -EAGAIN: none left; -ENOBUFS: some were
 * lost, a resync is due).
 */
static int handle_events(struct pagd *p, int max, int *r)
{
	struct pag_event ev;
	int n = 0;

	*r = 0;
	while (n < max && (*r = pag_event_read(events, &ev)) == 0) {
		handle_event(p, &ev);
		n++;
	}
	if (*r == -ENOBUFS) {
		/* one resync for any number of overflows in RESYNC_USEC */
		if (!w.resync)
			log_debug("PAG events were lost: resync due");
		w.resync = true;
		arm_after(w.resync_timer, w.resync_last, RESYNC_USEC);
	} else if (*r && *r != -EAGAIN) {
		log_errno(LOG_ERR, *r, "reading PAG events: %m");
	}
	return n;
}

static int on_pag_event(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	/* more than that: the loop calls again, after NSS clients' turn */
	handle_events(ud, EVENTS_PER_WAKEUP, &r);
	return 0;
}

/**
 * pagd_watch_catch_up() - handle the PAG events already queued, now
 * @p: the daemon
 *
 * For a main-socket client whose PAG has no binding.  pag.ko queues a
 * PAG's creation event before the request that made it returns, so a
 * member that connects afterwards finds the event in our socket, but the
 * loop may serve the client first (its connection and the event can be
 * ready at once, or more events than EVENTS_PER_WAKEUP be queued):
 * reading the queue before answering means a new PAG never gets the
 * default domains before its inherited binding.  Bounded by CATCH_UP_MAX
 * events, more than the socket's default buffer holds, so that a flood of
 * new PAGs cannot keep one client waiting for ever.  Events lost to an
 * overflow leave their PAGs unbound, as after a restart.
 *
 * Return: true when an event was handled.
 */
bool pagd_watch_catch_up(struct pagd *p)
{
	int r;

	if (!events)
		return false;
	return handle_events(p, CATCH_UP_MAX, &r) > 0;
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

	w.p = p;
	events = pagd_open_pag_ko("no PAG events",
				  "bindings of ended PAGs stay until unbound");
	if (!events)
		return 0;
	fd = pag_subscribe(events);
	if (fd < 0) {
		log_errno(LOG_WARNING, fd, "no PAG events: %m");
		pag_close(events);
		events = NULL;
		return 0;
	}
	r = sd_event_add_io(p->event, NULL, fd, EPOLLIN, on_pag_event, p);
	if (r >= 0)
		r = sd_event_add_time(p->event, &w.fence_timer, CLOCK_MONOTONIC,
				      0, USEC / 20, on_fence_timer, NULL);
	if (r >= 0)
		r = sd_event_source_set_enabled(w.fence_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time(p->event, &w.resync_timer,
				      CLOCK_MONOTONIC, 0, USEC / 20,
				      on_resync_timer, NULL);
	if (r >= 0)
		r = sd_event_source_set_enabled(w.resync_timer, SD_EVENT_OFF);
	if (r < 0)
		return log_errno(LOG_ERR, r, "watching PAG events: %m");
	/* Bindings of PAGs that ended while we were not running. */
	resync(p);
	return 0;
}

void pagd_watch_stop(void)
{
	if (w.fence_pid) {
		kill(w.fence_pid, SIGKILL);
		waitpid(w.fence_pid, NULL, 0);
		w.fence_pid = 0;
	}
	w.fence_io = sd_event_source_disable_unref(w.fence_io);
	w.fence_timer = sd_event_source_disable_unref(w.fence_timer);
	w.resync_timer = sd_event_source_disable_unref(w.resync_timer);
	pag_close(events);
	events = NULL;
}
