// SPDX-License-Identifier: GPL-2.0
/*
 * The identity cache in LMDB (see idcache.h for the layout of keys).
 *
 * Values: a 64-bit expiry, then the entry.  A user is uid, gid and five
 * NUL-terminated strings (name, passwd, gecos, dir, shell), then its
 * account state (a byte, 1 when locked, and the 64-bit time the account
 * expires; absent in entries of older pagd: not locked, never expires);
 * a group is gid,
 * member count, name, passwd and the members; a gid list is a count and
 * the gids; an enumeration is a count and length-prefixed entries.  All
 * integers in host order: the cache never leaves the machine.
 *
 * One read transaction is kept and renewed per read, which costs no system
 * call; decoded entries are copied out, so nothing points into the map
 * once a read returns.
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/idcache.h"
#include "pagd/state.h"

#define KEY_MAX 511 /* LMDB's default maximum key size */

struct idcache {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *rtxn;
	MDB_txn *wtxn;
	char *path;
	uint8_t *scratch; /* for encoding values */
	size_t scratch_cap;
};

int idcache_open(const char *dir, struct idcache **out)
{
	struct idcache *c;
	MDB_txn *txn;
	int rc;

	rc = mkdir_p(dir, 0700);
	if (rc < 0)
		return log_errno(LOG_ERR, rc, "cannot create %s: %m", dir);
	c = calloc(1, sizeof(*c));
	if (!c || asprintf(&c->path, "%s/cache.lmdb", dir) < 0) {
		free(c);
		return -ENOMEM;
	}
	rc = mdb_env_create(&c->env);
	if (!rc)
		rc = mdb_env_set_mapsize(c->env, 1UL << 30);
	/* a cache: losing the last writes on a crash is fine */
	if (!rc)
		rc = mdb_env_open(c->env, c->path,
				  MDB_NOSUBDIR | MDB_NOTLS | MDB_NOSYNC |
					  MDB_NOMETASYNC,
				  0600);
	if (!rc)
		rc = mdb_txn_begin(c->env, NULL, 0, &txn);
	if (!rc) {
		rc = mdb_dbi_open(txn, NULL, 0, &c->dbi);
		if (!rc)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	if (!rc)
		rc = mdb_txn_begin(c->env, NULL, MDB_RDONLY, &c->rtxn);
	if (rc) {
		log_error("cannot open the identity cache %s: %s", c->path,
			  mdb_strerror(rc));
		idcache_close(c);
		return lmdb_errno(rc);
	}
	mdb_txn_reset(c->rtxn);
	*out = c;
	return 0;
}

void idcache_close(struct idcache *c)
{
	if (!c)
		return;
	if (c->wtxn)
		mdb_txn_abort(c->wtxn);
	if (c->rtxn)
		mdb_txn_abort(c->rtxn);
	if (c->env)
		mdb_env_close(c->env);
	free(c->scratch);
	free(c->path);
	free(c);
}

/* DOMAIN NUL KIND KEY; a key too long for LMDB is never cached. */
static int make_key(char *buf, const char *dom, enum idcache_kind k,
		    const char *name, uint32_t id, MDB_val *key)
{
	size_t dl = strlen(dom) + 1, nl;

	if (dl + 1 > KEY_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, dom, dl);
	buf[dl] = (char)k;
	if (k == IDC_USER_UID || k == IDC_GROUP_GID) {
		memcpy(buf + dl + 1, &id, sizeof(id));
		key->mv_size = dl + 1 + sizeof(id);
	} else if (name) {
		nl = strlen(name);
		if (dl + 1 + nl > KEY_MAX)
			return -ENAMETOOLONG;
		memcpy(buf + dl + 1, name, nl);
		key->mv_size = dl + 1 + nl;
	} else {
		key->mv_size = dl + 1;
	}
	key->mv_data = buf;
	return 0;
}

/* Returns the value with the expiry split off, valid until the next read. */
static int get(struct idcache *c, const char *dom, enum idcache_kind k,
	       const char *name, uint32_t id, MDB_val *val, uint64_t *expires)
{
	char kbuf[KEY_MAX + 8];
	MDB_val key;
	int rc, r;

	r = make_key(kbuf, dom, k, name, id, &key);
	if (r < 0)
		return -ENOENT;
	rc = mdb_txn_renew(c->rtxn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(c->rtxn, c->dbi, &key, val);
	if (rc || val->mv_size < sizeof(uint64_t)) {
		mdb_txn_reset(c->rtxn);
		return rc ? lmdb_errno(rc) : -EIO;
	}
	memcpy(expires, val->mv_data, sizeof(*expires));
	val->mv_data = (char *)val->mv_data + sizeof(uint64_t);
	val->mv_size -= sizeof(uint64_t);
	return 0;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	char *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

/* Points @n strings at consecutive NUL-terminated strings of @buf. */
static int split_strings(char *buf, size_t len, char **out, size_t n,
			 size_t *used)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		char *end = memchr(buf + off, '\0', len - off);

		if (!end)
			return -EIO;
		out[i] = buf + off;
		off = end - buf + 1;
	}
	*used = off;
	return 0;
}

static int decode_user(const void *data, size_t len, struct pagd_user *u,
		       char **buf, size_t *cap, size_t *used)
{
	char *s[5];
	size_t n;

	if (len < 8 || grow(buf, cap, len) < 0)
		return len < 8 ? -EIO : -ENOMEM;
	memcpy(*buf, data, len);
	memcpy(&u->uid, *buf, 4);
	memcpy(&u->gid, *buf + 4, 4);
	if (split_strings(*buf + 8, len - 8, s, 5, &n) < 0)
		return -EIO;
	u->name = s[0];
	u->passwd = s[1];
	u->gecos = s[2];
	u->dir = s[3];
	u->shell = s[4];
	u->locked = false;
	u->expires = 0;
	n += 8;
	if (len - n >= 9) {
		u->locked = (*buf)[n] == 1;
		memcpy(&u->expires, *buf + n + 1, 8);
		n += 9;
	}
	if (used)
		*used = n;
	return 0;
}

/* Reads a cached value into the caller's struct: 0 or a negative errno. */
typedef int (*decode_fn)(const MDB_val *v, void *out);

/*
 * get(), then @decode into @out unless the entry is a negative one (an
 * empty value), while the read transaction still holds the value.
 * Returns 1 (found), 0 (known not to exist) or a negative errno.
 */
static int get_decoded(struct idcache *c, const char *dom, enum idcache_kind k,
		       const char *name, uint32_t id, uint64_t *expires,
		       decode_fn decode, void *out)
{
	MDB_val v;
	int r;

	r = get(c, dom, k, name, id, &v, expires);
	if (r < 0)
		return r;
	r = v.mv_size ? (decode(&v, out) ?: 1) : 0;
	mdb_txn_reset(c->rtxn);
	return r;
}

static int decode_user_into(const MDB_val *v, void *out)
{
	struct idcache_user *o = out;

	return decode_user(v->mv_data, v->mv_size, &o->u, &o->buf, &o->cap,
			   NULL);
}

int idcache_get_user(struct idcache *c, const char *dom, enum idcache_kind k,
		     const char *name, uint32_t id, struct idcache_user *out,
		     uint64_t *expires)
{
	return get_decoded(c, dom, k, name, id, expires, decode_user_into, out);
}

static int decode_group(const void *data, size_t len, struct pagd_group *g,
			char **buf, size_t *cap, size_t *members_cap,
			size_t *used)
{
	char *s[2];
	size_t off;
	uint32_t n;

	if (len < 8 || grow(buf, cap, len) < 0)
		return len < 8 ? -EIO : -ENOMEM;
	memcpy(*buf, data, len);
	memcpy(&g->gid, *buf, 4);
	memcpy(&n, *buf + 4, 4);
	if (n > len)
		return -EIO;
	if (split_strings(*buf + 8, len - 8, s, 2, &off) < 0)
		return -EIO;
	g->name = s[0];
	g->passwd = s[1];
	off += 8;
	if (n + 1 > *members_cap) {
		char **m = reallocarray(g->members, n + 1, sizeof(*m));

		if (!m)
			return -ENOMEM;
		g->members = m;
		*members_cap = n + 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		char *end = memchr(*buf + off, '\0', len - off);

		if (!end)
			return -EIO;
		g->members[i] = *buf + off;
		off = end - *buf + 1;
	}
	g->members[n] = NULL;
	g->n_members = n;
	if (used)
		*used = off;
	return 0;
}

static int decode_group_into(const MDB_val *v, void *out)
{
	struct idcache_group *o = out;

	return decode_group(v->mv_data, v->mv_size, &o->g, &o->buf, &o->cap,
			    &o->members_cap, NULL);
}

int idcache_get_group(struct idcache *c, const char *dom, enum idcache_kind k,
		      const char *name, uint32_t id, struct idcache_group *out,
		      uint64_t *expires)
{
	return get_decoded(c, dom, k, name, id, expires, decode_group_into,
			   out);
}

/* An initgroups entry: a count, then that many gids. */
static int decode_gids_into(const MDB_val *v, void *out)
{
	struct idcache_gids *o = out;
	uint32_t n;

	if (v->mv_size < 4)
		return -EIO;
	memcpy(&n, v->mv_data, 4);
	if (v->mv_size != 4 + 4ULL * n)
		return -EIO;
	if (n > o->cap) {
		uint32_t *g = reallocarray(o->gids, n, sizeof(*g));

		if (!g)
			return -ENOMEM;
		o->gids = g;
		o->cap = n;
	}
	memcpy(o->gids, (char *)v->mv_data + 4, 4 * n);
	o->n = n;
	return 0;
}

int idcache_get_gids(struct idcache *c, const char *dom, const char *name,
		     struct idcache_gids *out, uint64_t *expires)
{
	return get_decoded(c, dom, IDC_INITGR, name, 0, expires,
			   decode_gids_into, out);
}

/* Decodes into malloc'ed, independent entries (the domain owns them). */
static int dup_user(const struct pagd_user *s, struct pagd_user *d)
{
	*d = (struct pagd_user){ .uid = s->uid,
				 .gid = s->gid,
				 .locked = s->locked,
				 .expires = s->expires };
	d->name = strdup(s->name);
	d->passwd = strdup(s->passwd);
	d->gecos = strdup(s->gecos);
	d->dir = strdup(s->dir);
	d->shell = strdup(s->shell);
	return d->name && d->passwd && d->gecos && d->dir && d->shell ? 0
								      : -ENOMEM;
}

static int dup_group(const struct pagd_group *s, struct pagd_group *d)
{
	*d = (struct pagd_group){ .gid = s->gid };
	d->name = strdup(s->name);
	d->passwd = strdup(s->passwd);
	d->members = calloc(s->n_members + 1, sizeof(char *));
	if (!d->name || !d->passwd || !d->members)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_members; i++) {
		d->members[i] = strdup(s->members[i]);
		if (!d->members[i])
			return -ENOMEM;
		d->n_members++;
	}
	return 0;
}

int idcache_get_enum(struct idcache *c, const char *dom, enum idcache_kind k,
		     struct pagd_user **users, struct pagd_group **groups,
		     size_t *n, uint64_t *expires)
{
	struct idcache_group tg = {};
	struct idcache_user tu = {};
	size_t off = 4, used, count = 0;
	uint32_t total, len;
	void *arr = NULL;
	MDB_val v;
	int r;

	r = get(c, dom, k, NULL, 0, &v, expires);
	if (r < 0)
		return r;
	if (v.mv_size < 4) {
		r = -EIO;
		goto out;
	}
	memcpy(&total, v.mv_data, 4);
	if (total > v.mv_size) {
		r = -EIO;
		goto out;
	}
	arr = calloc(total ? total : 1, k == IDC_ENUM_USERS
						? sizeof(struct pagd_user)
						: sizeof(struct pagd_group));
	if (!arr) {
		r = -ENOMEM;
		goto out;
	}
	for (r = 0; count < total && r == 0; count++) {
		const char *p = (const char *)v.mv_data + off;

		if (off + 4 > v.mv_size) {
			r = -EIO;
			break;
		}
		memcpy(&len, p, 4);
		if (len > v.mv_size - off - 4) {
			r = -EIO;
			break;
		}
		if (k == IDC_ENUM_USERS) {
			r = decode_user(p + 4, len, &tu.u, &tu.buf, &tu.cap,
					&used);
			if (!r)
				r = dup_user(&tu.u,
					     &((struct pagd_user *)arr)[count]);
		} else {
			r = decode_group(p + 4, len, &tg.g, &tg.buf, &tg.cap,
					 &tg.members_cap, &used);
			if (!r)
				r = dup_group(
					&tg.g,
					&((struct pagd_group *)arr)[count]);
		}
		off += 4 + len;
	}
	if (r == 0) {
		r = 1;
		if (k == IDC_ENUM_USERS)
			*users = arr;
		else
			*groups = arr;
		*n = total;
		arr = NULL;
	}
out:
	mdb_txn_reset(c->rtxn);
	if (arr) {
		/* partly decoded: the caller's domain_free() cannot see it */
		for (size_t i = 0; i <= count && i < total; i++) {
			if (k == IDC_ENUM_USERS) {
				struct pagd_user *u =
					&((struct pagd_user *)arr)[i];

				free(u->name);
				free(u->passwd);
				free(u->gecos);
				free(u->dir);
				free(u->shell);
			} else {
				struct pagd_group *g =
					&((struct pagd_group *)arr)[i];

				free(g->name);
				free(g->passwd);
				for (size_t j = 0; j < g->n_members; j++)
					free(g->members[j]);
				free(g->members);
			}
		}
		free(arr);
	}
	idcache_user_free(&tu);
	idcache_group_free(&tg);
	return r;
}

void idcache_user_free(struct idcache_user *u)
{
	free(u->buf);
	u->buf = NULL;
	u->cap = 0;
}

void idcache_group_free(struct idcache_group *g)
{
	free(g->buf);
	free(g->g.members);
	g->buf = NULL;
	g->g.members = NULL;
	g->cap = g->members_cap = 0;
}

int idcache_begin(struct idcache *c)
{
	if (c->wtxn)
		return -EBUSY;
	return lmdb_errno(mdb_txn_begin(c->env, NULL, 0, &c->wtxn));
}

int idcache_end(struct idcache *c, bool commit)
{
	int rc = 0;

	if (!c->wtxn)
		return 0;
	if (commit)
		rc = mdb_txn_commit(c->wtxn);
	else
		mdb_txn_abort(c->wtxn);
	c->wtxn = NULL;
	if (rc)
		log_warning("identity cache %s: %s", c->path, mdb_strerror(rc));
	return lmdb_errno(rc);
}

static void enc(struct idcache *c, size_t *len, const void *p, size_t n)
{
	/* a user in no group: no array at all (memcpy wants one) */
	if (n)
		memcpy(c->scratch + *len, p, n);
	*len += n;
}

/*
 * The encoding buffer: the expiry, then the @size bytes the put_* append.
 * Returns 0, or -ENOMEM.
 */
static int enc_start(struct idcache *c, size_t *len, size_t size,
		     uint64_t expires)
{
	*len = 0;
	if (grow((char **)&c->scratch, &c->scratch_cap, 8 + size) < 0)
		return -ENOMEM;
	enc(c, len, &expires, 8);
	return 0;
}

static int put(struct idcache *c, const char *dom, enum idcache_kind k,
	       const char *name, uint32_t id, size_t len)
{
	char kbuf[KEY_MAX + 8];
	MDB_val key, val = { .mv_size = len, .mv_data = c->scratch };
	int r;

	if (!c->wtxn)
		return -EINVAL;
	r = make_key(kbuf, dom, k, name, id, &key);
	if (r < 0)
		return 0; /* not cacheable: asked again next time */
	return lmdb_errno(mdb_put(c->wtxn, c->dbi, &key, &val, 0));
}

static size_t user_size(const struct pagd_user *u)
{
	return 8 + strlen(u->name) + strlen(u->passwd) + strlen(u->gecos) +
	       strlen(u->dir) + strlen(u->shell) + 5 + 9;
}

static void enc_user(struct idcache *c, size_t *len, const struct pagd_user *u)
{
	uint8_t locked;

	enc(c, len, &u->uid, 4);
	enc(c, len, &u->gid, 4);
	enc(c, len, u->name, strlen(u->name) + 1);
	enc(c, len, u->passwd, strlen(u->passwd) + 1);
	enc(c, len, u->gecos, strlen(u->gecos) + 1);
	enc(c, len, u->dir, strlen(u->dir) + 1);
	enc(c, len, u->shell, strlen(u->shell) + 1);
	locked = u->locked;
	enc(c, len, &locked, 1);
	enc(c, len, &u->expires, 8);
}

static size_t group_size(const struct pagd_group *g)
{
	size_t n = 8 + strlen(g->name) + strlen(g->passwd) + 2;

	for (size_t i = 0; i < g->n_members; i++)
		n += strlen(g->members[i]) + 1;
	return n;
}

static void enc_group(struct idcache *c, size_t *len,
		      const struct pagd_group *g)
{
	uint32_t n = g->n_members;

	enc(c, len, &g->gid, 4);
	enc(c, len, &n, 4);
	enc(c, len, g->name, strlen(g->name) + 1);
	enc(c, len, g->passwd, strlen(g->passwd) + 1);
	for (size_t i = 0; i < g->n_members; i++)
		enc(c, len, g->members[i], strlen(g->members[i]) + 1);
}

/* The entry encoded in the first @len bytes, under its name and its id. */
static int put_by_name_and_id(struct idcache *c, const char *dom,
			      enum idcache_kind by_name, const char *name,
			      enum idcache_kind by_id, uint32_t id, size_t len)
{
	return put(c, dom, by_name, name, 0, len)
		       ?: put(c, dom, by_id, NULL, id, len);
}

int idcache_put_user(struct idcache *c, const char *dom,
		     const struct pagd_user *u, uint64_t expires)
{
	size_t len;

	if (enc_start(c, &len, user_size(u), expires) < 0)
		return -ENOMEM;
	enc_user(c, &len, u);
	return put_by_name_and_id(c, dom, IDC_USER_NAME, u->name, IDC_USER_UID,
				  u->uid, len);
}

int idcache_put_group(struct idcache *c, const char *dom,
		      const struct pagd_group *g, uint64_t expires)
{
	size_t len;

	if (enc_start(c, &len, group_size(g), expires) < 0)
		return -ENOMEM;
	enc_group(c, &len, g);
	return put_by_name_and_id(c, dom, IDC_GROUP_NAME, g->name,
				  IDC_GROUP_GID, g->gid, len);
}

int idcache_put_gids(struct idcache *c, const char *dom, const char *name,
		     const uint32_t *gids, size_t n, uint64_t expires)
{
	uint32_t n32 = n;
	size_t len;

	if (enc_start(c, &len, 4 + 4 * n, expires) < 0)
		return -ENOMEM;
	enc(c, &len, &n32, 4);
	enc(c, &len, gids, 4 * n);
	return put(c, dom, IDC_INITGR, name, 0, len);
}

int idcache_put_none(struct idcache *c, const char *dom, enum idcache_kind k,
		     const char *name, uint32_t id, uint64_t expires)
{
	size_t len;

	if (enc_start(c, &len, 0, expires) < 0)
		return -ENOMEM;
	return put(c, dom, k, name, id, len);
}

int idcache_put_enum(struct idcache *c, const char *dom, enum idcache_kind k,
		     const struct pagd_user *const *users,
		     const struct pagd_group *const *groups, size_t n,
		     uint64_t expires)
{
	uint32_t n32 = n, one;
	size_t len, need = 4;

	for (size_t i = 0; i < n; i++)
		need += 4 +
			(users ? user_size(users[i]) : group_size(groups[i]));
	if (enc_start(c, &len, need, expires) < 0)
		return -ENOMEM;
	enc(c, &len, &n32, 4);
	for (size_t i = 0; i < n; i++) {
		one = users ? user_size(users[i]) : group_size(groups[i]);
		enc(c, &len, &one, 4);
		if (users)
			enc_user(c, &len, users[i]);
		else
			enc_group(c, &len, groups[i]);
	}
	return put(c, dom, k, NULL, 0, len);
}
