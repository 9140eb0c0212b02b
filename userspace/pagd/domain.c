// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: providers fill the entry arrays; this file indexes them and
 * answers lookups by binary search, so a lookup costs O(log n) however big
 * the domain is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/domain.h"

static int cmp_user_name(const void *a, const void *b)
{
	const struct pagd_user *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int cmp_user_uid(const void *a, const void *b)
{
	const struct pagd_user *const *x = a, *const *y = b;

	if ((*x)->uid != (*y)->uid)
		return (*x)->uid < (*y)->uid ? -1 : 1;
	/* the first in the file wins, as with nss_files */
	return *x < *y ? -1 : *x > *y;
}

static int cmp_group_name(const void *a, const void *b)
{
	const struct pagd_group *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int cmp_group_gid(const void *a, const void *b)
{
	const struct pagd_group *const *x = a, *const *y = b;

	if ((*x)->gid != (*y)->gid)
		return (*x)->gid < (*y)->gid ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

int domain_index(struct domain *d)
{
	size_t nu = d->n_users ? d->n_users : 1;
	size_t ng = d->n_groups ? d->n_groups : 1;

	d->users_by_name = calloc(nu, sizeof(*d->users_by_name));
	d->users_by_uid = calloc(nu, sizeof(*d->users_by_uid));
	d->groups_by_name = calloc(ng, sizeof(*d->groups_by_name));
	d->groups_by_gid = calloc(ng, sizeof(*d->groups_by_gid));
	if (!d->users_by_name || !d->users_by_uid || !d->groups_by_name ||
	    !d->groups_by_gid)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_users; i++)
		d->users_by_name[i] = d->users_by_uid[i] = &d->users[i];
	for (size_t i = 0; i < d->n_groups; i++)
		d->groups_by_name[i] = d->groups_by_gid[i] = &d->groups[i];
	qsort(d->users_by_name, d->n_users, sizeof(void *), cmp_user_name);
	qsort(d->users_by_uid, d->n_users, sizeof(void *), cmp_user_uid);
	qsort(d->groups_by_name, d->n_groups, sizeof(void *), cmp_group_name);
	qsort(d->groups_by_gid, d->n_groups, sizeof(void *), cmp_group_gid);
	return 0;
}

const struct pagd_user *domain_user_by_name(const struct domain *d,
					    const char *name)
{
	const struct pagd_user key = { .name = (char *)name }, *k = &key;
	struct pagd_user **found;

	if (d->ops)
		return d->ops->user_by_name(d, name);
	found = bsearch(&k, d->users_by_name, d->n_users, sizeof(*found),
			cmp_user_name);
	return found ? *found : NULL;
}

/* Lower bound: the first entry with that id is the one nss_files returns. */
const struct pagd_user *domain_user_by_uid(const struct domain *d, uint32_t uid)
{
	size_t lo = 0, hi = d->n_users;

	if (d->ops)
		return d->ops->user_by_uid(d, uid);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->users_by_uid[mid]->uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->n_users && d->users_by_uid[lo]->uid == uid)
		return d->users_by_uid[lo];
	return NULL;
}

const struct pagd_group *domain_group_by_name(const struct domain *d,
					      const char *name)
{
	const struct pagd_group key = { .name = (char *)name }, *k = &key;
	struct pagd_group **found;

	if (d->ops)
		return d->ops->group_by_name(d, name);
	found = bsearch(&k, d->groups_by_name, d->n_groups, sizeof(*found),
			cmp_group_name);
	return found ? *found : NULL;
}

const struct pagd_group *domain_group_by_gid(const struct domain *d,
					     uint32_t gid)
{
	size_t lo = 0, hi = d->n_groups;

	if (d->ops)
		return d->ops->group_by_gid(d, gid);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->groups_by_gid[mid]->gid < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->n_groups && d->groups_by_gid[lo]->gid == gid)
		return d->groups_by_gid[lo];
	return NULL;
}

int domain_prepare(const struct domain *d, const struct id_query *q,
		   struct id_wait *w)
{
	return d->ops ? d->ops->prepare(d, q, w) : 0;
}

const char *domain_status(const struct domain *d)
{
	return d->ops ? d->ops->status(d) : "online";
}

int domain_new(const struct domain_conf *dc, struct domain **out)
{
	struct domain *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = strdup(dc->name);
	d->tenant = strdup(dc->tenant);
	if (!d->name || !d->tenant) {
		domain_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

int domain_load(const struct domain_conf *dc, struct domain **out, char **msg)
{
	struct domain *d;
	int r;

	*msg = NULL;
	r = domain_new(dc, &d);
	if (r < 0)
		return r;
	switch (dc->provider) {
	case PROVIDER_FILES:
		r = files_load(dc, d, msg);
		break;
	default:
		r = -EOPNOTSUPP;
		break;
	}
	if (r < 0) {
		domain_free(d);
		return r;
	}
	*out = d;
	return 0;
}

void domain_free(struct domain *d)
{
	if (!d)
		return;
	if (d->ops)
		d->ops->free(d);
	for (size_t i = 0; i < d->n_users; i++) {
		struct pagd_user *u = &d->users[i];

		free(u->name);
		free(u->passwd);
		free(u->gecos);
		free(u->dir);
		free(u->shell);
	}
	for (size_t i = 0; i < d->n_groups; i++) {
		struct pagd_group *g = &d->groups[i];

		free(g->name);
		free(g->passwd);
		for (size_t j = 0; j < g->n_members; j++)
			free(g->members[j]);
		free(g->members);
	}
	free(d->users);
	free(d->groups);
	free(d->users_by_name);
	free(d->users_by_uid);
	free(d->groups_by_name);
	free(d->groups_by_gid);
	free(d->name);
	free(d->tenant);
	free(d);
}
