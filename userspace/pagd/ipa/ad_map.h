/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trusted AD domain's LDAP entries as users and groups, as SSSD 2.8
 * gives them on an IPA server.  A user (objectClass user) has its
 * objectSid in the domain's SID; its uid is what libsss_idmap maps the
 * SID to in an ipa-ad-trust range, with its private group as primary
 * group and home /home/DOMAIN/NAME; in an ipa-ad-trust-posix range the
 * entry's uidNumber, gidNumber, unixHomeDirectory and loginShell are used
 * instead.  Names are lower case and qualified: alice@ad.test.  A group
 * (objectClass group) has its gid mapped the same way (gidNumber in a
 * POSIX range).  In an ipa-ad-trust range a user's entry met by a group
 * lookup is its private group (its name, gid = uid, no members): SSSD
 * enables these "magic private groups" for a subdomain whose ids are
 * mapped from SIDs.
 */
#ifndef PAGD_IPA_AD_MAP_H
#define PAGD_IPA_AD_MAP_H

#include <ldap.h>
#include <stdbool.h>

#include "pagd/domain.h"
#include "pagd/ipa/idmap.h"

struct ad_map {
	const char *name;	 /* PARENT/DOMAIN, for the log */
	const char *domain;	 /* ad.test */
	const char *sid;	 /* the domain's SID */
	struct ipa_idmap *idmap; /* NULL until the ranges are known */
};

/*
 * ad_map_user() - the user of entry @e (DN @dn).
 * Return: 0; -EINVAL for an entry skipped (logged with the reason);
 * -ENOMEM.
 */
int ad_map_user(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
		struct pagd_user *u, const char *dn);
/* The same for a group, or for a user entry its private group (-ENOENT
 * in a POSIX range, where a user is no group; not logged). */
int ad_map_group(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
		 struct pagd_group *g, const char *dn);
/* sAMAccountName@domain, lower case (malloc'ed); NULL when it has none. */
char *ad_map_qualified(const struct ad_map *m, LDAP *ld, LDAPMessage *e);
/* Whether @e is a user's entry (objectClass user). */
bool ad_map_is_user(LDAP *ld, LDAPMessage *e);

void ad_user_clear(struct pagd_user *u);
void ad_group_clear(struct pagd_group *g);

#endif /* PAGD_IPA_AD_MAP_H */
