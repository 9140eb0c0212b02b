// SPDX-License-Identifier: GPL-2.0
/*
 * The Kerberos side of credential bindings.
 *
 * pagd_krb5_check_keytab() runs in pagd at bind time: a keytab that cannot be
 * read or has no key for the principal is refused there, with a message
 * saying which.
 *
 * pagd_krb5_worker_serve() runs in a forked, single-threaded child
 * (workers.c) and serves one job after the other with the same krb5
 * context: for each it enters the PAG with pag.ko's privileged ENTER, so
 * that "KEYRING:session:..." names the PAG's session keyring, gets or
 * renews the TGT there, makes kafs tokens from it for the configured AFS
 * cells, leaves the PAG and answers with one struct pagd_krb5_result.  pagd
 * itself never enters a PAG, and a worker is in one only during an
 * attempt; one that cannot leave exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <krb5.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>
#include <pag/pag.h>

#include "afs/aklog.h"
#include "common/keyperm.h"
#include "common/krb5err.h"

#include "pagd/creds/creds.h"

int pagd_krb5_check_keytab(const char *principal, const char *keytab,
			   char **canon, char **msg)
{
	krb5_context ctx = NULL;
	krb5_principal princ = NULL;
	krb5_keytab kt = NULL;
	krb5_keytab_entry entry;
	krb5_error_code code;
	char buf[512], *ktname = NULL, *name = NULL;
	int fd, r = 0;

	*canon = NULL;
	*msg = NULL;
	code = krb5_init_context(&ctx);
	if (code) {
		r = -EIO;
		if (asprintf(msg, "cannot initialise Kerberos: %s",
			     krb5err(NULL, code, buf, sizeof(buf))) < 0)
			*msg = NULL;
		return r;
	}
	code = krb5_parse_name(ctx, principal, &princ);
	if (code) {
		krb5err(ctx, code, buf, sizeof(buf));
		r = -EINVAL;
		if (asprintf(msg, "bad principal '%s': %s", principal, buf) < 0)
			*msg = NULL;
		goto out;
	}
	code = krb5_unparse_name(ctx, princ, &name);
	if (code) {
		r = -ENOMEM;
		goto out;
	}
	/* libkrb5 says "Key table file not found" for any open failure. */
	fd = open(keytab, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -ENOKEY;
		if (asprintf(msg, "cannot read keytab %s: %s", keytab,
			     strerror(errno)) < 0)
			*msg = NULL;
		goto out;
	}
	close(fd);
	if (asprintf(&ktname, "FILE:%s", keytab) < 0) {
		ktname = NULL;
		r = -ENOMEM;
		goto out;
	}
	code = krb5_kt_resolve(ctx, ktname, &kt);
	if (!code)
		code = krb5_kt_get_entry(ctx, kt, princ, 0, 0, &entry);
	if (code == KRB5_KT_NOTFOUND) {
		r = -ENOKEY;
		if (asprintf(msg, "keytab %s has no key for %s", keytab, name) <
		    0)
			*msg = NULL;
		goto out;
	}
	if (code) {
		krb5err(ctx, code, buf, sizeof(buf));
		r = -ENOKEY;
		if (asprintf(msg, "cannot read keytab %s: %s", keytab, buf) < 0)
			*msg = NULL;
		goto out;
	}
	krb5_free_keytab_entry_contents(ctx, &entry);
	*canon = strdup(name);
	if (!*canon)
		r = -ENOMEM;
out:
	if (r == -ENOMEM && !*msg)
		*msg = strdup("out of memory");
	if (kt)
		krb5_kt_close(ctx, kt);
	free(ktname);
	krb5_free_unparsed_name(ctx, name);
	krb5_free_principal(ctx, princ);
	krb5_free_context(ctx);
	return r;
}

static void fail(struct pagd_krb5_result *res, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct pagd_krb5_result *res, int status, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

static void set_times(struct pagd_krb5_result *res, const krb5_creds *c)
{
	res->start =
		c->times.starttime ? c->times.starttime : c->times.authtime;
	res->end = c->times.endtime;
	res->renew_till = c->times.renew_till;
}

/*
 * Looks up the TGT of @princ in @cc.  Return: 0 with *@out filled, or a
 * krb5 error (no ccache, no TGT).
 */
static krb5_error_code find_tgt(krb5_context ctx, krb5_ccache cc,
				krb5_principal princ, krb5_creds *out)
{
	krb5_principal tgs = NULL;
	krb5_creds match;
	const krb5_data *realm = krb5_princ_realm(ctx, princ);
	krb5_error_code code;

	code = krb5_build_principal_ext(ctx, &tgs, realm->length, realm->data,
					KRB5_TGS_NAME_SIZE, KRB5_TGS_NAME,
					realm->length, realm->data, 0);
	if (code)
		return code;
	memset(&match, 0, sizeof(match));
	match.client = princ;
	match.server = tgs;
	code = krb5_cc_retrieve_cred(ctx, cc, 0, &match, out);
	krb5_free_principal(ctx, tgs);
	return code;
}

/*
 * Replaces the ccache's contents.  Re-initialising a KEYRING ccache an
 * earlier worker made can be refused; then it is destroyed and made anew.
 */
static krb5_error_code store(krb5_context ctx, krb5_ccache *cc,
			     krb5_principal princ, krb5_creds *creds)
{
	krb5_error_code code = krb5_cc_initialize(ctx, *cc, princ);

	if (code) {
		krb5_cc_destroy(ctx, *cc);
		*cc = NULL;
		code = krb5_cc_resolve(ctx, PAGD_KRB5_WORKER_CCACHE, cc);
		if (!code)
			code = krb5_cc_initialize(ctx, *cc, princ);
	}
	return code ? code : krb5_cc_store_cred(ctx, *cc, creds);
}

/*
 * kafs tokens for every configured cell, made from the TGT of @princ just
 * stored: they are replaced whenever the TGT is.  A cell without "@REALM"
 * is in the principal's realm.  Return: false after fail().
 */
static bool make_afs_tokens(struct pagd_krb5_result *res,
			    const struct pagd_krb5_job *job, krb5_context ctx,
			    krb5_const_principal princ)
{
	const krb5_data *pr = krb5_princ_realm(ctx, princ);
	struct aklog_result tok;
	char cell[256], own_realm[256], err[256];
	unsigned int removed;
	const char *realm;
	char *at;

	snprintf(own_realm, sizeof(own_realm), "%.*s", (int)pr->length,
		 pr->data);
	/* aklog reads the default ccache: the one just written. */
	setenv("KRB5CCNAME", PAGD_KRB5_WORKER_CCACHE, 1);
	for (char *const *c = job->afs_cells; c && *c; c++) {
		snprintf(cell, sizeof(cell), "%s", *c);
		at = strchr(cell, '@');
		if (at)
			*at = '\0';
		realm = at ? at + 1 : own_realm;
		if (afs_aklog_netns(cell, realm, KEY_SPEC_SESSION_KEYRING,
				    job->netns, &tok, err, sizeof(err)) < 0) {
			fail(res, PAGD_KRB5_WORKER_FAIL,
			     "cannot make a kafs token for cell %s: %s", cell,
			     err);
			return false;
		}
		/*
		 * Made in a mount's network namespace: the PAG's tokens for
		 * the cell in any other (pagd's, from before the namespace
		 * was recorded) serve no mount it uses.
		 */
		if (job->netns >= 0)
			afs_unlog_except(cell, KEY_SPEC_SESSION_KEYRING,
					 tok.key, &removed);
		/* possessor-only, as the ccache's keys (restrict_keys()) */
		if (keyctl_setperm(tok.key, KEY_POS_ALL) < 0) {
			fail(res, PAGD_KRB5_WORKER_FAIL,
			     "cannot make the kafs token for cell %s "
			     "possessor-only: %s",
			     cell, strerror(errno));
			return false;
		}
	}
	return true;
}

/*
 * The keys libkrb5 made for PAGD_KRB5_WORKER_CCACHE (its collection keyring,
 * the cache keyring, the principal, credential and primary-pointer keys)
 * get add_key()'s default permissions,
 * which let their owner, uid 0, view them from outside the PAG (in
 * /proc/keys, for one).  Members reach them as possessors, through the
 * PAG's session keyring, so possessor-only permissions cost them nothing.
 * Keys of the members' own are not touched.  (The kafs tokens are made so
 * in make_afs_tokens().)  Return: false after fail().
 */
static bool restrict_keys(struct pagd_krb5_result *res)
{
	key_serial_t coll = keyctl_search(KEY_SPEC_SESSION_KEYRING, "keyring",
					  PAGD_KRB5_WORKER_COLLECTION, 0);
	int r = 0;

	if (coll >= 0)
		r = keyperm_restrict_tree(coll);
	else if (errno != ENOKEY)
		r = -errno;
	if (r < 0 && res->status == PAGD_KRB5_WORKER_OK)
		fail(res, PAGD_KRB5_WORKER_FAIL,
		     "cannot make the PAG's Kerberos keys possessor-only: %s",
		     strerror(-r));
	return r == 0;
}

/* One attempt, in the PAG already. */
static void attempt(struct pagd_krb5_result *res,
		    const struct pagd_krb5_job *job, krb5_context ctx)
{
	krb5_principal princ = NULL;
	krb5_ccache cc = NULL;
	krb5_keytab kt = NULL;
	krb5_creds old, creds;
	bool have_old = false, have_new = false;
	time_t now = time(NULL);
	krb5_error_code code;
	char buf[384], ktname[4200];

	memset(&old, 0, sizeof(old));
	memset(&creds, 0, sizeof(creds));
	code = krb5_parse_name(ctx, job->principal, &princ);
	if (!code)
		code = krb5_cc_resolve(ctx, PAGD_KRB5_WORKER_CCACHE, &cc);
	if (code) {
		krb5err(ctx, code, buf, sizeof(buf));
		fail(res, PAGD_KRB5_WORKER_FAIL, "%s: %s",
		     PAGD_KRB5_WORKER_CCACHE, buf);
		goto out;
	}
	have_old = !find_tgt(ctx, cc, princ, &old) && old.times.endtime > now;

	/* After a restart of pagd: valid credentials are kept as they are. */
	if (have_old && !job->force) {
		time_t due =
			old.times.starttime +
			(time_t)((old.times.endtime - old.times.starttime) *
				 job->renew_fraction);

		if (due > now) {
			set_times(res, &old);
			res->kept = 1;
			goto out;
		}
	}
	/* Renew while the KDC allows it; else start again from the keytab. */
	if (have_old && (old.ticket_flags & TKT_FLG_RENEWABLE) &&
	    old.times.renew_till > now &&
	    !krb5_get_renewed_creds(ctx, &creds, princ, cc, NULL)) {
		have_new = true;
		res->renewed = 1;
	}
	if (!have_new && !strcmp(job->keytab, PAGD_KRB5_NO_KEYTAB)) {
		fail(res, PAGD_KRB5_WORKER_SPENT,
		     "the TGT of %s from a password can no longer be renewed",
		     job->principal);
		goto out;
	}
	if (!have_new) {
		krb5_get_init_creds_opt *opt = NULL;

		snprintf(ktname, sizeof(ktname), "FILE:%s", job->keytab);
		code = krb5_kt_resolve(ctx, ktname, &kt);
		if (!code)
			code = krb5_get_init_creds_opt_alloc(ctx, &opt);
		if (!code) {
			/* Ask for renewable tickets; the KDC caps the life. */
			krb5_get_init_creds_opt_set_renew_life(opt, 7 * 86400);
			code = krb5_get_init_creds_keytab(ctx, &creds, princ,
							  kt, 0, NULL, opt);
		}
		krb5_get_init_creds_opt_free(ctx, opt);
		if (code) {
			krb5err(ctx, code, buf, sizeof(buf));
			fail(res, PAGD_KRB5_WORKER_FAIL,
			     "cannot get credentials for %s: %s",
			     job->principal, buf);
			goto out;
		}
		have_new = true;
	}
	code = store(ctx, &cc, princ, &creds);
	if (code) {
		krb5err(ctx, code, buf, sizeof(buf));
		fail(res, PAGD_KRB5_WORKER_FAIL,
		     "cannot store credentials in %s: %s",
		     PAGD_KRB5_WORKER_CCACHE, buf);
		goto out;
	}
	if (!make_afs_tokens(res, job, ctx, princ))
		goto out;
	set_times(res, &creds);
out:
	if (have_new)
		krb5_free_cred_contents(ctx, &creds);
	if (have_old || old.client)
		krb5_free_cred_contents(ctx, &old);
	if (kt)
		krb5_kt_close(ctx, kt);
	if (cc)
		krb5_cc_close(ctx, cc);
	krb5_free_principal(ctx, princ);
}

/*
 * Decodes a job (struct pagd_krb5_job_msg and its strings) in place.
 * Return: false when the message is malformed.
 */
static bool decode(char *buf, size_t len, struct pagd_krb5_job *job)
{
	struct pagd_krb5_job_msg m;
	char *p = buf + sizeof(m), *end = buf + len;
	char **v;

	if (len <= sizeof(m) || buf[len - 1] != '\0')
		return false;
	memcpy(&m, buf, sizeof(m));
	if (m.n_cells > PAGD_KRB5_JOB_MAX / 2)
		return false;
	v = calloc(m.n_cells + 1, sizeof(*v));
	if (!v)
		return false;
	for (size_t i = 0; i < 2 + (size_t)m.n_cells; i++) {
		if (p >= end) {
			free(v);
			return false;
		}
		if (i == 0)
			job->principal = p;
		else if (i == 1)
			job->keytab = p;
		else
			v[i - 2] = p;
		p += strlen(p) + 1;
	}
	job->pag = m.pag;
	job->created_ns = m.created_ns;
	job->force = m.force;
	job->renew_fraction = m.renew_fraction;
	job->afs_cells = v;
	/* a job that says it has a namespace but came without is malformed */
	return !m.has_netns || job->netns >= 0;
}

/*
 * One job: into the PAG, the attempt, out again.  False: cannot leave.
 *
 * ENTER names the incarnation the binding was made for, so a PAG that has
 * the id now but was created at another time is never entered (ESTALE):
 * the tenant's tickets never reach another PAG.
 */
static bool serve_one(struct pag_handle *h, krb5_context ctx,
		      const struct pagd_krb5_job *job,
		      struct pagd_krb5_result *res)
{
	int r = job->created_ns ? pag_enter(h, job->pag, job->created_ns)
				: -ESTALE;

	if (r == -ENOENT || r == -ESRCH || r == -ESTALE) {
		fail(res, PAGD_KRB5_WORKER_GONE,
		     "PAG %d created at %llu is gone", job->pag,
		     (unsigned long long)job->created_ns);
		return true;
	}
	if (r < 0) {
		fail(res, PAGD_KRB5_WORKER_FAIL, "cannot enter PAG %d: %s",
		     job->pag, pag_errmsg(h));
		return true;
	}
	attempt(res, job, ctx);
	/* also after a failed attempt: it may have made some keys */
	restrict_keys(res);
	/* aklog's KRB5CCNAME must not name the next PAG's cache for it */
	unsetenv("KRB5CCNAME");
	return pag_leave(h) >= 0;
}

/*
 * One job's message into @buf, and the network namespace's fd that comes
 * with it, if any, in *@netns (left alone otherwise).  Return: as recv().
 */
static ssize_t recv_job(int fd, char *buf, size_t size, int *netns)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

	if (n < 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(netns, CMSG_DATA(cm), sizeof(int));
	return n;
}

void pagd_krb5_worker_serve(int fd)
{
	static char buf[PAGD_KRB5_JOB_MAX];
	struct pag_handle *h = NULL;
	krb5_context ctx = NULL;
	krb5_error_code code;
	sigset_t none;
	int r;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	r = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	code = krb5_init_context(&ctx);
	for (;;) {
		struct pagd_krb5_result res = { .status = PAGD_KRB5_WORKER_OK };
		struct pagd_krb5_job job = { .netns = -1 };
		bool stay = true;
		ssize_t n = recv_job(fd, buf, sizeof(buf), &job.netns);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* without pag.ko or Kerberos, a fresh worker tries again */
		if (!decode(buf, (size_t)n, &job)) {
			fail(&res, PAGD_KRB5_WORKER_FAIL,
			     "malformed job for the credential worker");
		} else if (r < 0) {
			fail(&res, PAGD_KRB5_WORKER_FAIL,
			     "cannot reach pag.ko: %s", strerror(-r));
			stay = false;
		} else if (code) {
			char why[KRB5ERR_MAX];

			fail(&res, PAGD_KRB5_WORKER_FAIL,
			     "cannot initialise Kerberos: %s",
			     krb5err(NULL, code, why, sizeof(why)));
			stay = false;
		} else {
			stay = serve_one(h, ctx, &job, &res);
		}
		free((void *)job.afs_cells);
		if (job.netns >= 0)
			close(job.netns);
		if (send(fd, &res, sizeof(res), MSG_NOSIGNAL) != sizeof(res) ||
		    !stay)
			break;
	}
	_exit(0);
}
