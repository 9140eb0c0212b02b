// SPDX-License-Identifier: GPL-2.0
/*
 * Views: scoping of identity answers to a set of domains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/view.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int view_key(const char *const *names, size_t n, char **out)
{
	const char **sorted;
	size_t len = 1;
	char *key, *p;

	sorted = calloc(n ? n : 1, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++)
		len += strlen(sorted[i]) + 1;
	key = malloc(len);
	if (!key) {
		free(sorted);
		return -ENOMEM;
	}
	p = key;
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !strcmp(sorted[i], sorted[i - 1]))
			continue;
		if (p != key)
			*p++ = ',';
		p = stpcpy(p, sorted[i]);
	}
	free(sorted);
	*out = key;
	return 0;
}

int view_key_split(const char *key, char ***out)
{
	char *copy, *tok, *save = NULL;
	char **v;
	size_t n = 0;

	copy = strdup(key);
	v = calloc(strlen(key) / 2 + 2, sizeof(*v));
	if (!copy || !v) {
		free(copy);
		free(v);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v[n] = strdup(tok);
		if (!v[n]) {
			free(copy);
			strv_free(v);
			return -ENOMEM;
		}
		n++;
	}
	free(copy);
	*out = v;
	return 0;
}

/*
 * A provider that fetches on demand cannot prove its names distinct from
 * another domain's, so a view with one beside another domain is qualified.
 */
static bool domains_collide(const struct domain *a, const struct domain *b)
{
	if (a->ops || b->ops)
		return true;
	for (size_t i = 0; i < a->n_users; i++)
		if (domain_user_by_name(b, a->users[i].name) ||
		    domain_group_by_name(b, a->users[i].name))
			return true;
	for (size_t i = 0; i < a->n_groups; i++)
		if (domain_group_by_name(b, a->groups[i].name) ||
		    domain_user_by_name(b, a->groups[i].name))
			return true;
	return false;
}

int view_new(struct domain *const *all, size_t n_all, const char *key,
	     struct view **out)
{
	struct view *v;
	char **names;
	int r;

	r = view_key_split(key, &names);
	if (r < 0)
		return r;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->key = strdup(key)) ||
	    !(v->domains = calloc(n_all ? n_all : 1, sizeof(*v->domains)))) {
		strv_free(names);
		view_free(v);
		return -ENOMEM;
	}
	for (char **n = names; *n; n++)
		for (size_t i = 0; i < n_all; i++)
			if (!strcmp(all[i]->name, *n))
				v->domains[v->n_domains++] = all[i];
	strv_free(names);

	v->enumerable = true;
	for (size_t i = 0; i < v->n_domains; i++) {
		for (size_t j = i + 1; j < v->n_domains; j++) {
			if (strcmp(v->domains[i]->tenant,
				   v->domains[j]->tenant) != 0)
				v->enumerable = false;
			if (!v->qualified &&
			    (domains_collide(v->domains[i], v->domains[j])))
				v->qualified = true;
		}
	}
	*out = v;
	return 0;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	free(v->key);
	free(v->domains);
	free(v);
}

/*
 * Splits "name@domain" when @domain is one of the view's domains.  In a
 * qualified view only qualified names are accepted: a bare name could mean
 * several entries.
 */
static const struct domain *resolve_name(const struct view *v, const char *name,
					 char *bare, size_t bare_len)
{
	const char *at = strrchr(name, '@');
	size_t n;

	if (!at)
		return NULL;
	n = at - name;
	if (n == 0 || n >= bare_len)
		return NULL;
	for (size_t i = 0; i < v->n_domains; i++) {
		if (!strcmp(v->domains[i]->name, at + 1)) {
			memcpy(bare, name, n);
			bare[n] = '\0';
			return v->domains[i];
		}
	}
	return NULL;
}

#define BARE_MAX 512

/* One kind of lookup in one domain, by name or by id: the entry or NULL. */
typedef const void *(*domain_lookup)(const struct domain *d, const void *key);

/* The first domain of @v, in key order, where @lookup finds @key. */
static const void *first_found(const struct view *v, domain_lookup lookup,
			       const void *key, const struct domain **dom)
{
	for (size_t i = 0; i < v->n_domains; i++) {
		const void *entry = lookup(v->domains[i], key);

		if (entry) {
			*dom = v->domains[i];
			return entry;
		}
	}
	return NULL;
}

/* "name@domain" in that domain; a bare name as first_found() has it. */
static const void *found_by_name(const struct view *v, domain_lookup lookup,
				 const char *name, const struct domain **dom)
{
	const struct domain *d;
	char bare[BARE_MAX];

	d = resolve_name(v, name, bare, sizeof(bare));
	if (d) {
		*dom = d;
		return lookup(d, bare);
	}
	if (v->qualified)
		return NULL;
	return first_found(v, lookup, name, dom);
}

static const void *user_by_name(const struct domain *d, const void *name)
{
	return domain_user_by_name(d, name);
}

static const void *group_by_name(const struct domain *d, const void *name)
{
	return domain_group_by_name(d, name);
}

static const void *user_by_uid(const struct domain *d, const void *uid)
{
	return domain_user_by_uid(d, *(const uint32_t *)uid);
}

static const void *group_by_gid(const struct domain *d, const void *gid)
{
	return domain_group_by_gid(d, *(const uint32_t *)gid);
}

const struct pagd_user *view_user_by_name(const struct view *v,
					  const char *name,
					  const struct domain **dom)
{
	return found_by_name(v, user_by_name, name, dom);
}

const struct pagd_group *view_group_by_name(const struct view *v,
					    const char *name,
					    const struct domain **dom)
{
	return found_by_name(v, group_by_name, name, dom);
}

/* Ids may collide too: the first domain in key order answers. */
const struct pagd_user *view_user_by_uid(const struct view *v, uint32_t uid,
					 const struct domain **dom)
{
	return first_found(v, user_by_uid, &uid, dom);
}

const struct pagd_group *view_group_by_gid(const struct view *v, uint32_t gid,
					   const struct domain **dom)
{
	return first_found(v, group_by_gid, &gid, dom);
}

int view_prepare(const struct view *v, const struct id_query *q,
		 struct id_wait *waits)
{
	struct id_query dq = *q;
	const struct domain *only = NULL;
	char bare[BARE_MAX];
	int n = 0;

	if (q->name) {
		only = resolve_name(v, q->name, bare, sizeof(bare));
		if (only)
			dq.name = bare;
		else if (v->qualified)
			return 0;
	}
	if ((q->kind == ID_ENUM_USERS || q->kind == ID_ENUM_GROUPS) &&
	    !v->enumerable)
		return 0;
	for (size_t i = 0; i < v->n_domains; i++) {
		if (only && v->domains[i] != only)
			continue;
		if (domain_prepare(v->domains[i], &dq, &waits[n]) > 0)
			n++;
	}
	return n;
}

size_t view_name_len(const struct view *v, const struct domain *d,
		     const char *name)
{
	size_t n = strlen(name);

	if (v->qualified)
		n += 1 + strlen(d->name);
	return n;
}

size_t view_put_name(const struct view *v, const struct domain *d,
		     const char *name, char *dst)
{
	char *p = stpcpy(dst, name);

	if (v->qualified) {
		*p++ = '@';
		p = stpcpy(p, d->name);
	}
	return p - dst + 1;
}
