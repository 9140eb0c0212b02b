// SPDX-License-Identifier: GPL-2.0
/*
 * The processes that do the Kerberos work of credential bindings.
 *
 * Workers are short-lived, but not as short as one attempt: a worker is
 * forked from pagd and serves the attempts that come while it lives
 * (pagd_krb5_worker_serve()), keeping its krb5 context and its pag.ko handle,
 * which is most of what an attempt would otherwise cost (a fork, a fresh
 * krb5 context that loads its crypto and configuration anew: about two
 * thirds of a renewal's CPU time).  It lives at most WORKER_LIFE_USEC or
 * WORKER_JOBS attempts, and exits after WORKER_IDLE_USEC without work: a
 * burst of renewals (thousands of PAGs bound together) shares a few
 * workers, a quiet daemon has none.  For each attempt it enters the PAG and
 * leaves it before it answers, so no worker is a member of a PAG between
 * attempts and a PAG still ends with its last process.
 *
 * A job goes over a SOCK_SEQPACKET socket pair as one message, its result
 * comes back as one struct pagd_krb5_result.  A worker that does not answer in
 * time, dies, or whose job is cancelled is killed; the pool forks a new
 * one when there is work.  A configuration reload retires every worker, so
 * that a changed krb5.conf is read.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"

#define USEC 1000000ULL
/* A job that takes longer than this is killed: the KDC is not answering. */
#define JOB_TIMEOUT_USEC (60 * USEC)
/* A worker retires after this long without work, */
#define WORKER_IDLE_USEC (5 * USEC)
/* ...or this long after it was forked, or after this many attempts. */
#define WORKER_LIFE_USEC (60 * USEC)
#define WORKER_JOBS	 100

struct cred_worker {
	struct cred_worker *next;
	pid_t pid;
	int fd;
	sd_event_source *io;
	sd_event_source *timer; /* the job's deadline, or the idle timeout */
	unsigned int jobs;
	uint64_t born;		  /* CLOCK_MONOTONIC µs, the event loop's */
	cred_worker_done_fn done; /* NULL while idle */
	void *ud;
};

static struct cred_worker *workers;
static unsigned int n_busy;
static struct pagd *pool_pagd;

static uint64_t now_mono(void)
{
	uint64_t t = 0;

	sd_event_now(pool_pagd->event, CLOCK_MONOTONIC, &t);
	return t;
}

/* Wait for the process, which has exited or is being killed. */
static void reap(struct cred_worker *w, bool kill_it)
{
	if (kill_it)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The job of @w ends: returns its owner's callback (or NULL) and @owner. */
static cred_worker_done_fn detach(struct cred_worker *w, void **owner)
{
	cred_worker_done_fn done = w->done;

	*owner = w->ud;
	if (done)
		n_busy--;
	w->done = NULL;
	w->ud = NULL;
	return done;
}

static void worker_free(struct cred_worker *w, bool kill_it)
{
	struct cred_worker **pp;
	void *owner;

	for (pp = &workers; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	w->io = sd_event_source_disable_unref(w->io);
	w->timer = sd_event_source_disable_unref(w->timer);
	detach(w, &owner);
	close(w->fd);
	reap(w, kill_it);
	free(w);
}

static void worker_lost(struct cred_worker *w, const char *why)
{
	struct pagd_krb5_result res = { .status = PAGD_KRB5_WORKER_FAIL };
	void *owner;
	cred_worker_done_fn done = detach(w, &owner);

	worker_free(w, true);
	if (done) {
		snprintf(res.message, sizeof(res.message), "%s", why);
		done(owner, &res);
	}
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct cred_worker *w = ud;

	(void)s;
	(void)usec;
	if (w->done) {
		log_warning("credential worker %d timed out", (int)w->pid);
		worker_lost(w, "the credential worker timed out");
	} else {
		log_debug("credential worker %d idle, let go", (int)w->pid);
		worker_free(w, false);
	}
	return 0;
}

static int arm(struct cred_worker *w, uint64_t usec)
{
	int r = sd_event_source_set_time_relative(w->timer, usec);

	if (r >= 0)
		r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
	return r;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct cred_worker *w = ud;
	struct pagd_krb5_result res;
	cred_worker_done_fn done;
	void *owner;
	bool retire;
	ssize_t n;

	(void)s;
	(void)revents;
	n = recv(fd, &res, sizeof(res), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n != (ssize_t)sizeof(res) || !w->done) {
		/* EOF, a short message or one nobody asked for */
		worker_lost(w, "the credential worker died");
		return 0;
	}
	res.message[sizeof(res.message) - 1] = '\0';
	retire = ++w->jobs >= WORKER_JOBS ||
		 now_mono() - w->born >= WORKER_LIFE_USEC ||
		 arm(w, WORKER_IDLE_USEC) < 0;
	done = detach(w, &owner);
	if (retire)
		worker_free(w, false);
	done(owner, &res);
	return 0;
}

static struct cred_worker *spawn(void)
{
	struct cred_worker *w = calloc(1, sizeof(*w));
	int fds[2], r;

	if (!w)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		free(w);
		return NULL;
	}
	w->pid = fork();
	if (w->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(w);
		return NULL;
	}
	if (w->pid == 0) {
		/*
		 * Nothing of pagd but the socket: no listener, no bus, no
		 * database, and no other worker's socket, whose EOF then
		 * tells that worker pagd is gone.
		 */
		if (dup2(fds[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pagd_krb5_worker_serve(3);
	}
	close(fds[1]);
	w->fd = fds[0];
	w->born = now_mono();
	r = sd_event_add_io(pool_pagd->event, &w->io, w->fd, EPOLLIN, on_io, w);
	if (r >= 0)
		r = sd_event_add_time_relative(
			pool_pagd->event, &w->timer, CLOCK_MONOTONIC,
			WORKER_IDLE_USEC, USEC, on_timer, w);
	w->next = workers;
	workers = w;
	if (r < 0) {
		worker_free(w, true);
		return NULL;
	}
	log_debug("credential worker %d started", (int)w->pid);
	return w;
}

/* Encodes @job: struct pagd_krb5_job_msg, then NUL-terminated strings. */
static ssize_t encode(const struct pagd_krb5_job *job, char *buf, size_t size)
{
	struct pagd_krb5_job_msg m = {
		.pag = job->pag,
		.force = job->force,
		.created_ns = job->created_ns,
		.renew_fraction = job->renew_fraction,
		.has_netns = job->netns >= 0,
	};
	size_t len = sizeof(m), n;
	const char *s;

	for (char *const *c = job->afs_cells; c && *c; c++)
		m.n_cells++;
	for (size_t i = 0; i < 2 + (size_t)m.n_cells; i++) {
		s = i == 0   ? job->principal
		    : i == 1 ? job->keytab
			     : job->afs_cells[i - 2];
		n = strlen(s) + 1;
		if (n > size - len)
			return -EMSGSIZE;
		memcpy(buf + len, s, n);
		len += n;
	}
	memcpy(buf, &m, sizeof(m));
	return (ssize_t)len;
}

/*
 * Hands @w the encoded job in @buf, with @netns (-1: none) as SCM_RIGHTS;
 * false when @w cannot take it.
 */
static bool give(struct cred_worker *w, const char *buf, ssize_t len, int netns)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = (size_t)len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (netns >= 0) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &netns, sizeof(int));
	}
	return sendmsg(w->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == len &&
	       arm(w, JOB_TIMEOUT_USEC) >= 0;
}

bool cred_workers_free(void)
{
	return pool_pagd && n_busy < pool_pagd->cfg->cred_workers;
}

/**
 * cred_worker_submit() - have a worker make an attempt for @job
 * @job: what to do; copied
 * @done: called with the result, or with a failure saying why there is
 *	none; not called when the job is cancelled
 * @ud: for @done
 * @out: the worker, for cred_worker_cancel(); NULL on failure
 *
 * Return: 0, or -EMSGSIZE when @job does not fit a worker's request and
 * -EAGAIN when no worker could take it (then @done is not called).
 */
int cred_worker_submit(const struct pagd_krb5_job *job,
		       cred_worker_done_fn done, void *ud,
		       struct cred_worker **out)
{
	static char buf[PAGD_KRB5_JOB_MAX];
	struct cred_worker *w;
	ssize_t len = encode(job, buf, sizeof(buf));

	*out = NULL;
	if (len < 0)
		return (int)len;
	for (w = workers; w && w->done; w = w->next)
		;
	/* an idle worker may have gone away: then a fresh one */
	if (w && !give(w, buf, len, job->netns)) {
		worker_free(w, true);
		w = NULL;
	}
	if (!w) {
		w = spawn();
		if (w && !give(w, buf, len, job->netns)) {
			worker_free(w, true);
			w = NULL;
		}
	}
	if (!w)
		return -EAGAIN;
	w->done = done;
	w->ud = ud;
	n_busy++;
	*out = w;
	return 0;
}

/* The result is no longer wanted: the worker, maybe in the PAG, is killed. */
void cred_worker_cancel(struct cred_worker *w)
{
	worker_free(w, true);
}

/* After a reload: idle workers go, busy ones after their job. */
void cred_workers_recycle(void)
{
	struct cred_worker *w, *next;

	for (w = workers; w; w = next) {
		next = w->next;
		if (w->done)
			w->jobs = WORKER_JOBS;
		else
			worker_free(w, false);
	}
}

void cred_workers_start(struct pagd *p)
{
	pool_pagd = p;
}

void cred_workers_stop(void)
{
	while (workers)
		worker_free(workers, true);
	pool_pagd = NULL;
}
