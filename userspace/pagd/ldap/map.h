/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LDAP entries to pagd users and groups (RFC 2307 attributes).
 */
#ifndef PAGD_LDAP_MAP_H
#define PAGD_LDAP_MAP_H

#include <ldap.h>
#include <stdbool.h>

#include "pagd/domain.h"

struct pagd_ldap_map_ctx {
	const char *domain; /* for log lines */
	const char *tree;   /* entries must be at or below it */
};

/* Whether @dn is at or below @base (DNs as the server wrote them). */
bool pagd_ldap_dn_under(const char *dn, const char *base);
/* Whether the entry's objectClass values include @cls. */
bool pagd_ldap_has_class(LDAP *ld, LDAPMessage *e, const char *cls);

/* The entry's DN (malloc'ed) if it lies in the tree; NULL (logged) if not. */
char *pagd_ldap_map_dn(LDAP *ld, LDAPMessage *e,
		       const struct pagd_ldap_map_ctx *m);

/*
 * pagd_ldap_map_user() - a posixAccount entry as a user.
 * @want:	the name searched for: the entry must carry it exactly;
 *		NULL to take the entry's first uid
 * Return: 0, -EINVAL for an entry to skip (logged with @dn), -ENOMEM.
 */
int pagd_ldap_map_user(LDAP *ld, LDAPMessage *e,
		       const struct pagd_ldap_map_ctx *m, const char *want,
		       const char *dn, struct pagd_user *u);
/* @members: read memberUid (an initgroups search asks only for ids). */
int pagd_ldap_map_group(LDAP *ld, LDAPMessage *e,
			const struct pagd_ldap_map_ctx *m, const char *want,
			const char *dn, bool members, struct pagd_group *g);
void pagd_ldap_map_user_free(struct pagd_user *u);
void pagd_ldap_map_group_free(struct pagd_group *g);

/* PRE VALUE POST with VALUE escaped for a search filter (RFC 4515). */
int pagd_ldap_filter(char **out, const char *pre, const char *value,
		     const char *post);

#endif /* PAGD_LDAP_MAP_H */
