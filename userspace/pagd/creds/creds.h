/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Credential bindings: a PAG bound to a Kerberos principal whose keys pagd
 * reads from a keytab on the host.  creds.c keeps the bindings, their
 * state and timers; krb5_worker.c does the Kerberos work in forked workers
 * that enter the PAG.
 */
#ifndef PAGD_CREDS_H
#define PAGD_CREDS_H

#include <stdbool.h>
#include <stdint.h>

#include "pagd-client/api.h"

struct pagd;

/* What processes in the PAG set KRB5CCNAME to. */
#define PAGD_KRB5_WORKER_CCACHE PAGD_CCACHE
/* The keyring in which libkrb5 keeps that collection ("_krb_" + name). */
#define PAGD_KRB5_WORKER_COLLECTION PAGD_CCACHE_COLLECTION

/* The job a worker is given. */
struct pagd_krb5_job {
	int32_t pag;
	uint64_t created_ns; /* the incarnation; ENTER refuses any other */
	const char *principal;
	const char *keytab;
	double renew_fraction;
	bool force; /* false: keep credentials not yet due for renewal */
	char *const *afs_cells; /* kafs tokens to make: "CELL[@REALM]" */
	int netns; /* where kafs looks for them (nsfs fd); -1: pagd's own */
};

enum pagd_krb5_worker_status {
	PAGD_KRB5_WORKER_OK,
	PAGD_KRB5_WORKER_FAIL,
	PAGD_KRB5_WORKER_GONE, /* the PAG (that incarnation) no longer exists */
	PAGD_KRB5_WORKER_SPENT, /* no keytab and the TGT cannot be renewed */
};

/* The keytab of a binding whose TGT came from a password (pam/). */
#define PAGD_KRB5_NO_KEYTAB ""

/* What a worker writes to its pipe, once.  Times are Unix seconds. */
struct pagd_krb5_result {
	int32_t status;
	int32_t renewed; /* a renewal rather than an initial request */
	int32_t kept;	 /* the credentials in the PAG were still good */
	int64_t start, end, renew_till;
	char message[384];
};

/*
 * A job on the wire: this header, then the principal, the keytab and
 * n_cells AFS cells, each NUL-terminated; PAGD_KRB5_JOB_MAX bytes at most.
 * With has_netns the message carries the network namespace's fd
 * (SCM_RIGHTS).
 */
struct pagd_krb5_job_msg {
	int32_t pag;
	uint32_t force;
	uint64_t created_ns;
	double renew_fraction;
	uint32_t n_cells;
	uint32_t has_netns;
};

#define PAGD_KRB5_JOB_MAX 65536

/* krb5_worker.c */
/*
 * pagd_krb5_check_keytab() - can @keytab give credentials for @principal?
 * Return: 0 with *@canon the principal with its realm; -EINVAL (bad
 * principal) or -ENOKEY (keytab missing, unreadable, no key) with *@msg
 * saying which; both malloc'ed.
 */
int pagd_krb5_check_keytab(const char *principal, const char *keytab,
			   char **canon, char **msg);
/*
 * In a forked child: a struct pagd_krb5_result on @fd for every job read from
 * it, until EOF; then _exit().
 */
void pagd_krb5_worker_serve(int fd) __attribute__((noreturn));

/* workers.c */
struct cred_worker;
/* @res: the worker's result, or a failure saying why there is none */
typedef void (*cred_worker_done_fn)(void *ud,
				    const struct pagd_krb5_result *res);

void cred_workers_start(struct pagd *p);
void cred_workers_stop(void);
void cred_workers_recycle(void);
/* Whether fewer than cred_workers jobs are running. */
bool cred_workers_free(void);
int cred_worker_submit(const struct pagd_krb5_job *job,
		       cred_worker_done_fn done, void *ud,
		       struct cred_worker **out);
void cred_worker_cancel(struct cred_worker *w);

/* creds.c */
int creds_start(struct pagd *p);
void creds_stop(struct pagd *p);
int creds_bind(struct pagd *p, int32_t pag, uint64_t created_ns,
	       const char *principal, const char *keytab, char **msg);
/*
 * creds_bind_password() - renew the TGT of @principal that a login stored
 * in PAG (@pag, @created_ns) while the KDC lets it be renewed; no keytab,
 * so the binding ends when the TGT can no longer be renewed.
 * Return: 0, or a negative errno.
 */
int creds_bind_password(struct pagd *p, int32_t pag, uint64_t created_ns,
			const char *principal);
/*
 * Drops the bindings whose principal no profile lists, and moves the others
 * to their profile's keytab (at start, and after a reload).
 */
int creds_apply_profiles(struct pagd *p);
int creds_set_netns(struct pagd *p, int32_t pag, uint64_t created_ns, int fd,
		    const char **msg);
int creds_renew(struct pagd *p, int32_t pag, uint64_t created_ns);
/*
 * Return: 0, or -ENOENT when @pag has no credential binding for the
 * incarnation @created_ns (0: whichever).
 */
int creds_unbind(struct pagd *p, int32_t pag, uint64_t created_ns,
		 const char *why);
/*
 * Whether @pag has a credential binding (a lookup in memory), and for
 * which creation time (0: recorded without one).
 */
bool creds_bound(int32_t pag, uint64_t *created_ns);

struct creds_info {
	uint64_t created_ns;
	const char *principal;
	const char *state;
	const char *message;
	const char *ccache;
	uint64_t expires, next_attempt, failing_since; /* realtime µs */
};

/* Return: 0, or -ENOENT.  The strings live until the next change. */
int creds_get(struct pagd *p, int32_t pag, struct creds_info *info);

/*
 * Calls @fn for every binding, in no particular order, until it returns
 * non-zero.  Return: what @fn last returned, or 0.
 */
int creds_foreach(struct pagd *p,
		  int (*fn)(int32_t pag, const struct creds_info *info,
			    void *ud),
		  void *ud);

#endif /* PAGD_CREDS_H */
