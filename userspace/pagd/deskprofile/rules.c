// SPDX-License-Identifier: GPL-2.0
/*
 * Which desktop-profile rules apply to a login, and their files' names
 * (rules.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "pagd/deskprofile/rules.h"

/* isalnum() in the C locale, which SSSD's normalization amounts to */
static bool dp_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

void dp_normalize_name(const char *name, char *out, size_t len)
{
	size_t n = 0;

	for (const char *c = name; *c && n + 1 < len; c++) {
		if (dp_alnum(*c))
			out[n++] = *c;
		else if (dp_alnum(c[1]))
			out[n++] = '_';
	}
	out[n] = '\0';
}

/*
 * The policy orders the four match fields: policy k is the (k-1)th
 * permutation, in lexicographic order, of (user, group, host, host group),
 * as SSSD's table lists them.
 */
static void policy_order(unsigned int policy, int order[4])
{
	int left[4] = { 0, 1, 2, 3 }, n = 4;
	unsigned int k = policy - 1, fact = 6;

	for (int i = 0; i < 4; i++) {
		unsigned int pick = k / fact;

		order[i] = left[pick];
		memmove(&left[pick], &left[pick + 1],
			(n - pick - 1) * sizeof(left[0]));
		n--;
		k %= fact;
		if (n)
			fact /= n;
	}
}

int dp_file_name(unsigned int policy, unsigned int priority, bool user,
		 bool group, bool host, bool hostgroup, const char *rule_name,
		 char *out, size_t len)
{
	const bool matched[4] = { user, group, host, hostgroup };
	char name[DP_FILE_NAME_MAX];
	int order[4], r;

	if (policy < DP_POLICY_MIN || policy > DP_POLICY_MAX ||
	    priority > DP_PRIORITY_MAX)
		return -EINVAL;
	policy_order(policy, order);
	dp_normalize_name(rule_name, name, sizeof(name));
	if (!*name)
		return -EINVAL;
	r = snprintf(out, len, "%06u_%06u_%06u_%06u_%06u_%s.json", priority,
		     matched[order[0]] ? priority : 0,
		     matched[order[1]] ? priority : 0,
		     matched[order[2]] ? priority : 0,
		     matched[order[3]] ? priority : 0, name);
	return r < 0 || (size_t)r >= len ? -EINVAL : 0;
}

bool dp_dn_is(const char *dn, const char *attr, const char *value,
	      const char *container, const char *tree)
{
	size_t a = strlen(attr), v = strlen(value), c = strlen(container);

	if (strncasecmp(dn, attr, a) || dn[a] != '=')
		return false;
	dn += a + 1;
	if (strncasecmp(dn, value, v) || dn[v] != ',')
		return false;
	dn += v + 1;
	if (strncasecmp(dn, container, c) || dn[c] != ',')
		return false;
	return !strcasecmp(dn + c + 1, tree);
}

static bool any_member(char *const *members, const char *attr,
		       const char *value, const char *container,
		       const char *tree)
{
	for (char *const *m = members; m && *m; m++)
		if (dp_dn_is(*m, attr, value, container, tree))
			return true;
	return false;
}

static bool any_group(char *const *members, char *const *names,
		      const char *container, const char *tree,
		      const char **which)
{
	for (char *const *g = names; g && *g; g++)
		if (any_member(members, "cn", *g, container, tree)) {
			*which = *g;
			return true;
		}
	return false;
}

static const struct dp_profile *find_profile(const struct dp_set *s,
					     const char *dn)
{
	for (size_t i = 0; i < s->n_profiles; i++)
		if (!strcasecmp(s->profiles[i].dn, dn))
			return &s->profiles[i];
	return NULL;
}

int dp_select(const struct dp_set *s, const struct dp_subject *who,
	      struct dp_file **out, size_t *n)
{
	struct dp_file *f = calloc(s->n_rules ? s->n_rules : 1, sizeof(*f));
	size_t k = 0;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct dp_rule *r = &s->rules[i];
		const char *g = NULL, *hg = NULL;
		bool user, group, host, hostgroup;

		user = r->user_all ||
		       any_member(r->member_user, "uid", who->user,
				  "cn=users,cn=accounts", who->tree);
		group = r->user_all ||
			any_group(r->member_user, who->groups,
				  "cn=groups,cn=accounts", who->tree, &g);
		host = r->host_all ||
		       any_member(r->member_host, "fqdn", who->host,
				  "cn=computers,cn=accounts", who->tree);
		hostgroup =
			r->host_all ||
			any_group(r->member_host, who->hostgroups,
				  "cn=hostgroups,cn=accounts", who->tree, &hg);
		if (!(user || group) || !(host || hostgroup)) {
			log_debug("deskprofile: rule '%s' does not apply to "
				  "%s on %s (user %s, host %s)",
				  r->name, who->user, who->host,
				  user || group ? "matches" : "does not match",
				  host || hostgroup ? "matches"
						    : "does not match");
			continue;
		}
		f[k].rule = r;
		f[k].profile = find_profile(s, r->target);
		if (!f[k].profile) {
			log_warning("deskprofile: rule %s names profile %s, "
				    "which is not in the directory: skipped",
				    r->dn, r->target);
			continue;
		}
		if (dp_file_name(s->policy, r->priority, user, group, host,
				 hostgroup, r->name, f[k].name,
				 sizeof(f[k].name)) < 0) {
			log_warning("deskprofile: rule %s: its name '%s' "
				    "makes no file name: skipped",
				    r->dn, r->name);
			continue;
		}
		log_debug("deskprofile: rule '%s' applies to %s on %s "
			  "(user: %s%s, host: %s%s): %s",
			  r->name, who->user, who->host,
			  r->user_all ? "category all"
			  : user      ? "by name"
				      : "by group ",
			  r->user_all || user ? "" : g,
			  r->host_all ? "category all"
			  : host      ? "by name"
				      : "by host group ",
			  r->host_all || host ? "" : hg, f[k].name);
		k++;
	}
	*out = f;
	*n = k;
	return 0;
}

void dp_rule_free(struct dp_rule *r)
{
	free(r->dn);
	free(r->name);
	free(r->target);
	for (char **m = r->member_user; m && *m; m++)
		free(*m);
	free(r->member_user);
	for (char **m = r->member_host; m && *m; m++)
		free(*m);
	free(r->member_host);
}

void dp_set_free(struct dp_set *s)
{
	for (size_t i = 0; i < s->n_rules; i++)
		dp_rule_free(&s->rules[i]);
	free(s->rules);
	for (size_t i = 0; i < s->n_profiles; i++) {
		free(s->profiles[i].dn);
		free(s->profiles[i].data);
		free(s->profiles[i].modified);
	}
	free(s->profiles);
	*s = (struct dp_set){ 0 };
}
