// SPDX-License-Identifier: GPL-2.0
/*
 * The LDAP identity provider: a domain whose users and groups live in one
 * tenant's subtree of an IdM directory.
 *
 * The tree is cn=TENANT,cn=tenants,ldap_suffix (or ldap_search_base as
 * given); users are searched under cn=users,cn=accounts and groups under
 * cn=groups,cn=accounts of it, and nothing else is ever read.
 *
 * Lookups answer from the identity cache (cache.c).  prepare() checks the
 * record a query needs: fresh, it answers now; missing or expired while
 * online, it starts a fetch (or joins the one in flight for the same
 * query) and the caller waits.  A fetch writes what it found, or a
 * negative record, then wakes its waiters, who read the cache.  When the
 * fetch fails because no server answers, the domain goes offline
 * (offline.c) and waiters get whatever the cache holds, expired or not.
 *
 * initgroups is one search, (memberUid=NAME) asking only for cn and
 * gidNumber, so a user in hundreds of groups costs one round trip and no
 * member lists; the slapd fixture indexes memberUid as a server should.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "pagd/cache.h"
#include "pagd/ldap.h"
#include "pagd/ldap_map.h"
#include "pagd/ldap_provider.h"
#include "pagd/offline.h"

enum op_what {
	OP_USERS,
	OP_GROUPS,
	OP_GIDS, /* groups listing a user: ids only */
};

struct fetch;

struct fetch_op {
	struct fetch *f;
	enum op_what what;
};

struct entries {
	struct pagd_user *users;
	struct pagd_group *groups;
	char **dns;
	size_t n, cap;
};

struct fetch {
	struct ldap_dom *l;
	struct fetch *next, **pprev;
	enum id_kind kind;
	char *name;
	uint32_t id;
	struct id_wait *waiters;
	struct fetch_op op[2];
	unsigned int outstanding;
	int err;
	struct entries users, groups;
	uint32_t *gids;
	size_t n_gids, cap_gids;
};

struct ldap_dom {
	struct domain *d;
	const struct domain_conf *dc;
	struct idcache *cache;
	struct ldap_conn *conn;
	struct offline off;
	struct ldap_map_ctx map;
	char *tree, *user_base, *group_base;
	struct fetch *fetches;
	/* what the last lookup of each kind returned */
	struct idcache_user su;
	struct idcache_group sg;
	struct idcache_gids sgids;
	bool enum_loaded[2];
	uint64_t enum_expires[2];
};

static char *const user_attrs[] = { "uid",	  "uidNumber", "gidNumber",
				    "gecos",	  "cn",	       "homeDirectory",
				    "loginShell", NULL };
static char *const group_attrs[] = { "cn", "gidNumber", "memberUid", NULL };
static char *const gid_attrs[] = { "cn", "gidNumber", NULL };

static uint64_t now_sec(void)
{
	return (uint64_t)time(NULL);
}

static bool fresh(int r, uint64_t expires)
{
	return r >= 0 && expires > now_sec();
}

/* Lookups: whatever the cache holds, fresh or not. */

static const struct pagd_user *user_lookup(const struct domain *d,
					   enum idcache_kind k,
					   const char *name, uint32_t id)
{
	struct ldap_dom *l = d->priv;
	uint64_t exp;

	if (!l->cache)
		return NULL;
	if (idcache_get_user(l->cache, d->name, k, name, id, &l->su, &exp) > 0)
		return &l->su.u;
	return NULL;
}

static const struct pagd_group *group_lookup(const struct domain *d,
					     enum idcache_kind k,
					     const char *name, uint32_t id)
{
	struct ldap_dom *l = d->priv;
	uint64_t exp;

	if (!l->cache)
		return NULL;
	if (idcache_get_group(l->cache, d->name, k, name, id, &l->sg, &exp) > 0)
		return &l->sg.g;
	return NULL;
}

static const struct pagd_user *ld_user_by_name(const struct domain *d,
					       const char *name)
{
	return user_lookup(d, IDC_USER_NAME, name, 0);
}

static const struct pagd_user *ld_user_by_uid(const struct domain *d,
					      uint32_t uid)
{
	return user_lookup(d, IDC_USER_UID, NULL, uid);
}

static const struct pagd_group *ld_group_by_name(const struct domain *d,
						 const char *name)
{
	return group_lookup(d, IDC_GROUP_NAME, name, 0);
}

static const struct pagd_group *ld_group_by_gid(const struct domain *d,
						uint32_t gid)
{
	return group_lookup(d, IDC_GROUP_GID, NULL, gid);
}

static size_t ld_user_groups(const struct domain *d, const struct pagd_user *u,
			     const uint32_t **gids)
{
	struct ldap_dom *l = d->priv;
	uint64_t exp;

	*gids = NULL;
	if (!l->cache ||
	    idcache_get_gids(l->cache, d->name, u->name, &l->sgids, &exp) <= 0)
		return 0;
	*gids = l->sgids.gids;
	return l->sgids.n;
}

/* Enumeration snapshots: the domain's arrays, replaced whole. */

static void free_users(struct pagd_user *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ldap_map_user_free(&u[i]);
	free(u);
}

static void free_groups(struct pagd_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ldap_map_group_free(&g[i]);
	free(g);
}

static void enum_load(struct ldap_dom *l, bool users)
{
	enum idcache_kind k = users ? IDC_ENUM_USERS : IDC_ENUM_GROUPS;
	struct pagd_user *u = NULL;
	struct pagd_group *g = NULL;
	struct domain *d = l->d;
	uint64_t exp;
	size_t n;

	if (idcache_get_enum(l->cache, d->name, k, &u, &g, &n, &exp) <= 0)
		return;
	if (users) {
		free_users(d->users, d->n_users);
		d->users = u;
		d->n_users = n;
	} else {
		free_groups(d->groups, d->n_groups);
		d->groups = g;
		d->n_groups = n;
	}
	l->enum_loaded[!users] = true;
	l->enum_expires[!users] = exp;
}

/* Fetches. */

static void entries_free(struct entries *e, bool users)
{
	for (size_t i = 0; i < e->n; i++) {
		if (users)
			ldap_map_user_free(&e->users[i]);
		else
			ldap_map_group_free(&e->groups[i]);
		free(e->dns[i]);
	}
	free(e->users);
	free(e->groups);
	free(e->dns);
}

static void fetch_free(struct fetch *f)
{
	if (f->pprev) {
		if (f->next)
			f->next->pprev = f->pprev;
		*f->pprev = f->next;
	}
	entries_free(&f->users, true);
	entries_free(&f->groups, false);
	free(f->gids);
	free(f->name);
	free(f);
}

static int entries_grow(struct entries *e, bool users)
{
	size_t cap = e->cap ? e->cap * 2 : 8;
	void *p;

	if (e->n < e->cap)
		return 0;
	if (users) {
		p = reallocarray(e->users, cap, sizeof(*e->users));
		if (!p)
			return -ENOMEM;
		e->users = p;
	} else {
		p = reallocarray(e->groups, cap, sizeof(*e->groups));
		if (!p)
			return -ENOMEM;
		e->groups = p;
	}
	p = reallocarray(e->dns, cap, sizeof(*e->dns));
	if (!p)
		return -ENOMEM;
	e->dns = p;
	e->cap = cap;
	return 0;
}

static const char *want_name(const struct fetch *f)
{
	switch (f->kind) {
	case ID_USER_NAME:
	case ID_GROUP_NAME:
	case ID_INITGR:
		return f->name;
	default:
		return NULL;
	}
}

static void on_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct fetch_op *op = ud;
	struct fetch *f = op->f;
	struct ldap_dom *l = f->l;
	struct pagd_group g;
	char *dn;
	int r;

	dn = ldap_map_dn(ld, e, &l->map);
	if (!dn)
		return;
	switch (op->what) {
	case OP_USERS:
		if (entries_grow(&f->users, true) < 0)
			break;
		r = ldap_map_user(ld, e, &l->map, want_name(f), dn,
				  &f->users.users[f->users.n]);
		if (r < 0)
			break;
		if (f->kind == ID_USER_UID &&
		    f->users.users[f->users.n].uid != f->id) {
			ldap_map_user_free(&f->users.users[f->users.n]);
			break;
		}
		f->users.dns[f->users.n++] = dn;
		return;
	case OP_GROUPS:
		if (entries_grow(&f->groups, false) < 0)
			break;
		r = ldap_map_group(ld, e, &l->map,
				   f->kind == ID_GROUP_NAME ? f->name : NULL,
				   dn, true, &f->groups.groups[f->groups.n]);
		if (r < 0)
			break;
		if (f->kind == ID_GROUP_GID &&
		    f->groups.groups[f->groups.n].gid != f->id) {
			ldap_map_group_free(&f->groups.groups[f->groups.n]);
			break;
		}
		f->groups.dns[f->groups.n++] = dn;
		return;
	case OP_GIDS:
		if (ldap_map_group(ld, e, &l->map, NULL, dn, false, &g) < 0)
			break;
		if (f->n_gids == f->cap_gids) {
			size_t cap = f->cap_gids ? f->cap_gids * 2 : 16;
			uint32_t *p = reallocarray(f->gids, cap, sizeof(*p));

			if (!p) {
				ldap_map_group_free(&g);
				break;
			}
			f->gids = p;
			f->cap_gids = cap;
		}
		f->gids[f->n_gids++] = g.gid;
		ldap_map_group_free(&g);
		break;
	}
	free(dn);
}

/*
 * Entries sharing a name or an id within the tenant are all skipped: no
 * answer is better than a guess.  @skip[i] is set for each.
 */
static void mark_dups(struct ldap_dom *l, struct entries *e, bool users,
		      bool *skip)
{
	for (size_t i = 0; i < e->n; i++) {
		for (size_t j = i + 1; j < e->n; j++) {
			bool same_name, same_id;

			if (users) {
				same_name = !strcmp(e->users[i].name,
						    e->users[j].name);
				same_id = e->users[i].uid == e->users[j].uid;
			} else {
				same_name = !strcmp(e->groups[i].name,
						    e->groups[j].name);
				same_id = e->groups[i].gid == e->groups[j].gid;
			}
			if (!same_name && !same_id)
				continue;
			if (!skip[i] || !skip[j])
				log_warning("domain '%s': skipping %s and %s: "
					    "same %s in one tenant",
					    l->d->name, e->dns[i], e->dns[j],
					    same_name ? (users ? "uid" : "cn")
					    : users   ? "uidNumber"
						      : "gidNumber");
			skip[i] = skip[j] = true;
		}
	}
}

/*
 * Enumerations compare every pair through sorted orders instead: O(n log n)
 * for ten thousand users.
 */
static struct entries *sort_ctx;
static bool sort_users;

static int cmp_name(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	return sort_users ? strcmp(sort_ctx->users[i].name,
				   sort_ctx->users[j].name)
			  : strcmp(sort_ctx->groups[i].name,
				   sort_ctx->groups[j].name);
}

static int cmp_id(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint32_t x =
		sort_users ? sort_ctx->users[i].uid : sort_ctx->groups[i].gid;
	uint32_t y =
		sort_users ? sort_ctx->users[j].uid : sort_ctx->groups[j].gid;

	return x < y ? -1 : x > y;
}

static int mark_dups_sorted(struct ldap_dom *l, struct entries *e, bool users,
			    bool *skip)
{
	size_t *idx = calloc(e->n ? e->n : 1, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	for (size_t pass = 0; pass < 2; pass++) {
		int (*cmp)(const void *, const void *) =
			pass ? cmp_id : cmp_name;

		for (size_t i = 0; i < e->n; i++)
			idx[i] = i;
		sort_ctx = e;
		sort_users = users;
		qsort(idx, e->n, sizeof(*idx), cmp);
		for (size_t i = 1; i < e->n; i++) {
			if (cmp(&idx[i - 1], &idx[i]) != 0)
				continue;
			log_warning("domain '%s': skipping %s and %s: same %s "
				    "in one tenant",
				    l->d->name, e->dns[idx[i - 1]],
				    e->dns[idx[i]],
				    pass ? (users ? "uidNumber" : "gidNumber")
				    : users ? "uid"
					    : "cn");
			skip[idx[i - 1]] = skip[idx[i]] = true;
		}
	}
	sort_ctx = NULL;
	free(idx);
	return 0;
}

static int store_one(struct fetch *f, bool users, uint64_t exp, uint64_t nexp)
{
	struct ldap_dom *l = f->l;
	struct entries *e = users ? &f->users : &f->groups;
	const char *dom = l->d->name;
	bool skip[2] = {};
	size_t keep = e->n;
	enum idcache_kind k;

	if (e->n == 2)
		mark_dups(l, e, users, skip);
	else if (e->n > 2) {
		/* rare: every entry answering one name or id is a duplicate */
		log_warning("domain '%s': skipping %zu entries answering one "
			    "%s, first %s",
			    dom, e->n, users ? "user" : "group", e->dns[0]);
		keep = 0;
	}
	if (e->n == 2 && skip[0])
		keep = 0;
	if (keep == 1)
		return users ? idcache_put_user(l->cache, dom, &e->users[0],
						exp)
			     : idcache_put_group(l->cache, dom, &e->groups[0],
						 exp);
	if (users)
		k = f->kind == ID_USER_UID ? IDC_USER_UID : IDC_USER_NAME;
	else
		k = f->kind == ID_GROUP_GID ? IDC_GROUP_GID : IDC_GROUP_NAME;
	return idcache_put_none(l->cache, dom, k, f->name, f->id, nexp);
}

static int store_enum(struct fetch *f, bool users, uint64_t exp)
{
	struct ldap_dom *l = f->l;
	struct entries *e = users ? &f->users : &f->groups;
	const char *dom = l->d->name;
	const void **keep;
	size_t n = 0;
	bool *skip;
	int r;

	skip = calloc(e->n ? e->n : 1, sizeof(*skip));
	keep = calloc(e->n ? e->n : 1, sizeof(*keep));
	r = skip && keep ? mark_dups_sorted(l, e, users, skip) : -ENOMEM;
	for (size_t i = 0; r == 0 && i < e->n; i++) {
		if (skip[i])
			continue;
		if (users) {
			keep[n++] = &e->users[i];
			r = idcache_put_user(l->cache, dom, &e->users[i], exp);
		} else {
			keep[n++] = &e->groups[i];
			r = idcache_put_group(l->cache, dom, &e->groups[i],
					      exp);
		}
	}
	if (r == 0)
		r = idcache_put_enum(
			l->cache, dom, users ? IDC_ENUM_USERS : IDC_ENUM_GROUPS,
			users ? (const struct pagd_user *const *)keep : NULL,
			users ? NULL : (const struct pagd_group *const *)keep,
			n, exp);
	free(skip);
	free(keep);
	return r;
}

static int store(struct fetch *f)
{
	struct ldap_dom *l = f->l;
	const struct ldap_conf *cf = &l->dc->ldap;
	uint64_t now = now_sec(), exp = now + cf->entry_cache_timeout,
		 nexp = now + cf->entry_negative_timeout;
	int r;

	r = idcache_begin(l->cache);
	if (r < 0)
		return r;
	switch (f->kind) {
	case ID_USER_NAME:
	case ID_USER_UID:
		r = store_one(f, true, exp, nexp);
		break;
	case ID_INITGR:
		r = store_one(f, true, exp, nexp);
		if (r == 0)
			r = idcache_put_gids(l->cache, l->d->name, f->name,
					     f->gids, f->n_gids, exp);
		break;
	case ID_GROUP_NAME:
	case ID_GROUP_GID:
		r = store_one(f, false, exp, nexp);
		break;
	case ID_ENUM_USERS:
	case ID_ENUM_GROUPS:
		r = store_enum(f, f->kind == ID_ENUM_USERS, exp);
		break;
	default:
		break;
	}
	idcache_end(l->cache, r == 0);
	if (r == 0 && (f->kind == ID_ENUM_USERS || f->kind == ID_ENUM_GROUPS))
		enum_load(l, f->kind == ID_ENUM_USERS);
	return r;
}

static void on_done(void *ud, int err)
{
	struct fetch_op *op = ud;
	struct fetch *f = op->f;
	struct id_wait *w;
	int r;

	if (err && !f->err)
		f->err = err;
	if (--f->outstanding)
		return;
	if (!f->err) {
		r = store(f);
		if (r < 0)
			log_errno(LOG_WARNING, r,
				  "domain '%s': cannot cache an answer: %m",
				  f->l->d->name);
	}
	while ((w = f->waiters)) {
		id_wait_cancel(w);
		w->done(w);
	}
	fetch_free(f);
}

static void on_up(void *ud)
{
	struct ldap_dom *l = ud;

	offline_up(&l->off);
}

static void on_down(void *ud, const char *why)
{
	struct ldap_dom *l = ud;

	offline_down(&l->off, why);
}

static const struct ldap_conn_ops conn_ops = {
	.up = on_up,
	.down = on_down,
	.entry = on_entry,
	.done = on_done,
};

static void on_retry(void *ud)
{
	struct ldap_dom *l = ud;

	ldap_conn_connect(l->conn);
}

static int search(struct fetch *f, int i, enum op_what what, const char *pre,
		  const char *value, const char *post)
{
	struct ldap_dom *l = f->l;
	char *filter;
	bool users = what == OP_USERS;
	int r;

	r = ldap_filter(&filter, pre, value, post);
	if (r < 0)
		return r;
	f->op[i] = (struct fetch_op){ .f = f, .what = what };
	r = ldap_conn_search(l->conn, users ? l->user_base : l->group_base,
			     filter,
			     users	       ? user_attrs
			     : what == OP_GIDS ? gid_attrs
					       : group_attrs,
			     what == OP_GIDS || f->kind == ID_ENUM_USERS ||
				     f->kind == ID_ENUM_GROUPS,
			     &f->op[i]);
	free(filter);
	if (r == 0)
		f->outstanding++;
	return r;
}

static struct fetch *fetch_start(struct ldap_dom *l, const struct id_query *q)
{
	struct fetch *f = calloc(1, sizeof(*f));
	char id[16];
	int r = 0;

	if (!f)
		return NULL;
	f->l = l;
	f->kind = q->kind;
	f->id = q->id;
	if (q->name && !(f->name = strdup(q->name))) {
		free(f);
		return NULL;
	}
	snprintf(id, sizeof(id), "%u", q->id);
	switch (q->kind) {
	case ID_USER_NAME:
		r = search(f, 0, OP_USERS,
			   "(&(objectClass=posixAccount)(uid=", q->name, "))");
		break;
	case ID_USER_UID:
		r = search(f, 0, OP_USERS,
			   "(&(objectClass=posixAccount)(uidNumber=", id, "))");
		break;
	case ID_GROUP_NAME:
		r = search(f, 0, OP_GROUPS,
			   "(&(objectClass=posixGroup)(cn=", q->name, "))");
		break;
	case ID_GROUP_GID:
		r = search(f, 0, OP_GROUPS,
			   "(&(objectClass=posixGroup)(gidNumber=", id, "))");
		break;
	case ID_INITGR:
		r = search(f, 0, OP_USERS,
			   "(&(objectClass=posixAccount)(uid=", q->name, "))");
		if (r == 0)
			r = search(f, 1, OP_GIDS,
				   "(&(objectClass=posixGroup)(memberUid=",
				   q->name, "))");
		break;
	case ID_ENUM_USERS:
		r = search(f, 0, OP_USERS, "", "",
			   "(objectClass=posixAccount)");
		break;
	case ID_ENUM_GROUPS:
		r = search(f, 0, OP_GROUPS, "", "", "(objectClass=posixGroup)");
		break;
	default:
		r = -EINVAL;
		break;
	}
	/* searches already queued finish (and free f) through on_done */
	if (r < 0 && !f->outstanding) {
		fetch_free(f);
		return NULL;
	}
	if (r < 0)
		f->err = r;
	f->next = l->fetches;
	if (f->next)
		f->next->pprev = &f->next;
	f->pprev = &l->fetches;
	l->fetches = f;
	return f;
}

static struct fetch *fetch_find(struct ldap_dom *l, const struct id_query *q)
{
	for (struct fetch *f = l->fetches; f; f = f->next) {
		if (f->kind != q->kind)
			continue;
		if (q->name ? f->name && !strcmp(f->name, q->name)
			    : f->id == q->id)
			return f;
	}
	return NULL;
}

static bool is_fresh(struct ldap_dom *l, const struct id_query *q)
{
	const char *dom = l->d->name;
	uint64_t exp;
	int r;

	switch (q->kind) {
	case ID_USER_NAME:
	case ID_INITGR:
		r = idcache_get_user(l->cache, dom, IDC_USER_NAME, q->name, 0,
				     &l->su, &exp);
		if (!fresh(r, exp))
			return false;
		if (q->kind == ID_USER_NAME)
			return true;
		r = idcache_get_gids(l->cache, dom, q->name, &l->sgids, &exp);
		return fresh(r, exp);
	case ID_USER_UID:
		r = idcache_get_user(l->cache, dom, IDC_USER_UID, NULL, q->id,
				     &l->su, &exp);
		return fresh(r, exp);
	case ID_GROUP_NAME:
	case ID_GROUP_GID:
		r = idcache_get_group(l->cache, dom,
				      q->kind == ID_GROUP_NAME ? IDC_GROUP_NAME
							       : IDC_GROUP_GID,
				      q->name, q->id, &l->sg, &exp);
		return fresh(r, exp);
	case ID_ENUM_USERS:
	case ID_ENUM_GROUPS: {
		bool users = q->kind == ID_ENUM_USERS;

		if (!l->enum_loaded[!users])
			enum_load(l, users);
		return l->enum_loaded[!users] &&
		       l->enum_expires[!users] > now_sec();
	}
	default:
		return true;
	}
}

static int ld_prepare(const struct domain *d, const struct id_query *q,
		      struct id_wait *w)
{
	struct ldap_dom *l = d->priv;
	struct fetch *f;

	if (!l->conn || q->kind == ID_NONE)
		return 0;
	if ((q->kind == ID_ENUM_USERS || q->kind == ID_ENUM_GROUPS) &&
	    !l->dc->ldap.enumerate)
		return 0;
	if (is_fresh(l, q) || l->off.offline)
		return 0;
	f = fetch_find(l, q);
	if (!f)
		f = fetch_start(l, q);
	if (!f)
		return 0;
	w->next = f->waiters;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &f->waiters;
	f->waiters = w;
	return 1;
}

static const char *ld_status(const struct domain *d)
{
	const struct ldap_dom *l = d->priv;

	return l->off.offline ? "offline" : "online";
}

static void ld_set_online(struct domain *d, bool online)
{
	struct ldap_dom *l = d->priv;

	if (!l->conn)
		return;
	if (online) {
		offline_reset(&l->off);
		return;
	}
	ldap_conn_drop(l->conn, -ENOTCONN);
	offline_down(&l->off, "asked to (SIGUSR1)");
}

static void ld_free(struct domain *d)
{
	struct ldap_dom *l = d->priv;

	if (!l)
		return;
	/* pending fetches end, their waiters answered from the cache */
	ldap_conn_free(l->conn);
	offline_fini(&l->off);
	idcache_user_free(&l->su);
	idcache_group_free(&l->sg);
	free(l->sgids.gids);
	free(l->tree);
	free(l->user_base);
	free(l->group_base);
	free(l);
	d->priv = NULL;
}

static const struct provider_ops ldap_ops = {
	.name = "ldap",
	.user_by_name = ld_user_by_name,
	.user_by_uid = ld_user_by_uid,
	.group_by_name = ld_group_by_name,
	.group_by_gid = ld_group_by_gid,
	.user_groups = ld_user_groups,
	.prepare = ld_prepare,
	.status = ld_status,
	.set_online = ld_set_online,
	.free = ld_free,
};

int ldap_domain_new(sd_event *e, struct idcache *cache,
		    const struct domain_conf *dc, struct domain **out)
{
	const struct ldap_conf *cf = &dc->ldap;
	struct ldap_dom *l;
	struct domain *d;
	int r;

	r = domain_new(dc, &d);
	if (r < 0)
		return r;
	l = calloc(1, sizeof(*l));
	if (!l) {
		domain_free(d);
		return -ENOMEM;
	}
	d->ops = &ldap_ops;
	d->priv = l;
	l->d = d;
	l->dc = dc;
	l->cache = cache;
	if (cf->search_base)
		l->tree = strdup(cf->search_base);
	else if (asprintf(&l->tree, "cn=%s,cn=tenants,%s", dc->tenant,
			  cf->suffix) < 0)
		l->tree = NULL;
	if (!l->tree ||
	    asprintf(&l->user_base, "cn=users,cn=accounts,%s", l->tree) < 0 ||
	    asprintf(&l->group_base, "cn=groups,cn=accounts,%s", l->tree) < 0) {
		domain_free(d);
		return -ENOMEM;
	}
	l->map = (struct ldap_map_ctx){ .domain = d->name, .tree = l->tree };
	if (e && cache) {
		offline_init(&l->off, e, d->name, cf->offline_timeout,
			     cf->offline_timeout_max, on_retry, l);
		r = ldap_conn_new(e, d->name, cf, &conn_ops, l, &l->conn);
		if (r < 0) {
			domain_free(d);
			return r;
		}
		/* learn at once whether the server answers */
		ldap_conn_connect(l->conn);
	}
	*out = d;
	return 0;
}
