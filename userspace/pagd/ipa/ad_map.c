// SPDX-License-Identifier: GPL-2.0
/*
 * A trusted AD domain's entries as users and groups (see ad_map.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "pagd/ipa/ad_map.h"

void ad_user_clear(struct pagd_user *u)
{
	free(u->name);
	free(u->gecos);
	free(u->dir);
	free(u->shell);
	memset(u, 0, sizeof(*u));
}

void ad_group_clear(struct pagd_group *g)
{
	free(g->name);
	for (size_t i = 0; i < g->n_members; i++)
		free(g->members[i]);
	free(g->members);
	memset(g, 0, sizeof(*g));
}

static char *first_value(LDAP *ld, LDAPMessage *e, const char *attr,
			 struct berval *bin)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = NULL;

	if (ldap_count_values_len(v) > 0) {
		if (bin) {
			bin->bv_val = malloc(v[0]->bv_len ? v[0]->bv_len : 1);
			if (bin->bv_val) {
				memcpy(bin->bv_val, v[0]->bv_val, v[0]->bv_len);
				bin->bv_len = v[0]->bv_len;
			}
			s = bin->bv_val;
		} else {
			s = strndup(v[0]->bv_val, v[0]->bv_len);
		}
	}
	ldap_value_free_len(v);
	return s;
}

static bool parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* sAMAccountName@domain, lower case; NULL when it has none. */
char *ad_map_qualified(const struct ad_map *m, LDAP *ld, LDAPMessage *e)
{
	char *sam = first_value(ld, e, "sAMAccountName", NULL), *q = NULL;

	if (!sam)
		return NULL;
	for (char *p = sam; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (asprintf(&q, "%s@%s", sam, m->domain) < 0)
		q = NULL;
	free(sam);
	return q;
}

/*
 * The id of an entry: libsss_idmap's for its objectSid, or @posix_attr in
 * an ipa-ad-trust-posix range.  Return: 0, 1 when it came from a POSIX
 * range, or -EINVAL with *@why.
 */
static int entry_id(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
		    const char *posix_attr, uint32_t *id, const char **why)
{
	struct berval bin = {};
	char sid[96], *v;
	size_t dl = strlen(m->sid);
	int r;

	first_value(ld, e, "objectSid", &bin);
	if (!bin.bv_val) {
		*why = "no objectSid";
		return -EINVAL;
	}
	r = ipa_sid_from_bin((const uint8_t *)bin.bv_val, bin.bv_len, sid,
			     sizeof(sid));
	free(bin.bv_val);
	if (r < 0) {
		*why = "malformed objectSid";
		return -EINVAL;
	}
	if (strncmp(sid, m->sid, dl) || sid[dl] != '-') {
		*why = "its objectSid is not of this domain";
		return -EINVAL;
	}
	r = m->idmap ? ipa_idmap_sid_to_id(m->idmap, sid, id) : -ENOENT;
	if (r == 0)
		return 0;
	if (r != -EREMOTE) {
		*why = "no ID range holds its SID";
		return -EINVAL;
	}
	v = first_value(ld, e, posix_attr, NULL);
	r = parse_id(v, id);
	free(v);
	if (!r) {
		*why = !strcmp(posix_attr, "uidNumber")
			       ? "a POSIX range, and no valid uidNumber"
			       : "a POSIX range, and no valid gidNumber";
		return -EINVAL;
	}
	return 1;
}

static int skip(const struct ad_map *m, const char *dn, const char *why)
{
	log_warning("domain '%s': skipping %s: %s", m->name, dn, why);
	return -EINVAL;
}

/* One entry to a user, or the reason it is skipped (logged). */
int ad_map_user(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
		struct pagd_user *u, const char *dn)
{
	const char *why = "no sAMAccountName";
	const char *at;
	char *v;
	int posix;

	u->name = ad_map_qualified(m, ld, e);
	if (!u->name)
		return skip(m, dn, why);
	posix = entry_id(m, ld, e, "uidNumber", &u->uid, &why);
	if (posix < 0) {
		ad_user_clear(u);
		return skip(m, dn, why);
	}
	u->passwd = "*";
	at = strrchr(u->name, '@');
	if (posix) {
		v = first_value(ld, e, "gidNumber", NULL);
		if (!parse_id(v, &u->gid)) {
			free(v);
			ad_user_clear(u);
			return skip(m, dn,
				    "a POSIX range, and no valid "
				    "gidNumber");
		}
		free(v);
		u->dir = first_value(ld, e, "unixHomeDirectory", NULL);
		u->shell = first_value(ld, e, "loginShell", NULL);
	} else {
		/* the user's private group, as SSSD has it on IPA */
		u->gid = u->uid;
	}
	if (!u->dir && asprintf(&u->dir, "/home/%s/%.*s", m->domain,
				(int)(at - u->name), u->name) < 0)
		u->dir = NULL;
	if (!u->shell)
		u->shell = strdup("");
	u->gecos = first_value(ld, e, "displayName", NULL);
	if (!u->gecos)
		u->gecos = strndup(u->name, (size_t)(at - u->name));
	if (!u->dir || !u->shell || !u->gecos) {
		ad_user_clear(u);
		return -ENOMEM;
	}
	return 0;
}

bool ad_map_is_user(LDAP *ld, LDAPMessage *e)
{
	struct berval **v = ldap_get_values_len(ld, e, "objectClass");
	bool user = false;

	for (int i = 0; i < ldap_count_values_len(v); i++)
		user |= v[i]->bv_len == 4 &&
			!strncasecmp(v[i]->bv_val, "user", 4);
	ldap_value_free_len(v);
	return user;
}

/*
 * A user entry met by a group search: its private group in an
 * ipa-ad-trust range; -ENOENT (nothing logged) in a POSIX range, where a
 * user is no group.
 */
static int map_private_group(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
			     struct pagd_group *g, const char *dn)
{
	const char *why = "no sAMAccountName";
	int posix;

	g->name = ad_map_qualified(m, ld, e);
	if (!g->name)
		return skip(m, dn, why);
	posix = entry_id(m, ld, e, "uidNumber", &g->gid, &why);
	if (posix) {
		ad_group_clear(g);
		return posix < 0 ? skip(m, dn, why) : -ENOENT;
	}
	g->passwd = "*";
	return 0;
}

int ad_map_group(const struct ad_map *m, LDAP *ld, LDAPMessage *e,
		 struct pagd_group *g, const char *dn)
{
	const char *why = "no sAMAccountName";

	if (ad_map_is_user(ld, e))
		return map_private_group(m, ld, e, g, dn);
	g->name = ad_map_qualified(m, ld, e);
	if (!g->name)
		return skip(m, dn, why);
	if (entry_id(m, ld, e, "gidNumber", &g->gid, &why) < 0) {
		ad_group_clear(g);
		return skip(m, dn, why);
	}
	g->passwd = "*";
	return 0;
}
