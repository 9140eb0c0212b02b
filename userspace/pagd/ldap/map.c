// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2307 entries to users and groups.
 *
 *   posixAccount: uid, uidNumber, gidNumber, homeDirectory, loginShell,
 *                 gecos (or cn)
 *   posixGroup:   cn, gidNumber, memberUid
 *
 * An entry that does not make a valid user or group (a missing or
 * non-numeric id, a missing name, a name NSS cannot carry) is skipped with
 * one log line naming its DN; so is any entry outside the domain's tree,
 * which a well-behaved server never returns.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/parse.h"
#include "pagd/ldap/map.h"

static void skip(const char *domain, const char *dn, const char *why,
		 const char *val)
{
	log_warning("domain '%s': skipping %s: %s%s%s%s", domain, dn, why,
		    val ? " '" : "", val ? val : "", val ? "'" : "");
}

/* An attribute of the account state that cannot be read: left out. */
static void ignore(const char *domain, const char *dn, const char *attr,
		   const char *val)
{
	log_warning("domain '%s': %s: %s '%s' is not understood, ignored",
		    domain, dn, attr, val);
}

static struct berval **values(LDAP *ld, LDAPMessage *e, const char *attr)
{
	return ldap_get_values_len(ld, e, attr);
}

/* A value as a string, if it is one NSS can carry. */
static char *dup_value(const struct berval *bv)
{
	if (memchr(bv->bv_val, '\0', bv->bv_len))
		return NULL;
	return strndup(bv->bv_val, bv->bv_len);
}

static bool name_ok(const char *s)
{
	if (!*s || *s == '+' || *s == '-')
		return false;
	for (; *s; s++)
		if (*s == ':' || *s == ',' || *s == '@' ||
		    isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return false;
	return true;
}

static bool field_ok(const char *s)
{
	for (; *s; s++)
		if (*s == ':' || *s == '\n')
			return false;
	return true;
}

/* The single-valued id of @attr: decimal, below 2^32 - 1. */
static int get_id(LDAP *ld, LDAPMessage *e, const char *attr, uint32_t *out,
		  char **bad)
{
	struct berval **v = values(ld, e, attr);
	char buf[24];
	int r = -EINVAL;

	*bad = NULL;
	if (!v || !v[0])
		goto out;
	if (v[0]->bv_len == 0 || v[0]->bv_len >= sizeof(buf)) {
		*bad = strndup(v[0]->bv_val,
			       v[0]->bv_len > 64 ? 64 : v[0]->bv_len);
		goto out;
	}
	memcpy(buf, v[0]->bv_val, v[0]->bv_len);
	buf[v[0]->bv_len] = '\0';
	r = parse_id(buf, out);
	if (r < 0)
		*bad = strdup(buf);
out:
	ldap_value_free_len(v);
	return r;
}

static char *get_str(LDAP *ld, LDAPMessage *e, const char *attr,
		     const char *dflt)
{
	struct berval **v = values(ld, e, attr);
	char *s = NULL;

	if (v && v[0])
		s = dup_value(v[0]);
	ldap_value_free_len(v);
	if (s && !field_ok(s)) {
		free(s);
		s = NULL;
	}
	return s ? s : strdup(dflt);
}

/*
 * The entry's name: the value equal to @want when given (names match
 * exactly, case included), else the first.
 */
static char *get_name(LDAP *ld, LDAPMessage *e, const char *attr,
		      const char *want)
{
	struct berval **v = values(ld, e, attr);
	char *s = NULL;

	for (size_t i = 0; v && v[i] && !s; i++) {
		if (want && (v[i]->bv_len != strlen(want) ||
			     memcmp(v[i]->bv_val, want, v[i]->bv_len)))
			continue;
		s = dup_value(v[i]);
	}
	ldap_value_free_len(v);
	return s;
}

bool pagd_ldap_dn_under(const char *dn, const char *base)
{
	size_t n = strlen(dn), b = strlen(base);

	if (n < b || strcasecmp(dn + n - b, base) != 0)
		return false;
	return n == b || dn[n - b - 1] == ',';
}

bool pagd_ldap_has_class(LDAP *ld, LDAPMessage *e, const char *cls)
{
	struct berval **v = values(ld, e, "objectClass");
	bool has = false;

	for (size_t i = 0; v && v[i] && !has; i++)
		has = v[i]->bv_len == strlen(cls) &&
		      !strncasecmp(v[i]->bv_val, cls, v[i]->bv_len);
	ldap_value_free_len(v);
	return has;
}

char *pagd_ldap_map_dn(LDAP *ld, LDAPMessage *e,
		       const struct pagd_ldap_map_ctx *m)
{
	char *dn = ldap_get_dn(ld, e), *copy;

	if (!dn)
		return NULL;
	if (!pagd_ldap_dn_under(dn, m->tree)) {
		skip(m->domain, dn, "outside the domain's tree", m->tree);
		ldap_memfree(dn);
		return NULL;
	}
	copy = strdup(dn);
	ldap_memfree(dn);
	return copy;
}

/* A GeneralizedTime in UTC ("YYYYMMDDHHMMSSZ"): Unix seconds, or -1. */
static int64_t generalized_time(const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y%m%d%H%M%S", &tm);

	if (!end || strcmp(end, "Z"))
		return -1;
	return (int64_t)timegm(&tm);
}

/*
 * The account state (struct pagd_user): an attribute that cannot be read
 * is ignored, as SSSD ignores it, with a line in the log.
 */
static void map_account(LDAP *ld, LDAPMessage *e,
			const struct pagd_ldap_map_ctx *m, const char *dn,
			struct pagd_user *u)
{
	char *lock = get_str(ld, e, "nsAccountLock", "");
	char *krb = get_str(ld, e, "krbPrincipalExpiration", "");
	char *shadow = get_str(ld, e, "shadowExpire", "");
	int64_t t;
	char *end;
	long long days;

	u->locked = lock && !strcasecmp(lock, "true");
	if (krb && *krb) {
		t = generalized_time(krb);
		if (t < 0)
			ignore(m->domain, dn, "krbPrincipalExpiration", krb);
		else
			u->expires = t;
	}
	if (shadow && *shadow) {
		errno = 0;
		days = strtoll(shadow, &end, 10);
		if (errno || *end || days < -1)
			ignore(m->domain, dn, "shadowExpire", shadow);
		/* -1: never, as shadow(5) has it */
		else if (days >= 0 &&
			 (!u->expires || days * 86400 < u->expires))
			u->expires = days * 86400;
	}
	free(lock);
	free(krb);
	free(shadow);
}

int pagd_ldap_map_user(LDAP *ld, LDAPMessage *e,
		       const struct pagd_ldap_map_ctx *m, const char *want,
		       const char *dn, struct pagd_user *u)
{
	char *bad = NULL;

	memset(u, 0, sizeof(*u));
	u->name = get_name(ld, e, "uid", want);
	if (!u->name) {
		if (!want)
			skip(m->domain, dn, "no uid", NULL);
		return -EINVAL;
	}
	if (!name_ok(u->name)) {
		skip(m->domain, dn, "bad uid", u->name);
		goto bad;
	}
	if (get_id(ld, e, "uidNumber", &u->uid, &bad) < 0) {
		skip(m->domain, dn, bad ? "bad uidNumber" : "no uidNumber",
		     bad);
		goto bad;
	}
	if (get_id(ld, e, "gidNumber", &u->gid, &bad) < 0) {
		skip(m->domain, dn, bad ? "bad gidNumber" : "no gidNumber",
		     bad);
		goto bad;
	}
	u->passwd = strdup("*");
	u->gecos = get_str(ld, e, "gecos", "");
	if (u->gecos && !*u->gecos) {
		free(u->gecos);
		u->gecos = get_str(ld, e, "cn", "");
	}
	u->dir = get_str(ld, e, "homeDirectory", "");
	u->shell = get_str(ld, e, "loginShell", "");
	if (!u->passwd || !u->gecos || !u->dir || !u->shell) {
		pagd_ldap_map_user_free(u);
		return -ENOMEM;
	}
	map_account(ld, e, m, dn, u);
	return 0;
bad:
	free(bad);
	pagd_ldap_map_user_free(u);
	return -EINVAL;
}

int pagd_ldap_map_group(LDAP *ld, LDAPMessage *e,
			const struct pagd_ldap_map_ctx *m, const char *want,
			const char *dn, bool members, struct pagd_group *g)
{
	struct berval **v = NULL;
	char *bad = NULL;
	size_t n = 0;

	memset(g, 0, sizeof(*g));
	g->name = get_name(ld, e, "cn", want);
	if (!g->name) {
		if (!want)
			skip(m->domain, dn, "no cn", NULL);
		return -EINVAL;
	}
	if (!name_ok(g->name)) {
		skip(m->domain, dn, "bad cn", g->name);
		goto bad;
	}
	if (get_id(ld, e, "gidNumber", &g->gid, &bad) < 0) {
		skip(m->domain, dn, bad ? "bad gidNumber" : "no gidNumber",
		     bad);
		goto bad;
	}
	g->passwd = strdup("*");
	if (members)
		v = values(ld, e, "memberUid");
	n = v ? ldap_count_values_len(v) : 0;
	g->members = calloc(n + 1, sizeof(char *));
	if (!g->passwd || !g->members) {
		ldap_value_free_len(v);
		pagd_ldap_map_group_free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char *s = dup_value(v[i]);

		/* a member NSS cannot carry is left out, not the group */
		if (!s || !name_ok(s)) {
			skip(m->domain, dn, "bad memberUid value", s);
			free(s);
			continue;
		}
		g->members[g->n_members++] = s;
	}
	ldap_value_free_len(v);
	return 0;
bad:
	free(bad);
	pagd_ldap_map_group_free(g);
	return -EINVAL;
}

void pagd_ldap_map_user_free(struct pagd_user *u)
{
	free(u->name);
	free(u->passwd);
	free(u->gecos);
	free(u->dir);
	free(u->shell);
	memset(u, 0, sizeof(*u));
}

void pagd_ldap_map_group_free(struct pagd_group *g)
{
	free(g->name);
	free(g->passwd);
	for (size_t i = 0; i < g->n_members; i++)
		free(g->members[i]);
	free(g->members);
	memset(g, 0, sizeof(*g));
}

int pagd_ldap_filter(char **out, const char *pre, const char *value,
		     const char *post)
{
	struct berval in = { .bv_val = (char *)value, .bv_len = strlen(value) },
		      esc = {};
	int r;

	if (!*value)
		return asprintf(out, "%s%s", pre, post) < 0 ? -ENOMEM : 0;
	if (ldap_bv2escaped_filter_value(&in, &esc) != 0)
		return -ENOMEM;
	r = asprintf(out, "%s%s%s", pre, esc.bv_val, post);
	ber_memfree(esc.bv_val);
	return r < 0 ? -ENOMEM : 0;
}
