// SPDX-License-Identifier: GPL-2.0
/*
 * Nobody joins a PAG from outside: every path the keyring API offers is
 * closed, and whatever replaces a member's session keyring takes it out.
 */

#include <sched.h>
#include <sys/syscall.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

FIXTURE(join)
{
	struct pag_nl nl;
	struct pag_attrs pag;
	char name[64];
};

FIXTURE_SETUP(join)
{
	char *desc = NULL, *p;

	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &self->pag));
	ASSERT_LT(0, add_key("user", "secret", "s3cr3t", 6,
			     KEY_SPEC_SESSION_KEYRING));
	/* "keyring;uid;gid;perm;.pag.N" */
	ASSERT_LT(0, keyctl_describe_alloc(KEY_SPEC_SESSION_KEYRING, &desc));
	p = strrchr(desc, ';');
	ASSERT_NE(NULL, p);
	snprintf(self->name, sizeof(self->name), "%s", p + 1);
	free(desc);
	ASSERT_EQ(0, strncmp(self->name, PAG_KEYRING_PREFIX,
			     strlen(PAG_KEYRING_PREFIX)));
}

FIXTURE_TEARDOWN(join)
{
	pag_nl_close(&self->nl);
}

FIXTURE_VARIANT(join)
{
	uid_t uid;    /* outsider's uid (0: the PAG's own user, root) */
	bool user_ns; /* outsider in a child user namespace */
};

FIXTURE_VARIANT_ADD(join, same_user){
	.uid = 0,
};

FIXTURE_VARIANT_ADD(join, other_user){
	.uid = 1000,
};

FIXTURE_VARIANT_ADD(join, child_user_ns){
	.uid = 0,
	.user_ns = true,
};

/* Every way in for an outsider: each step must fail with @err. */
#define OUTSIDER_EXPECT(call, err)                  \
	do {                                        \
		if ((call) != -1 || errno != (err)) \
			_exit(__LINE__ & 0x7f);     \
	} while (0)

TEST_F(join, outsider_cannot_get_in)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		key_serial_t id = self->pag.id;

		/* Out of the PAG, then become the outsider of the variant. */
		if (pag_nl_leave(&self->nl))
			_exit(100);
		if (variant->user_ns && enter_mapped_user_ns())
			_exit(errno == EPERM ? USERNS_EPERM : 101);
		if (variant->uid &&
		    setresuid(variant->uid, variant->uid, variant->uid))
			_exit(102);

		/* Join by name: names starting with '.' are refused. */
		OUTSIDER_EXPECT(keyctl_join_session_keyring(self->name), EPERM);
		/* Link it into one's own keyrings, or move it there. */
		OUTSIDER_EXPECT(keyctl_link(id, KEY_SPEC_SESSION_KEYRING),
				EACCES);
		OUTSIDER_EXPECT(keyctl_link(id, KEY_SPEC_USER_KEYRING), EACCES);
		/* Search it, read it, look at it, take it over. */
		OUTSIDER_EXPECT(keyctl_search(id, "user", "secret", 0), EACCES);
		OUTSIDER_EXPECT(keyctl_read(id, NULL, 0), EACCES);
		OUTSIDER_EXPECT(keyctl_describe(id, NULL, 0), EACCES);
		OUTSIDER_EXPECT(keyctl_setperm(id, KEY_POS_ALL | KEY_USR_ALL),
				EACCES);
		OUTSIDER_EXPECT(keyctl_chown(id, getuid(), (gid_t)-1), EACCES);
		_exit(session_id() == id ? 103 : 0);
	}
	status = wait_child(pid);
	if (status == USERNS_EPERM)
		SKIP(return, "%s", USERNS_SKIP);
	EXPECT_EQ(0, status);
}

/* A member cannot hand its PAG out, nor tamper with the keyring. */
TEST_F(join, member_cannot_export_or_tamper)
{
	key_serial_t s = KEY_SPEC_SESSION_KEYRING;

	EXPECT_EQ(-1, keyctl_link(s, KEY_SPEC_USER_KEYRING));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, keyctl_setperm(s, KEY_POS_ALL | KEY_USR_ALL));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, keyctl_chown(s, 1000, (gid_t)-1));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, keyctl_set_timeout(s, 1));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, keyctl_restrict_keyring(s, "asymmetric", NULL));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(self->pag.id, session_id());

	/* What a member may do: use it. */
	EXPECT_LT(0, keyctl_search(s, "user", "secret", 0));
	EXPECT_LT(0, add_key("user", "more", "x", 1, s));
}

/*
 * What MIT krb5 does to a KEYRING: ccache inside the PAG: a collection
 * keyring in @s, a cache keyring in it, credentials in that.  kinit into an
 * existing cache clears the cache keyring; kdestroy unlinks and clears.
 * Nothing made inside the PAG may inherit protection that forbids it.
 */
TEST_F(join, member_manages_nested_keyrings)
{
	key_serial_t coll, cache, cred;

	coll = add_key("keyring", "_krb_test", NULL, 0,
		       KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, coll);
	cache = add_key("keyring", "test", NULL, 0, coll);
	ASSERT_LT(0, cache);
	cred = add_key("user", "krbtgt/X@X", "t", 1, cache);
	ASSERT_LT(0, cred);

	EXPECT_EQ(0, keyctl_clear(cache));
	EXPECT_EQ(-1, keyctl_search(cache, "user", "krbtgt/X@X", 0));
	cred = add_key("user", "krbtgt/X@X", "u", 1, cache);
	ASSERT_LT(0, cred);
	EXPECT_EQ(0, keyctl_unlink(cred, cache));
	EXPECT_EQ(0, keyctl_unlink(cache, coll));
	EXPECT_EQ(0, keyctl_unlink(coll, KEY_SPEC_SESSION_KEYRING));
	EXPECT_EQ(self->pag.id, session_id());
}

/* unlog/kdestroy: a member may drop every token of its PAG. */
TEST_F(join, member_may_clear_its_pag)
{
	EXPECT_EQ(0, keyctl_clear(KEY_SPEC_SESSION_KEYRING));
	EXPECT_EQ(-1,
		  keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "secret", 0));
	EXPECT_EQ(self->pag.id, session_id());
	EXPECT_LT(0,
		  add_key("user", "again", "x", 1, KEY_SPEC_SESSION_KEYRING));
}

/*
 * A member that revokes or invalidates its PAG keyring tears down the
 * group's context for every member (as deleting every token would): they
 * stay in a dead PAG until they leave it, and it still ends when they are
 * gone.  Outsiders cannot do it (see the outsider variants above).
 */
TEST_F(join, member_revoking_its_pag)
{
	int32_t id = self->pag.id;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;
		struct pag_attrs a;

		if (keyctl_revoke(KEY_SPEC_SESSION_KEYRING))
			_exit(101);
		if (add_key("user", "x", "x", 1, KEY_SPEC_SESSION_KEYRING) !=
			    -1 ||
		    errno != EKEYREVOKED)
			_exit(102);
		/* A new PAG is the way out. */
		if (pag_nl_open(&nl) || pag_nl_new(&nl, &a) ||
		    session_id() != a.id || a.id == id)
			_exit(103);
		pag_nl_close(&nl);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	/* The parent, another member, sees the same dead keyring. */
	EXPECT_EQ(-1, add_key("user", "y", "y", 1, KEY_SPEC_SESSION_KEYRING));
	EXPECT_EQ(EKEYREVOKED, errno);

	/* Once its last member has left, the dead PAG ends as any other. */
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	EXPECT_EQ(0, wait_no_pags(5000));
}

/*
 * KEYCTL_SESSION_TO_PARENT needs Link permission on the caller's session
 * keyring, which a PAG grants nobody: a member cannot push its PAG into its
 * parent.
 */
TEST_F(join, session_to_parent_refused)
{
	key_serial_t before = session_id();
	pid_t pid;

	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	before = session_id();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_attrs a;

		if (pag_nl_new(&self->nl, &a))
			_exit(1);
		if (keyctl_session_to_parent() != -1 || errno != EACCES)
			_exit(2);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(before, session_id());
}

/*
 * A child that is not in the PAG may replace its parent's session keyring
 * with its own (same credentials needed): the parent leaves its PAG.
 */
TEST_F(join, session_to_parent_takes_parent_out)
{
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (keyctl_join_session_keyring(NULL) < 0)
			_exit(1);
		_exit(keyctl_session_to_parent() ? 2 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));
	/* Applied when the parent next returns to user space. */
	EXPECT_NE(self->pag.id, session_id());
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

/* pam_keyinit force, systemd KeyringMode=private: a new anonymous one. */
TEST_F(join, new_anonymous_session_leaves)
{
	EXPECT_LT(0, keyctl_join_session_keyring(NULL));
	EXPECT_NE(self->pag.id, session_id());
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

/* runc without --no-new-keyring: joins "_ses.<container id>". */
TEST_F(join, named_session_leaves)
{
	EXPECT_LT(0, keyctl_join_session_keyring("_ses.pagtest"));
	EXPECT_NE(self->pag.id, session_id());
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

TEST_HARNESS_MAIN
