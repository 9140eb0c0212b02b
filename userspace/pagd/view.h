/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Views: what one client may see.  A view is a set of domains (a PAG's
 * binding, the default, or the fixed subset of a socket directory); every
 * identity answer goes through one.
 *
 * When two domains of a view have a user or group name in common, every
 * name in the view is qualified as "name@domain" (as SSSD does with
 * use_fully_qualified_names), so no answer is ambiguous.  Enumeration is
 * offered only when the view's domains all belong to one tenant: it never
 * crosses a tenant.
 */
#ifndef PAGD_VIEW_H
#define PAGD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "pagd/domain.h"

struct view {
	char *key; /* canonical domain list: sorted, unique, comma-separated */
	const struct domain **domains; /* in key order */
	size_t n_domains;
	bool qualified;
	bool enumerable;
};

/*
 * view_key() - canonical form of a list of domain names.
 *
 * Sorted, duplicates removed, joined with ','; the same set always gives the
 * same key.  An empty list gives "".
 */
int view_key(const char *const *names, size_t n, char **out);

/* Splits a key back into names (NULL-terminated; free with strv_free()). */
int view_key_split(const char *key, char ***out);

/*
 * view_new() - the view of the domains named in @key, among @all.
 * Names that are not (or no longer) configured are left out.
 */
int view_new(struct domain *const *all, size_t n_all, const char *key,
	     struct view **out);
void view_free(struct view *v);

const struct pagd_user *view_user_by_name(const struct view *v,
					  const char *name,
					  const struct domain **dom);
const struct pagd_user *view_user_by_uid(const struct view *v, uint32_t uid,
					 const struct domain **dom);
const struct pagd_group *view_group_by_name(const struct view *v,
					    const char *name,
					    const struct domain **dom);
const struct pagd_group *view_group_by_gid(const struct view *v, uint32_t gid,
					   const struct domain **dom);

/*
 * view_prepare() - ask the view's fetching providers for what @q needs.
 * @waits:	room for one wait per domain of the view; each must have
 *		done and ud set
 * Return: how many of @waits (from the first) were queued.
 */
int view_prepare(const struct view *v, const struct id_query *q,
		 struct id_wait *waits);

/* Length of @name as shown in this view, without the NUL. */
size_t view_name_len(const struct view *v, const struct domain *d,
		     const char *name);
/* Writes @name as shown in this view, with its NUL; returns bytes written. */
size_t view_put_name(const struct view *v, const struct domain *d,
		     const char *name, char *dst);

#endif /* PAGD_VIEW_H */
