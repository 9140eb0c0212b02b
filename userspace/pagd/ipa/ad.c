// SPDX-License-Identifier: GPL-2.0
/*
 * A trusted AD domain's users (see ad.h).  A user is an objectClass=user
 * entry under the domain's naming context (dc=ad,dc=test for ad.test),
 * found by sAMAccountName; its objectSid must lie in the domain's SID.
 * Its uid is what libsss_idmap maps the SID to in an ipa-ad-trust range,
 * with the user's private group as primary group and home
 * /home/DOMAIN/NAME, as SSSD gives them on an IPA server; in an
 * ipa-ad-trust-posix range the uidNumber, gidNumber, unixHomeDirectory
 * and loginShell of the entry are used instead.  Names are lower case
 * and qualified: alice@ad.test.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "pagd/ipa/ad.h"
#include "pagd/ldap/conn.h"
#include "pagd/ldap/map.h"

struct ad_fetch {
	struct ad_dom *a;
	struct ad_fetch *next;
	char *name; /* qualified, lower case */
	struct pagd_user u;
	bool found, dup;
	struct id_wait *waiters;
};

struct ad_dom {
	struct idcache *cache;
	char *cache_name, *domain, *sid, *base, *uri, *keytab;
	char *uris[2];
	struct pagd_ldap_conf cf;
	struct pagd_ldap_conn *conn;
	struct ipa_idmap *idmap;
	struct ad_fetch *fetches;
	struct idcache_user su;
};

static char *const user_attrs[] = { "sAMAccountName",	 "objectSid",
				    "uidNumber",	 "gidNumber",
				    "unixHomeDirectory", "loginShell",
				    "displayName",	 NULL };

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

static void user_clear(struct pagd_user *u)
{
	free(u->name);
	free(u->gecos);
	free(u->dir);
	free(u->shell);
	memset(u, 0, sizeof(*u));
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

/* One entry to a user, or the reason it is skipped (logged). */
static int map_user(struct ad_dom *a, LDAP *ld, LDAPMessage *e,
		    struct pagd_user *u, const char *dn)
{
	struct berval bin = {};
	char sid[96], *sam = NULL, *v = NULL, *why = NULL;
	size_t dl = strlen(a->sid);
	int r;

	sam = first_value(ld, e, "sAMAccountName", NULL);
	first_value(ld, e, "objectSid", &bin);
	if (!sam || !bin.bv_val) {
		why = "no sAMAccountName or objectSid";
		goto skip;
	}
	if (ipa_sid_from_bin((const uint8_t *)bin.bv_val, bin.bv_len, sid,
			     sizeof(sid)) < 0) {
		why = "malformed objectSid";
		goto skip;
	}
	if (strncmp(sid, a->sid, dl) || sid[dl] != '-') {
		why = "its objectSid is not of this domain";
		goto skip;
	}
	for (char *p = sam; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (asprintf(&u->name, "%s@%s", sam, a->domain) < 0) {
		u->name = NULL;
		r = -ENOMEM;
		goto out;
	}
	u->passwd = "*";
	u->gecos = first_value(ld, e, "displayName", NULL);
	r = a->idmap ? ipa_idmap_sid_to_id(a->idmap, sid, &u->uid) : -ENOENT;
	if (r == 0) {
		/* the user's private group, as SSSD has it on IPA */
		u->gid = u->uid;
		if (asprintf(&u->dir, "/home/%s/%s", a->domain, sam) < 0)
			u->dir = NULL;
		u->shell = strdup("");
	} else if (r == -EREMOTE) {
		v = first_value(ld, e, "uidNumber", NULL);
		if (!parse_id(v, &u->uid)) {
			why = "a POSIX range, and no valid uidNumber";
			goto skip;
		}
		free(v);
		v = first_value(ld, e, "gidNumber", NULL);
		if (!parse_id(v, &u->gid)) {
			why = "a POSIX range, and no valid gidNumber";
			goto skip;
		}
		u->dir = first_value(ld, e, "unixHomeDirectory", NULL);
		u->shell = first_value(ld, e, "loginShell", NULL);
		if (!u->dir &&
		    asprintf(&u->dir, "/home/%s/%s", a->domain, sam) < 0)
			u->dir = NULL;
		if (!u->shell)
			u->shell = strdup("");
	} else {
		log_warning("domain '%s': skipping %s: no ID range holds its "
			    "SID %s",
			    a->cache_name, dn, sid);
		r = -EINVAL;
		goto out;
	}
	if (!u->gecos)
		u->gecos = strdup(sam);
	r = u->dir && u->shell && u->gecos ? 0 : -ENOMEM;
	goto out;
skip:
	log_warning("domain '%s': skipping %s: %s", a->cache_name, dn, why);
	r = -EINVAL;
out:
	if (r < 0)
		user_clear(u);
	free(sam);
	free(v);
	free(bin.bv_val);
	return r;
}

static void on_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct ad_fetch *f = ud;
	struct pagd_user u = {};
	char *dn = ldap_get_dn(ld, e);

	if (dn && map_user(f->a, ld, e, &u, dn) == 0) {
		if (f->found || strcmp(u.name, f->name)) {
			f->dup |= f->found;
			user_clear(&u);
		} else {
			f->u = u;
			f->found = true;
		}
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
	user_clear(&f->u);
	free(f->name);
	free(f);
}

static void on_done(void *ud, int err)
{
	struct ad_fetch *f = ud;
	struct ad_dom *a = f->a;
	const struct pagd_ldap_conf *cf = a->cf.uris ? &a->cf : NULL;
	struct id_wait *w;
	int r = 0;

	if (!err && cf) {
		r = idcache_begin(a->cache);
		if (r == 0 && f->found && !f->dup)
			r = idcache_put_user(a->cache, a->cache_name, &f->u,
					     now() + cf->entry_cache_timeout);
		else if (r == 0)
			r = idcache_put_none(
				a->cache, a->cache_name, IDC_USER_NAME, f->name,
				0, now() + cf->entry_negative_timeout);
		idcache_end(a->cache, r == 0);
	}
	while ((w = f->waiters)) {
		id_wait_cancel(w);
		w->done(w);
	}
	fetch_free(f);
}

static void on_up(void *ud)
{
	struct ad_dom *a = ud;

	log_info("domain '%s': bound to %s as the trust account", a->cache_name,
		 a->uri);
}

static void on_down(void *ud, const char *why)
{
	struct ad_dom *a = ud;

	log_warning("domain '%s': %s", a->cache_name, why);
}

static void no_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
}

static void no_done(void *ud, int err)
{
}

static const struct pagd_ldap_conn_ops conn_ops = {
	.up = on_up,
	.down = on_down,
	.entry = no_entry,
	.done = no_done,
};

/* dc=ad,dc=test for ad.test */
static char *naming_context(const char *domain)
{
	size_t n = strlen(domain) + 4;
	char *s, *p;

	for (const char *c = domain; *c; c++)
		n += *c == '.' ? 4 : 0;
	s = malloc(n);
	if (!s)
		return NULL;
	p = stpcpy(s, "dc=");
	for (const char *c = domain; *c; c++)
		p = *c == '.' ? stpcpy(p, ",dc=") : (*p++ = *c, p);
	*p = '\0';
	return s;
}

int ad_dom_new(sd_event *e, struct idcache *cache, const struct ad_dom_conf *c,
	       struct ad_dom **out)
{
	struct ad_dom *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return -ENOMEM;
	a->cache = cache;
	a->cache_name = strdup(c->cache_name);
	a->domain = strdup(c->domain);
	a->sid = strdup(c->sid);
	a->uri = strdup(c->uri);
	a->keytab = strdup(c->keytab);
	a->base = naming_context(c->domain);
	if (!a->cache_name || !a->domain || !a->sid || !a->uri || !a->keytab ||
	    !a->base) {
		ad_dom_free(a);
		return -ENOMEM;
	}
	/* the parent's timeouts; GSSAPI with the forest's keytab */
	a->cf = *c->parent;
	a->uris[0] = a->uri;
	a->cf.uris = a->uris;
	a->cf.suffix = NULL;
	a->cf.search_base = a->base;
	a->cf.bind_dn = NULL;
	a->cf.authtok = NULL;
	a->cf.sasl_mech = "GSSAPI";
	a->cf.krb5_keytab = a->keytab;
	r = pagd_ldap_conn_new(e, a->cache_name, &a->cf, &conn_ops, a,
			       &a->conn);
	if (r < 0) {
		ad_dom_free(a);
		return r;
	}
	*out = a;
	return 0;
}

void ad_dom_free(struct ad_dom *a)
{
	if (!a)
		return;
	/* pending fetches end through on_done, their waiters answered */
	pagd_ldap_conn_free(a->conn);
	idcache_user_free(&a->su);
	free(a->cache_name);
	free(a->domain);
	free(a->sid);
	free(a->uri);
	free(a->keytab);
	free(a->base);
	free(a);
}

void ad_dom_set_idmap(struct ad_dom *a, struct ipa_idmap *m)
{
	a->idmap = m;
}

int ad_dom_prepare(struct ad_dom *a, const struct id_query *q,
		   struct id_wait *w)
{
	struct ad_fetch *f;
	char *filter, *at, *sam;
	uint64_t exp;
	int r;

	if (q->kind != ID_USER_NAME || !q->name)
		return 0;
	r = idcache_get_user(a->cache, a->cache_name, IDC_USER_NAME, q->name, 0,
			     &a->su, &exp);
	if (r >= 0 && exp > now())
		return 0;
	for (f = a->fetches; f; f = f->next)
		if (!strcmp(f->name, q->name))
			goto wait;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->name = strdup(q->name))) {
		free(f);
		return 0;
	}
	f->a = a;
	sam = strdup(q->name);
	at = sam ? strrchr(sam, '@') : NULL;
	if (at)
		*at = '\0';
	r = sam ? pagd_ldap_filter(&filter,
				   "(&(objectClass=user)(sAMAccountName=", sam,
				   "))")
		: -ENOMEM;
	free(sam);
	if (r == 0) {
		r = pagd_ldap_conn_search_cb(a->conn, a->base, filter,
					     user_attrs, false, on_entry,
					     on_done, f);
		free(filter);
	}
	if (r < 0) {
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

const struct pagd_user *ad_dom_user_by_name(struct ad_dom *a, const char *name)
{
	uint64_t exp;

	if (idcache_get_user(a->cache, a->cache_name, IDC_USER_NAME, name, 0,
			     &a->su, &exp) <= 0)
		return NULL;
	return &a->su.u;
}
