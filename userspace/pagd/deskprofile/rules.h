/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Desktop-profile rules as IPA stores them under cn=desktop-profile, and
 * the choice of those that apply to one login, with the file names SSSD's
 * ipa session provider gives them (the FleetCommander client reads the
 * priorities back from the names).  Pure data: no I/O.
 *
 * A rule applies when its host side matches (hostCategory=all, the host,
 * or one of its host groups) and its user side matches (userCategory=all,
 * the user, or one of the user's groups).  Its file is named
 *   PPPPPP_AAAAAA_BBBBBB_CCCCCC_DDDDDD_NAME.json
 * PPPPPP the rule's priority, A-D the user, group, host and host-group
 * fields (the rule's priority where that side matched, 000000 where it did
 * not; a category "all" matches both fields of its side) in the order the
 * domain's policy (1-24) gives, NAME the rule's cn normalized: characters
 * other than letters and digits dropped, except that one followed by a
 * letter or digit becomes '_'.
 */
#ifndef PAGD_DESKPROFILE_RULES_H
#define PAGD_DESKPROFILE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#define DP_POLICY_MIN	 1
#define DP_POLICY_MAX	 24
#define DP_PRIORITY_MAX	 999999 /* six digits in a file name */
#define DP_FILE_NAME_MAX 256

struct dp_rule {
	char *dn;
	char *name; /* cn */
	unsigned int priority;
	char *target; /* the profile's DN */
	bool user_all, host_all;
	char **member_user; /* DNs, NULL-terminated */
	char **member_host;
};

struct dp_profile {
	char *dn;
	char *data;	/* ipaDeskData: the JSON FleetCommander reads */
	char *modified; /* modifyTimestamp, as the server gave it */
};

/* What one search (or the cache) holds for a domain. */
struct dp_set {
	unsigned int policy; /* 0: no policy entry */
	struct dp_rule *rules;
	size_t n_rules;
	struct dp_profile *profiles;
	size_t n_profiles;
};

/* Who logs in, and where; @tree is the tenant's tree (for member DNs). */
struct dp_subject {
	const char *tree;
	const char *user;
	char *const *groups; /* names, NULL-terminated */
	const char *host;
	char *const *hostgroups; /* names, NULL-terminated */
};

/* A profile to write: its file name and what goes in it. */
struct dp_file {
	char name[DP_FILE_NAME_MAX];
	const struct dp_rule *rule;
	const struct dp_profile *profile;
};

/*
 * dp_select() - the files of the rules of @s that apply to @who.
 * Rules whose profile is missing are skipped with a warning naming them.
 * Return: 0 with *@out (malloc'ed, *@n entries), or -ENOMEM.
 */
int dp_select(const struct dp_set *s, const struct dp_subject *who,
	      struct dp_file **out, size_t *n);

/* SSSD's normalization of a rule name into @out (at most @len bytes). */
void dp_normalize_name(const char *name, char *out, size_t len);

/*
 * dp_file_name() - SSSD's name for a rule's file.
 * Return: 0, or -EINVAL for a policy out of 1-24 or a name too long.
 */
int dp_file_name(unsigned int policy, unsigned int priority, bool user,
		 bool group, bool host, bool hostgroup, const char *rule_name,
		 char *out, size_t len);

/* Whether @dn is ATTR=VALUE,CONTAINER,TREE (case aside). */
bool dp_dn_is(const char *dn, const char *attr, const char *value,
	      const char *container, const char *tree);

void dp_rule_free(struct dp_rule *r);
void dp_set_free(struct dp_set *s);

#endif /* PAGD_DESKPROFILE_RULES_H */
