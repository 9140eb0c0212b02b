// SPDX-License-Identifier: GPL-2.0
/*
 * A trusted AD domain's users and groups (see ad.h), searched for under
 * its naming context (dc=ad,dc=test for ad.test) and mapped by ad_map.c.
 * A user is found by sAMAccountName or objectSid; a group likewise, or
 * a user's entry as its private group; a group's members are the users
 * whose memberOf names it; initgroups is the user, then the groups whose
 * member names the user's DN.  Searches the connection fails while the
 * owner checks for a re-established trust are held, then sent again or
 * answered from the cache (ad_dom_release()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "pagd/ipa/ad_priv.h"
#include "pagd/ldap/map.h"

/*
 * One query's searches: the user (or group) by name, then for initgroups
 * the groups listing its DN, for a group the users whose memberOf lists
 * its DN (AD keeps memberOf for each member).
 */
struct ad_fetch {
	struct ad_dom *a;
	struct ad_fetch *next;
	enum id_kind kind;
	char *name;   /* qualified, lower case; NULL by id */
	char *filter; /* of the first search, for a retry */
	uint32_t id;
	bool second; /* the search for members or groups */
	bool found, dup;
	bool private_group; /* found a user's: no members to search */
	char *dn;	    /* of what the first search found */
	struct pagd_user u;
	struct pagd_group g;
	size_t cap_members;
	uint32_t *gids;
	size_t n_gids, cap_gids;
	struct id_wait *waiters;
};

static char *const user_attrs[] = { "sAMAccountName",	 "objectSid",
				    "uidNumber",	 "gidNumber",
				    "unixHomeDirectory", "loginShell",
				    "displayName",	 NULL };
static char *const group_attrs[] = { "sAMAccountName", "objectSid", "gidNumber",
				     "objectClass", NULL };
static char *const member_attrs[] = { "sAMAccountName", NULL };

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

static void add_member(struct ad_fetch *f, char *name)
{
	struct pagd_group *g = &f->g;

	if (!name)
		return;
	if (g->n_members + 1 >= f->cap_members) {
		size_t cap = f->cap_members * 2 + 8;
		char **p = reallocarray(g->members, cap, sizeof(*p));

		if (!p) {
			free(name);
			return;
		}
		g->members = p;
		f->cap_members = cap;
	}
	g->members[g->n_members++] = name;
	g->members[g->n_members] = NULL;
}

static void add_gid(struct ad_fetch *f, uint32_t gid)
{
	if (f->n_gids == f->cap_gids) {
		size_t cap = f->cap_gids * 2 + 8;
		uint32_t *p = reallocarray(f->gids, cap, sizeof(*p));

		if (!p)
			return;
		f->gids = p;
		f->cap_gids = cap;
	}
	f->gids[f->n_gids++] = gid;
}

static bool is_group(enum id_kind k)
{
	return k == ID_GROUP_NAME || k == ID_GROUP_GID;
}

static void on_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct ad_fetch *f = ud;
	struct ad_dom *a = f->a;
	char *dn = ldap_get_dn(ld, e);
	struct pagd_user u = {};
	struct pagd_group g = {};

	if (!dn)
		return;
	if (f->second && is_group(f->kind)) {
		add_member(f, ad_map_qualified(&a->map, ld, e));
	} else if (f->second) {
		if (ad_map_group(&a->map, ld, e, &g, dn) == 0)
			add_gid(f, g.gid);
		ad_group_clear(&g);
	} else if (is_group(f->kind)) {
		if (ad_map_group(&a->map, ld, e, &g, dn) == 0 &&
		    (f->name ? !strcmp(g.name, f->name) : g.gid == f->id)) {
			f->dup |= f->found;
			if (!f->found) {
				f->g = g;
				memset(&g, 0, sizeof(g));
				f->dn = strdup(dn);
				f->private_group = ad_map_is_user(ld, e);
			}
			f->found = true;
		}
		ad_group_clear(&g);
	} else if (ad_map_user(&a->map, ld, e, &u, dn) == 0) {
		if (f->name ? !strcmp(u.name, f->name) : u.uid == f->id) {
			f->dup |= f->found;
			if (!f->found) {
				f->u = u;
				memset(&u, 0, sizeof(u));
				f->dn = strdup(dn);
			}
			f->found = true;
		}
		ad_user_clear(&u);
	}
	ldap_memfree(dn);
}

static void fetch_free(struct ad_fetch *f)
{
	struct ad_fetch **pp;

	for (pp = &f->a->fetches; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	for (pp = &f->a->held; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	ad_user_clear(&f->u);
	ad_group_clear(&f->g);
	free(f->gids);
	free(f->dn);
	free(f->name);
	free(f->filter);
	free(f);
}

static void on_done(void *ud, int err);

/* The second search: members of a group, groups of a user. */
static int second_search(struct ad_fetch *f)
{
	bool group = is_group(f->kind);
	char *filter;
	int r;

	r = pagd_ldap_filter(&filter,
			     group ? "(&(objectClass=user)(memberOf="
				   : "(&(objectClass=group)(member=",
			     f->dn, "))");
	if (r < 0)
		return r;
	f->second = true;
	r = pagd_ldap_conn_search_cb(f->a->conn, f->a->base, filter,
				     group ? member_attrs : group_attrs, true,
				     on_entry, on_done, f);
	free(filter);
	return r;
}

static int store(struct ad_fetch *f)
{
	struct ad_dom *a = f->a;
	uint64_t exp = now() + a->cf.entry_cache_timeout,
		 nexp = now() + a->cf.entry_negative_timeout;
	bool one = f->found && !f->dup;
	int r = idcache_begin(a->cache);

	if (r < 0)
		return r;
	if (one && is_group(f->kind))
		r = idcache_put_group(a->cache, a->cache_name, &f->g, exp);
	else if (one)
		r = idcache_put_user(a->cache, a->cache_name, &f->u, exp);
	else
		r = idcache_put_none(a->cache, a->cache_name,
				     f->kind == ID_GROUP_GID	? IDC_GROUP_GID
				     : f->kind == ID_GROUP_NAME ? IDC_GROUP_NAME
				     : f->kind == ID_USER_UID	? IDC_USER_UID
								: IDC_USER_NAME,
				     f->name, f->id, nexp);
	if (r == 0 && f->kind == ID_INITGR)
		r = idcache_put_gids(a->cache, a->cache_name, f->name, f->gids,
				     one ? f->n_gids : 0, one ? exp : nexp);
	idcache_end(a->cache, r == 0);
	return r;
}

/* Its waiters get what the cache holds (nothing, or what it stored). */
static void answer(struct ad_fetch *f)
{
	struct id_wait *w;

	while ((w = f->waiters)) {
		id_wait_cancel(w);
		w->done(w);
	}
	fetch_free(f);
}

/*
 * No server answered (-EHOSTUNREACH) or the one bound did not in time
 * (-ETIMEDOUT): the connection says so (on_down) right after failing the
 * searches, and the keytab check there decides whether they are held.
 */
static bool hold(struct ad_fetch *f, int err)
{
	struct ad_fetch **pp;

	if ((err != -EHOSTUNREACH && err != -ETIMEDOUT) ||
	    !f->a->keytab_failed || !f->filter)
		return false;
	for (pp = &f->a->fetches; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	f->next = f->a->held;
	f->a->held = f;
	return true;
}

static void on_done(void *ud, int err)
{
	struct ad_fetch *f = ud;

	if (err && hold(f, err))
		return;
	if (!err && !f->second && f->found && !f->dup && !f->private_group &&
	    f->kind != ID_USER_NAME && f->kind != ID_USER_UID &&
	    second_search(f) == 0)
		return;
	if (!err && store(f) < 0)
		log_warning("domain '%s': cannot cache an answer",
			    f->a->cache_name);
	answer(f);
}

static bool fresh(struct ad_dom *a, const struct id_query *q)
{
	bool by_id = q->kind == ID_USER_UID || q->kind == ID_GROUP_GID;
	uint64_t exp;
	int r;

	if (is_group(q->kind))
		r = idcache_get_group(a->cache, a->cache_name,
				      by_id ? IDC_GROUP_GID : IDC_GROUP_NAME,
				      q->name, q->id, &a->sg, &exp);
	else
		r = idcache_get_user(a->cache, a->cache_name,
				     by_id ? IDC_USER_UID : IDC_USER_NAME,
				     q->name, q->id, &a->su, &exp);
	if (r < 0 || exp <= now())
		return false;
	if (q->kind != ID_INITGR)
		return true;
	r = idcache_get_gids(a->cache, a->cache_name, q->name, &a->sgids, &exp);
	return r >= 0 && exp > now();
}

/* Joins the fetch in flight for @q, or starts one searching @filter. */
static int start(struct ad_dom *a, const struct id_query *q, struct id_wait *w,
		 const char *filter)
{
	struct ad_fetch *f;
	int r;

	for (f = a->fetches; f; f = f->next)
		if (f->kind == q->kind &&
		    (q->name ? f->name && !strcmp(f->name, q->name)
			     : f->id == q->id))
			goto wait;
	f = calloc(1, sizeof(*f));
	if (!f || (q->name && !(f->name = strdup(q->name)))) {
		free(f);
		return 0;
	}
	f->a = a;
	f->kind = q->kind;
	f->id = q->id;
	f->filter = strdup(filter);
	r = pagd_ldap_conn_search_cb(a->conn, a->base, filter,
				     is_group(q->kind) ? group_attrs
						       : user_attrs,
				     false, on_entry, on_done, f);
	if (r < 0) {
		free(f->filter);
		free(f->name);
		free(f);
		return 0;
	}
	f->next = a->fetches;
	a->fetches = f;
wait:
	w->next = f->waiters;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &f->waiters;
	f->waiters = w;
	return 1;
}

int ad_dom_prepare(struct ad_dom *a, const struct id_query *q,
		   struct id_wait *w)
{
	char *filter, *at, *sam;
	int r;

	if ((q->kind != ID_USER_NAME && q->kind != ID_GROUP_NAME &&
	     q->kind != ID_INITGR) ||
	    !q->name || a->off.offline || fresh(a, q))
		return 0;
	sam = strdup(q->name);
	if (!sam)
		return 0;
	at = strrchr(sam, '@');
	if (at)
		*at = '\0';
	r = pagd_ldap_filter(
		&filter,
		is_group(q->kind) ? "(&(|(objectClass=group)(objectClass=user))"
				    "(sAMAccountName="
				  : "(&(objectClass=user)(sAMAccountName=",
		sam, "))");
	free(sam);
	if (r < 0)
		return 0;
	r = start(a, q, w, filter);
	free(filter);
	return r;
}

int ad_dom_prepare_id(struct ad_dom *a, const struct id_query *q,
		      struct id_wait *w, const char *sid)
{
	char filter[256], *p;
	bool group = q->kind == ID_GROUP_GID;
	int r;

	if ((q->kind != ID_USER_UID && !group) || a->off.offline || fresh(a, q))
		return 0;
	if (!sid) {
		snprintf(filter, sizeof(filter), "(&(objectClass=%s)(%s=%u))",
			 group ? "group" : "user",
			 group ? "gidNumber" : "uidNumber", q->id);
		return start(a, q, w, filter);
	}
	/* a group's SID, or a user's: its private group */
	p = filter + snprintf(filter, sizeof(filter), "(&%s(objectSid=",
			      group ? "(|(objectClass=group)(objectClass=user))"
				    : "(objectClass=user)");
	r = ipa_sid_to_filter(sid, p,
			      sizeof(filter) - (size_t)(p - filter) - 3);
	if (r < 0)
		return 0;
	strcat(filter, "))");
	return start(a, q, w, filter);
}

const struct pagd_user *ad_dom_user_by_name(struct ad_dom *a, const char *name)
{
	uint64_t exp;

	if (idcache_get_user(a->cache, a->cache_name, IDC_USER_NAME, name, 0,
			     &a->su, &exp) <= 0)
		return NULL;
	return &a->su.u;
}

const struct pagd_group *ad_dom_group_by_name(struct ad_dom *a,
					      const char *name)
{
	uint64_t exp;

	if (idcache_get_group(a->cache, a->cache_name, IDC_GROUP_NAME, name, 0,
			      &a->sg, &exp) <= 0)
		return NULL;
	return &a->sg.g;
}

const struct pagd_user *ad_dom_user_by_uid(struct ad_dom *a, uint32_t uid)
{
	uint64_t exp;

	if (idcache_get_user(a->cache, a->cache_name, IDC_USER_UID, NULL, uid,
			     &a->su, &exp) <= 0)
		return NULL;
	return &a->su.u;
}

const struct pagd_group *ad_dom_group_by_gid(struct ad_dom *a, uint32_t gid)
{
	uint64_t exp;

	if (idcache_get_group(a->cache, a->cache_name, IDC_GROUP_GID, NULL, gid,
			      &a->sg, &exp) <= 0)
		return NULL;
	return &a->sg.g;
}

size_t ad_dom_user_groups(struct ad_dom *a, const char *name,
			  const uint32_t **gids)
{
	uint64_t exp;

	*gids = NULL;
	if (idcache_get_gids(a->cache, a->cache_name, name, &a->sgids, &exp) <=
	    0)
		return 0;
	*gids = a->sgids.gids;
	return a->sgids.n;
}

static int restart(struct ad_fetch *f)
{
	struct ad_dom *a = f->a;

	ad_user_clear(&f->u);
	ad_group_clear(&f->g);
	free(f->dn);
	f->dn = NULL;
	f->n_gids = 0;
	f->cap_members = 0;
	f->second = f->found = f->dup = f->private_group = false;
	return pagd_ldap_conn_search_cb(a->conn, a->base, f->filter,
					is_group(f->kind) ? group_attrs
							  : user_attrs,
					false, on_entry, on_done, f);
}

void ad_dom_release(struct ad_dom *a, bool retry)
{
	struct ad_fetch *f;

	while ((f = a->held)) {
		a->held = f->next;
		if (retry && restart(f) == 0) {
			f->next = a->fetches;
			a->fetches = f;
			log_info("domain '%s': the trust works again: sending "
				 "the search held since its bind failed",
				 a->cache_name);
			continue;
		}
		f->next = NULL;
		answer(f);
	}
}
