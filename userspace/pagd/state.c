// SPDX-License-Identifier: GPL-2.0
/*
 * LMDB state.  One environment file, STATE_DIR/pagd.lmdb, with named
 * databases:
 *   bindings.2  int32 PAG id -> uint64 creation time, canonical domain list
 *               (NUL-terminated), then the name of the profile the binding
 *               was made within, when it was (NUL-terminated; pagds that
 *               know nothing of it read the list alone)
 *   sockdirs    "domains;responders" -> uint32 directory id
 *   meta        "next_sockdir" -> uint32
 *   creds.2     int32 PAG id -> uint64 creation time, "principal\0keytab\0"
 * pagd is the only writer; LMDB's commit is durable (fsync) by default.
 *
 * A PAG id is a keyring serial and is reused; (id, creation time) names one
 * PAG for ever.  The databases "bindings" and "creds" of pagds before the
 * creation time was recorded hold ids alone: nothing tells whether the PAG
 * that has such an id now is the one that was bound, so their entries are
 * dropped (and logged) when the state is opened, never adopted.
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/state.h"

struct state {
	MDB_env *env;
	MDB_dbi bindings;
	MDB_dbi sockdirs;
	MDB_dbi meta;
	MDB_dbi creds;
	MDB_dbi offline; /* "domain\0user" -> struct state_offline */
	char *path;
};

/* The header of a value of bindings.2 and creds.2. */
struct incarnation {
	uint64_t created_ns;
};

int lmdb_errno(int rc)
{
	if (rc == 0)
		return 0;
	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc == MDB_MAP_FULL)
		return -ENOSPC;
	if (rc > 0 && rc < 1000)
		return -rc;
	return -EIO;
}

/*
 * Drops the database @name of an earlier pagd, whose bindings have no
 * creation time, logging every entry: see the comment at the top.
 */
static int drop_legacy(MDB_txn *txn, const char *name)
{
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_dbi dbi;
	int32_t pag;
	int rc;

	rc = mdb_dbi_open(txn, name, MDB_INTEGERKEY, &dbi);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof(pag))
			continue;
		memcpy(&pag, k.mv_data, sizeof(pag));
		log_warning("state of an earlier pagd: %s of PAG %d (%.*s) has "
			    "no creation time, so it may name another PAG now: "
			    "dropped; bind the PAG again",
			    !strcmp(name, "creds") ? "credential binding"
						   : "binding",
			    pag, (int)strnlen(v.mv_data, v.mv_size),
			    (const char *)v.mv_data);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return rc;
	return mdb_drop(txn, dbi, 1);
}

int state_open(const char *dir, struct state **out)
{
	struct state *st;
	MDB_txn *txn;
	int rc, r;

	r = mkdir_p(dir, 0700);
	if (r < 0)
		return log_errno(LOG_ERR, r,
				 "cannot create state directory %s: %m", dir);
	st = calloc(1, sizeof(*st));
	if (!st || asprintf(&st->path, "%s/pagd.lmdb", dir) < 0) {
		free(st);
		return -ENOMEM;
	}
	rc = mdb_env_create(&st->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(st->env, 8);
	if (!rc)
		rc = mdb_env_set_mapsize(st->env, 256UL << 20);
	if (!rc)
		rc = mdb_env_open(st->env, st->path, MDB_NOSUBDIR | MDB_NOTLS,
				  0600);
	if (!rc)
		rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc) {
		log_error("cannot open state database %s: %s", st->path,
			  mdb_strerror(rc));
		state_close(st);
		return lmdb_errno(rc);
	}
	rc = mdb_dbi_open(txn, "bindings.2", MDB_CREATE | MDB_INTEGERKEY,
			  &st->bindings);
	if (!rc)
		rc = mdb_dbi_open(txn, "sockdirs", MDB_CREATE, &st->sockdirs);
	if (!rc)
		rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->meta);
	if (!rc)
		rc = mdb_dbi_open(txn, "creds.2", MDB_CREATE | MDB_INTEGERKEY,
				  &st->creds);
	if (!rc)
		rc = mdb_dbi_open(txn, "offline_auth", MDB_CREATE,
				  &st->offline);
	if (!rc)
		rc = drop_legacy(txn, "bindings");
	if (!rc)
		rc = drop_legacy(txn, "creds");
	if (!rc)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc) {
		log_error("cannot open state database %s: %s", st->path,
			  mdb_strerror(rc));
		state_close(st);
		return lmdb_errno(rc);
	}
	*out = st;
	return 0;
}

void state_close(struct state *st)
{
	if (!st)
		return;
	if (st->env)
		mdb_env_close(st->env);
	free(st->path);
	free(st);
}

static int put_one(struct state *st, MDB_dbi dbi, MDB_val *k, MDB_val *v);

/* The key of @user of @domain in offline_auth: both, NULs included. */
static int offline_key(const char *domain, const char *user, char *buf,
		       size_t size, MDB_val *k)
{
	size_t a = strlen(domain) + 1, b = strlen(user) + 1;

	if (a + b > size)
		return -ENAMETOOLONG;
	memcpy(buf, domain, a);
	memcpy(buf + a, user, b);
	k->mv_data = buf;
	k->mv_size = a + b;
	return 0;
}

int state_offline_get(struct state *st, const char *domain, const char *user,
		      struct state_offline *out)
{
	char buf[512];
	MDB_val k, v;
	MDB_txn *txn;
	int rc = offline_key(domain, user, buf, sizeof(buf), &k);

	if (rc < 0)
		return -ENOENT;
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(txn, st->offline, &k, &v);
	if (!rc && v.mv_size != sizeof(*out))
		rc = MDB_CORRUPTED;
	if (!rc) {
		memcpy(out, v.mv_data, sizeof(*out));
		out->hash[sizeof(out->hash) - 1] = '\0';
	}
	mdb_txn_abort(txn);
	return rc == MDB_NOTFOUND ? -ENOENT : lmdb_errno(rc);
}

int state_offline_put(struct state *st, const char *domain, const char *user,
		      const struct state_offline *in)
{
	char buf[512];
	MDB_val k, v = { .mv_size = sizeof(*in), .mv_data = (void *)in };
	int r = offline_key(domain, user, buf, sizeof(buf), &k);

	return r < 0 ? r : put_one(st, st->offline, &k, &v);
}

static int put_one(struct state *st, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	MDB_txn *txn;
	int rc;

	rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_put(txn, dbi, k, v, 0);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_errno(rc);
	}
	return lmdb_errno(mdb_txn_commit(txn));
}

/* A value: the incarnation header, then @a and @b (when not NULL). */
static int put_pag(struct state *st, MDB_dbi dbi, int32_t pag,
		   uint64_t created_ns, const char *a, const char *b)
{
	struct incarnation inc = { .created_ns = created_ns };
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
	MDB_val k = { sizeof(pag), &pag }, v;
	char *buf = malloc(sizeof(inc) + la + lb);
	int r;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, &inc, sizeof(inc));
	memcpy(buf + sizeof(inc), a, la);
	if (b)
		memcpy(buf + sizeof(inc) + la, b, lb);
	v.mv_size = sizeof(inc) + la + lb;
	v.mv_data = buf;
	r = put_one(st, dbi, &k, &v);
	free(buf);
	return r;
}

/*
 * Splits a value of bindings.2 or creds.2.  Return: false when it is
 * malformed (not NUL-terminated, too short).
 */
static bool split_value(const MDB_val *v, uint64_t *created_ns,
			const char **str, size_t *len)
{
	struct incarnation inc;

	if (v->mv_size <= sizeof(inc) ||
	    ((const char *)v->mv_data)[v->mv_size - 1])
		return false;
	memcpy(&inc, v->mv_data, sizeof(inc));
	*created_ns = inc.created_ns;
	*str = (const char *)v->mv_data + sizeof(inc);
	*len = v->mv_size - sizeof(inc);
	return true;
}

int state_bind(struct state *st, int32_t pag, uint64_t created_ns,
	       const char *key)
{
	return put_pag(st, st->bindings, pag, created_ns, key, NULL);
}

int state_bind_profile(struct state *st, int32_t pag, uint64_t created_ns,
		       const char *key, const char *profile)
{
	return put_pag(st, st->bindings, pag, created_ns, key, profile);
}

int state_binding_profile(struct state *st, int32_t pag, uint64_t created_ns,
			  char **profile)
{
	MDB_val k = { sizeof(pag), &pag }, v;
	uint64_t t = 0;
	const char *s;
	size_t len, lk;
	MDB_txn *txn;
	int rc;

	*profile = NULL;
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(txn, st->bindings, &k, &v);
	if (!rc && (!split_value(&v, &t, &s, &len) || t != created_ns))
		rc = MDB_NOTFOUND;
	if (!rc) {
		lk = strnlen(s, len) + 1;
		if (lk < len) {
			*profile = strndup(s + lk, len - lk);
			if (!*profile)
				rc = ENOMEM;
		}
	}
	mdb_txn_abort(txn);
	return lmdb_errno(rc);
}

/*
 * Deletes the entry of @pag when it is the incarnation @created_ns (0:
 * whichever), checked in the write transaction itself.
 */
static int del_one(struct state *st, MDB_dbi dbi, int32_t pag,
		   uint64_t created_ns)
{
	MDB_val k = { sizeof(pag), &pag }, v;
	uint64_t t = 0;
	const char *s;
	size_t len;
	MDB_txn *txn;
	int rc;

	rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(txn, dbi, &k, &v);
	if (!rc && created_ns && split_value(&v, &t, &s, &len) &&
	    t != created_ns)
		rc = MDB_NOTFOUND;
	if (!rc)
		rc = mdb_del(txn, dbi, &k, NULL);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_errno(rc);
	}
	return lmdb_errno(mdb_txn_commit(txn));
}

int state_unbind(struct state *st, int32_t pag, uint64_t created_ns)
{
	return del_one(st, st->bindings, pag, created_ns);
}

int state_get_binding(struct state *st, int32_t pag, uint64_t *created_ns,
		      char **key)
{
	MDB_val k = { sizeof(pag), &pag }, v;
	const char *s;
	size_t len;
	MDB_txn *txn;
	int rc;

	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(txn, st->bindings, &k, &v);
	if (!rc && !split_value(&v, created_ns, &s, &len))
		rc = MDB_NOTFOUND;
	if (!rc && key) {
		*key = strndup(s, len);
		if (!*key)
			rc = ENOMEM;
	}
	mdb_txn_abort(txn);
	return lmdb_errno(rc);
}

/* Walks @dbi in a read transaction; stops at the first non-zero @cb. */
static int foreach(struct state *st, MDB_dbi dbi,
		   int (*cb)(MDB_val *k, MDB_val *v, void *ud), void *ud)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int rc, r = 0;

	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_errno(rc);
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc && !r;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		r = cb(&k, &v, ud);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (r)
		return r;
	return rc == MDB_NOTFOUND ? 0 : lmdb_errno(rc);
}

struct binding_walk {
	int (*cb)(int32_t pag, uint64_t created_ns, const char *key, void *ud);
	void *ud;
};

static int binding_one(MDB_val *k, MDB_val *v, void *ud)
{
	struct binding_walk *w = ud;
	uint64_t created_ns;
	const char *s;
	size_t len;
	int32_t pag;
	char *key;
	int r;

	if (k->mv_size != sizeof(pag) || !split_value(v, &created_ns, &s, &len))
		return 0;
	memcpy(&pag, k->mv_data, sizeof(pag));
	key = strndup(s, len);
	if (!key)
		return -ENOMEM;
	r = w->cb(pag, created_ns, key, w->ud);
	free(key);
	return r;
}

int state_foreach_binding(struct state *st,
			  int (*cb)(int32_t pag, uint64_t created_ns,
				    const char *key, void *ud),
			  void *ud)
{
	struct binding_walk w = { cb, ud };

	return foreach(st, st->bindings, binding_one, &w);
}

int state_sockdir(struct state *st, const char *key, uint32_t *id,
		  bool *created)
{
	MDB_val k = { strlen(key) + 1, (void *)key }, v;
	MDB_val nk = { sizeof("next_sockdir"), "next_sockdir" }, nv;
	uint32_t next = 1;
	MDB_txn *txn;
	int rc;

	*created = false;
	rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc)
		return lmdb_errno(rc);
	rc = mdb_get(txn, st->sockdirs, &k, &v);
	if (!rc && v.mv_size == sizeof(*id)) {
		memcpy(id, v.mv_data, sizeof(*id));
		mdb_txn_abort(txn);
		return 0;
	}
	rc = mdb_get(txn, st->meta, &nk, &nv);
	if (!rc && nv.mv_size == sizeof(next))
		memcpy(&next, nv.mv_data, sizeof(next));
	*id = next++;
	nv.mv_size = sizeof(next);
	nv.mv_data = &next;
	v.mv_size = sizeof(*id);
	v.mv_data = id;
	rc = mdb_put(txn, st->meta, &nk, &nv, 0);
	if (!rc)
		rc = mdb_put(txn, st->sockdirs, &k, &v, 0);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_errno(rc);
	}
	rc = mdb_txn_commit(txn);
	if (!rc)
		*created = true;
	return lmdb_errno(rc);
}

struct sockdir_walk {
	int (*cb)(uint32_t id, const char *key, void *ud);
	void *ud;
};

static int sockdir_one(MDB_val *k, MDB_val *v, void *ud)
{
	struct sockdir_walk *w = ud;
	uint32_t id;
	char *key;
	int r;

	if (v->mv_size != sizeof(id))
		return 0;
	memcpy(&id, v->mv_data, sizeof(id));
	key = strndup(k->mv_data, k->mv_size);
	if (!key)
		return -ENOMEM;
	r = w->cb(id, key, w->ud);
	free(key);
	return r;
}

int state_foreach_sockdir(struct state *st,
			  int (*cb)(uint32_t id, const char *key, void *ud),
			  void *ud)
{
	struct sockdir_walk w = { cb, ud };

	return foreach(st, st->sockdirs, sockdir_one, &w);
}

int state_creds_put(struct state *st, int32_t pag, uint64_t created_ns,
		    const char *principal, const char *keytab)
{
	return put_pag(st, st->creds, pag, created_ns, principal, keytab);
}

int state_creds_del(struct state *st, int32_t pag, uint64_t created_ns)
{
	return del_one(st, st->creds, pag, created_ns);
}

struct creds_walk {
	int (*cb)(int32_t pag, uint64_t created_ns, const char *principal,
		  const char *keytab, void *ud);
	void *ud;
};

static int creds_one(MDB_val *k, MDB_val *v, void *ud)
{
	struct creds_walk *w = ud;
	const char *principal, *keytab;
	uint64_t created_ns;
	size_t lp, len;
	int32_t pag;

	if (k->mv_size != sizeof(pag) ||
	    !split_value(v, &created_ns, &principal, &len))
		return 0;
	lp = strnlen(principal, len) + 1;
	if (lp >= len)
		return 0; /* no keytab: not ours */
	keytab = principal + lp;
	memcpy(&pag, k->mv_data, sizeof(pag));
	return w->cb(pag, created_ns, principal, keytab, w->ud);
}

int state_foreach_creds(struct state *st,
			int (*cb)(int32_t pag, uint64_t created_ns,
				  const char *principal, const char *keytab,
				  void *ud),
			void *ud)
{
	struct creds_walk w = { cb, ud };

	return foreach(st, st->creds, creds_one, &w);
}
