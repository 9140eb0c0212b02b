// SPDX-License-Identifier: GPL-2.0
/*
 * The worker that puts a login's TGT into its session's PAG (tgt_store.h).
 *
 * One fork per session: the held TGT's pages are not inherited
 * (MADV_DONTFORK, locked.c), so the child reads this TGT, and no other,
 * from a socket into locked memory of its own.  It enters the PAG with
 * pag.ko's privileged ENTER naming the incarnation the session made (a PAG
 * that has the id now but another creation time is refused, ESTALE),
 * writes the TGT into KEYRING:session:pagd, makes those keys
 * possessor-only as the credential workers do, wipes its copy and exits
 * with one struct store_result on the socket.
 */
#include <errno.h>
#include <krb5.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <pag/pag.h>

#include "common/keyperm.h"
#include "common/krb5err.h"
#include "pagd/creds/creds.h"
#include "pagd/pam/krb5_auth.h"
#include "pagd/pam/tgt_store.h"

struct store_job {
	int32_t pag;
	uint32_t len;
	uint64_t created_ns;
};

struct store_result {
	int32_t status;
	char message[KRB5ERR_MAX];
};

struct tgt_store {
	pid_t pid;
	int fd;
	sd_event_source *io, *timer;
	tgt_store_done_fn done;
	void *ud;
};

static void fail(struct store_result *res, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct store_result *res, int status, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

/* In the PAG: the credentials into the worker ccache, keys restricted. */
static void store(struct store_result *res, const struct locked_buf *tgt)
{
	krb5_context ctx = NULL;
	krb5_creds *creds = NULL;
	krb5_ccache cc = NULL;
	krb5_data marshalled;
	key_serial_t coll;
	krb5_error_code e;
	char why[KRB5ERR_MAX];
	int r = 0;

	memset(&marshalled, 0, sizeof(marshalled));
	marshalled.data = (char *)tgt->data;
	marshalled.length = (unsigned int)tgt->len;
	e = krb5_init_context(&ctx);
	if (!e)
		e = krb5_unmarshal_credentials(ctx, &marshalled, &creds);
	if (!e)
		e = krb5_cc_resolve(ctx, PAGD_KRB5_WORKER_CCACHE, &cc);
	if (!e)
		e = krb5_cc_initialize(ctx, cc, creds->client);
	if (!e)
		e = krb5_cc_store_cred(ctx, cc, creds);
	if (e) {
		fail(res, TGT_STORE_FAIL, "cannot store the TGT in %s: %s",
		     PAGD_KRB5_WORKER_CCACHE,
		     krb5err(ctx, e, why, sizeof(why)));
	}
	coll = keyctl_search(KEY_SPEC_SESSION_KEYRING, "keyring",
			     PAGD_KRB5_WORKER_COLLECTION, 0);
	if (coll >= 0)
		r = keyperm_restrict_tree(coll);
	if (r < 0 && res->status == TGT_STORE_OK)
		fail(res, TGT_STORE_FAIL,
		     "cannot make the TGT's keys possessor-only: %s",
		     strerror(-r));
	if (cc)
		krb5_cc_close(ctx, cc);
	if (creds) {
		krb5_free_cred_contents(ctx, creds);
		free(creds);
	}
	if (ctx)
		krb5_free_context(ctx);
}

static void __attribute__((noreturn)) child(int fd)
{
	struct store_result res = { .status = TGT_STORE_OK };
	struct locked_buf tgt = { 0 };
	struct pag_handle *h = NULL;
	struct store_job job;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	if (recv(fd, &job, sizeof(job), MSG_WAITALL) != sizeof(job) ||
	    !job.len || job.len > PAM_TGT_MAX) {
		fail(&res, TGT_STORE_FAIL, "malformed job for the TGT worker");
		goto out;
	}
	r = locked_alloc(&tgt, job.len);
	if (r < 0) {
		fail(&res, TGT_STORE_FAIL, "no locked memory for the TGT: %s",
		     strerror(-r));
		goto out;
	}
	if (recv(fd, tgt.data, tgt.len, MSG_WAITALL) != (ssize_t)tgt.len) {
		fail(&res, TGT_STORE_FAIL, "the TGT did not reach its worker");
		goto out;
	}
	r = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	if (r < 0) {
		fail(&res, TGT_STORE_FAIL, "cannot reach pag.ko: %s",
		     strerror(-r));
		goto out;
	}
	r = pag_enter(h, job.pag, job.created_ns);
	if (r == -ENOENT || r == -ESRCH || r == -ESTALE)
		fail(&res, TGT_STORE_GONE, "PAG %d created at %llu is gone",
		     job.pag, (unsigned long long)job.created_ns);
	else if (r < 0)
		fail(&res, TGT_STORE_FAIL, "cannot enter PAG %d: %s", job.pag,
		     pag_errmsg(h));
	else
		store(&res, &tgt);
	/* the process exits: it leaves the PAG with it */
out:
	locked_free(&tgt);
	if (send(fd, &res, sizeof(res), MSG_NOSIGNAL) != sizeof(res))
		_exit(1);
	_exit(0);
}

static void finish(struct tgt_store *t, int status, const char *msg)
{
	tgt_store_done_fn done = t->done;
	void *ud = t->ud;

	t->done = NULL;
	tgt_store_cancel(t);
	done(ud, status, msg);
}

static int on_result(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct store_result res;

	(void)s;
	(void)revents;
	if (recv(fd, &res, sizeof(res), MSG_DONTWAIT) != sizeof(res)) {
		finish(ud, TGT_STORE_FAIL,
		       "the TGT worker ended without an answer");
		return 0;
	}
	res.message[sizeof(res.message) - 1] = '\0';
	finish(ud, res.status, res.message);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	finish(ud, TGT_STORE_FAIL, "the TGT worker did not answer in time");
	return 0;
}

int tgt_store_start(sd_event *ev, int32_t pag, uint64_t created_ns,
		    const struct locked_buf *tgt, tgt_store_done_fn done,
		    void *ud, struct tgt_store **out)
{
	struct store_job job = { .pag = pag,
				 .len = (uint32_t)tgt->len,
				 .created_ns = created_ns };
	struct tgt_store *t;
	int fds[2], r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		free(t);
		return -errno;
	}
	t->pid = fork();
	if (t->pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		free(t);
		return r;
	}
	if (t->pid == 0) {
		/* nothing of pagd but the socket */
		if (dup2(fds[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		child(3);
	}
	close(fds[1]);
	t->fd = fds[0];
	t->done = done;
	t->ud = ud;
	/* the socket's buffer holds a job of PAM_TGT_MAX bytes */
	r = send(t->fd, &job, sizeof(job), MSG_NOSIGNAL) == sizeof(job) &&
			    send(t->fd, tgt->data, tgt->len, MSG_NOSIGNAL) ==
				    (ssize_t)tgt->len
		    ? 0
		    : -EIO;
	if (!r)
		r = sd_event_add_io(ev, &t->io, t->fd, EPOLLIN, on_result, t);
	if (r >= 0)
		r = sd_event_add_time_relative(ev, &t->timer, CLOCK_MONOTONIC,
					       PAM_TGT_STORE_TIMEOUT_SEC *
						       1000000ULL,
					       0, on_timeout, t);
	if (r < 0) {
		t->done = NULL;
		tgt_store_cancel(t);
		return r;
	}
	*out = t;
	return 0;
}

/* Ends the worker and frees @t, without done(). */
void tgt_store_cancel(struct tgt_store *t)
{
	if (!t)
		return;
	sd_event_source_disable_unref(t->io);
	sd_event_source_disable_unref(t->timer);
	close(t->fd);
	kill(t->pid, SIGKILL);
	while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(t);
}
