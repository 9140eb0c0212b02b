// SPDX-License-Identifier: GPL-2.0
/*
 * A trusted AD domain (see ad.h): its connection, bound with SASL GSSAPI
 * from the forest's keytab, and its state: inactive while its server
 * does not answer, and when the keytab itself stops getting tickets, the
 * owner's check for a re-established trust.  Its searches are in
 * ad_search.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ipa/ad_priv.h"
#include "pagd/ldap/gssapi.h"

static void on_up(void *ud)
{
	struct ad_dom *a = ud;

	log_info("domain '%s': bound to %s as the trust account", a->cache_name,
		 a->uri);
	if (a->off.offline)
		log_notice("domain '%s' is active again", a->cache_name);
	offline_up(&a->off);
	if (a->bound)
		a->bound(a->ud);
}

/*
 * Whether the keytab still gets a ticket: when it does not, the trust may
 * have been re-established with new keys (the owner decides).  Blocks on
 * the KDC, as the GSSAPI bind itself does; only when the server failed.
 */
static void keytab_check(struct ad_dom *a)
{
	char cc[PAGD_NAME_MAX * 2 + 32], *why = NULL;
	bool held = false;

	if (!a->keytab_failed)
		return;
	snprintf(cc, sizeof(cc), "MEMORY:pagd-probe-%s", a->cache_name);
	if (pagd_ldap_gssapi_get_creds(a->keytab, cc, &why) < 0)
		held = a->keytab_failed(a->ud, why ? why : "no ticket");
	free(why);
	if (!held)
		ad_dom_release(a, false);
}

static void on_down(void *ud, const char *why)
{
	struct ad_dom *a = ud;

	if (!a->off.offline)
		log_warning("domain '%s' is inactive (%s): its parent and "
			    "the other domains are not affected",
			    a->cache_name, why);
	offline_down(&a->off, why);
	keytab_check(a);
}

static void on_retry(void *ud)
{
	struct ad_dom *a = ud;

	pagd_ldap_conn_connect(a->conn);
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
	a->keytab_failed = c->keytab_failed;
	a->bound = c->bound;
	a->ud = c->ud;
	a->cache_name = strdup(c->cache_name);
	a->domain = strdup(c->domain);
	a->sid = strdup(c->sid);
	a->uri = strdup(c->uri);
	a->keytab = strdup(c->keytab);
	a->base = naming_context(c->domain);
	a->map = (struct ad_map){
		.name = a->cache_name,
		.domain = a->domain,
		.sid = a->sid,
	};
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
	offline_init(&a->off, e, a->cache_name, a->cf.offline_timeout,
		     a->cf.offline_timeout_max, on_retry, a);
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
	a->keytab_failed = NULL;
	ad_dom_release(a, false);
	offline_fini(&a->off);
	idcache_user_free(&a->su);
	idcache_group_free(&a->sg);
	free(a->sgids.gids);
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
	a->map.idmap = m;
}

bool ad_dom_inactive(const struct ad_dom *a)
{
	return a->off.offline;
}

void ad_dom_set_online(struct ad_dom *a, bool online)
{
	if (online) {
		offline_reset(&a->off);
		return;
	}
	pagd_ldap_conn_drop(a->conn, -ENOTCONN);
	offline_down(&a->off, "asked to (SIGUSR1 or SetDomainsOnline)");
}

/* A held fetch from its start: its first search sent again. */
