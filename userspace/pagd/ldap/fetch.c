// SPDX-License-Identifier: GPL-2.0
/*
 * The LDAP provider's fetches: one query's searches on the domain's
 * connection, their entries mapped to users and groups, and the answer
 * (or a negative record) written to the cache before the waiters wake.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ldap/domain.h"

static char *const user_attrs[] = { "uid",
				    "uidNumber",
				    "gidNumber",
				    "gecos",
				    "cn",
				    "homeDirectory",
				    "loginShell",
				    "nsAccountLock",
				    "krbPrincipalExpiration",
				    "shadowExpire",
				    NULL };
static char *const group_attrs[] = { "cn", "gidNumber", "memberUid", NULL };
static char *const gid_attrs[] = { "cn", "gidNumber", NULL };
/* a user and the groups listing it: the user's, and the class to tell */
static char *const user_gid_attrs[] = { "uid",
					"uidNumber",
					"gidNumber",
					"gecos",
					"cn",
					"homeDirectory",
					"loginShell",
					"nsAccountLock",
					"krbPrincipalExpiration",
					"shadowExpire",
					"objectClass",
					NULL };

/* Fetches. */

static void entries_free(struct entries *e, bool users)
{
	for (size_t i = 0; i < e->n; i++) {
		if (users)
			pagd_ldap_map_user_free(&e->users[i]);
		else
			pagd_ldap_map_group_free(&e->groups[i]);
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

/*
 * What an entry of a user-and-groups search is: the user where users
 * live, a group listing it where groups live; anything else is not read.
 */
static int user_or_gids(struct pagd_ldap_dom *l, LDAP *ld, LDAPMessage *e,
			const char *dn)
{
	if (pagd_ldap_dn_under(dn, l->user_base) &&
	    pagd_ldap_has_class(ld, e, "posixAccount"))
		return OP_USERS;
	if (pagd_ldap_dn_under(dn, l->group_base) &&
	    pagd_ldap_has_class(ld, e, "posixGroup"))
		return OP_GIDS;
	return -1;
}

void pagd_ldap_fetch_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct fetch_op *op = ud;
	struct fetch *f = op->f;
	struct pagd_ldap_dom *l = f->l;
	struct pagd_group g;
	int what = op->what;
	char *dn;
	int r;

	dn = pagd_ldap_map_dn(ld, e, &l->map);
	if (!dn)
		return;
	if (what == OP_USER_GIDS)
		what = user_or_gids(l, ld, e, dn);
	switch (what) {
	case OP_USERS:
		if (entries_grow(&f->users, true) < 0)
			break;
		r = pagd_ldap_map_user(ld, e, &l->map, want_name(f), dn,
				       &f->users.users[f->users.n]);
		if (r < 0)
			break;
		if (f->kind == ID_USER_UID &&
		    f->users.users[f->users.n].uid != f->id) {
			pagd_ldap_map_user_free(&f->users.users[f->users.n]);
			break;
		}
		f->users.dns[f->users.n++] = dn;
		return;
	case OP_GROUPS:
		if (entries_grow(&f->groups, false) < 0)
			break;
		r = pagd_ldap_map_group(
			ld, e, &l->map,
			f->kind == ID_GROUP_NAME ? f->name : NULL, dn, true,
			&f->groups.groups[f->groups.n]);
		if (r < 0)
			break;
		if (f->kind == ID_GROUP_GID &&
		    f->groups.groups[f->groups.n].gid != f->id) {
			pagd_ldap_map_group_free(
				&f->groups.groups[f->groups.n]);
			break;
		}
		f->groups.dns[f->groups.n++] = dn;
		return;
	case OP_GIDS:
		if (pagd_ldap_map_group(ld, e, &l->map, NULL, dn, false, &g) <
		    0)
			break;
		if (f->n_gids == f->cap_gids) {
			size_t cap = f->cap_gids ? f->cap_gids * 2 : 16;
			uint32_t *p = reallocarray(f->gids, cap, sizeof(*p));

			if (!p) {
				pagd_ldap_map_group_free(&g);
				break;
			}
			f->gids = p;
			f->cap_gids = cap;
		}
		f->gids[f->n_gids++] = g.gid;
		pagd_ldap_map_group_free(&g);
		break;
	default:
		break;
	}
	free(dn);
}

/* The connection starts @ud's search again: forget what it gave. */
void pagd_ldap_fetch_reset(void *ud)
{
	struct fetch_op *op = ud;
	struct fetch *f = op->f;

	if (op->what == OP_USERS || op->what == OP_USER_GIDS) {
		entries_free(&f->users, true);
		f->users = (struct entries){};
	}
	if (op->what == OP_GROUPS) {
		entries_free(&f->groups, false);
		f->groups = (struct entries){};
	}
	if (op->what == OP_GIDS || op->what == OP_USER_GIDS)
		f->n_gids = 0;
}

/*
 * Entries sharing a name or an id within the tenant are all skipped: no
 * answer is better than a guess.  @skip[i] is set for each.
 */
static void mark_dups(struct pagd_ldap_dom *l, struct entries *e, bool users,
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

static int mark_dups_sorted(struct pagd_ldap_dom *l, struct entries *e,
			    bool users, bool *skip)
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
	struct pagd_ldap_dom *l = f->l;
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
	struct pagd_ldap_dom *l = f->l;
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
	struct pagd_ldap_dom *l = f->l;
	const struct pagd_ldap_conf *cf = &l->dc->ldap;
	uint64_t now = pagd_ldap_now(), exp = now + cf->entry_cache_timeout,
		 nexp = now + cf->entry_negative_timeout;
	int r;

	r = idcache_begin(l->cache);
	if (r < 0)
		return r;
	switch (f->kind) {
	case ID_USER_UID:
		r = store_one(f, true, exp, nexp);
		break;
	case ID_USER_NAME: /* the same search as initgroups */
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
		pagd_ldap_dom_enum_load(l, f->kind == ID_ENUM_USERS);
	return r;
}

void pagd_ldap_fetch_done(void *ud, int err)
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

static int search(struct fetch *f, int i, enum op_what what, const char *pre,
		  const char *value, const char *post)
{
	struct pagd_ldap_dom *l = f->l;
	char *filter, *half;
	bool users = what == OP_USERS;
	int r;

	if (what == OP_USER_GIDS) {
		/* the name twice: PRE NAME POST NAME ))) */
		r = pagd_ldap_filter(&half, pre, value, post);
		if (r == 0) {
			r = pagd_ldap_filter(&filter, half, value, ")))");
			free(half);
		}
	} else {
		r = pagd_ldap_filter(&filter, pre, value, post);
	}
	if (r < 0)
		return r;
	f->op[i] = (struct fetch_op){ .f = f, .what = what };
	r = pagd_ldap_conn_search(l->conn,
				  what == OP_USER_GIDS ? l->accounts_base
				  : users	       ? l->user_base
						       : l->group_base,
				  filter,
				  what == OP_USER_GIDS ? user_gid_attrs
				  : users	       ? user_attrs
				  : what == OP_GIDS    ? gid_attrs
						       : group_attrs,
				  what == OP_GIDS || what == OP_USER_GIDS ||
					  f->kind == ID_ENUM_USERS ||
					  f->kind == ID_ENUM_GROUPS,
				  &f->op[i]);
	free(filter);
	if (r == 0)
		f->outstanding++;
	return r;
}

/*
 * The search each kind of lookup starts with: what it fetches and its
 * filter, @pre, then the name or id asked for (escaped), then @post.
 */
struct first_search {
	enum op_what what;
	enum {
		KEY_NONE,
		KEY_NAME,
		KEY_ID
	} key;
	const char *pre, *post;
};

#define POSIX_ACCOUNT "(objectClass=posixAccount)"
#define POSIX_GROUP   "(objectClass=posixGroup)"
/* the user NAME and the groups listing it (search() closes it) */
#define USER_GIDS_PRE  "(|(&" POSIX_ACCOUNT "(uid="
#define USER_GIDS_POST "))(&" POSIX_GROUP "(memberUid="

static const struct first_search first_searches[] = {
	[ID_USER_NAME] = { OP_USER_GIDS, KEY_NAME, USER_GIDS_PRE,
			   USER_GIDS_POST },
	[ID_USER_UID] = { OP_USERS, KEY_ID,
			  "(&" POSIX_ACCOUNT "(uidNumber=", "))" },
	[ID_GROUP_NAME] = { OP_GROUPS, KEY_NAME,
			    "(&" POSIX_GROUP "(cn=", "))" },
	[ID_GROUP_GID] = { OP_GROUPS, KEY_ID,
			   "(&" POSIX_GROUP "(gidNumber=", "))" },
	[ID_INITGR] = { OP_USER_GIDS, KEY_NAME, USER_GIDS_PRE, USER_GIDS_POST },
	[ID_ENUM_USERS] = { OP_USERS, KEY_NONE, "", POSIX_ACCOUNT },
	[ID_ENUM_GROUPS] = { OP_GROUPS, KEY_NONE, "", POSIX_GROUP },
};

struct fetch *pagd_ldap_fetch_start(struct pagd_ldap_dom *l,
				    const struct id_query *q)
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
	if (q->kind <= ID_NONE || q->kind > ID_ENUM_GROUPS) {
		r = -EINVAL;
	} else {
		const struct first_search *fs = &first_searches[q->kind];

		r = search(f, 0, fs->what, fs->pre,
			   fs->key == KEY_ID	 ? id
			   : fs->key == KEY_NAME ? q->name
						 : "",
			   fs->post);
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

static bool same_search(enum id_kind k)
{
	return k == ID_USER_NAME || k == ID_INITGR;
}

struct fetch *pagd_ldap_fetch_find(struct pagd_ldap_dom *l,
				   const struct id_query *q)
{
	for (struct fetch *f = l->fetches; f; f = f->next) {
		/* a user by name and initgroups are one search */
		if (f->kind != q->kind &&
		    !(same_search(f->kind) && same_search(q->kind)))
			continue;
		if (q->name ? f->name && !strcmp(f->name, q->name)
			    : f->id == q->id)
			return f;
	}
	return NULL;
}
