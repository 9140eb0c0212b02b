// SPDX-License-Identifier: GPL-2.0
/*
 * The subdomains as the LDAP provider sees them (see subdomains.h and, for
 * how the work is split, subdom.h): made and freed with their parent,
 * looked up by qualified name or id, their states.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ipa/ranges.h"
#include "pagd/ipa/subdom.h"
#include "pagd/ipa/subdomains.h"
#include "pagd/oneshot.h"

struct subdom *subdom_find(struct ipa_subdomains *s, const char *name)
{
	for (struct subdom *sd = s->subs; sd; sd = sd->next)
		if (!strcmp(sd->t.name, name))
			return sd;
	return NULL;
}

struct subdom *subdom_root(struct ipa_subdomains *s, struct subdom *sd)
{
	return sd->t.member ? subdom_find(s, sd->t.forest) : sd;
}

void subdom_close(struct subdom *sd)
{
	ad_dom_free(sd->ad);
	sd->ad = NULL;
}

void subdom_free(struct subdom *sd)
{
	subdom_close(sd);
	ipa_keytab_fetch_cancel(sd->fetch);
	ipa_trust_free(&sd->t);
	free(sd->principal);
	free(sd->keytab);
	free(sd);
}

void ipa_subdomains_conn_up(struct ipa_subdomains *s)
{
	if (!s->discovered)
		subdom_discover(s);
}

/* The host of the first ldap_uri: ipa-getkeytab's -s by default. */
static char *uri_host(const char *uri)
{
	const char *h = strstr(uri, "://"), *end;

	h = h ? h + 3 : uri;
	if (*h == '[') {
		end = strchr(h, ']');
		return end ? strndup(h + 1, (size_t)(end - h - 1)) : strdup(h);
	}
	end = h + strcspn(h, ":/");
	return strndup(h, (size_t)(end - h));
}

int ipa_subdomains_new(sd_event *e, struct idcache *cache,
		       const struct domain_conf *dc, const char *tree,
		       const char *state_dir, struct pagd_ldap_conn *conn,
		       struct ipa_subdomains **out)
{
	struct ipa_subdomains *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->event = e;
	s->cache = cache;
	s->dc = dc;
	s->dom = dc->name;
	s->conn = conn;
	s->server = dc->ldap.ipa_server ? strdup(dc->ldap.ipa_server)
					: uri_host(dc->ldap.uris[0]);
	s->trusts_base = ipa_trusts_base(tree);
	if (!s->server || !s->trusts_base ||
	    asprintf(&s->flat_base, "cn=ad,cn=etc,%s", tree) < 0 ||
	    asprintf(&s->ranges_base, "cn=ranges,cn=etc,%s", tree) < 0 ||
	    asprintf(&s->keytab_dir, "%s/keytabs", state_dir) < 0 ||
	    asprintf(&s->parent_dir, "%s/keytabs/%s", state_dir, dc->name) <
		    0) {
		ipa_subdomains_free(s);
		return -ENOMEM;
	}
	r = oneshot_arm(e, &s->timer,
			dc->ldap.subdomain_refresh_interval * 1000000ULL,
			subdom_refresh, s);
	if (r < 0) {
		ipa_subdomains_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void ipa_subdomains_free(struct ipa_subdomains *s)
{
	struct subdom *sd;

	if (!s)
		return;
	while ((sd = s->subs)) {
		s->subs = sd->next;
		subdom_free(sd);
	}
	subdom_free_found(s);
	for (size_t i = 0; i < s->n_ranges; i++)
		ipa_range_free(&s->ranges[i]);
	free(s->ranges);
	ipa_ranges_release(s);
	ipa_idmap_free(s->idmap);
	sd_event_source_disable_unref(s->timer);
	free(s->trusts_base);
	free(s->flat_base);
	free(s->ranges_base);
	free(s->keytab_dir);
	free(s->parent_dir);
	free(s->server);
	free(s);
}

/* Lookups. */

/* The LDAP server of @name: ipa_trusted_domain_uris, else its DNS name. */
static char *domain_uri(struct ipa_subdomains *s, const char *name)
{
	size_t n = strlen(name);
	char *uri;

	for (char **u = s->dc->ldap.ipa_trusted_domain_uris; u && *u; u++)
		if (!strncmp(*u, name, n) && (*u)[n] == '=')
			return strdup(*u + n + 1);
	return asprintf(&uri, "ldap://%s", name) < 0 ? NULL : uri;
}

/* The subdomain @name is qualified with, when it is one of ours. */
static struct subdom *sub_of_name(struct ipa_subdomains *s, const char *name)
{
	const char *at = name ? strrchr(name, '@') : NULL;

	return at && at != name ? subdom_find(s, at + 1) : NULL;
}

/* Its users' source, made when it is first asked and active. */
static struct ad_dom *ad_of(struct ipa_subdomains *s, struct subdom *sd)
{
	struct subdom *root = subdom_root(s, sd);
	struct ad_dom_conf c;
	char *uri, *cache_name;

	/* disabled on the server: not even its cached entries are served */
	if (sd->disabled)
		return NULL;
	if (sd->ad || !root || root->kt != KT_PRESENT || !s->cache)
		return sd->ad;
	uri = domain_uri(s, sd->t.name);
	if (!uri || asprintf(&cache_name, "%s/%s", s->dom, sd->t.name) < 0) {
		free(uri);
		return NULL;
	}
	c = (struct ad_dom_conf){
		.cache_name = cache_name,
		.domain = sd->t.name,
		.sid = sd->t.sid,
		.uri = uri,
		.keytab = root->keytab,
		.parent = &s->dc->ldap,
		.keytab_failed = trust_keytab_failed,
		.bound = trust_keytab_bound,
		.ud = sd,
	};
	if (ad_dom_new(s->event, s->cache, &c, &sd->ad) == 0)
		ad_dom_set_idmap(sd->ad, s->idmap);
	else
		sd->ad = NULL;
	free(uri);
	free(cache_name);
	return sd->ad;
}

/*
 * The subdomain whose ID range holds @id, and in *@sid (to free) the SID
 * the id stands for: NULL in a POSIX range, where ids are AD's own.
 */
static struct subdom *sub_of_id(struct ipa_subdomains *s, uint32_t id,
				char **sid)
{
	*sid = NULL;
	for (size_t i = 0; i < s->n_ranges; i++) {
		const struct ipa_range *r = &s->ranges[i];
		struct subdom *sd;

		if (id < r->base_id || id - r->base_id >= r->size)
			continue;
		for (sd = s->subs; sd; sd = sd->next)
			if (!strcmp(sd->t.sid, r->sid))
				break;
		if (sd && r->type == IPA_RANGE_AD_TRUST &&
		    asprintf(sid, "%s-%u", r->sid,
			     id - r->base_id + r->base_rid) < 0)
			*sid = NULL;
		return sd;
	}
	return NULL;
}

struct ad_dom *ipa_subdomains_ad_by_id(struct ipa_subdomains *s, uint32_t id,
				       bool *ours)
{
	char *sid;
	struct subdom *sd = sub_of_id(s, id, &sid);

	free(sid);
	*ours = sd != NULL;
	return sd ? ad_of(s, sd) : NULL;
}

int ipa_subdomains_prepare(struct ipa_subdomains *s, const struct id_query *q,
			   struct id_wait *w)
{
	struct subdom *sd;
	struct ad_dom *a;
	char *sid;
	int r;

	if (q->kind == ID_USER_UID || q->kind == ID_GROUP_GID) {
		sd = sub_of_id(s, q->id, &sid);
		if (!sd)
			return -ENOENT;
		a = ad_of(s, sd);
		r = a ? ad_dom_prepare_id(a, q, w, sid) : 0;
		free(sid);
		return r;
	}
	sd = sub_of_name(s, q->name);
	if (!sd)
		return -ENOENT;
	a = ad_of(s, sd);
	/* inactive: whatever the cache holds */
	return a ? ad_dom_prepare(a, q, w) : 0;
}

struct ad_dom *ipa_subdomains_ad(struct ipa_subdomains *s, const char *name,
				 bool *ours)
{
	struct subdom *sd = sub_of_name(s, name);

	*ours = sd != NULL;
	return sd ? ad_of(s, sd) : NULL;
}

static const char *state_word(struct subdom *sd, enum keytab_state kt)
{
	if (sd->disabled)
		return "disabled";
	if (kt != KT_PRESENT || (sd->ad && ad_dom_inactive(sd->ad)))
		return "inactive";
	return "active";
}

void ipa_subdomains_each(const struct ipa_subdomains *s,
			 void (*fn)(void *ud, const struct subdomain_info *i),
			 void *ud)
{
	for (struct subdom *sd = s->subs; sd; sd = sd->next) {
		struct subdom *root =
			subdom_root((struct ipa_subdomains *)s, sd);
		enum keytab_state kt = root ? root->kt : KT_MISSING;
		struct subdomain_info i = {
			.name = sd->t.name,
			.forest = sd->t.forest,
			.state = state_word(sd, kt),
			.direction = sd->t.direction,
			.keytab = trust_keytab_word(kt),
		};

		fn(ud, &i);
	}
}

void ipa_subdomains_set_online(struct ipa_subdomains *s, bool online)
{
	for (struct subdom *sd = s->subs; sd; sd = sd->next) {
		if (online)
			sd->rechecked = false;
		if (sd->ad)
			ad_dom_set_online(sd->ad, online);
	}
}
