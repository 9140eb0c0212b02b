// SPDX-License-Identifier: GPL-2.0
/*
 * The KCM sockets, on pagd's event loop.
 *
 * Socket directories are shared by every container of a domain subset, so
 * the socket a client came in on says nothing about whose caches it may
 * see: every connection is scoped by its peer's PAG, which the BPF LSM tag
 * names (peer.c) and the worker's ENTER of that incarnation proves, and by
 * nothing else.  A connection whose PAG is proven
 * goes at once to a worker (worker.c), which serves it inside that PAG.
 * A peer whose PAG cannot be proven (no BPF LSM, no pag.ko, in no PAG)
 * stays with pagd and is answered KRB5_KCM_NO_SERVER ("No KCM server
 * found") on every request, and pagd logs why once per connection;
 * SO_PEERCRED only gives the uid the worker acts as.
 *
 * Frames from such a peer: one longer than KCM_MAX_REQUEST or with a bad
 * version is answered with an error and the connection closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sockutil.h"
#include "pagd/kcm/kcm.h"
#include "pagd/pagd.h"

struct kcm_listener {
	struct kcm_listener *next;
	struct pagd *p;
	int fd;
	char *path;
	sd_event_source *src;
};

struct kcm_client {
	struct kcm_client *next, **pprev;
	struct kcm_listener *l;
	int fd;
	sd_event_source *io;
	bool closing; /* close once the reply is out */
	uint8_t lenbuf[4];
	size_t len_have;
	uint8_t *in;
	size_t in_len, in_have;
	uint8_t *out;
	size_t out_len, out_off;
};

static struct kcm_listener *listeners;
static struct kcm_client *clients;
static size_t n_clients;

static void client_free(struct kcm_client *c)
{
	sd_event_source_disable_unref(c->io);
	close(c->fd);
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	n_clients--;
	if (c->in)
		explicit_bzero(c->in, c->in_len);
	if (c->out)
		explicit_bzero(c->out, c->out_len);
	free(c->in);
	free(c->out);
	free(c);
}

static int client_flush(struct kcm_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN)
				return sd_event_source_set_io_events(c->io,
								     EPOLLOUT);
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c->out_off += (size_t)n;
	}
	explicit_bzero(c->out, c->out_len);
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->closing)
		return -ECONNRESET;
	return sd_event_source_set_io_events(c->io, EPOLLIN);
}

/* Frames the reply: length, status, and on success status 0 + payload. */
static int client_reply(struct kcm_client *c, int32_t code,
			const uint8_t *payload, size_t len)
{
	size_t body = code ? 0 : 4 + len;
	uint32_t hdr[3] = { htobe32((uint32_t)body), htobe32((uint32_t)code),
			    0 };

	c->out = malloc(12 + len);
	if (!c->out)
		return -ENOMEM;
	memcpy(c->out, hdr, code ? 8 : 12);
	if (!code && len)
		memcpy(c->out + 12, payload, len);
	c->out_len = code ? 8 : 12 + len;
	c->out_off = 0;
	return client_flush(c);
}

/* A whole request is in c->in. */
static int client_request(struct kcm_client *c)
{
	struct kcm_in args;
	uint16_t op;

	if (kcm_parse_header(c->in, c->in_len, &op, &args)) {
		log_debug("KCM client on %s sent a bad header, closing",
			  c->l->path);
		c->closing = true;
		return client_reply(c, KRB5_CC_FORMAT, NULL, 0);
	}
	return client_reply(c, KRB5_KCM_NO_SERVER, NULL, 0);
}

static int client_read(struct kcm_client *c)
{
	ssize_t n;

	if (c->len_have < 4) {
		n = recv(c->fd, c->lenbuf + c->len_have, 4 - c->len_have, 0);
	} else {
		n = recv(c->fd, c->in + c->in_have, c->in_len - c->in_have, 0);
	}
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (c->len_have < 4) {
		uint32_t len;

		c->len_have += (size_t)n;
		if (c->len_have < 4)
			return 0;
		memcpy(&len, c->lenbuf, 4);
		len = be32toh(len);
		if (len < 4 || len > KCM_MAX_REQUEST) {
			log_debug("KCM client on %s sent a %u-byte frame, "
				  "closing",
				  c->l->path, len);
			c->closing = true;
			return client_reply(c,
					    len < 4 ? KRB5_CC_FORMAT : EMSGSIZE,
					    NULL, 0);
		}
		c->in = malloc(len);
		if (!c->in)
			return -ENOMEM;
		c->in_len = len;
		c->in_have = 0;
		return 0;
	}
	c->in_have += (size_t)n;
	if (c->in_have < c->in_len)
		return 0;
	n = client_request(c);
	explicit_bzero(c->in, c->in_len);
	free(c->in);
	c->in = NULL;
	c->in_len = c->in_have = c->len_have = 0;
	return (int)n;
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct kcm_client *c = ud;
	int r = 0;

	(void)s;
	(void)fd;
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

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int listener_accept(sd_event_source *s, int fd, uint32_t revents,
			   void *ud)
{
	struct kcm_listener *l = ud;
	struct kcm_job_hdr who = { 0 };
	uint64_t t0 = mono_us();
	struct kcm_client *c;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int cfd;

	(void)s;
	(void)revents;
	cfd = accept_conn(fd, sizeof(*c), (void **)&c);
	if (cfd < 0)
		return 0;
	if (n_clients + kcm_worker_conns() >= l->p->cfg->max_clients ||
	    getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		log_warning("%s: cannot take a KCM client", l->path);
		close(cfd);
		free(c);
		return 0;
	}
	who.uid = cred.uid;
	who.gid = cred.gid;
	/*
	 * The tag's incarnation, not looked up in pag.ko's registry here:
	 * the worker's pag_enter() takes it whole and enters that PAG only
	 * if it lives with that very creation time, so one netlink round
	 * trip per connection is saved and no check is lost.
	 */
	if (pagd_peer_incarnation(cfd, &who.pag, &who.created_ns) == 0) {
		free(c);
		kcm_worker_take(l->p, cfd, &who);
		log_debug("KCM: PAG %d's connection handed over in %llu us",
			  (int)who.pag, (unsigned long long)(mono_us() - t0));
		return 0;
	}
	log_warning("KCM client (pid %d) on %s: no provable PAG (see "
		    "pagd's start-up: BPF LSM and pag.ko), refused",
		    (int)cred.pid, l->path);
	if (sd_event_add_io(l->p->event, &c->io, cfd, EPOLLIN, client_io, c) <
	    0) {
		close(cfd);
		free(c);
		return 0;
	}
	c->l = l;
	c->fd = cfd;
	c->next = clients;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &clients;
	clients = c;
	n_clients++;
	return 0;
}

/**
 * kcm_listen() - serve KCM on a socket at @path (root's, mode 0666)
 *
 * Return: 0 or a negative errno, logged.
 */
int kcm_listen(struct pagd *p, const char *path)
{
	struct kcm_listener *l;
	int fd, r;

	fd = listen_unix(path, 0666);
	if (fd < 0)
		return fd;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		close(fd);
		return -ENOMEM;
	}
	l->p = p;
	l->fd = fd;
	r = sd_event_add_io(p->event, &l->src, fd, EPOLLIN, listener_accept, l);
	if (r < 0) {
		free(l->path);
		free(l);
		close(fd);
		return log_errno(LOG_ERR, r, "cannot watch %s: %m", path);
	}
	l->next = listeners;
	listeners = l;
	log_debug("KCM on %s", path);
	return 0;
}

void kcm_close_all(struct pagd *p)
{
	(void)p;
	while (clients)
		client_free(clients);
	kcm_workers_stop();
	while (listeners) {
		struct kcm_listener *l = listeners;

		listeners = l->next;
		sd_event_source_disable_unref(l->src);
		close(l->fd);
		free(l->path);
		free(l);
	}
}
