// SPDX-License-Identifier: GPL-2.0
/*
 * The NSS responder: listening sockets and their clients on the event loop.
 *
 * Each client has its own protocol state and output buffer; sockets are
 * non-blocking, so a client that sends slowly or never reads its replies
 * only ever delays itself.  While a reply is not fully written the client's
 * input is not read (back-pressure instead of unbounded buffering), and a
 * client idle for client_idle_timeout seconds is disconnected.
 *
 * A request that needs a provider to fetch (an LDAP domain whose cache has
 * no fresh answer) parks its client: the client's input is not read until
 * every domain it waits for has called back, then the request is answered
 * from the caches.  Other clients are served meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sockutil.h"
#include "pagd/nss/mcfill.h"
#include "pagd/nss/memcache.h"
#include "pagd/nss/protocol.h"
#include "pagd/pagd.h"
#include "pagd/pam/client.h"

struct listener {
	struct pagd *p;
	struct listener *next;
	int fd;
	char *path;
	char *key; /* the fixed domain subset; NULL: by the peer's PAG */
	bool pam;  /* SSSD's PAM protocol (pam/client.c) rather than NSS */
	sd_event_source *src;
	/*
	 * A socket directory's memory cache (DIR/mc), filled from its
	 * answers.  Never the main socket's: its answers depend on the
	 * caller's PAG, and a shared file would show them to everyone.
	 */
	struct memcache *mc;
};

struct client {
	struct pagd *p;
	struct client *next, **pprev;
	struct listener *l;
	int fd;
	bool has_pag;
	int32_t pag;
	uint64_t pag_created_ns; /* with pag: names the peer's PAG for ever */
	sd_event_source *io;
	sd_event_source *timer;
	struct nss_session sess;
	struct pam_client *pam; /* on a PAM socket */
	struct nss_buf out;
	size_t out_off;
	bool closing;
	const struct view *view;
	unsigned int view_gen;
	uint64_t last_active; /* CLOCK_MONOTONIC usec */

	/* while a request waits for providers */
	struct id_wait *waits;
	size_t n_waits;
	unsigned int pending;
	sd_event_source *resume;
	uint8_t *rest; /* input read past the parked request */
	size_t rest_len;
};

static void client_free(struct client *c)
{
	struct pagd *p = c->p;

	for (size_t i = 0; i < c->n_waits; i++)
		id_wait_cancel(&c->waits[i]);
	free(c->waits);
	if (c->rest)
		explicit_bzero(c->rest, c->rest_len);
	free(c->rest);
	pam_client_free(c->pam);
	sd_event_source_disable_unref(c->resume);
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	close(c->fd);
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	p->n_clients--;
	nss_buf_free(&c->out);
	free(c);
}

/* Re-resolved whenever views were invalidated: reload, bind, unbind. */
static const struct view *client_view(struct client *c)
{
	struct pagd *p = c->p;
	char *key = NULL;

	if (c->view && c->view_gen == p->generation)
		return c->view;
	if (c->l->key) {
		c->view = scope_view(p, c->l->key);
	} else if (scope_key_for_pag(p, c->has_pag, c->pag, c->pag_created_ns,
				     &key) == 0) {
		c->view = scope_view(p, key);
		free(key);
	} else {
		c->view = NULL;
	}
	c->view_gen = p->generation;
	return c->view;
}

/*
 * Idle tracking costs no system call per request: the time of the last
 * activity is noted, and the timer, armed once, re-arms itself from it
 * when it fires early.
 */
static void client_touch(struct client *c)
{
	sd_event_now(c->p->event, CLOCK_MONOTONIC, &c->last_active);
}

static uint64_t idle_usec(const struct client *c)
{
	return c->p->cfg->client_idle_timeout * 1000000ULL;
}

/* Writes what it can; switches the client between reading and writing. */
static int client_flush(struct client *c)
{
	ssize_t n;

	while (c->out_off < c->out.len) {
		n = send(c->fd, c->out.data + c->out_off,
			 c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c->out_off += n;
	}
	if (c->out_off < c->out.len)
		return sd_event_source_set_io_events(c->io, EPOLLOUT);
	c->out.len = c->out_off = 0;
	if (c->closing)
		return -ECONNRESET;
	if (c->pending)
		return sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
	return sd_event_source_set_io_events(c->io, EPOLLIN);
}

static void client_wait_done(struct id_wait *w)
{
	struct client *c = w->ud;

	/* answered from the loop, never from inside a provider's call */
	if (c->pending && --c->pending == 0)
		sd_event_source_set_enabled(c->resume, SD_EVENT_ONESHOT);
}

/*
 * Asks the view's providers for what the request in c->sess needs.
 * Return: 1 when the client must wait, 0 to answer now, or -ENOMEM.
 */
static int client_prepare(struct client *c, const struct view *v)
{
	struct id_query q;
	int n;

	if (!v || !(c->l->pam ? pam_client_query(&c->sess, &q)
			      : nss_session_query(&c->sess, &q)))
		return 0;
	if (c->n_waits < v->n_domains) {
		struct id_wait *w;

		w = reallocarray(c->waits, v->n_domains, sizeof(*w));
		if (!w)
			return -ENOMEM;
		c->waits = w;
		c->n_waits = v->n_domains;
	}
	for (size_t i = 0; i < c->n_waits; i++)
		c->waits[i] =
			(struct id_wait){ .done = client_wait_done, .ud = c };
	n = view_prepare(v, &q, c->waits);
	if (n <= 0)
		return 0;
	c->pending = n;
	return 1;
}

/* An authentication of a PAM client ended: answer it from the loop. */
static void client_pam_wake(void *ud)
{
	struct client *c = ud;

	if (c->pending && --c->pending == 0)
		sd_event_source_set_enabled(c->resume, SD_EVENT_ONESHOT);
}

/*
 * Answers the request in c->sess; the view may have changed meanwhile.
 * Return: 1 when the answer waits for a worker (the client is parked), 0,
 * or a negative errno.
 */
static int client_answer(struct client *c)
{
	size_t start = c->out.len;
	int r;

	if (c->l->pam) {
		r = pam_client_handle(c->pam, &c->sess, client_view(c),
				      &c->out);
		if (r == PAM_CLIENT_WAIT) {
			c->pending = 1;
			return 1;
		}
	} else {
		r = nss_session_handle(&c->sess, client_view(c), &c->out);
	}
	if (r < 0)
		return r;
	if (r == NSS_REPLY && c->l->mc && !c->l->pam) {
		int e = mcfill(c->l->mc, c->sess.in, c->out.data + start,
			       c->out.len - start);

		if (e < 0)
			log_errno(LOG_DEBUG, e, "memory cache of %s: %m",
				  c->l->path);
	}
	if (r == NSS_CLOSE) {
		log_debug("client on %s sent a bad header, closing",
			  c->l->path);
		c->closing = true;
	}
	return 0;
}

/* Input read past a parked request, for when it is answered. */
static int client_keep_rest(struct client *c, const uint8_t *p, size_t n)
{
	if (n == 0)
		return 0;
	c->rest = malloc(n);
	if (!c->rest)
		return -ENOMEM;
	memcpy(c->rest, p, n);
	c->rest_len = n;
	return 0;
}

/* Feeds @n bytes; parks the client (keeping the rest) when it must wait. */
static int client_process(struct client *c, const uint8_t *buf, size_t n)
{
	size_t off = 0;
	bool ready;
	int r;

	while (off < n && !c->closing) {
		off += nss_session_feed(&c->sess, buf + off, n - off, &ready);
		if (!ready)
			continue;
		r = client_prepare(c, client_view(c));
		if (r == 0)
			r = client_answer(c);
		if (r < 0)
			return r;
		if (r > 0) {
			r = client_keep_rest(c, buf + off, n - off);
			if (r < 0)
				return r;
			break;
		}
	}
	return client_flush(c);
}

static int client_read(struct client *c)
{
	uint8_t buf[4096];
	ssize_t n;
	int r;

	n = recv(c->fd, buf, sizeof(buf), 0);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	r = client_process(c, buf, n);
	if (c->l->pam) /* may hold a password */
		explicit_bzero(buf, n);
	return r;
}

static int client_resume(sd_event_source *s, void *ud)
{
	struct client *c = ud;
	uint8_t *rest = c->rest;
	size_t len = c->rest_len;
	int r;

	c->rest = NULL;
	c->rest_len = 0;
	r = sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	if (r >= 0)
		r = client_answer(c);
	if (r > 0) {
		/* parked again (a PAM request now waits for its worker) */
		c->rest = rest;
		c->rest_len = len;
		rest = NULL;
		r = client_flush(c);
	} else if (r >= 0) {
		r = rest ? client_process(c, rest, len) : client_flush(c);
	}
	if (rest)
		explicit_bzero(rest, len);
	free(rest);
	client_touch(c);
	if (r < 0)
		client_free(c);
	return 0;
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct client *c = ud;
	int r = 0;

	client_touch(c);
	if (revents & (EPOLLERR | EPOLLHUP) && !(revents & EPOLLIN))
		r = -ECONNRESET;
	else if (revents & EPOLLOUT)
		r = client_flush(c);
	else if (revents & EPOLLIN)
		r = client_read(c);
	if (r < 0)
		client_free(c);
	return 0;
}

static int client_idle(sd_event_source *s, uint64_t usec, void *ud)
{
	struct client *c = ud;

	if (usec < c->last_active + idle_usec(c)) {
		sd_event_source_set_time(s, c->last_active + idle_usec(c));
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
		return 0;
	}
	log_debug("client on %s idle for %us, disconnecting", c->l->path,
		  c->p->cfg->client_idle_timeout);
	client_free(c);
	return 0;
}

static int listener_accept(sd_event_source *s, int fd, uint32_t revents,
			   void *ud)
{
	struct listener *l = ud;
	struct pagd *p = l->p;
	struct client *c;
	int cfd, r;

	cfd = accept_conn(fd, sizeof(*c), (void **)&c);
	if (cfd < 0) {
		if (cfd != -EAGAIN && cfd != -EINTR && cfd != -ECONNABORTED)
			log_errno(LOG_WARNING, cfd, "accept on %s: %m",
				  l->path);
		return 0;
	}
	if (p->n_clients >= p->cfg->max_clients) {
		log_warning(
			"%s: %zu clients already (max_clients), refusing one",
			l->path, p->n_clients);
		close(cfd);
		free(c);
		return 0;
	}
	c->p = p;
	c->l = l;
	c->fd = cfd;
	nss_session_init(&c->sess);
	if (l->pam) {
		c->pam = pam_client_new(p, l->path, client_pam_wake, c);
		if (!c->pam) {
			close(cfd);
			free(c);
			return 0;
		}
		pam_client_set_peer(c->pam, cfd);
	}
	if (!l->key)
		c->has_pag =
			pagd_peer_pag(cfd, &c->pag, &c->pag_created_ns) == 0;
	r = sd_event_add_io(p->event, &c->io, cfd, EPOLLIN, client_io, c);
	if (r >= 0)
		r = sd_event_add_defer(p->event, &c->resume, client_resume, c);
	if (r >= 0)
		r = sd_event_source_set_enabled(c->resume, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time(p->event, &c->timer, CLOCK_MONOTONIC, 0,
				      0, client_idle, c);
	if (r < 0) {
		log_errno(LOG_WARNING, r, "cannot watch a client of %s: %m",
			  l->path);
		sd_event_source_disable_unref(c->resume);
		sd_event_source_disable_unref(c->io);
		close(cfd);
		pam_client_free(c->pam);
		free(c);
		return 0;
	}
	c->next = p->clients;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &p->clients;
	p->clients = c;
	p->n_clients++;
	client_touch(c);
	sd_event_source_set_time(c->timer, c->last_active + idle_usec(c));
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
	return 0;
}

/* The memory cache directory beside a socket: DIR/mc for DIR/nss. */
static char *memcache_dir(const struct listener *l)
{
	const char *slash = strrchr(l->path, '/');
	char *dir;

	if (asprintf(&dir, "%.*s/mc", (int)(slash ? slash - l->path : 1),
		     slash ? l->path : ".") < 0)
		return NULL;
	return dir;
}

/*
 * How long a record of @key's memory cache lives: memcache_timeout, but
 * never longer than pagd itself takes an LDAP answer as fresh, so that the
 * file is never much staler than the socket: once a record expires, the
 * client asks the socket, and pagd fetches again what it has expired.
 */
static unsigned int memcache_lifetime(const struct pagd *p, const char *key)
{
	unsigned int t = p->cfg->memcache_timeout;
	char **names;

	if (view_key_split(key, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		const struct domain_conf *dc = config_domain(p->cfg, *n);

		if (dc && dc->provider == PROVIDER_LDAP &&
		    dc->ldap.entry_cache_timeout < t)
			t = dc->ldap.entry_cache_timeout;
	}
	strv_free(names);
	return t;
}

/*
 * (Re)starts a socket directory's memory cache empty, or with
 * memcache_timeout 0 removes it.  At start-up this also recycles files an
 * earlier pagd left.  Without a memory cache lookups still work: the
 * clients use the socket.
 */
static void listener_memcache(struct listener *l)
{
	unsigned int timeout = memcache_lifetime(l->p, l->key);
	char *dir = memcache_dir(l);

	if (!dir)
		return;
	if (l->mc && timeout) {
		memcache_set_timeout(l->mc, timeout);
		if (memcache_reset(l->mc) == 0)
			goto out;
	}
	memcache_close(l->mc);
	l->mc = NULL;
	if (timeout == 0)
		memcache_discard(dir);
	else if (memcache_open(dir, timeout, 0, &l->mc) < 0)
		log_warning("%s: no memory cache, clients use the socket", dir);
out:
	free(dir);
}

/*
 * responder_reset_memcaches() - empty every socket directory's memory
 * cache: what the views show may have changed (reload).
 */
void responder_reset_memcaches(struct pagd *p)
{
	for (struct listener *l = p->listeners; l; l = l->next)
		if (l->key)
			listener_memcache(l);
}

/* A listening socket at @path, mode @mode, speaking NSS or (@pam) PAM. */
static int listen_at(struct pagd *p, const char *path, const char *key,
		     mode_t mode, bool pam)
{
	struct listener *l;
	int fd, r;

	fd = listen_unix(path, mode);
	if (fd < 0)
		return fd;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path)) ||
	    (key && !(l->key = strdup(key)))) {
		if (l)
			free(l->path);
		free(l);
		r = -ENOMEM;
		goto fail;
	}
	l->p = p;
	l->fd = fd;
	l->pam = pam;
	r = sd_event_add_io(p->event, &l->src, fd, EPOLLIN, listener_accept, l);
	if (r < 0) {
		free(l->key);
		free(l->path);
		free(l);
		log_errno(LOG_ERR, r, "cannot watch %s: %m", path);
		goto fail;
	}
	l->next = p->listeners;
	p->listeners = l;
	if (key && !pam)
		listener_memcache(l);
	log_debug("listening on %s (%s) for %s", path, pam ? "pam" : "nss",
		  key ? key : "PAG bindings");
	return 0;
fail:
	close(fd);
	return r;
}

/*
 * responder_listen() - serve the NSS protocol on a socket at @path.
 * @key:	the fixed domain subset served there; NULL to scope every
 *		client by its PAG (the main socket).
 *
 * The socket is owned by root and mode 0666, as SSSD's own nss socket:
 * whoever can reach the directory may ask.
 */
int responder_listen(struct pagd *p, const char *path, const char *key)
{
	return listen_at(p, path, key, 0666, false);
}

/*
 * responder_listen_pam() - serve SSSD's PAM protocol at @path (mode
 * @mode: 0666 for the public socket, 0600 for private/pam), for @key as
 * responder_listen().
 */
int responder_listen_pam(struct pagd *p, const char *path, const char *key,
			 mode_t mode)
{
	return listen_at(p, path, key, mode, true);
}

/* Whether a listener has its socket in @dir. */
bool responder_serves(const struct pagd *p, const char *dir)
{
	size_t n = strlen(dir);

	for (const struct listener *l = p->listeners; l; l = l->next)
		if (!strncmp(l->path, dir, n) && l->path[n] == '/')
			return true;
	return false;
}

void responder_close_all(struct pagd *p)
{
	while (p->clients)
		client_free(p->clients);
	while (p->listeners) {
		struct listener *l = p->listeners;

		p->listeners = l->next;
		sd_event_source_disable_unref(l->src);
		/* stopped: clients must not be served what pagd no longer
		 * vouches for */
		memcache_close(l->mc);
		close(l->fd);
		free(l->path);
		free(l->key);
		free(l);
	}
}
