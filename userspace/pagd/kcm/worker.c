// SPDX-License-Identifier: GPL-2.0
/*
 * The KCM workers: the processes that serve KCM connections inside their
 * callers' PAGs.
 *
 * pagd never enters a PAG.  It accepts a connection, learns the peer's PAG
 * incarnation from the BPF tag (responder.c) and hands the connection
 * itself (SCM_RIGHTS) to a worker, a process forked from pagd like the
 * credential workers (creds/workers.c).  The worker ENTERs that PAG
 * incarnation (id and creation time, so a PAG that has ended or whose id
 * was reused is never entered), sets its fsuid and fsgid to the caller's,
 * and answers the client's requests itself, one round trip each, until the
 * client closes the connection or sends nothing for PARK_MSEC; then it
 * sets its fsuid back, leaves the PAG, wipes what it held and tells pagd it
 * is free.  A connection that went quiet without closing (a process that
 * keeps its KCM cache open) is handed back to pagd ("parked"), which
 * watches it and hands it to a worker again when it speaks: so a worker is
 * only ever in a PAG while it serves a connection from that PAG, which
 * keeps the PAG alive anyway (the kernel keeps the connecting process's
 * credentials with the socket), and a quiet connection holds no worker.
 *
 * At most MAX_WORKERS workers live at once; connections wait in pagd, in
 * arrival order, for a free one.  A worker retires after WORKER_CONNS
 * connections or WORKER_IDLE_USEC without one, and is killed (and its
 * connection with it) when one request takes longer than JOB_TIMEOUT_SEC.
 * One Kerberos context serves a worker's life: making one per connection
 * would cost more than the connection's requests.
 *
 * Control messages, SOCK_SEQPACKET: pagd -> worker, a struct kcm_job_hdr
 * with the connection's descriptor; worker -> pagd, one byte, 'D' (done,
 * the connection closed) or 'P' (parked) with the descriptor back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pag/pag.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/kcm/kcm.h"
#include "pagd/pagd.h"

#define USEC		 1000000ULL
#define MAX_WORKERS	 8
#define WORKER_IDLE_USEC (10 * USEC)
#define WORKER_CONNS	 10000
#define JOB_TIMEOUT_SEC	 30
/* A connection quiet this long goes back to pagd. */
#define PARK_MSEC 200
/* Once a frame has begun, the rest must come within this (and a reply go). */
#define FRAME_TIMEOUT_SEC 5

#define MSG_DONE   'D'
#define MSG_PARKED 'P'

/* A connection waiting for a worker, or parked in pagd. */
struct kcm_conn {
	struct kcm_conn *next, **pprev;
	int fd;
	struct kcm_job_hdr who;
	sd_event_source *io; /* parked: waiting for the client to speak */
};

struct kcm_worker {
	struct kcm_worker *next, **pprev;
	pid_t pid;
	int fd; /* control socket */
	sd_event_source *io, *idle;
	unsigned int conns;
	bool busy;
	struct kcm_job_hdr who; /* the connection it serves */
};

static struct pagd *pagd;
static struct kcm_worker *workers;
static unsigned int n_workers, n_busy;
/* connections ready for a worker, oldest first; parked ones */
static struct kcm_conn *ready, **ready_tail = &ready, *parked;
static size_t n_conns;

/* ---- in the worker ---- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* What a connection cost, for log_level = debug (tests/bench/pagd_kcm.sh). */
struct conn_times {
	uint64_t enter, ops, leave;
	unsigned int requests;
};

/* Reads exactly @len bytes; 0 on EOF before the first, -1 on error. */
static ssize_t read_all(int fd, uint8_t *buf, size_t len)
{
	size_t have = 0;

	while (have < len) {
		ssize_t n = recv(fd, buf + have, len - have, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && have == 0)
			return 0;
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

/* Frames a reply: length, status, and on success status 0 + payload. */
static int reply(int fd, int32_t code, const struct kcm_out *out)
{
	uint32_t hdr[3] = { htobe32(code ? 0 : (uint32_t)(4 + out->len)),
			    htobe32((uint32_t)code), 0 };
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = code ? 8 : 12 },
		{ .iov_base = out->data, .iov_len = code ? 0 : out->len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = iov[0].iov_len + iov[1].iov_len;

	while (total) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		total -= (size_t)n;
		while (mh.msg_iovlen && (size_t)n >= mh.msg_iov->iov_len) {
			n -= (ssize_t)mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
			mh.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/*
 * One request of @len bytes in @buf: answered; false when the connection
 * is to be closed.  @refuse, when not 0, is the answer to every request
 * (the PAG could not be entered).
 */
static bool serve_request(krb5_context ctx, int fd, const uint8_t *buf,
			  size_t len, int32_t refuse, struct conn_times *t)
{
	uint64_t t0 = now_us();
	struct kcm_out out = { 0 };
	struct kcm_in args;
	krb5_error_code code;
	uint16_t op;
	bool ok;

	code = kcm_parse_header(buf, len, &op, &args);
	if (code) {
		reply(fd, code, &out);
		return false;
	}
	if (refuse) {
		code = refuse;
	} else {
		alarm(JOB_TIMEOUT_SEC);
		code = kcm_op_run(ctx, op, &args, &out);
		alarm(0);
		if (out.oom && !code)
			code = ENOMEM;
	}
	t->ops += now_us() - t0;
	t->requests++;
	ok = reply(fd, code, &out) == 0;
	/* no copy of a ticket outlives the request */
	if (out.data)
		explicit_bzero(out.data, out.len);
	kcm_out_free(&out);
	return ok;
}

/*
 * Serves connection @fd of @who until it closes (MSG_DONE) or goes quiet
 * (MSG_PARKED).  *@stay is false when the worker could not leave the PAG
 * and must not serve anyone else.
 */
static char serve_conn(struct pag_handle *h, krb5_context ctx, int fd,
		       const struct kcm_job_hdr *who, bool *stay)
{
	static uint8_t buf[KCM_MAX_REQUEST];
	struct timeval tv = { .tv_sec = FRAME_TIMEOUT_SEC };
	struct conn_times t = { 0 };
	uint64_t t0 = now_us(), t1;
	int32_t refuse = 0;
	char result = MSG_DONE;
	int r;

	r = who->created_ns ? pag_enter(h, who->pag, who->created_ns) : -ESTALE;
	if (r == -ENOENT || r == -ESRCH || r == -ESTALE)
		refuse =
			KRB5_FCC_NOFILE; /* that PAG is gone, with its caches */
	else if (r < 0)
		refuse = KRB5_CC_IO;
	if (r < 0)
		log_errno(LOG_WARNING, r,
			  "KCM: cannot enter PAG %d created at %llu ns (%m): "
			  "its connection gets \"%s\"",
			  (int)who->pag, (unsigned long long)who->created_ns,
			  refuse == KRB5_FCC_NOFILE ? "cache not found"
						    : "I/O error");
	if (!refuse) {
		setfsgid(who->gid);
		setfsuid(who->uid);
		if ((uid_t)setfsuid((uid_t)-1) != who->uid ||
		    (gid_t)setfsgid((gid_t)-1) != who->gid)
			refuse = EPERM;
	}
	t.enter = now_us() - t0;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint32_t len;
		ssize_t n;

		r = poll(&pfd, 1, PARK_MSEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			result = MSG_PARKED;
			break;
		}
		n = read_all(fd, (uint8_t *)&len, 4);
		if (n <= 0)
			break;
		len = be32toh(len);
		if (len < 4 || len > KCM_MAX_REQUEST) {
			/* before anything reaches a keyring */
			struct kcm_out none = { 0 };

			reply(fd, len < 4 ? KRB5_CC_FORMAT : EMSGSIZE, &none);
			break;
		}
		n = read_all(fd, buf, len);
		if (n > 0 && !serve_request(ctx, fd, buf, len, refuse, &t))
			n = -1;
		explicit_bzero(buf, len);
		if (n <= 0)
			break;
	}
	setfsuid(0);
	setfsgid(0);
	t1 = now_us();
	*stay = refuse == KRB5_FCC_NOFILE || refuse == KRB5_CC_IO ||
		pag_leave(h) >= 0;
	t.leave = now_us() - t1;
	log_debug("KCM connection of PAG %d: enter %llu us, %u requests, "
		  "ops %llu us, leave %llu us, %s after %llu us",
		  (int)who->pag, (unsigned long long)t.enter, t.requests,
		  (unsigned long long)t.ops, (unsigned long long)t.leave,
		  result == MSG_PARKED ? "parked" : "closed",
		  (unsigned long long)(now_us() - t0));
	return result;
}

static void report(int ctl, char what, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &what, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (what == MSG_PARKED) {
		struct cmsghdr *cm;

		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	sendmsg(ctl, &mh, MSG_NOSIGNAL);
}

/* The next connection from pagd: its descriptor, or -1 when pagd is done. */
static int next_conn(int ctl, struct kcm_job_hdr *who)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = who, .iov_len = sizeof(*who) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(ctl, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	cm = n == (ssize_t)sizeof(*who) ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void __attribute__((noreturn)) serve(int ctl)
{
	struct pag_handle *h = NULL;
	krb5_context ctx = NULL;
	struct kcm_job_hdr who;
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGALRM, SIG_DFL);
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) < 0 || krb5_init_context(&ctx) ||
	    krb5_cc_set_default_name(ctx,
				     "KEYRING:session:" PAGD_KCM_COLLECTION))
		_exit(1);
	while ((fd = next_conn(ctl, &who)) >= 0) {
		bool stay = true;
		char what = serve_conn(h, ctx, fd, &who, &stay);

		report(ctl, what, fd);
		close(fd);
		if (!stay)
			break;
	}
	_exit(0);
}

/* ---- in pagd ---- */

static void dispatch(void);

static void conn_free(struct kcm_conn *c)
{
	sd_event_source_disable_unref(c->io);
	if (c->fd >= 0)
		close(c->fd);
	n_conns--;
	free(c);
}

static void ready_push(struct kcm_conn *c)
{
	c->next = NULL;
	*ready_tail = c;
	ready_tail = &c->next;
}

static struct kcm_conn *ready_pop(void)
{
	struct kcm_conn *c = ready;

	if (c) {
		ready = c->next;
		if (!ready)
			ready_tail = &ready;
	}
	return c;
}

static void worker_stop(struct kcm_worker *w)
{
	sd_event_source_disable_unref(w->io);
	sd_event_source_disable_unref(w->idle);
	close(w->fd);
	kill(w->pid, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (w->busy)
		n_busy--;
	if (w->next)
		w->next->pprev = w->pprev;
	*w->pprev = w->next;
	n_workers--;
	explicit_bzero(&w->who, sizeof(w->who));
	free(w);
}

static int on_idle(sd_event_source *s, uint64_t usec, void *ud)
{
	struct kcm_worker *w = ud;

	(void)s;
	(void)usec;
	if (!w->busy) {
		log_debug("KCM worker %d retires", (int)w->pid);
		worker_stop(w);
	}
	return 0;
}

/* A parked connection spoke (or closed): it goes back in line. */
static int on_parked(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct kcm_conn *c = ud;
	char b;

	(void)s;
	(void)revents;
	c->io = sd_event_source_disable_unref(c->io);
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	if (recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) {
		conn_free(c); /* closed: nothing to serve */
		return 0;
	}
	ready_push(c);
	dispatch();
	return 0;
}

static void park(struct kcm_worker *w, int fd)
{
	struct kcm_conn *c = calloc(1, sizeof(*c));

	if (!c || sd_event_add_io(pagd->event, &c->io, fd, EPOLLIN, on_parked,
				  c) < 0) {
		log_warning("KCM: cannot keep a quiet connection, closed");
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	c->who = w->who;
	c->next = parked;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &parked;
	parked = c;
	n_conns++;
}

static int on_worker(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct kcm_worker *w = ud;
	char what = 0;
	struct iovec iov = { .iov_base = &what, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int cfd = -1;
	ssize_t n;

	(void)s;
	(void)revents;
	n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	cm = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&cfd, CMSG_DATA(cm), sizeof(int));
	if (n != 1 || !w->busy) {
		if (cfd >= 0)
			close(cfd);
		if (w->busy) {
			log_warning("KCM worker %d died serving PAG %d",
				    (int)w->pid, (int)w->who.pag);
			n_conns--; /* its connection went with it */
		}
		worker_stop(w);
		dispatch();
		return 0;
	}
	if (what == MSG_PARKED && cfd >= 0)
		park(w, cfd);
	else if (cfd >= 0)
		close(cfd);
	w->busy = false;
	n_busy--;
	n_conns--;
	explicit_bzero(&w->who, sizeof(w->who));
	if (++w->conns >= WORKER_CONNS ||
	    sd_event_source_set_time_relative(w->idle, WORKER_IDLE_USEC) < 0 ||
	    sd_event_source_set_enabled(w->idle, SD_EVENT_ONESHOT) < 0)
		worker_stop(w);
	dispatch();
	return 0;
}

static struct kcm_worker *spawn(void)
{
	struct kcm_worker *w = calloc(1, sizeof(*w));
	int fds[2];

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
		if (dup2(fds[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		serve(3);
	}
	close(fds[1]);
	w->fd = fds[0];
	w->next = workers;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &workers;
	workers = w;
	n_workers++;
	if (sd_event_add_io(pagd->event, &w->io, w->fd, EPOLLIN, on_worker, w) <
		    0 ||
	    sd_event_add_time_relative(pagd->event, &w->idle, CLOCK_MONOTONIC,
				       WORKER_IDLE_USEC, USEC, on_idle,
				       w) < 0) {
		worker_stop(w);
		return NULL;
	}
	log_debug("KCM worker %d started", (int)w->pid);
	return w;
}

static int hand_over(struct kcm_worker *w, struct kcm_conn *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &c->who, .iov_len = sizeof(c->who) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &c->fd, sizeof(int));
	if (sendmsg(w->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(c->who))
		return -1;
	w->busy = true;
	n_busy++;
	w->who = c->who;
	sd_event_source_set_enabled(w->idle, SD_EVENT_OFF);
	return 0;
}

/* Hands the waiting connections to free workers, forking them as needed. */
static void dispatch(void)
{
	while (ready) {
		struct kcm_worker *w = NULL;
		struct kcm_conn *c;

		if (n_busy < n_workers)
			for (w = workers; w && w->busy; w = w->next)
				;
		if (!w && n_workers < MAX_WORKERS)
			w = spawn();
		if (!w) {
			if (!n_workers)
				log_warning("KCM: no worker could be started");
			return;
		}
		c = ready_pop();
		if (hand_over(w, c) < 0) {
			/* an idle worker may just have died: another */
			worker_stop(w);
			ready_push(c);
			if (!n_workers && !spawn()) {
				log_warning("KCM: no worker, a client dropped");
				conn_free(ready_pop());
			}
			continue;
		}
		/* the worker has it now; pagd keeps nothing of it */
		close(c->fd);
		c->fd = -1;
		free(c);
	}
}

/**
 * kcm_worker_take() - have a worker serve connection @fd of @who
 *
 * Takes @fd in every case.
 */
void kcm_worker_take(struct pagd *p, int fd, const struct kcm_job_hdr *who)
{
	struct kcm_conn *c = calloc(1, sizeof(*c));

	pagd = p;
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->who = *who;
	n_conns++;
	ready_push(c);
	dispatch();
}

/* The connections with a worker, waiting for one, or parked. */
size_t kcm_worker_conns(void)
{
	return n_conns;
}

void kcm_workers_stop(void)
{
	while (ready)
		conn_free(ready_pop());
	while (parked) {
		struct kcm_conn *c = parked;

		parked = c->next;
		conn_free(c);
	}
	while (workers)
		worker_stop(workers);
	n_conns = 0;
}
