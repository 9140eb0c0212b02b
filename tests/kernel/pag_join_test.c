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
	EXPECT_EQ(-1, keyctl_revoke(s));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, keyctl_invalidate(s));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, keyctl_clear(s));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(self->pag.id, session_id());

	/* What a member may do: use it. */
	EXPECT_LT(0, keyctl_search(s, "user", "secret", 0));
	EXPECT_LT(0, add_key("user", "more", "x", 1, s));
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
