// SPDX-License-Identifier: GPL-2.0
/*
 * Trust discovery and the subdomains it yields (see subdomains.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/ipa/ad.h"
#include "pagd/ipa/idmap.h"
#include "pagd/ipa/keytab.h"
#include "pagd/ipa/parse.h"
#include "pagd/ipa/subdomains.h"
#include "pagd/oneshot.h"

#define DEFAULT_GETKEYTAB "/usr/sbin/ipa-getkeytab"

enum keytab_state {
	KT_MISSING,
	KT_FETCHING,
	KT_PRESENT,
};

struct subdom {
	struct subdom *next;
	struct ipa_subdomains *s;
	struct ipa_trust t;
	bool seen; /* by the discovery being applied */
	/* forest roots: the keytab their forest uses */
	char *principal, *keytab;
	enum keytab_state kt;
	bool fetched; /* since pagd started */
	/* re-established trusts: the keytab was fetched again after a
	 * failed bind (cleared by a bind, SIGUSR2), and that fetch is on */
	bool rechecked, rekey;
	struct ipa_keytab_fetch *fetch;
	struct ad_dom *ad; /* its users: made on first lookup */
};

enum disc_what {
	D_FLAT,
	D_TRUSTS,
	D_RANGES,
	D_N,
};

struct disc_op {
	struct ipa_subdomains *s;
	enum disc_what what;
};

struct ipa_subdomains {
	sd_event *event;
	const struct domain_conf *dc;
	const char *dom;
	struct pagd_ldap_conn *conn;
	char *tree, *trusts_base, *flat_base, *ranges_base;
	char *keytab_dir, *parent_dir, *server;
	sd_event_source *timer;
	struct idcache *cache;
	struct ipa_idmap *idmap;
	bool discovered;
	struct subdom *subs;
	struct ipa_range *ranges;
	size_t n_ranges;
	/* the discovery in flight */
	struct disc_op op[D_N];
	unsigned int outstanding;
	int err;
	char *new_flat;
	struct ipa_trust *found;
	size_t n_found, cap_found;
	struct ipa_range *new_ranges;
	size_t n_new_ranges, cap_new_ranges;
};

static char *const flat_attrs[] = { "ipaNTFlatName", NULL };
static char *const trust_attrs[] = {
	"ipaNTTrustPartner",   "ipaNTFlatName",	 "ipaNTTrustedDomainSID",
	"ipaNTTrustDirection", "ipaNTTrustType", NULL
};
static char *const range_attrs[] = { "cn",
				     "ipaBaseID",
				     "ipaIDRangeSize",
				     "ipaBaseRID",
				     "ipaNTTrustedDomainSID",
				     "ipaRangeType",
				     NULL };

static const char *direction_words(int d)
{
	static const char *const words[] = { "none", "inbound", "outbound",
					     "two-way" };

	return d >= 0 && d <= 3 ? words[d] : "unknown";
}

static struct subdom *find_sub(struct ipa_subdomains *s, const char *name)
{
	for (struct subdom *sd = s->subs; sd; sd = sd->next)
		if (!strcmp(sd->t.name, name))
			return sd;
	return NULL;
}

/* The forest root a subdomain takes its keytab from (itself for a root). */
static struct subdom *root_of(struct ipa_subdomains *s, struct subdom *sd)
{
	return sd->t.member ? find_sub(s, sd->t.forest) : sd;
}

static void free_found(struct ipa_subdomains *s)
{
	for (size_t i = 0; i < s->n_found; i++)
		ipa_trust_free(&s->found[i]);
	for (size_t i = 0; i < s->n_new_ranges; i++)
		ipa_range_free(&s->new_ranges[i]);
	free(s->found);
	free(s->new_ranges);
	free(s->new_flat);
	s->found = NULL;
	s->new_ranges = NULL;
	s->new_flat = NULL;
	s->n_found = s->cap_found = 0;
	s->n_new_ranges = s->cap_new_ranges = 0;
}

static void free_ranges(struct ipa_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ipa_range_free(&r[i]);
	free(r);
}

static void sub_free(struct subdom *sd)
{
	ad_dom_free(sd->ad);
	ipa_keytab_fetch_cancel(sd->fetch);
	ipa_trust_free(&sd->t);
	free(sd->principal);
	free(sd->keytab);
	free(sd);
}

/* Keytabs. */

/* A re-fetch after a failed bind: new keys mean a re-established trust. */
static void rekey_done(struct ipa_subdomains *s, struct subdom *root,
		       bool changed)
{
	root->rekey = false;
	if (!changed) {
		log_warning(
			"domain '%s': trust to %s: the keytab fetched again "
			"holds the same keys: its domains stay inactive "
			"(until the next online check or SIGUSR2)",
			s->dom, root->t.name);
		return;
	}
	log_notice("domain '%s': trust to %s was re-established: the keytab "
		   "has new keys; its domains are active again",
		   s->dom, root->t.name);
	for (struct subdom *sd = s->subs; sd; sd = sd->next)
		if (sd->ad && root_of(s, sd) == root)
			ad_dom_set_online(sd->ad, true);
}

static void fetch_done(void *ud, int err, bool changed, const char *why)
{
	struct subdom *sd = ud;
	struct ipa_subdomains *s = sd->s;

	sd->fetch = NULL;
	sd->fetched = true;
	if (!err) {
		sd->kt = KT_PRESENT;
		log_info("domain '%s': trust to %s: keytab of %s in %s; its "
			 "domains are active",
			 s->dom, sd->t.name, sd->principal, sd->keytab);
		if (sd->rekey)
			rekey_done(s, sd, changed);
		return;
	}
	sd->rekey = false;
	log_error("domain '%s': trust to %s: cannot fetch the keytab of %s: "
		  "%s",
		  s->dom, sd->t.name, sd->principal, why);
	if (access(sd->keytab, F_OK) == 0) {
		sd->kt = KT_PRESENT;
		log_warning("domain '%s': trust to %s: keeping the keytab "
			    "fetched before (%s)",
			    s->dom, sd->t.name, sd->keytab);
	} else {
		sd->kt = KT_MISSING;
		log_warning("domain '%s': trust to %s: no keytab; its domains "
			    "stay inactive",
			    s->dom, sd->t.name);
	}
}

static void fetch_keytab(struct ipa_subdomains *s, struct subdom *sd)
{
	const struct pagd_ldap_conf *cf = &s->dc->ldap;
	struct ipa_keytab_cmd cmd = {
		.program = cf->ipa_getkeytab_program ? cf->ipa_getkeytab_program
						     : DEFAULT_GETKEYTAB,
		.server = s->server,
		.principal = sd->principal,
		.timeout = cf->ipa_getkeytab_timeout,
	};
	char *why = NULL;
	int r;

	if (sd->fetch)
		return;
	r = ipa_keytab_dir(s->keytab_dir, &why);
	if (r == 0) {
		free(why);
		r = ipa_keytab_dir(s->parent_dir, &why);
	}
	if (r < 0) {
		log_error("domain '%s': trust to %s: %s", s->dom, sd->t.name,
			  why ? why : strerror(-r));
		free(why);
		sd->kt = KT_MISSING;
		return;
	}
	log_debug("domain '%s': trust to %s: fetching the keytab of %s", s->dom,
		  sd->t.name, sd->principal);
	r = ipa_keytab_fetch_start(s->event, &cmd, sd->keytab, fetch_done, sd,
				   &sd->fetch);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "domain '%s': trust to %s: cannot run %s: %m", s->dom,
			  sd->t.name, cmd.program);
		sd->kt =
			access(sd->keytab, F_OK) == 0 ? KT_PRESENT : KT_MISSING;
		return;
	}
	sd->kt = KT_FETCHING;
}

/* Applying a discovery. */

static int root_keytab(struct ipa_subdomains *s, struct subdom *sd)
{
	char *realm = strdup(sd->t.name);

	if (!realm)
		return -ENOMEM;
	for (char *p = realm; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	free(sd->principal);
	free(sd->keytab);
	sd->keytab = NULL;
	if (asprintf(&sd->principal, "%s$@%s", s->new_flat, realm) < 0) {
		sd->principal = NULL;
		free(realm);
		return -ENOMEM;
	}
	free(realm);
	if (asprintf(&sd->keytab, "%s/%s.keytab", s->parent_dir, sd->t.name) <
	    0) {
		sd->keytab = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Whether @t may become a subdomain, logging why not. */
static bool usable(struct ipa_subdomains *s, const struct ipa_trust *t)
{
	if (!t->member) {
		if (t->direction == 0) {
			log_warning("domain '%s': trust to forest %s has "
				    "direction 0 (none), which is not "
				    "supported: skipping it and its member "
				    "domains",
				    s->dom, t->name);
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < s->n_found; i++) {
		const struct ipa_trust *root = &s->found[i];

		if (!root->member && !strcmp(root->name, t->forest))
			return root->direction != 0;
	}
	log_warning("domain '%s': skipping member domain %s (%s): its forest "
		    "root %s has no trust object",
		    s->dom, t->name, t->dn, t->forest);
	return false;
}

static const struct ipa_range *range_of(struct ipa_subdomains *s,
					const char *sid)
{
	for (size_t i = 0; i < s->n_ranges; i++)
		if (!strcmp(s->ranges[i].sid, sid))
			return &s->ranges[i];
	return NULL;
}

static void apply(struct ipa_subdomains *s)
{
	struct subdom *sd, **pp;
	bool *use;

	if (!s->new_flat) {
		if (s->n_found)
			log_error("domain '%s': no ipaNTFlatName in %s: the "
				  "trust account's name is unknown, so no "
				  "trusted domain is used",
				  s->dom, s->flat_base);
		free_found(s);
		return;
	}
	/* all judged before any record moves to its subdomain */
	use = calloc(s->n_found ? s->n_found : 1, sizeof(*use));
	if (!use) {
		free_found(s);
		return;
	}
	for (size_t i = 0; i < s->n_found; i++)
		use[i] = usable(s, &s->found[i]);
	for (sd = s->subs; sd; sd = sd->next)
		sd->seen = false;
	for (size_t i = 0; i < s->n_found; i++) {
		struct ipa_trust *t = &s->found[i];

		if (!use[i])
			continue;
		sd = find_sub(s, t->name);
		if (sd && sd->seen) {
			log_warning("domain '%s': skipping %s: a second trust "
				    "object for %s",
				    s->dom, t->dn, t->name);
			continue;
		}
		if (!sd) {
			sd = calloc(1, sizeof(*sd));
			if (!sd)
				continue;
			sd->s = s;
			sd->next = s->subs;
			s->subs = sd;
			log_info("domain '%s': trusted domain %s (forest %s, "
				 "%s) found; inactive until its keytab is in "
				 "place",
				 s->dom, t->name, t->forest,
				 t->member ? "member domain"
					   : direction_words(t->direction));
		}
		ipa_trust_free(&sd->t);
		sd->t = *t;
		memset(t, 0, sizeof(*t));
		sd->seen = true;
		if (!sd->t.member && root_keytab(s, sd) < 0)
			sd->seen = false;
	}
	/* members take their root's direction */
	for (sd = s->subs; sd; sd = sd->next) {
		struct subdom *root = root_of(s, sd);

		if (sd->t.member && root)
			sd->t.direction = root->t.direction;
	}
	for (pp = &s->subs; (sd = *pp);) {
		if (sd->seen) {
			pp = &sd->next;
			continue;
		}
		*pp = sd->next;
		log_info("domain '%s': the trust to %s is gone: subdomain "
			 "removed",
			 s->dom, sd->t.name);
		if (sd->keytab && unlink(sd->keytab) == 0)
			log_info("domain '%s': deleted %s", s->dom, sd->keytab);
		sub_free(sd);
	}
	free_ranges(s->ranges, s->n_ranges);
	s->ranges = s->new_ranges;
	s->n_ranges = s->n_new_ranges;
	s->new_ranges = NULL;
	s->n_new_ranges = s->cap_new_ranges = 0;
	{
		struct ipa_idmap *m = NULL;

		if (ipa_idmap_new(s->dom, s->ranges, s->n_ranges, &m) == 0) {
			for (sd = s->subs; sd; sd = sd->next)
				if (sd->ad)
					ad_dom_set_idmap(sd->ad, m);
			ipa_idmap_free(s->idmap);
			s->idmap = m;
		}
	}
	for (sd = s->subs; sd; sd = sd->next) {
		if (!range_of(s, sd->t.sid))
			log_warning("domain '%s': trusted domain %s (%s) has "
				    "no ID range under %s: its users and "
				    "groups get no ids",
				    s->dom, sd->t.name, sd->t.sid,
				    s->ranges_base);
		if (!sd->t.member &&
		    (!sd->fetched || access(sd->keytab, F_OK) < 0))
			fetch_keytab(s, sd);
	}
	free(use);
	free_found(s);
}

/* The discovery's searches. */

static void on_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct disc_op *op = ud;
	struct ipa_subdomains *s = op->s;
	char *why = NULL, *dn;
	void *p;
	int r = 0;

	switch (op->what) {
	case D_FLAT: {
		struct berval **v = ldap_get_values_len(ld, e, "ipaNTFlatName");

		if (ldap_count_values_len(v) > 0 && !s->new_flat)
			s->new_flat = strndup(v[0]->bv_val, v[0]->bv_len);
		ldap_value_free_len(v);
		return;
	}
	case D_TRUSTS:
		if (s->n_found == s->cap_found) {
			p = reallocarray(s->found, s->cap_found * 2 + 4,
					 sizeof(*s->found));
			if (!p)
				return;
			s->found = p;
			s->cap_found = s->cap_found * 2 + 4;
		}
		r = ipa_parse_trust(ld, e, s->trusts_base,
				    &s->found[s->n_found], &why);
		if (r == 0)
			s->n_found++;
		else
			ipa_trust_free(&s->found[s->n_found]);
		break;
	case D_RANGES:
		if (s->n_new_ranges == s->cap_new_ranges) {
			p = reallocarray(s->new_ranges,
					 s->cap_new_ranges * 2 + 4,
					 sizeof(*s->new_ranges));
			if (!p)
				return;
			s->new_ranges = p;
			s->cap_new_ranges = s->cap_new_ranges * 2 + 4;
		}
		r = ipa_parse_range(ld, e, &s->new_ranges[s->n_new_ranges],
				    &why);
		if (r == 0)
			s->n_new_ranges++;
		else
			ipa_range_free(&s->new_ranges[s->n_new_ranges]);
		break;
	default:
		return;
	}
	if (r == -EINVAL) {
		dn = ldap_get_dn(ld, e);
		log_warning("domain '%s': skipping %s %s: %s", s->dom,
			    op->what == D_TRUSTS ? "trust object" : "ID range",
			    dn ? dn : "(no DN)", why ? why : "malformed");
		ldap_memfree(dn);
	}
	free(why);
}

static void on_done(void *ud, int err)
{
	struct disc_op *op = ud;
	struct ipa_subdomains *s = op->s;

	if (err && !s->err)
		s->err = err;
	if (--s->outstanding)
		return;
	if (s->err) {
		if (s->err != -ECANCELED)
			log_warning("domain '%s': trust discovery failed "
				    "(%s); keeping the trusted domains known",
				    s->dom, strerror(-s->err));
		free_found(s);
		return;
	}
	s->discovered = true;
	apply(s);
}

static void discover(struct ipa_subdomains *s)
{
	static const struct {
		const char *filter;
		char *const *attrs;
	} what[D_N] = {
		[D_FLAT] = { "(objectClass=ipaNTDomainAttrs)", flat_attrs },
		[D_TRUSTS] = { "(objectClass=ipaNTTrustedDomain)",
			       trust_attrs },
		[D_RANGES] = { "(objectClass=ipaTrustedADDomainRange)",
			       range_attrs },
	};
	const char *base[D_N] = { s->flat_base, s->trusts_base,
				  s->ranges_base };

	if (s->outstanding)
		return;
	s->err = 0;
	for (int i = 0; i < D_N; i++) {
		s->op[i] =
			(struct disc_op){ .s = s, .what = (enum disc_what)i };
		if (pagd_ldap_conn_search_cb(s->conn, base[i], what[i].filter,
					     what[i].attrs, false, on_entry,
					     on_done, &s->op[i]) == 0)
			s->outstanding++;
		else
			s->err = -ENOMEM;
	}
}

static int on_refresh(sd_event_source *src, uint64_t usec, void *ud)
{
	struct ipa_subdomains *s = ud;

	discover(s);
	oneshot_arm(s->event, &s->timer,
		    s->dc->ldap.subdomain_refresh_interval * 1000000ULL,
		    on_refresh, s);
	return 0;
}

void ipa_subdomains_conn_up(struct ipa_subdomains *s)
{
	if (!s->discovered)
		discover(s);
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
			on_refresh, s);
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
		sub_free(sd);
	}
	free_found(s);
	free_ranges(s->ranges, s->n_ranges);
	ipa_idmap_free(s->idmap);
	sd_event_source_disable_unref(s->timer);
	free(s->tree);
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

	return at && at != name ? find_sub(s, at + 1) : NULL;
}

/*
 * The bind with the forest's keytab failed and the keytab gets no ticket:
 * once per online check, discover the trust again and fetch its keytab;
 * fetch_done() compares the keys.
 */
static void keytab_failed(void *ud, const char *why)
{
	struct subdom *sd = ud;
	struct ipa_subdomains *s = sd->s;
	struct subdom *root = root_of(s, sd);

	if (!root || root->fetch)
		return;
	if (root->rechecked) {
		log_info("domain '%s': trust to %s: the keytab still gets no "
			 "ticket; it was fetched again since the last online "
			 "check",
			 s->dom, root->t.name);
		return;
	}
	root->rechecked = true;
	root->rekey = true;
	log_warning("domain '%s': trust to %s: the keytab gets no ticket (%s): "
		    "discovering the trust again and fetching its keytab",
		    s->dom, root->t.name, why);
	discover(s);
	fetch_keytab(s, root);
	if (!root->fetch)
		root->rekey = false;
}

static void bound(void *ud)
{
	struct subdom *sd = ud;
	struct subdom *root = root_of(sd->s, sd);

	if (root)
		root->rechecked = false;
}

/* Its users' source, made when it is first asked and active. */
static struct ad_dom *ad_of(struct ipa_subdomains *s, struct subdom *sd)
{
	struct subdom *root = root_of(s, sd);
	struct ad_dom_conf c;
	char *uri, *cache_name;

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
		.keytab_failed = keytab_failed,
		.bound = bound,
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

void ipa_subdomains_each(const struct ipa_subdomains *s,
			 void (*fn)(void *ud, const struct subdomain_info *i),
			 void *ud)
{
	static const char *const kt_words[] = {
		[KT_MISSING] = "missing",
		[KT_FETCHING] = "fetching",
		[KT_PRESENT] = "present",
	};

	for (struct subdom *sd = s->subs; sd; sd = sd->next) {
		struct subdom *root = root_of((struct ipa_subdomains *)s, sd);
		enum keytab_state kt = root ? root->kt : KT_MISSING;
		struct subdomain_info i = {
			.name = sd->t.name,
			.forest = sd->t.forest,
			.state = kt == KT_PRESENT && !(sd->ad &&
						       ad_dom_inactive(sd->ad))
					 ? "active"
					 : "inactive",
			.direction = sd->t.direction,
			.keytab = kt_words[kt],
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
