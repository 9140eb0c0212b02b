// SPDX-License-Identifier: GPL-2.0
/*
 * The KCM worker: the process that runs KCM requests inside callers' PAGs.
 *
 * pagd never enters a PAG.  One worker, forked from pagd like the
 * credential workers (creds/workers.c), serves the requests one after the
 * other with one krb5 context and one pag.ko handle; for each it ENTERs the
 * caller's PAG incarnation (id and creation time, so a PAG that has ended
 * or whose id was reused is never entered), sets its fsuid and fsgid to
 * the caller's, runs the request, and leaves before it answers.  Between
 * requests it is in no PAG.  A fork and a fresh krb5 context per request
 * would cost more than the request itself (decisions.rst, "KCM"); the
 * worker retires after WORKER_JOBS requests or WORKER_IDLE_USEC without
 * one, and is killed if a request takes longer than JOB_TIMEOUT_USEC.
 *
 * Requests queue in pagd in arrival order.  A request goes to the worker as
 * one SOCK_SEQPACKET message (struct kcm_job_hdr, then the KCM message);
 * the answer comes back as one message: a 32-bit status (host order), then
 * the reply's payload.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pag/pag.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/kcm/kcm.h"
#include "pagd/pagd.h"

#define USEC		 1000000ULL
#define JOB_TIMEOUT_USEC (30 * USEC)
#define WORKER_IDLE_USEC (10 * USEC)
#define WORKER_JOBS	 10000
#define JOB_MAX		 (sizeof(struct kcm_job_hdr) + KCM_MAX_REQUEST)
#define ANSWER_MAX	 (4 + KCM_MAX_REPLY)

struct kcm_job {
	struct kcm_job *next;
	kcm_worker_done_fn done; /* NULL: the client went away */
	void *ud;
	size_t len;
	uint8_t msg[];
};

static struct {
	struct pagd *p;
	pid_t pid;
	int fd;
	sd_event_source *io, *timer;
	unsigned int jobs;
	struct kcm_job *busy;
} w = { .fd = -1 };

static struct kcm_job *queue, **queue_tail = &queue;

/* ---- in the worker ---- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void answer(int fd, int32_t code, const struct kcm_out *out)
{
	struct iovec iov[2] = {
		{ .iov_base = &code, .iov_len = sizeof(code) },
		{ .iov_base = out->data, .iov_len = code ? 0 : out->len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static krb5_error_code serve_one(struct pag_handle *h, krb5_context ctx,
				 const uint8_t *buf, size_t len,
				 struct kcm_out *out, bool *stay)
{
	struct kcm_job_hdr hdr;
	struct kcm_in args;
	krb5_error_code code;
	uint16_t op;
	int r;

	if (len < sizeof(hdr))
		return KRB5_CC_FORMAT;
	memcpy(&hdr, buf, sizeof(hdr));
	code = kcm_parse_header(buf + sizeof(hdr), len - sizeof(hdr), &op,
				&args);
	if (code)
		return code;
	uint64_t t0 = now_us(), t1, t2;

	r = hdr.created_ns ? pag_enter(h, hdr.pag, hdr.created_ns) : -ESTALE;
	t1 = now_us();
	if (r == -ENOENT || r == -ESRCH || r == -ESTALE)
		return KRB5_FCC_NOFILE; /* that PAG is gone, with its caches */
	if (r < 0)
		return KRB5_CC_IO;
	setfsgid(hdr.gid);
	setfsuid(hdr.uid);
	if ((uid_t)setfsuid((uid_t)-1) != hdr.uid ||
	    (gid_t)setfsgid((gid_t)-1) != hdr.gid)
		code = EPERM;
	else
		code = kcm_op_run(ctx, op, &args, out);
	setfsuid(0);
	setfsgid(0);
	t2 = now_us();
	*stay = pag_leave(h) >= 0;
	log_debug("KCM op %u in PAG %d created %llu: enter %llu us, op %llu "
		  "us, leave %llu us",
		  op, (int)hdr.pag, (unsigned long long)hdr.created_ns,
		  (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
		  (unsigned long long)(now_us() - t2));
	if (out->oom && !code)
		code = ENOMEM;
	return code;
}

static void __attribute__((noreturn)) serve(int fd)
{
	static uint8_t buf[JOB_MAX];
	struct pag_handle *h = NULL;
	krb5_context ctx = NULL;
	sigset_t none;
	int size = 2 * ANSWER_MAX;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) < 0 || krb5_init_context(&ctx) ||
	    krb5_cc_set_default_name(ctx,
				     "KEYRING:session:" PAGD_KCM_COLLECTION))
		h = NULL;
	for (;;) {
		struct kcm_out out = { 0 };
		bool stay = true;
		int32_t code;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		code = h ? serve_one(h, ctx, buf, (size_t)n, &out, &stay)
			 : KRB5_CC_IO;
		answer(fd, code, &out);
		explicit_bzero(buf, (size_t)n);
		if (out.data)
			explicit_bzero(out.data, out.len);
		kcm_out_free(&out);
		if (!stay || !h)
			break;
	}
	_exit(0);
}

/* ---- in pagd ---- */

static void worker_stop(bool kill_it)
{
	struct kcm_job *j = w.busy;

	if (w.pid <= 0)
		return;
	w.io = sd_event_source_disable_unref(w.io);
	w.timer = sd_event_source_disable_unref(w.timer);
	close(w.fd);
	w.fd = -1;
	if (kill_it)
		kill(w.pid, SIGKILL);
	while (waitpid(w.pid, NULL, 0) < 0 && errno == EINTR)
		;
	w.pid = 0;
	w.busy = NULL;
	if (j) {
		if (j->done)
			j->done(j->ud, KRB5_CC_IO, NULL, 0);
		explicit_bzero(j->msg, j->len);
		free(j);
	}
}

static void next_job(void);

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	(void)ud;
	if (w.busy)
		log_warning("KCM worker %d took too long, killed", (int)w.pid);
	worker_stop(w.busy != NULL);
	next_job();
	return 0;
}

static int arm(uint64_t usec)
{
	int r = sd_event_source_set_time_relative(w.timer, usec);

	return r < 0 ? r
		     : sd_event_source_set_enabled(w.timer, SD_EVENT_ONESHOT);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	static uint8_t buf[ANSWER_MAX];
	struct kcm_job *j = w.busy;
	int32_t code;
	ssize_t n;

	(void)s;
	(void)revents;
	(void)ud;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < (ssize_t)sizeof(code) || !j) {
		log_warning("KCM worker %d died", (int)w.pid);
		worker_stop(true);
		next_job();
		return 0;
	}
	memcpy(&code, buf, sizeof(code));
	w.busy = NULL;
	if (j->done)
		j->done(j->ud, code, buf + sizeof(code),
			(size_t)n - sizeof(code));
	explicit_bzero(buf, (size_t)n);
	explicit_bzero(j->msg, j->len);
	free(j);
	if (++w.jobs >= WORKER_JOBS || arm(WORKER_IDLE_USEC) < 0)
		worker_stop(false);
	next_job();
	return 0;
}

static int spawn(void)
{
	int fds[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	w.pid = fork();
	if (w.pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		w.pid = 0;
		return r;
	}
	if (w.pid == 0) {
		if (dup2(fds[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		serve(3);
	}
	close(fds[1]);
	w.fd = fds[0];
	w.jobs = 0;
	r = sd_event_add_io(w.p->event, &w.io, w.fd, EPOLLIN, on_io, NULL);
	if (r >= 0)
		r = sd_event_add_time_relative(
			w.p->event, &w.timer, CLOCK_MONOTONIC, WORKER_IDLE_USEC,
			USEC, on_timer, NULL);
	if (r < 0) {
		worker_stop(true);
		return r;
	}
	log_debug("KCM worker %d started", (int)w.pid);
	return 0;
}

/* Hands the next queued request to the worker (forked when needed). */
static void next_job(void)
{
	while (!w.busy && queue) {
		struct kcm_job *j = queue;
		int r = 0;

		queue = j->next;
		if (!queue)
			queue_tail = &queue;
		if (!j->done) {
			free(j);
			continue;
		}
		if (w.pid <= 0)
			r = spawn();
		if (r >= 0 &&
		    send(w.fd, j->msg, j->len, MSG_DONTWAIT | MSG_NOSIGNAL) !=
			    (ssize_t)j->len) {
			/* an idle worker may just have exited: a fresh one */
			worker_stop(true);
			r = spawn();
			if (r >= 0 && send(w.fd, j->msg, j->len,
					   MSG_DONTWAIT | MSG_NOSIGNAL) !=
					      (ssize_t)j->len)
				r = -EIO;
		}
		if (r >= 0)
			r = arm(JOB_TIMEOUT_USEC);
		if (r < 0) {
			log_errno(LOG_WARNING, r, "no KCM worker: %m");
			j->done(j->ud, KRB5_CC_IO, NULL, 0);
			explicit_bzero(j->msg, j->len);
			free(j);
			continue;
		}
		w.busy = j;
	}
}

/**
 * kcm_worker_submit() - queue a request for the worker
 * @hdr: whose PAG and as whom
 * @msg: the KCM message (version, opcode, arguments); copied
 * @done: called with the status and the reply's payload, from the loop
 * @ud: for @done, and for kcm_worker_forget()
 *
 * Return: 0, or -ENOMEM (then @done is not called).
 */
int kcm_worker_submit(struct pagd *p, const struct kcm_job_hdr *hdr,
		      const uint8_t *msg, size_t len, kcm_worker_done_fn done,
		      void *ud)
{
	struct kcm_job *j = malloc(sizeof(*j) + sizeof(*hdr) + len);

	if (!j)
		return -ENOMEM;
	w.p = p;
	j->next = NULL;
	j->done = done;
	j->ud = ud;
	j->len = sizeof(*hdr) + len;
	memcpy(j->msg, hdr, sizeof(*hdr));
	memcpy(j->msg + sizeof(*hdr), msg, len);
	*queue_tail = j;
	queue_tail = &j->next;
	next_job();
	return 0;
}

void kcm_worker_forget(void *ud)
{
	if (w.busy && w.busy->ud == ud)
		w.busy->done = NULL;
	for (struct kcm_job *j = queue; j; j = j->next)
		if (j->ud == ud)
			j->done = NULL;
}

void kcm_workers_stop(void)
{
	while (queue) {
		struct kcm_job *j = queue;

		queue = j->next;
		free(j);
	}
	queue_tail = &queue;
	if (w.busy)
		w.busy->done = NULL;
	worker_stop(true);
}
