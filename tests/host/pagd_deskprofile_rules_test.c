// SPDX-License-Identifier: GPL-2.0
/*
 * The desktop-profile rules (userspace/pagd/deskprofile/rules.c): the
 * order of the match fields for each of the 24 policies, written out here
 * from the policy list (not computed as rules.c computes it); rule names
 * normalized as SSSD does; which rules apply to a user on a host, by
 * user, group, host, host group and the categories, and the names their
 * files get; DNs of another tenant's tree never match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "pagd/deskprofile/rules.h"

/* The field order of policies 1-24: U user, G group, H host, X host group. */
static const char *const policies[24] = {
	"UGHX", "UGXH", "UHGX", "UHXG", "UXGH", "UXHG", "GUHX", "GUXH",
	"GHUX", "GHXU", "GXUH", "GXHU", "HUGX", "HUXG", "HGUX", "HGXU",
	"HXUG", "HXGU", "XUGH", "XUHG", "XGUH", "XGHU", "XHUG", "XHGU",
};

TEST(every_policy_orders_the_fields_as_listed)
{
	/* a match by one side at a time shows where that field goes */
	for (unsigned int p = 1; p <= 24; p++) {
		const char *order = policies[p - 1];

		for (int f = 0; f < 4; f++) {
			char name[DP_FILE_NAME_MAX], want[DP_FILE_NAME_MAX];
			char fields[4][8];
			int at = strchr(order, "UGHX"[f]) - order;

			for (int i = 0; i < 4; i++)
				strcpy(fields[i],
				       i == at ? "000007" : "000000");
			snprintf(want, sizeof(want),
				 "000007_%s_%s_%s_%s_r.json", fields[0],
				 fields[1], fields[2], fields[3]);
			ASSERT_EQ(0, dp_file_name(p, 7, f == 0, f == 1, f == 2,
						  f == 3, "r", name,
						  sizeof(name)));
			if (strcmp(want, name))
				TH_LOG("policy %u, field %c", p, "UGHX"[f]);
			EXPECT_STREQ(want, name);
		}
	}
}

TEST(sssd_example_policy_22)
{
	char name[DP_FILE_NAME_MAX];

	/* SSSD's documented example: priority 420, host and group match */
	ASSERT_EQ(0, dp_file_name(22, 420, false, true, true, false, "testrule",
				  name, sizeof(name)));
	EXPECT_STREQ("000420_000000_000420_000420_000000_testrule.json", name);
}

TEST(bad_policy_priority_or_name)
{
	char name[DP_FILE_NAME_MAX];

	EXPECT_EQ(-EINVAL, dp_file_name(0, 1, true, true, true, true, "r", name,
					sizeof(name)));
	EXPECT_EQ(-EINVAL, dp_file_name(25, 1, true, true, true, true, "r",
					name, sizeof(name)));
	EXPECT_EQ(-EINVAL, dp_file_name(1, 1000000, true, true, true, true, "r",
					name, sizeof(name)));
	/* nothing left after normalization */
	EXPECT_EQ(-EINVAL, dp_file_name(1, 1, true, true, true, true, "!?",
					name, sizeof(name)));
}

TEST(normalized_names)
{
	static const char *const cases[][2] = {
		{ "plain", "plain" },	{ "By Group!", "By_Group" },
		{ "a  b", "a_b" },	{ "../../etc/passwd", "_etc_passwd" },
		{ "x/y", "x_y" },	{ "-lead", "_lead" },
		{ "trail--", "trail" }, { "caf\xc3\xa9 1", "caf_1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[DP_FILE_NAME_MAX];

		dp_normalize_name(cases[i][0], out, sizeof(out));
		EXPECT_STREQ(cases[i][1], out);
	}
}

#define TREE  "cn=acme,cn=tenants,dc=example,dc=test"
#define OTHER "cn=globex,cn=tenants,dc=example,dc=test"

static char *strv_user[] = { "uid=asmith,cn=users,cn=accounts," TREE, NULL };
static char *strv_group[] = { "cn=devs,cn=groups,cn=accounts," TREE, NULL };
static char *strv_other_user[] = { "uid=asmith,cn=users,cn=accounts," OTHER,
				   NULL };
static char *strv_host[] = {
	"fqdn=ws1.example.test,cn=computers,cn=accounts," TREE, NULL
};
static char *strv_hg[] = { "cn=lab,cn=hostgroups,cn=accounts," TREE, NULL };
static char *strv_none[] = { NULL };
static char *groups[] = { "devs", "staff", NULL };
static char *hostgroups[] = { "lab", NULL };

TEST(selection)
{
	struct dp_rule rules[] = {
		{ .dn = "cn=u",
		  .name = "u",
		  .priority = 1,
		  .target = "cn=p",
		  .member_user = strv_user,
		  .member_host = strv_host },
		{ .dn = "cn=g",
		  .name = "g",
		  .priority = 2,
		  .target = "cn=p",
		  .member_user = strv_group,
		  .member_host = strv_hg },
		{ .dn = "cn=cat",
		  .name = "cat",
		  .priority = 3,
		  .target = "cn=p",
		  .user_all = true,
		  .host_all = true,
		  .member_user = strv_none,
		  .member_host = strv_none },
		/* user matches, host side does not */
		{ .dn = "cn=nohost",
		  .name = "nohost",
		  .priority = 4,
		  .target = "cn=p",
		  .member_user = strv_user,
		  .member_host = strv_none },
		/* another tenant's user DN: no match */
		{ .dn = "cn=other",
		  .name = "other",
		  .priority = 5,
		  .target = "cn=p",
		  .member_user = strv_other_user,
		  .host_all = true,
		  .member_host = strv_none },
		/* a missing profile */
		{ .dn = "cn=missing",
		  .name = "missing",
		  .priority = 6,
		  .target = "cn=nothere",
		  .user_all = true,
		  .host_all = true,
		  .member_user = strv_none,
		  .member_host = strv_none },
	};
	struct dp_profile profiles[] = { { .dn = "CN=P", .data = "{}" } };
	struct dp_set s = { .policy = 1,
			    .rules = rules,
			    .n_rules = 6,
			    .profiles = profiles,
			    .n_profiles = 1 };
	struct dp_subject who = { .tree = TREE,
				  .user = "asmith",
				  .groups = groups,
				  .host = "ws1.example.test",
				  .hostgroups = hostgroups };
	struct dp_file *f;
	size_t n;

	ASSERT_EQ(0, dp_select(&s, &who, &f, &n));
	ASSERT_EQ(3u, n);
	EXPECT_STREQ("000001_000001_000000_000001_000000_u.json", f[0].name);
	EXPECT_STREQ("000002_000000_000002_000000_000002_g.json", f[1].name);
	EXPECT_STREQ("000003_000003_000003_000003_000003_cat.json", f[2].name);
	EXPECT_EQ(&profiles[0], f[0].profile);
	free(f);
}

TEST(dn_match_is_exact_but_case_blind)
{
	EXPECT_TRUE(dp_dn_is("UID=asmith,CN=users,cn=accounts," TREE, "uid",
			     "asmith", "cn=users,cn=accounts", TREE));
	EXPECT_FALSE(dp_dn_is("uid=asmith2,cn=users,cn=accounts," TREE, "uid",
			      "asmith", "cn=users,cn=accounts", TREE));
	EXPECT_FALSE(dp_dn_is("uid=asmith,cn=users,cn=accounts,x," TREE, "uid",
			      "asmith", "cn=users,cn=accounts", TREE));
	EXPECT_FALSE(dp_dn_is("uid=asmith,cn=groups,cn=accounts," TREE, "uid",
			      "asmith", "cn=users,cn=accounts", TREE));
}

TEST_HARNESS_MAIN
