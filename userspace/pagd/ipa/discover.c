// SPDX-License-Identifier: GPL-2.0
/*
 * Trust discovery (subdomains.h): three searches on the parent's
 * connection (the flat name, the trust objects, the ID ranges), then the
 * subdomains made, updated, disabled or removed to match what they found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/ipa/ranges.h"
#include "pagd/ipa/subdom.h"
#include "pagd/oneshot.h"

/*
 * FreeIPA's "ipa trustdomain-disable" lists a domain's SID in its forest's
 * ipaNTSIDBlacklistIncoming; SSSD 2.8 disables every subdomain whose SID
 * any trust object lists there.
 */
#define BLOCKED_ATTR "ipaNTSIDBlacklistIncoming"

static char *const flat_attrs[] = { "ipaNTFlatName", NULL };
static char *const trust_attrs[] = { "ipaNTTrustPartner",
				     "ipaNTFlatName",
				     "ipaNTTrustedDomainSID",
				     "ipaNTTrustDirection",
				     "ipaNTTrustType",
				     BLOCKED_ATTR,
				     NULL };
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

void subdom_free_found(struct ipa_subdomains *s)
{
	for (size_t i = 0; i < s->n_found; i++)
		ipa_trust_free(&s->found[i]);
	for (size_t i = 0; i < s->n_new_ranges; i++)
		ipa_range_free(&s->new_ranges[i]);
	for (size_t i = 0; i < s->n_blocked; i++)
		free(s->blocked[i]);
	free(s->found);
	free(s->new_ranges);
	free(s->new_flat);
	free(s->blocked);
	s->found = NULL;
	s->new_ranges = NULL;
	s->new_flat = NULL;
	s->blocked = NULL;
	s->n_found = s->cap_found = 0;
	s->n_new_ranges = s->cap_new_ranges = 0;
	s->n_blocked = s->cap_blocked = 0;
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

static bool blocked(struct ipa_subdomains *s, const char *sid)
{
	for (size_t i = 0; i < s->n_blocked; i++)
		if (!strcasecmp(s->blocked[i], sid))
			return true;
	return false;
}

/* The trust object @t found for subdomain @sd (made when new). */
static struct subdom *take_trust(struct ipa_subdomains *s, struct ipa_trust *t)
{
	struct subdom *sd = subdom_find(s, t->name);

	if (sd && sd->seen) {
		log_warning("domain '%s': skipping %s: a second trust object "
			    "for %s",
			    s->dom, t->dn, t->name);
		return NULL;
	}
	if (!sd) {
		sd = calloc(1, sizeof(*sd));
		if (!sd)
			return NULL;
		sd->s = s;
		sd->next = s->subs;
		s->subs = sd;
		log_info("domain '%s': trusted domain %s (forest %s, %s) "
			 "found; inactive until its keytab is in place",
			 s->dom, t->name, t->forest,
			 t->member ? "member domain"
				   : direction_words(t->direction));
	}
	ipa_trust_free(&sd->t);
	sd->t = *t;
	memset(t, 0, sizeof(*t));
	sd->seen = true;
	if (!sd->t.member && trust_keytab_names(s, sd, s->new_flat) < 0)
		sd->seen = false;
	return sd;
}

/* Disabled on the server (or enabled again): served or not from now on. */
static void set_disabled(struct ipa_subdomains *s, struct subdom *sd, bool off)
{
	if (off == sd->disabled)
		return;
	sd->disabled = off;
	if (!off) {
		log_notice("domain '%s': trusted domain %s (%s) is enabled "
			   "again on the server: served again",
			   s->dom, sd->t.name, sd->t.sid);
		return;
	}
	log_warning("domain '%s': trusted domain %s (%s) is disabled on the "
		    "server (listed in " BLOCKED_ATTR "): not served",
		    s->dom, sd->t.name, sd->t.sid);
	subdom_close(sd);
}

/* The trusts found: make, update and remove subdomains to match. */
static void apply_trusts(struct ipa_subdomains *s, const bool *use)
{
	struct subdom *sd, **pp;

	for (sd = s->subs; sd; sd = sd->next)
		sd->seen = false;
	for (size_t i = 0; i < s->n_found; i++)
		if (use[i])
			take_trust(s, &s->found[i]);
	/* members take their root's direction */
	for (sd = s->subs; sd; sd = sd->next) {
		struct subdom *root = subdom_root(s, sd);

		if (sd->t.member && root)
			sd->t.direction = root->t.direction;
	}
	for (pp = &s->subs; (sd = *pp);) {
		if (sd->seen) {
			set_disabled(s, sd, blocked(s, sd->t.sid));
			pp = &sd->next;
			continue;
		}
		*pp = sd->next;
		log_info("domain '%s': the trust to %s is gone: subdomain "
			 "removed",
			 s->dom, sd->t.name);
		if (sd->keytab && unlink(sd->keytab) == 0)
			log_info("domain '%s': deleted %s", s->dom, sd->keytab);
		subdom_free(sd);
	}
}

static bool has_range(struct ipa_subdomains *s, const char *sid)
{
	for (size_t i = 0; i < s->n_ranges; i++)
		if (!strcmp(s->ranges[i].sid, sid))
			return true;
	return false;
}

/* The ranges found, less those overlapping others: a new id mapping. */
static void apply_ranges(struct ipa_subdomains *s)
{
	struct ipa_idmap *m = NULL;

	for (size_t i = 0; i < s->n_ranges; i++)
		ipa_range_free(&s->ranges[i]);
	free(s->ranges);
	s->n_ranges =
		ipa_ranges_claim(s, s->dom, s->new_ranges, s->n_new_ranges);
	s->ranges = s->new_ranges;
	s->new_ranges = NULL;
	s->n_new_ranges = s->cap_new_ranges = 0;
	if (ipa_idmap_new(s->dom, s->ranges, s->n_ranges, &m) == 0) {
		for (struct subdom *sd = s->subs; sd; sd = sd->next)
			if (sd->ad)
				ad_dom_set_idmap(sd->ad, m);
		ipa_idmap_free(s->idmap);
		s->idmap = m;
	}
}

static void apply(struct ipa_subdomains *s)
{
	bool *use;

	if (!s->new_flat) {
		if (s->n_found)
			log_error("domain '%s': no ipaNTFlatName in %s: the "
				  "trust account's name is unknown, so no "
				  "trusted domain is used",
				  s->dom, s->flat_base);
		subdom_free_found(s);
		return;
	}
	/* all judged before any record moves to its subdomain */
	use = calloc(s->n_found ? s->n_found : 1, sizeof(*use));
	if (!use) {
		subdom_free_found(s);
		return;
	}
	for (size_t i = 0; i < s->n_found; i++)
		use[i] = usable(s, &s->found[i]);
	apply_trusts(s, use);
	free(use);
	apply_ranges(s);
	for (struct subdom *sd = s->subs; sd; sd = sd->next) {
		if (!has_range(s, sd->t.sid))
			log_warning("domain '%s': trusted domain %s (%s) has "
				    "no ID range under %s: its users and "
				    "groups get no ids",
				    s->dom, sd->t.name, sd->t.sid,
				    s->ranges_base);
		if (!sd->t.member &&
		    (!sd->fetched || access(sd->keytab, F_OK) < 0))
			trust_keytab_fetch(s, sd);
	}
	subdom_free_found(s);
}

/* The discovery's searches. */

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n < *cap)
		return p;
	q = reallocarray(p, *cap * 2 + 4, size);
	if (q)
		*cap = *cap * 2 + 4;
	return q;
}

static void add_blocked(struct ipa_subdomains *s, LDAP *ld, LDAPMessage *e)
{
	struct berval **v = ldap_get_values_len(ld, e, BLOCKED_ATTR);
	char **p;

	for (int i = 0; i < ldap_count_values_len(v); i++) {
		p = grow(s->blocked, &s->cap_blocked, s->n_blocked,
			 sizeof(*s->blocked));
		if (!p)
			break;
		s->blocked = p;
		s->blocked[s->n_blocked] = strndup(v[i]->bv_val, v[i]->bv_len);
		if (s->blocked[s->n_blocked])
			s->n_blocked++;
	}
	ldap_value_free_len(v);
}

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
		add_blocked(s, ld, e);
		p = grow(s->found, &s->cap_found, s->n_found,
			 sizeof(*s->found));
		if (!p)
			return;
		s->found = p;
		r = ipa_parse_trust(ld, e, s->trusts_base,
				    &s->found[s->n_found], &why);
		if (r == 0)
			s->n_found++;
		else
			ipa_trust_free(&s->found[s->n_found]);
		break;
	case D_RANGES:
		p = grow(s->new_ranges, &s->cap_new_ranges, s->n_new_ranges,
			 sizeof(*s->new_ranges));
		if (!p)
			return;
		s->new_ranges = p;
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
		subdom_free_found(s);
		return;
	}
	s->discovered = true;
	apply(s);
}

void subdom_discover(struct ipa_subdomains *s)
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

int subdom_refresh(sd_event_source *src, uint64_t usec, void *ud)
{
	struct ipa_subdomains *s = ud;

	subdom_discover(s);
	oneshot_arm(s->event, &s->timer,
		    s->dc->ldap.subdomain_refresh_interval * 1000000ULL,
		    subdom_refresh, s);
	return 0;
}
