// SPDX-License-Identifier: GPL-2.0
/*
 * Credential bindings: their state, schedule and workers.
 *
 * A binding (PAG, principal, keytab) is kept in LMDB (state.c) and in
 * memory with its state: acquiring, ok, renewing or failing.  Every attempt
 * is a job for a worker process (workers.c, krb5_worker.c) that enters
 * the PAG and gets or renews the TGT into KEYRING:session:pagd there; at
 * most cred_workers run at once, the others wait in the order they became
 * due.  A success schedules
 * the next renewal at cred_renew_percent of the ticket's lifetime, less a
 * random jitter of up to 5% so that bindings made together do not renew
 * together; a failure retries after cred_retry_min seconds, doubling up to
 * cred_retry_max.
 *
 * After a restart every binding gets a worker at once, which keeps the
 * credentials in the PAG when they are not yet due: the schedule resumes
 * from the tickets themselves, which are the truth.
 *
 * Bindings are found by PAG in a tree and wait for a worker in a FIFO, so
 * that a bus call or a freed slot costs the same with ten thousand bindings
 * as with ten (tests/bench/pagd_creds.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timefmt.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"

#define USEC 1000000ULL

enum cred_state {
	CRED_ACQUIRING,
	CRED_OK,
	CRED_RENEWING,
	CRED_FAILING,
};

static const char *const state_names[] = {
	[CRED_ACQUIRING] = "acquiring",
	[CRED_OK] = "ok",
	[CRED_RENEWING] = "renewing",
	[CRED_FAILING] = "failing",
};

struct cred {
	struct cred *wait_prev, *wait_next; /* in the queue while queued */
	int32_t pag;
	uint64_t created_ns; /* with pag, the PAG bound; 0: unknown */
	char *principal;
	char *keytab;
	enum cred_state state;
	char *message;
	uint64_t expires;	/* realtime µs of the TGT's end, 0: none */
	uint64_t next_attempt;	/* realtime µs, 0 while a worker runs */
	uint64_t failing_since; /* realtime µs, 0 when not failing */
	unsigned int failures;
	bool queued; /* waiting for a worker slot */
	bool force;  /* the next worker must renew, not keep */
	int netns;   /* where its kafs tokens go (nsfs fd); -1: pagd's own */
	bool netns_lost; /* it had one, which a restart could not find again */

	sd_event_source *timer;	    /* the next attempt */
	struct cred_worker *worker; /* the one at work for it, or NULL */
};

static void *creds; /* tsearch() tree of struct cred by PAG */
static struct cred *queue_head, *queue_tail; /* waiting for a worker */
static struct pagd *pagd;

static uint64_t now_rt(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t rand_below(uint64_t n)
{
	uint64_t v = 0;

	if (!n)
		return 0;
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint64_t)now_rt() * 6364136223846793005ULL;
	return v % n;
}

static int by_pag(const void *a, const void *b)
{
	const struct cred *x = a, *y = b;

	return (x->pag > y->pag) - (x->pag < y->pag);
}

static struct cred *find(int32_t pag)
{
	struct cred key = { .pag = pag };
	void *node = tfind(&key, &creds, by_pag);

	return node ? *(struct cred **)node : NULL;
}

/* Wait for a worker slot, behind those already waiting. */
static void enqueue(struct cred *c)
{
	if (c->queued)
		return;
	c->wait_prev = queue_tail;
	c->wait_next = NULL;
	if (queue_tail)
		queue_tail->wait_next = c;
	else
		queue_head = c;
	queue_tail = c;
	c->queued = true;
}

static void dequeue(struct cred *c)
{
	if (!c->queued)
		return;
	if (c->wait_prev)
		c->wait_prev->wait_next = c->wait_next;
	else
		queue_head = c->wait_next;
	if (c->wait_next)
		c->wait_next->wait_prev = c->wait_prev;
	else
		queue_tail = c->wait_prev;
	c->queued = false;
}

static void set_state(struct cred *c, enum cred_state st, const char *msg)
{
	bool changed = c->state != st ||
		       strcmp(c->message ? c->message : "", msg ? msg : "");
	char *m = strdup(msg ? msg : "");

	if (!m)
		return; /* keep the old message rather than none */
	free(c->message);
	c->message = m;
	c->state = st;
	if (changed)
		bus_emit_credentials_changed(pagd, c->pag, state_names[st],
					     c->message);
}

static void stop_worker(struct cred *c)
{
	if (c->worker)
		cred_worker_cancel(c->worker);
	c->worker = NULL;
}

static void cred_free(struct cred *c)
{
	dequeue(c);
	stop_worker(c);
	sd_event_source_disable_unref(c->timer);
	if (c->netns >= 0)
		close(c->netns);
	free(c->principal);
	free(c->keytab);
	free(c->message);
	free(c);
}

static void start_worker(struct cred *c);

/* Start the longest waiting bindings while slots are free. */
static void dispatch(void)
{
	struct cred *c;

	while (cred_workers_free() && (c = queue_head)) {
		dequeue(c);
		start_worker(c);
	}
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct cred *c = ud;

	(void)s;
	(void)usec;
	enqueue(c);
	dispatch();
	return 0;
}

/* The next attempt at realtime @at (µs). */
static void schedule(struct cred *c, uint64_t at)
{
	int r;

	c->next_attempt = at;
	if (!c->timer) {
		r = sd_event_add_time(pagd->event, &c->timer, CLOCK_REALTIME,
				      at, USEC / 10, on_timer, c);
	} else {
		r = sd_event_source_set_time(c->timer, at);
		if (r >= 0)
			r = sd_event_source_set_enabled(c->timer,
							SD_EVENT_ONESHOT);
	}
	if (r < 0)
		log_errno(LOG_ERR, r,
			  "PAG %d: cannot schedule its credentials: %m",
			  c->pag);
}

static void on_success(struct cred *c, const struct pagd_krb5_result *res)
{
	char until[TIMEFMT_MAX];
	uint64_t start = (uint64_t)res->start * USEC;
	uint64_t end = (uint64_t)res->end * USEC, life, at, now = now_rt();

	life = end > start ? end - start : 0;
	at = start + life * pagd->cfg->cred_renew_percent / 100;
	at -= rand_below(life / 20 + 1);
	if (at < now + USEC)
		at = now + USEC;
	c->expires = end;
	c->failures = 0;
	c->failing_since = 0;
	c->force = true;
	log_info("PAG %d: credentials for %s %s, valid until %s, next "
		 "renewal in %llu s",
		 c->pag, c->principal,
		 res->kept	? "kept"
		 : res->renewed ? "renewed"
				: "acquired",
		 timefmt((time_t)res->end, until, sizeof(until)),
		 (unsigned long long)((at - now) / USEC));
	schedule(c, at);
	set_state(c, CRED_OK, "");
}

static void on_failure(struct cred *c, const char *msg)
{
	unsigned int shift = c->failures < 20 ? c->failures : 20;
	uint64_t delay = (uint64_t)pagd->cfg->cred_retry_min << shift;
	uint64_t now = now_rt();

	if (delay > pagd->cfg->cred_retry_max)
		delay = pagd->cfg->cred_retry_max;
	delay = delay * USEC;
	delay += rand_below(delay / 10 + 1);
	if (!c->failures++)
		c->failing_since = now;
	if (c->expires && c->expires <= now)
		c->expires = 0;
	log_warning("PAG %d: %s (attempt %u, next in %llu s)", c->pag, msg,
		    c->failures, (unsigned long long)(delay / USEC));
	schedule(c, now + delay);
	set_state(c, CRED_FAILING, msg);
}

static void worker_done(void *ud, const struct pagd_krb5_result *res)
{
	struct cred *c = ud;

	c->worker = NULL;
	if (res->status == PAGD_KRB5_WORKER_GONE)
		pagd_pag_gone(pagd, c->pag, c->created_ns, "is gone");
	else if (res->status == PAGD_KRB5_WORKER_SPENT)
		creds_unbind(pagd, c->pag, c->created_ns, res->message);
	else if (res->status != PAGD_KRB5_WORKER_OK)
		on_failure(c, res->message);
	else
		on_success(c, res);
	dispatch();
}

static void start_worker(struct cred *c)
{
	struct pagd_krb5_job job = {
		.pag = c->pag,
		.created_ns = c->created_ns,
		.principal = c->principal,
		.keytab = c->keytab,
		.renew_fraction = pagd->cfg->cred_renew_percent / 100.0,
		.force = c->force,
		.afs_cells = pagd->cfg->afs_cells,
		.netns = c->netns,
	};
	int r;

	if (c->netns_lost) {
		on_failure(c, "the network namespace its kafs tokens go to was "
			      "not found again after pagd restarted; bind the "
			      "PAG again");
		return;
	}
	r = cred_worker_submit(&job, worker_done, c, &c->worker);
	if (r < 0) {
		log_errno(LOG_ERR, r, "PAG %d: no credential worker: %m",
			  c->pag);
		on_failure(c, r == -EMSGSIZE
				      ? "the binding is too large for a "
					"credential worker"
				      : "cannot start a credential worker");
		return;
	}
	c->next_attempt = 0;
	if (c->state == CRED_OK)
		set_state(c, CRED_RENEWING, "");
}

/* A new binding in memory, queued for a worker. */
static int add(int32_t pag, uint64_t created_ns, const char *principal,
	       const char *keytab, bool force)
{
	struct cred *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->pag = pag;
	c->created_ns = created_ns;
	c->force = force;
	c->netns = -1;
	c->principal = strdup(principal);
	c->keytab = strdup(keytab);
	c->message = strdup("");
	if (!c->principal || !c->keytab || !c->message ||
	    !tsearch(c, &creds, by_pag)) {
		cred_free(c);
		return -ENOMEM;
	}
	enqueue(c);
	return 0;
}

static void free_one(void *c)
{
	cred_free(c);
}

/*
 * Network namespaces.  A binding's kafs tokens are made in the network
 * namespace of the kafs mount its PAG's processes use (kafs looks tokens
 * up in the mount's).  pagd's own is the default; another one, recorded
 * with creds_set_netns(), is held open and pinned by a bind mount of its
 * nsfs file at RUN_DIR/netns/PAG-CREATED_NS, as ip-netns(8) pins its own,
 * so that a restarted pagd finds it again.
 */

/* The pin of @pag's incarnation @created_ns into @buf. */
static void pin_path(int32_t pag, uint64_t created_ns, char *buf, size_t size)
{
	snprintf(buf, size, "%s/netns/%d-%llu", pagd->cfg->run_dir, pag,
		 (unsigned long long)created_ns);
}

static void unpin(const struct cred *c)
{
	char path[PATH_MAX];

	pin_path(c->pag, c->created_ns, path, sizeof(path));
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		log_errno(LOG_WARNING, -errno, "cannot unmount %s: %m", path);
	if (unlink(path) < 0 && errno != ENOENT)
		log_errno(LOG_WARNING, -errno, "cannot remove %s: %m", path);
}

static int pin(const struct cred *c, int fd)
{
	char path[PATH_MAX], dir[PATH_MAX], src[64];
	int f;

	snprintf(dir, sizeof(dir), "%s/netns", pagd->cfg->run_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	pin_path(c->pag, c->created_ns, path, sizeof(path));
	unpin(c);
	f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	if (f < 0)
		return -errno;
	close(f);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
		f = -errno;
		unlink(path);
		return f;
	}
	return 0;
}

/* Is @fd a network namespace?  Then 1, or 2 when it is pagd's own. */
static int netns_kind(int fd)
{
	struct stat a, b;

	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		return 0;
	if (fstat(fd, &a) < 0 || stat("/proc/self/ns/net", &b) < 0)
		return 1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 2 : 1;
}

/* After a restart: the pinned namespace of @c, if it had one. */
static void restore_netns(struct cred *c)
{
	char path[PATH_MAX];
	int fd;

	pin_path(c->pag, c->created_ns, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (netns_kind(fd) == 1) {
		c->netns = fd;
		return;
	}
	close(fd);
	log_error("PAG %d: %s no longer pins its network namespace: its kafs "
		  "tokens are not made until it is bound again",
		  c->pag, path);
	c->netns_lost = true;
}

/*
 * Makes @c's credentials anew at once, whatever is still valid; its state
 * goes back to acquiring, so that a caller waiting for "ok" waits for them.
 */
static void remake(struct cred *c)
{
	stop_worker(c);
	c->force = true;
	if (c->timer)
		sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
	set_state(c, CRED_ACQUIRING, "");
	enqueue(c);
	dispatch();
}

/**
 * creds_set_netns() - where @pag's kafs tokens are made from now on
 * @p: the daemon
 * @pag: a PAG with a credential binding
 * @created_ns: its incarnation (0: whichever is bound)
 * @fd: a network namespace (an open /proc/PID/ns/net); pagd's own means
 *	the default again
 * @msg: on failure, what was wrong (static)
 *
 * The binding's credentials are made anew at once, its state going back to
 * acquiring, so that a caller waiting for "ok" waits for tokens in @fd.
 *
 * Return: 0, -ENOENT (no binding for that incarnation), -EINVAL (@fd is
 * no network namespace), or another negative errno.
 */
int creds_set_netns(struct pagd *p, int32_t pag, uint64_t created_ns, int fd,
		    const char **msg)
{
	struct cred *c = find(pag);
	int kind = netns_kind(fd), own = -1, r;

	(void)p;
	*msg = NULL;
	if (!c || (created_ns && c->created_ns != created_ns)) {
		*msg = "the PAG has no credential binding";
		return -ENOENT;
	}
	if (!kind) {
		*msg = "the file descriptor is not a network namespace";
		return -EINVAL;
	}
	if (kind == 1) {
		own = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (own < 0)
			return -errno;
		r = pin(c, own);
		if (r < 0) {
			log_errno(LOG_WARNING, r,
				  "PAG %d: cannot pin its network namespace "
				  "(a restarted pagd will not find it): %m",
				  pag);
		}
	} else {
		unpin(c);
	}
	if (c->netns >= 0)
		close(c->netns);
	c->netns = own;
	c->netns_lost = false;
	log_info("PAG %d: kafs tokens for %s are made in %s network namespace",
		 pag, c->principal, own >= 0 ? "its own" : "pagd's");
	remake(c);
	return 0;
}

/**
 * creds_renew() - make @pag's credentials and kafs tokens anew, now
 * @p: the daemon
 * @pag: a PAG with a credential binding
 * @created_ns: its incarnation (0: whichever is bound)
 *
 * For `pag aklog` in a container whose kafs mount is in another network
 * namespace: the tokens go where the binding says (pagd's namespace unless
 * SetCredentialsNetwork named another), whatever is still valid.
 *
 * Return: 0, or -ENOENT (no binding for that incarnation).
 */
int creds_renew(struct pagd *p, int32_t pag, uint64_t created_ns)
{
	struct cred *c = find(pag);

	(void)p;
	if (!c || (created_ns && c->created_ns != created_ns))
		return -ENOENT;
	log_info("PAG %d: credentials for %s made anew on request", pag,
		 c->principal);
	remake(c);
	return 0;
}

/* The binding is gone for good: so is its network namespace's pin. */
static void drop(struct cred *c)
{
	if (c->netns >= 0 || c->netns_lost)
		unpin(c);
	tdelete(c, &creds, by_pag);
	cred_free(c);
}

/**
 * creds_bind() - bind @pag to @principal with keys from @keytab
 * @p: the daemon
 * @pag: the PAG
 * @created_ns: its creation time: workers enter that incarnation only (0,
 *	recorded without pag.ko, enters none)
 * @principal: a Kerberos principal; the default realm is added if missing
 * @keytab: the path of a keytab on the host
 * @msg: on -EINVAL or -ENOKEY, what was wrong (malloc'ed)
 *
 * The keytab is checked now; credentials are acquired by a worker soon
 * after.  Binding again replaces the earlier binding.
 *
 * Return: 0, -EINVAL, -ENOKEY, or another negative errno.
 */
int creds_bind(struct pagd *p, int32_t pag, uint64_t created_ns,
	       const char *principal, const char *keytab, char **msg)
{
	struct cred *old = find(pag);
	char *canon = NULL;
	int r;

	*msg = NULL;
	r = pagd_krb5_check_keytab(principal, keytab, &canon, msg);
	if (r < 0)
		return r;
	r = state_creds_put(p->state, pag, created_ns, canon, keytab);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "PAG %d: cannot record its credentials: %m", pag);
		free(canon);
		return r;
	}
	if (old)
		drop(old);
	r = add(pag, created_ns, canon, keytab, true);
	if (r == 0) {
		log_info("PAG %d (created at %llu) bound to credentials of %s "
			 "from %s",
			 pag, (unsigned long long)created_ns, canon, keytab);
		dispatch();
	}
	free(canon);
	return r;
}

int creds_bind_password(struct pagd *p, int32_t pag, uint64_t created_ns,
			const char *principal)
{
	struct cred *old = find(pag);
	int r;

	r = state_creds_put(p->state, pag, created_ns, principal,
			    PAGD_KRB5_NO_KEYTAB);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "PAG %d: cannot record its credentials: %m", pag);
		return r;
	}
	if (old)
		drop(old);
	/* the TGT is there: the first worker keeps it until it is due */
	r = add(pag, created_ns, principal, PAGD_KRB5_NO_KEYTAB, false);
	if (r == 0) {
		log_info("PAG %d (created at %llu): the TGT of %s from its "
			 "login is renewed while it is renewable",
			 pag, (unsigned long long)created_ns, principal);
		dispatch();
	}
	return r;
}

/**
 * creds_unbind() - forget the credential binding of @pag
 * @p: the daemon
 * @pag: the PAG
 * @created_ns: its incarnation, or 0 for whichever is bound: a binding of
 *	another incarnation of @pag stays
 * @why: for the log ("unbound", "ended"...)
 *
 * The credentials already in the PAG stay until they expire; only their
 * renewal stops.
 *
 * Return: 0, or -ENOENT when @pag had no credential binding (for that
 * incarnation).
 */
int creds_unbind(struct pagd *p, int32_t pag, uint64_t created_ns,
		 const char *why)
{
	struct cred *c = find(pag);
	int r;

	if (c && created_ns && c->created_ns != created_ns)
		return -ENOENT;
	r = state_creds_del(p->state, pag, created_ns);

	if (r < 0 && r != -ENOENT)
		log_errno(LOG_ERR, r,
			  "PAG %d: cannot forget its credentials: %m", pag);
	if (!c)
		return r == -ENOENT ? -ENOENT : 0;
	log_info("PAG %d %s: credential binding for %s dropped", pag, why,
		 c->principal);
	drop(c);
	dispatch();
	return 0;
}

bool creds_bound(int32_t pag, uint64_t *created_ns)
{
	struct cred *c = find(pag);

	if (c)
		*created_ns = c->created_ns;
	return c != NULL;
}

static void fill_info(const struct cred *c, struct creds_info *info)
{
	info->created_ns = c->created_ns;
	info->principal = c->principal;
	info->state = state_names[c->state];
	info->message = c->message;
	info->ccache = c->expires ? PAGD_KRB5_WORKER_CCACHE : "";
	info->expires = c->expires;
	info->next_attempt = c->next_attempt;
	info->failing_since = c->failing_since;
}

int creds_get(struct pagd *p, int32_t pag, struct creds_info *info)
{
	struct cred *c = find(pag);

	(void)p;
	if (!c)
		return -ENOENT;
	fill_info(c, info);
	return 0;
}

struct foreach_ctx {
	int (*fn)(int32_t pag, const struct creds_info *info, void *ud);
	void *ud;
	int r;
};

static void foreach_one(const void *node, VISIT which, void *closure)
{
	const struct cred *c = *(struct cred *const *)node;
	struct foreach_ctx *ctx = closure;
	struct creds_info info;

	/* Each node once: leaves, and inner nodes on their in-order visit. */
	if (ctx->r || (which != postorder && which != leaf))
		return;
	fill_info(c, &info);
	ctx->r = ctx->fn(c->pag, &info, ctx->ud);
}

int creds_foreach(struct pagd *p,
		  int (*fn)(int32_t pag, const struct creds_info *info,
			    void *ud),
		  void *ud)
{
	struct foreach_ctx ctx = { .fn = fn, .ud = ud };

	(void)p;
	twalk_r(creds, foreach_one, &ctx);
	return ctx.r;
}

static int restore_one(int32_t pag, uint64_t created_ns, const char *principal,
		       const char *keytab, void *ud)
{
	int r;

	(void)ud;
	/* Keep what the PAG holds if it is still good. */
	r = add(pag, created_ns, principal, keytab, false);
	if (r == 0)
		restore_netns(find(pag));
	return r;
}

struct collect {
	struct cred **v;
	size_t n, cap;
	int r;
};

static void collect_one(const void *node, VISIT which, void *closure)
{
	struct collect *col = closure;
	struct cred **v;

	if (col->r || (which != postorder && which != leaf))
		return;
	if (col->n == col->cap) {
		col->cap = col->cap ? 2 * col->cap : 64;
		v = reallocarray(col->v, col->cap, sizeof(*v));
		if (!v) {
			col->r = -ENOMEM;
			return;
		}
		col->v = v;
	}
	col->v[col->n++] = *(struct cred *const *)node;
}

/*
 * Follows @c's principal to the keytab the profiles give it now: a
 * principal no profile lists loses its binding, and one whose profile
 * names another keytab is renewed from that one.
 */
static void apply_profile(struct pagd *p, struct cred *c)
{
	const char *keytab = config_principal_keytab(p->cfg, c->principal);
	char *copy;
	int r;

	/* a login's password gave it: no profile involved */
	if (!strcmp(c->keytab, PAGD_KRB5_NO_KEYTAB))
		return;
	if (!keytab) {
		log_warning("PAG %d: credential binding for %s (keytab %s) "
			    "dropped: the principal is in no profile",
			    c->pag, c->principal, c->keytab);
		r = state_creds_del(p->state, c->pag, c->created_ns);
		if (r < 0 && r != -ENOENT)
			log_errno(LOG_ERR, r,
				  "PAG %d: cannot forget its credentials: %m",
				  c->pag);
		drop(c);
		return;
	}
	if (!strcmp(keytab, c->keytab))
		return;
	copy = strdup(keytab);
	r = copy ? state_creds_put(p->state, c->pag, c->created_ns,
				   c->principal, keytab)
		 : -ENOMEM;
	if (r < 0) {
		free(copy);
		log_errno(LOG_ERR, r,
			  "PAG %d: cannot record the keytab of %s: %m", c->pag,
			  c->principal);
		return;
	}
	log_notice("PAG %d: credentials for %s now from keytab %s (was %s), "
		   "as its profile says",
		   c->pag, c->principal, keytab, c->keytab);
	free(c->keytab);
	c->keytab = copy;
}

/**
 * creds_apply_profiles() - hold the bindings to the profiles
 * @p: the daemon, with the configuration just loaded
 *
 * A binding recorded by an older pagd (whose callers named the keytab), or
 * before a reload that changed the profiles, keeps working when its
 * principal is still in a profile, from that profile's keytab; otherwise it
 * is dropped, with a line in the log naming it.
 *
 * Return: 0, or -ENOMEM.
 */
int creds_apply_profiles(struct pagd *p)
{
	struct collect col = {};

	twalk_r(creds, collect_one, &col);
	for (size_t i = 0; !col.r && i < col.n; i++)
		apply_profile(p, col.v[i]);
	free(col.v);
	dispatch();
	return col.r;
}

/**
 * creds_start() - load the credential bindings and resume their schedules
 * @p: the daemon
 *
 * Return: 0, or a negative errno.
 */
int creds_start(struct pagd *p)
{
	int r;

	pagd = p;
	cred_workers_start(p);
	r = state_foreach_creds(p->state, restore_one, NULL);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot load credential bindings: %m");
		return r;
	}
	return creds_apply_profiles(p);
}

void creds_stop(struct pagd *p)
{
	(void)p;
	tdestroy(creds, free_one);
	creds = NULL;
	cred_workers_stop();
	pagd = NULL;
}
