// SPDX-License-Identifier: GPL-2.0
/*
 * The session provider's LDAP searches (fetch.h).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/strv.h"
#include "pagd/config_parse.h"
#include "pagd/deskprofile/cache.h"
#include "pagd/deskprofile/fetch.h"
#include "pagd/ldap/conn.h"
#include "pagd/ldap/map.h"

#define RULES_FILTER                                                       \
	"(|(objectClass=ipaDeskProfileConfig)(objectClass=ipaDeskProfile)" \
	"(&(objectClass=ipaDeskProfileRule)(ipaEnabledFlag=TRUE)))"

static char *const host_attrs[] = { "fqdn", "memberOf", NULL };
static char *const rule_attrs[] = {
	"objectClass",		"cn",		"ipaDeskProfilePriority",
	"ipaDeskProfileTarget", "memberUser",	"memberHost",
	"userCategory",		"hostCategory", "ipaDeskData",
	"modifyTimestamp",	NULL,
};

struct dp_fetch {
	char *domain, *tree, *host;
	struct pagd_ldap_conf conf;
	struct pagd_ldap_conn *conn;
	bool searching_host;
	bool freeing;
	struct dp_fetched res;
	size_t cap_rules, cap_profiles, n_hostgroups;
	void (*done)(void *ud, int err);
	void *ud;
};

static int conf_dup(struct pagd_ldap_conf *to, const struct pagd_ldap_conf *f)
{
	size_t n = 0;

	*to = *f;
	to->uris = NULL;
	to->suffix = to->search_base = to->bind_dn = to->authtok = NULL;
	to->sasl_mech = to->krb5_keytab = to->tls_cacert = NULL;
	while (f->uris && f->uris[n])
		n++;
	to->uris = calloc(n + 1, sizeof(char *));
	if (!to->uris)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(to->uris[i] = strdup(f->uris[i])))
			return -ENOMEM;
#define DUP(x)                               \
	if (f->x && !(to->x = strdup(f->x))) \
	return -ENOMEM
	DUP(suffix);
	DUP(search_base);
	DUP(bind_dn);
	DUP(authtok);
	DUP(sasl_mech);
	DUP(krb5_keytab);
	DUP(tls_cacert);
#undef DUP
	return 0;
}

struct dp_fetched *dp_fetch_result(struct dp_fetch *f)
{
	return &f->res;
}

void dp_fetch_free(struct dp_fetch *f)
{
	if (!f)
		return;
	f->freeing = true;
	pagd_ldap_conn_free(f->conn);
	if (f->conf.authtok)
		explicit_bzero(f->conf.authtok, strlen(f->conf.authtok));
	config_ldap_free(&f->conf);
	dp_strv_free(f->res.hostgroups);
	dp_set_free(&f->res.set);
	free(f->domain);
	free(f->tree);
	free(f->host);
	free(f);
}

/* The first value of @attr as a string, or NULL. */
static char *first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = NULL;

	if (v && v[0] && !memchr(v[0]->bv_val, '\0', v[0]->bv_len))
		s = strndup(v[0]->bv_val, v[0]->bv_len);
	ldap_value_free_len(v);
	return s;
}

static char **all_values(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	size_t n = ldap_count_values_len(v), k = 0;
	char **out = calloc(n + 1, sizeof(*out));

	for (size_t i = 0; out && i < n; i++) {
		if (memchr(v[i]->bv_val, '\0', v[i]->bv_len))
			continue;
		if (!(out[k++] = strndup(v[i]->bv_val, v[i]->bv_len))) {
			dp_strv_free(out);
			out = NULL;
		}
	}
	ldap_value_free_len(v);
	return out;
}

static bool has_class(LDAP *ld, LDAPMessage *e, const char *cls)
{
	struct berval **v = ldap_get_values_len(ld, e, "objectClass");
	bool yes = false;

	for (size_t i = 0; v && v[i] && !yes; i++)
		yes = v[i]->bv_len == strlen(cls) &&
		      !strncasecmp(v[i]->bv_val, cls, v[i]->bv_len);
	ldap_value_free_len(v);
	return yes;
}

static bool is_all(LDAP *ld, LDAPMessage *e, const char *attr)
{
	char *v = first_value(ld, e, attr);
	bool all = v && !strcasecmp(v, "all");

	free(v);
	return all;
}

/* A number in [lo, hi], or -1. */
static long number(const char *s, long lo, long hi)
{
	char *end;
	long n;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	return errno || *end || n < lo || n > hi ? -1 : n;
}

static void skip(struct dp_fetch *f, const char *dn, const char *why)
{
	log_warning("deskprofile: domain '%s': skipping %s: %s", f->domain, dn,
		    why);
}

static void add_rule(struct dp_fetch *f, LDAP *ld, LDAPMessage *e,
		     const char *dn)
{
	struct dp_set *s = &f->res.set;
	struct dp_rule r = { 0 };
	char *prio = first_value(ld, e, "ipaDeskProfilePriority");
	long n = number(prio, 0, DP_PRIORITY_MAX);

	r.name = first_value(ld, e, "cn");
	r.target = first_value(ld, e, "ipaDeskProfileTarget");
	if (!r.name)
		skip(f, dn, "a rule without cn");
	else if (n < 0)
		skip(f, dn,
		     prio ? "ipaDeskProfilePriority is not a number in "
			    "0-999999"
			  : "a rule without ipaDeskProfilePriority");
	else if (!r.target)
		skip(f, dn, "a rule without ipaDeskProfileTarget");
	free(prio);
	if (!r.name || n < 0 || !r.target) {
		free(r.name);
		free(r.target);
		return;
	}
	r.priority = n;
	r.dn = strdup(dn);
	r.user_all = is_all(ld, e, "userCategory");
	r.host_all = is_all(ld, e, "hostCategory");
	r.member_user = all_values(ld, e, "memberUser");
	r.member_host = all_values(ld, e, "memberHost");
	if (s->n_rules == f->cap_rules) {
		size_t cap = f->cap_rules ? 2 * f->cap_rules : 16;
		struct dp_rule *nr = reallocarray(s->rules, cap, sizeof(*nr));

		if (nr) {
			s->rules = nr;
			f->cap_rules = cap;
		}
	}
	if (!r.dn || !r.member_user || !r.member_host ||
	    s->n_rules == f->cap_rules) {
		log_error("deskprofile: out of memory reading %s", dn);
		dp_rule_free(&r);
		return;
	}
	s->rules[s->n_rules++] = r;
}

static void add_profile(struct dp_fetch *f, LDAP *ld, LDAPMessage *e,
			const char *dn)
{
	struct dp_set *s = &f->res.set;
	struct dp_profile p = { 0 };
	json_error_t err;
	json_t *j;

	p.data = first_value(ld, e, "ipaDeskData");
	if (!p.data) {
		skip(f, dn, "a profile without ipaDeskData");
		return;
	}
	j = json_loads(p.data, JSON_DECODE_ANY, &err);
	if (!j) {
		char why[256];

		snprintf(why, sizeof(why),
			 "ipaDeskData is not JSON (line %d: %s)", err.line,
			 err.text);
		skip(f, dn, why);
		free(p.data);
		return;
	}
	json_decref(j);
	p.dn = strdup(dn);
	p.modified = first_value(ld, e, "modifyTimestamp");
	if (s->n_profiles == f->cap_profiles) {
		size_t cap = f->cap_profiles ? 2 * f->cap_profiles : 16;
		struct dp_profile *np =
			reallocarray(s->profiles, cap, sizeof(*np));

		if (np) {
			s->profiles = np;
			f->cap_profiles = cap;
		}
	}
	if (!p.dn || s->n_profiles == f->cap_profiles) {
		log_error("deskprofile: out of memory reading %s", dn);
		free(p.dn);
		free(p.data);
		free(p.modified);
		return;
	}
	s->profiles[s->n_profiles++] = p;
}

static void add_policy(struct dp_fetch *f, LDAP *ld, LDAPMessage *e,
		       const char *dn)
{
	char *v = first_value(ld, e, "ipaDeskProfilePriority");
	long n = number(v, DP_POLICY_MIN, DP_POLICY_MAX);

	if (n < 0)
		skip(f, dn,
		     v ? "the policy (ipaDeskProfilePriority) is not a number "
			 "in 1-24"
		       : "a configuration without ipaDeskProfilePriority");
	else
		f->res.set.policy = n;
	free(v);
}

/* memberOf values naming host groups of this tree, as names */
static void add_host(struct dp_fetch *f, LDAP *ld, LDAPMessage *e)
{
	char **of = all_values(ld, e, "memberOf"), **hg;
	size_t k = 0;

	if (!of)
		return;
	hg = calloc(strv_len(of) + 1, sizeof(*hg));
	for (char **m = of; hg && *m; m++) {
		char *comma = strchr(*m, ','), *name;

		if (strncasecmp(*m, "cn=", 3) || !comma)
			continue;
		name = strndup(*m + 3, comma - *m - 3);
		if (name && dp_dn_is(*m, "cn", name,
				     "cn=hostgroups,cn=accounts", f->tree))
			hg[k++] = name;
		else
			free(name);
	}
	dp_strv_free(of);
	dp_strv_free(f->res.hostgroups);
	f->res.hostgroups = hg;
}

static void on_entry(void *ud, LDAP *ld, LDAPMessage *e)
{
	struct dp_fetch *f = ud;
	char *dn = ldap_get_dn(ld, e);

	if (!dn)
		return;
	if (f->searching_host)
		add_host(f, ld, e);
	else if (has_class(ld, e, "ipaDeskProfileRule"))
		add_rule(f, ld, e, dn);
	else if (has_class(ld, e, "ipaDeskProfile"))
		add_profile(f, ld, e, dn);
	else if (has_class(ld, e, "ipaDeskProfileConfig"))
		add_policy(f, ld, e, dn);
	ldap_memfree(dn);
}

static int search_rules(struct dp_fetch *f)
{
	char *base;
	int r;

	if (asprintf(&base, "cn=desktop-profile,%s", f->tree) < 0)
		return -ENOMEM;
	log_debug("deskprofile: domain '%s': searching %s for %s", f->domain,
		  base, RULES_FILTER);
	f->searching_host = false;
	r = pagd_ldap_conn_search(f->conn, base, RULES_FILTER, rule_attrs,
				  false, f);
	free(base);
	return r;
}

static void on_done(void *ud, int err)
{
	struct dp_fetch *f = ud;
	int r;

	if (f->freeing)
		return;
	/* no such base: an empty answer, not an outage */
	if (err == -ENOENT)
		err = 0;
	if (!err && f->searching_host) {
		f->res.has_hostgroups = true;
		if (!f->res.hostgroups)
			f->res.hostgroups = calloc(1, sizeof(char *));
		log_debug("deskprofile: domain '%s': host %s is in %zu host "
			  "group(s)",
			  f->domain, f->host, strv_len(f->res.hostgroups));
		r = search_rules(f);
		if (r >= 0)
			return;
		err = r;
	} else if (!err) {
		f->res.has_set = true;
		log_debug("deskprofile: domain '%s': %zu rule(s), %zu "
			  "profile(s), policy %u",
			  f->domain, f->res.set.n_rules, f->res.set.n_profiles,
			  f->res.set.policy);
	}
	f->done(f->ud, err);
}

static void on_up(void *ud)
{
}

static void on_down(void *ud, const char *why)
{
	struct dp_fetch *f = ud;

	log_info("deskprofile: domain '%s': %s", f->domain, why);
}

static const struct pagd_ldap_conn_ops fetch_ops = {
	.up = on_up,
	.down = on_down,
	.entry = on_entry,
	.done = on_done,
};

int dp_fetch_start(sd_event *e, const struct domain_conf *dc, const char *tree,
		   const char *host, bool want_host,
		   void (*done)(void *ud, int err), void *ud,
		   struct dp_fetch **out)
{
	struct dp_fetch *f = calloc(1, sizeof(*f));
	char *filter = NULL, *base = NULL;
	int r = -ENOMEM;

	if (!f)
		return -ENOMEM;
	f->done = done;
	f->ud = ud;
	f->domain = strdup(dc->name);
	f->tree = strdup(tree);
	f->host = strdup(host);
	if (!f->domain || !f->tree || !f->host ||
	    conf_dup(&f->conf, &dc->ldap) < 0)
		goto fail;
	r = pagd_ldap_conn_new(e, f->domain, &f->conf, &fetch_ops, f, &f->conn);
	if (r < 0)
		goto fail;
	if (!want_host) {
		r = search_rules(f);
	} else if ((r = pagd_ldap_filter(&filter,
					 "(&(objectClass=ipaHost)(fqdn=", host,
					 "))")) >= 0 &&
		   (r = asprintf(&base, "cn=computers,cn=accounts,%s", tree) < 0
				? -ENOMEM
				: 0) >= 0) {
		log_debug("deskprofile: domain '%s': searching %s for %s",
			  f->domain, base, filter);
		f->searching_host = true;
		r = pagd_ldap_conn_search(f->conn, base, filter, host_attrs,
					  false, f);
	}
	free(filter);
	free(base);
	if (r < 0)
		goto fail;
	*out = f;
	return 0;
fail:
	dp_fetch_free(f);
	return r;
}
