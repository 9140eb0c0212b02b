// SPDX-License-Identifier: GPL-2.0
/*
 * The password authentication worker (krb5_auth.h).
 *
 * One fork per attempt: the child gets the password by the fork itself
 * (copied into locked memory that core dumps leave out, then wiped in the
 * parent by the caller), asks the KDC for a TGT with
 * krb5_get_init_creds_password(), and writes one struct auth_result to its
 * pipe.  Nothing of one attempt outlives it, so no tenant's secret sits in
 * a process that serves another.  The TGT, asked renewable, comes back
 * after the result, marshalled (krb5_marshal_credentials()), and is read
 * straight into a locked buffer (locked.h) that the caller keeps until
 * the session opens (held.c); the worker wipes its copies before it
 * exits.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <krb5.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/krb5err.h"
#include "common/krb5pam.h"
#include "common/log.h"
#include "pagd/pam/krb5_auth.h"

/* What the worker writes: this, then tgt_len bytes of marshalled TGT. */
struct auth_result {
	int32_t pam_status;
	uint32_t tgt_len;
	int32_t offline;
	char hash[128];
	char message[KRB5ERR_MAX];
};

struct pam_auth {
	pid_t pid;
	int fd;
	sd_event_source *io, *timer;
	pam_auth_done_fn done;
	void *ud;
};

static unsigned int n_running;

/* Writes all of @len bytes of @buf.  Return: false on a failure. */
static bool write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The result, then the TGT (@tgt: NULL or marshalled credentials). */
static void answer(int fd, struct auth_result *res, krb5_data *tgt)
{
	if (tgt && tgt->length > PAM_TGT_MAX) {
		res->pam_status = PAM_SYSTEM_ERR;
		snprintf(res->message, sizeof(res->message),
			 "the TGT is larger than %d bytes", PAM_TGT_MAX);
		tgt = NULL;
	}
	res->tgt_len = tgt ? tgt->length : 0;
	if (!write_all(fd, res, sizeof(*res)) ||
	    (tgt && !write_all(fd, tgt->data, tgt->length)))
		_exit(1);
}

/*
 * A new yescrypt hash of @pw with a fresh salt (libxcrypt's default cost),
 * or "" when libxcrypt cannot make one (then nothing is cached).
 */
static void make_hash(const char *pw, struct auth_result *res)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h = NULL;

	if (cd && crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)))
		h = crypt_rn(pw, salt, cd, sizeof(*cd));
	if (h && h[0] == '$' && strlen(h) < sizeof(res->hash))
		snprintf(res->hash, sizeof(res->hash), "%s", h);
	if (cd) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
}

/* The KDC is out of reach: the cached hash decides. */
static void check_offline(const char *pw, const char *hash,
			  struct auth_result *res)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h = cd ? crypt_rn(pw, hash, cd, sizeof(*cd)) : NULL;
	size_t n = strlen(hash);
	unsigned char diff = 0;

	res->offline = 1;
	if (!h || h[0] == '*' || strlen(h) != n) {
		res->pam_status = h ? PAM_AUTH_ERR : PAM_SYSTEM_ERR;
	} else {
		/* all bytes, whatever the first that differs */
		for (size_t i = 0; i < n; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		res->pam_status = diff ? PAM_AUTH_ERR : PAM_SUCCESS;
	}
	snprintf(res->message, sizeof(res->message), "%s",
		 res->pam_status == PAM_SUCCESS ? ""
		 : h ? "the password does not match the cached one"
		     : "cannot check the cached password");
	if (cd) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
}

static void attempt(int fd, const char *principal, const char *pw,
		    const struct pam_auth_offline *off, struct auth_result *res)
{
	krb5_data *tgt = NULL;
	krb5_context ctx = NULL;
	krb5_principal who = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_error_code e;

	memset(&creds, 0, sizeof(creds));
	e = krb5_init_context(&ctx);
	if (!e)
		e = krb5_parse_name(ctx, principal, &who);
	if (!e)
		e = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (!e) {
		/* a login's TGT, not a service ticket for kpasswd */
		krb5_get_init_creds_opt_set_change_password_prompt(opt, 0);
		/* pagd renews it in the session's PAG; the KDC caps the life */
		krb5_get_init_creds_opt_set_renew_life(opt, 7 * 86400);
		e = krb5_get_init_creds_password(ctx, &creds, who, pw, NULL,
						 NULL, 0, NULL, opt);
	}
	res->pam_status = krb5pam_status(e);
	if (e)
		krb5err(ctx, e, res->message, sizeof(res->message));
	if (res->pam_status == PAM_AUTHINFO_UNAVAIL && off->hash)
		check_offline(pw, off->hash, res);
	else if (!e && off->make_hash)
		make_hash(pw, res);
	if (!e && (e = krb5_marshal_credentials(ctx, &creds, &tgt)) != 0) {
		res->pam_status = PAM_SYSTEM_ERR;
		krb5err(ctx, e, res->message, sizeof(res->message));
	}
	answer(fd, res, tgt);
	if (tgt) {
		explicit_bzero(tgt->data, tgt->length);
		krb5_free_data(ctx, tgt);
	}
	if (ctx) {
		krb5_free_cred_contents(ctx, &creds);
		krb5_get_init_creds_opt_free(ctx, opt);
		krb5_free_principal(ctx, who);
		krb5_free_context(ctx);
	}
}

static void __attribute__((noreturn))
child(int fd, const char *principal, const uint8_t *pw, size_t len,
      const struct pam_auth_offline *off)
{
	struct auth_result res = { .pam_status = PAM_SYSTEM_ERR };
	size_t size = (len + 1 + 4095) & ~(size_t)4095;
	char *copy;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	copy = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED) {
		snprintf(res.message, sizeof(res.message), "no memory");
	} else {
		mlock(copy, size);
		madvise(copy, size, MADV_DONTDUMP);
		memcpy(copy, pw, len);
		copy[len] = '\0';
		attempt(fd, principal, copy, off, &res);
		explicit_bzero(copy, size);
		_exit(0);
	}
	answer(fd, &res, NULL);
	_exit(0);
}

static void finish(struct pam_auth *a, int status, const char *msg,
		   struct locked_buf *tgt, const struct auth_result *res)
{
	struct pam_auth_outcome o = { 0 };
	pam_auth_done_fn done = a->done;
	void *ud = a->ud;

	if (res) {
		o.offline = res->offline;
		memcpy(o.hash, res->hash, sizeof(o.hash));
		o.hash[sizeof(o.hash) - 1] = '\0';
	}
	a->done = NULL;
	pam_auth_cancel(a);
	done(ud, status, msg, tgt, &o);
	explicit_bzero(&o, sizeof(o));
}

/* Reads @len bytes the worker wrote (it writes all, then exits). */
static bool read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static int on_result(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct pam_auth *a = ud;
	struct locked_buf tgt = { 0 };
	struct auth_result res;
	int r;

	if (!read_all(fd, &res, sizeof(res))) {
		finish(a, PAM_SYSTEM_ERR,
		       "the authentication worker ended without an answer",
		       NULL, NULL);
		return 0;
	}
	res.message[sizeof(res.message) - 1] = '\0';
	/* offline, the cached hash said yes: there is no TGT */
	if (res.pam_status == PAM_SUCCESS && !res.offline) {
		r = res.tgt_len && res.tgt_len <= PAM_TGT_MAX
			    ? locked_alloc(&tgt, res.tgt_len)
			    : -EBADMSG;
		if (r < 0 || !read_all(fd, tgt.data, tgt.len)) {
			locked_free(&tgt);
			finish(a, PAM_SYSTEM_ERR,
			       r == -EBADMSG ? "the authentication worker "
					       "sent no TGT"
			       : r < 0	     ? "no locked memory for the TGT "
					       "(RLIMIT_MEMLOCK?)"
					     : "the authentication worker "
					       "sent part of a TGT",
			       NULL, NULL);
			return 0;
		}
	}
	finish(a, res.pam_status, res.message, tgt.data ? &tgt : NULL, &res);
	explicit_bzero(&res, sizeof(res));
	locked_free(&tgt);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	finish(ud, PAM_AUTHINFO_UNAVAIL,
	       "the KDC did not answer in time (worker killed)", NULL, NULL);
	return 0;
}

int pam_auth_start(sd_event *ev, const char *principal, const uint8_t *pw,
		   size_t len, const struct pam_auth_offline *off,
		   pam_auth_done_fn done, void *ud, struct pam_auth **out)
{
	struct pam_auth *a;
	int fds[2], r;

	if (n_running >= PAM_AUTH_MAX_WORKERS)
		return -EBUSY;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(a);
		return -errno;
	}
	a->pid = fork();
	if (a->pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		free(a);
		return r;
	}
	if (a->pid == 0) {
		/* nothing of pagd but the pipe: no socket, no database */
		if (dup2(fds[1], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		child(3, principal, pw, len, off);
	}
	close(fds[1]);
	a->fd = fds[0];
	a->done = done;
	a->ud = ud;
	n_running++;
	r = sd_event_add_io(ev, &a->io, a->fd, EPOLLIN, on_result, a);
	if (r >= 0)
		r = sd_event_add_time_relative(
			ev, &a->timer, CLOCK_MONOTONIC,
			PAM_AUTH_TIMEOUT_SEC * 1000000ULL, 0, on_timeout, a);
	if (r < 0) {
		a->done = NULL;
		pam_auth_cancel(a);
		return r;
	}
	*out = a;
	return 0;
}

/* Ends the worker (it may still be asking) and frees @a, without done(). */
void pam_auth_cancel(struct pam_auth *a)
{
	if (!a)
		return;
	sd_event_source_disable_unref(a->io);
	sd_event_source_disable_unref(a->timer);
	close(a->fd);
	kill(a->pid, SIGKILL);
	while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
		;
	n_running--;
	free(a);
}
