// SPDX-License-Identifier: GPL-2.0
/*
 * SSSD NSS client protocol: request framing and the passwd/group commands.
 *
 * Rejections, and what the stock client makes of them:
 *  - a length word below the header size or above NSS_REQUEST_MAX: reply
 *    with status EBADMSG and close (the rest of the stream is garbage);
 *  - any command before SSS_GET_VERSION: status EPROTO;
 *  - an unknown command: status ENOSYS;
 *  - a body of the wrong shape (name not NUL-terminated, empty or too
 *    long; id not 4 bytes): status EINVAL.
 * The client treats any non-zero status as "service unavailable" and
 * reconnects on its next call; other clients are not affected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/nss/protocol.h"

void nss_session_init(struct nss_session *s)
{
	memset(s, 0, sizeof(*s));
}

void nss_buf_free(struct nss_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int nss_buf_reserve(struct nss_buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->len + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Callers reserve first: these never fail. */
void nss_put_u32(struct nss_buf *b, uint32_t v)
{
	memcpy(b->data + b->len, &v, sizeof(v));
	b->len += sizeof(v);
}

static void put_str(struct nss_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void put_name(struct nss_buf *b, const struct view *v,
		     const struct domain *d, const char *name)
{
	b->len += view_put_name(v, d, name, (char *)b->data + b->len);
}

size_t nss_session_feed(struct nss_session *s, const uint8_t *p, size_t n,
			bool *ready)
{
	size_t want, take;
	uint32_t len;

	*ready = false;
	if (s->in_len < NSS_HEADER_SIZE) {
		want = NSS_HEADER_SIZE - s->in_len;
	} else {
		len = nss_get_u32(s->in);
		want = len - s->in_len;
	}
	take = n < want ? n : want;
	memcpy(s->in + s->in_len, p, take);
	s->in_len += take;
	if (s->in_len < NSS_HEADER_SIZE)
		return take;

	len = nss_get_u32(s->in);
	if (len < NSS_HEADER_SIZE || len > NSS_REQUEST_MAX) {
		*ready = true; /* to be rejected */
		return take;
	}
	if (s->in_len == NSS_HEADER_SIZE && len > NSS_HEADER_SIZE && take < n) {
		size_t more = n - take, rest = len - s->in_len;

		if (more > rest)
			more = rest;
		memcpy(s->in + s->in_len, p + take, more);
		s->in_len += more;
		take += more;
	}
	*ready = s->in_len == len;
	return take;
}

/* Reply header; the length word is patched by nss_finish_reply(). */
int nss_begin_reply(struct nss_buf *out, uint32_t cmd, uint32_t status,
		    size_t *start)
{
	if (nss_buf_reserve(out, NSS_HEADER_SIZE) < 0)
		return -ENOMEM;
	*start = out->len;
	nss_put_u32(out, 0);
	nss_put_u32(out, cmd);
	nss_put_u32(out, status);
	nss_put_u32(out, 0);
	return 0;
}

void nss_finish_reply(struct nss_buf *out, size_t start)
{
	uint32_t len = out->len - start;

	memcpy(out->data + start, &len, sizeof(len));
}

int nss_reply_status(struct nss_buf *out, uint32_t cmd, int err)
{
	size_t start;

	if (nss_begin_reply(out, cmd, err, &start) < 0)
		return -ENOMEM;
	nss_finish_reply(out, start);
	return 0;
}

int nss_reply_version(struct nss_buf *out, uint32_t version)
{
	size_t start;

	if (nss_begin_reply(out, SSS_GET_VERSION, 0, &start) < 0 ||
	    nss_buf_reserve(out, 4) < 0)
		return -ENOMEM;
	nss_put_u32(out, version);
	nss_finish_reply(out, start);
	return 0;
}

/* Count and reserved word; the count is patched once entries are in. */
static int begin_results(struct nss_buf *out, size_t *count_at)
{
	if (nss_buf_reserve(out, 8) < 0)
		return -ENOMEM;
	*count_at = out->len;
	nss_put_u32(out, 0);
	nss_put_u32(out, 0);
	return 0;
}

static void set_count(struct nss_buf *out, size_t count_at, uint32_t n)
{
	memcpy(out->data + count_at, &n, sizeof(n));
}

static int put_user(struct nss_buf *out, const struct view *v,
		    const struct domain *d, const struct pagd_user *u)
{
	size_t need = 8 + view_name_len(v, d, u->name) + 1 + strlen(u->passwd) +
		      1 + strlen(u->gecos) + 1 + strlen(u->dir) + 1 +
		      strlen(u->shell) + 1;

	if (nss_buf_reserve(out, need) < 0)
		return -ENOMEM;
	nss_put_u32(out, u->uid);
	nss_put_u32(out, u->gid);
	put_name(out, v, d, u->name);
	put_str(out, u->passwd);
	put_str(out, u->gecos);
	put_str(out, u->dir);
	put_str(out, u->shell);
	return 0;
}

static int put_group(struct nss_buf *out, const struct view *v,
		     const struct domain *d, const struct pagd_group *g)
{
	size_t need =
		8 + view_name_len(v, d, g->name) + 1 + strlen(g->passwd) + 1;

	for (size_t i = 0; i < g->n_members; i++)
		need += view_name_len(v, d, g->members[i]) + 1;
	if (nss_buf_reserve(out, need) < 0)
		return -ENOMEM;
	nss_put_u32(out, g->gid);
	nss_put_u32(out, g->n_members);
	put_name(out, v, d, g->name);
	put_str(out, g->passwd);
	for (size_t i = 0; i < g->n_members; i++)
		put_name(out, v, d, g->members[i]);
	return 0;
}

/* A name body: NUL-terminated, no NUL inside, not empty, not too long. */
static const char *body_name(const uint8_t *body, size_t blen)
{
	if (blen < 2 || blen > NSS_NAME_MAX || body[blen - 1] != '\0' ||
	    memchr(body, '\0', blen - 1))
		return NULL;
	return (const char *)body;
}

static int body_id(const uint8_t *body, size_t blen, uint32_t *id)
{
	if (blen != sizeof(uint32_t))
		return -EINVAL;
	*id = nss_get_u32(body);
	return 0;
}

static int reply_user(struct nss_buf *out, uint32_t cmd, const struct view *v,
		      const struct domain *d, const struct pagd_user *u)
{
	size_t start, count_at;

	if (nss_begin_reply(out, cmd, 0, &start) < 0 ||
	    begin_results(out, &count_at) < 0)
		return -ENOMEM;
	if (u) {
		if (put_user(out, v, d, u) < 0)
			return -ENOMEM;
		set_count(out, count_at, 1);
	}
	nss_finish_reply(out, start);
	return 0;
}

static int reply_group(struct nss_buf *out, uint32_t cmd, const struct view *v,
		       const struct domain *d, const struct pagd_group *g)
{
	size_t start, count_at;

	if (nss_begin_reply(out, cmd, 0, &start) < 0 ||
	    begin_results(out, &count_at) < 0)
		return -ENOMEM;
	if (g) {
		if (put_group(out, v, d, g) < 0)
			return -ENOMEM;
		set_count(out, count_at, 1);
	}
	nss_finish_reply(out, start);
	return 0;
}

/*
 * INITGR: the gids of the groups of the user's domain that list the user
 * as a member, the user's primary group included when it lists the user,
 * as SSSD answers.  The primary gid is not added otherwise, nor left out:
 * the base gid is the caller's (initgroups(3), getgrouplist(3)), which
 * glibc puts first and libnss_sss skips in the reply, and it need not be
 * the user's primary gid.  A reply without it would lose that group for
 * every caller passing another base.
 */
static int reply_initgr(struct nss_buf *out, const struct view *v,
			const struct domain *d, const struct pagd_user *u)
{
	size_t start, count_at;
	uint32_t n = 0;

	if (nss_begin_reply(out, SSS_NSS_INITGR, 0, &start) < 0 ||
	    begin_results(out, &count_at) < 0)
		return -ENOMEM;
	if (u && d->ops) {
		const uint32_t *gids;
		size_t k = d->ops->user_groups(d, u, &gids);

		if (nss_buf_reserve(out, 4 * k) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < k; i++)
			nss_put_u32(out, gids[i]);
		n = (uint32_t)k;
		u = NULL; /* done */
	}
	for (size_t i = 0; u && i < d->n_groups; i++) {
		const struct pagd_group *g = &d->groups[i];

		for (size_t j = 0; j < g->n_members; j++) {
			if (strcmp(g->members[j], u->name) != 0)
				continue;
			if (nss_buf_reserve(out, 4) < 0)
				return -ENOMEM;
			nss_put_u32(out, g->gid);
			n++;
			break;
		}
	}
	set_count(out, count_at, n);
	nss_finish_reply(out, start);
	return 0;
}

/*
 * GETPWENT/GETGRENT: up to @max entries from the cursor on, in domain
 * order and file order within a domain, in at most NSS_ENUM_MAX_BYTES.
 * Nothing when the view spans tenants.
 */
static int reply_enum(struct nss_buf *out, uint32_t cmd, const struct view *v,
		      struct nss_cursor *c, uint32_t max)
{
	bool users = cmd == SSS_NSS_GETPWENT;
	size_t start, count_at, body_start;
	uint32_t n = 0;
	int r;

	if (max > NSS_ENUM_MAX_ENTRIES)
		max = NSS_ENUM_MAX_ENTRIES;
	if (nss_begin_reply(out, cmd, 0, &start) < 0 ||
	    begin_results(out, &count_at) < 0)
		return -ENOMEM;
	body_start = out->len;
	while (v && v->enumerable && c->dom < v->n_domains && n < max &&
	       out->len - body_start < NSS_ENUM_MAX_BYTES) {
		const struct domain *d = v->domains[c->dom];

		if (c->idx >= (users ? d->n_users : d->n_groups)) {
			c->dom++;
			c->idx = 0;
			continue;
		}
		if (users)
			r = put_user(out, v, d, &d->users[c->idx]);
		else
			r = put_group(out, v, d, &d->groups[c->idx]);
		if (r < 0)
			return r;
		c->idx++;
		n++;
	}
	set_count(out, count_at, n);
	nss_finish_reply(out, start);
	return 0;
}

static int handle_cmd(struct nss_session *s, const struct view *v, uint32_t cmd,
		      const uint8_t *body, size_t blen, struct nss_buf *out)
{
	const struct domain *d = NULL;
	const struct pagd_group *g;
	const struct pagd_user *u;
	const char *name;
	uint32_t id;

	switch (cmd) {
	case SSS_NSS_GETPWNAM:
	case SSS_NSS_GETGRNAM:
	case SSS_NSS_INITGR:
		name = body_name(body, blen);
		if (!name)
			return nss_reply_status(out, cmd, EINVAL);
		/* look up first: *d is set by the lookup, not before */
		if (cmd == SSS_NSS_GETGRNAM) {
			g = v ? view_group_by_name(v, name, &d) : NULL;
			return reply_group(out, cmd, v, d, g);
		}
		u = v ? view_user_by_name(v, name, &d) : NULL;
		if (cmd == SSS_NSS_INITGR)
			return reply_initgr(out, v, d, u);
		return reply_user(out, cmd, v, d, u);
	case SSS_NSS_GETPWUID:
		if (body_id(body, blen, &id) < 0)
			return nss_reply_status(out, cmd, EINVAL);
		u = v ? view_user_by_uid(v, id, &d) : NULL;
		return reply_user(out, cmd, v, d, u);
	case SSS_NSS_GETGRGID:
		if (body_id(body, blen, &id) < 0)
			return nss_reply_status(out, cmd, EINVAL);
		g = v ? view_group_by_gid(v, id, &d) : NULL;
		return reply_group(out, cmd, v, d, g);
	case SSS_NSS_SETPWENT:
	case SSS_NSS_ENDPWENT:
		memset(&s->pwent, 0, sizeof(s->pwent));
		return nss_reply_status(out, cmd, 0);
	case SSS_NSS_SETGRENT:
	case SSS_NSS_ENDGRENT:
		memset(&s->grent, 0, sizeof(s->grent));
		return nss_reply_status(out, cmd, 0);
	case SSS_NSS_GETPWENT:
	case SSS_NSS_GETGRENT:
		if (body_id(body, blen, &id) < 0)
			return nss_reply_status(out, cmd, EINVAL);
		return reply_enum(
			out, cmd, v,
			cmd == SSS_NSS_GETPWENT ? &s->pwent : &s->grent, id);
	default:
		return nss_reply_status(out, cmd, ENOSYS);
	}
}

int nss_session_query(const struct nss_session *s, struct id_query *q)
{
	uint32_t len = nss_get_u32(s->in), cmd = nss_get_u32(s->in + 4);
	const uint8_t *body = s->in + NSS_HEADER_SIZE;
	size_t blen = len - NSS_HEADER_SIZE;

	memset(q, 0, sizeof(*q));
	if (len < NSS_HEADER_SIZE || len > NSS_REQUEST_MAX || !s->versioned)
		return 0;
	switch (cmd) {
	case SSS_NSS_GETPWNAM:
	case SSS_NSS_GETGRNAM:
	case SSS_NSS_INITGR:
		q->name = body_name(body, blen);
		if (q->name)
			q->kind = cmd == SSS_NSS_GETPWNAM   ? ID_USER_NAME
				  : cmd == SSS_NSS_GETGRNAM ? ID_GROUP_NAME
							    : ID_INITGR;
		break;
	case SSS_NSS_GETPWUID:
	case SSS_NSS_GETGRGID:
		if (body_id(body, blen, &q->id) == 0)
			q->kind = cmd == SSS_NSS_GETPWUID ? ID_USER_UID
							  : ID_GROUP_GID;
		break;
	case SSS_NSS_SETPWENT:
		q->kind = ID_ENUM_USERS;
		break;
	case SSS_NSS_SETGRENT:
		q->kind = ID_ENUM_GROUPS;
		break;
	}
	return q->kind != ID_NONE;
}

int nss_session_handle(struct nss_session *s, const struct view *v,
		       struct nss_buf *out)
{
	uint32_t len = nss_get_u32(s->in), cmd = nss_get_u32(s->in + 4);
	int r;

	s->in_len = 0; /* the next request starts afresh */
	if (len < NSS_HEADER_SIZE || len > NSS_REQUEST_MAX) {
		r = nss_reply_status(out, cmd, EBADMSG);
		return r < 0 ? r : NSS_CLOSE;
	}
	if (cmd == SSS_GET_VERSION) {
		s->versioned = true;
		if (nss_reply_version(out, NSS_PROTOCOL_VERSION) < 0)
			return -ENOMEM;
		return NSS_REPLY;
	}
	if (!s->versioned)
		r = nss_reply_status(out, cmd, EPROTO);
	else
		r = handle_cmd(s, v, cmd, s->in + NSS_HEADER_SIZE,
			       len - NSS_HEADER_SIZE, out);
	return r < 0 ? r : NSS_REPLY;
}
