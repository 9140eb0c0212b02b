// SPDX-License-Identifier: GPL-2.0
/*
 * PAG_CMD_ENTER: only a single-threaded process with CAP_SYS_ADMIN in the
 * initial user namespace moves itself into a PAG.  The PAG X belongs to
 * uid 1000 and is held by a member process; the test process is root.
 */

#include <pthread.h>
#include <sys/types.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define MEMBER_UID 1000

static const char eperm_msg[] =
	"entering a PAG needs CAP_SYS_ADMIN in the initial user namespace";

FIXTURE(enter)
{
	struct pag_nl nl;
	pid_t member;
	int go, answer; /* pipes to and from the member */
	int32_t x;
	uint64_t x_created;
};

/*
 * The member: makes X, reports its id, then on each byte received reports
 * whether it finds the user key "from-worker" in its session keyring.
 */
static void member(int rfd, int wfd)
{
	struct pag_attrs a;
	struct pag_nl nl;
	int32_t ret;
	char c;

	if (setresgid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
	    setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID) || pag_nl_open(&nl) ||
	    pag_nl_new(&nl, &a))
		_exit(1);
	if (write(wfd, &a.id, sizeof(a.id)) != sizeof(a.id))
		_exit(1);
	while (read(rfd, &c, 1) == 1) {
		ret = keyctl_search(KEY_SPEC_SESSION_KEYRING, "user",
				    "from-worker", 0);
		if (ret < 0)
			ret = -errno;
		if (write(wfd, &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
	}
	_exit(0);
}

FIXTURE_SETUP(enter)
{
	int go[2], answer[2];

	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(answer));
	self->member = fork();
	ASSERT_GE(self->member, 0);
	if (self->member == 0) {
		close(go[1]);
		close(answer[0]);
		member(go[0], answer[1]);
	}
	close(go[0]);
	close(answer[1]);
	self->go = go[1];
	self->answer = answer[0];
	ASSERT_EQ((ssize_t)sizeof(self->x),
		  read(self->answer, &self->x, sizeof(self->x)));
	{
		struct pag_attrs a;

		ASSERT_EQ(0, pag_nl_get(&self->nl, self->x, &a));
		self->x_created = a.created_ns;
	}
}

FIXTURE_TEARDOWN(enter)
{
	close(self->go);
	close(self->answer);
	wait_child(self->member);
	pag_nl_close(&self->nl);
}

static int32_t member_search(FIXTURE_DATA(enter) * self)
{
	int32_t ret;

	if (write(self->go, "s", 1) != 1 ||
	    read(self->answer, &ret, sizeof(ret)) != sizeof(ret))
		return -EPIPE;
	return ret;
}

/* In a child: enter @x, then leave a key for X's members.  0 or a line. */
static int worker(int32_t x, uint64_t created)
{
	struct pag_attrs a;
	struct pag_nl nl;

	if (pag_nl_open(&nl) || pag_nl_enter(&nl, x, created, &a))
		return __LINE__;
	if (a.id != x || !(a.flags & PAG_F_SELF) ||
	    !(a.flags & PAG_F_ADMIN_ENTERED) || a.owner_uid != MEMBER_UID)
		return __LINE__;
	if (session_id() != x)
		return __LINE__;
	if (add_key("user", "from-worker", "v", 1, KEY_SPEC_SESSION_KEYRING) <
	    0)
		return __LINE__;
	return 0;
}

TEST_F(enter, root_single_threaded)
{
	struct pag_attrs a;
	pid_t pid;

	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x, &a));
	EXPECT_EQ(0u, a.flags & PAG_F_ADMIN_ENTERED);
	EXPECT_EQ(-ENOKEY, member_search(self));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(worker(self->x, self->x_created));
	ASSERT_EQ(0, wait_child(pid));

	/* What the worker left is the members'; the flag stays. */
	EXPECT_GT(member_search(self), 0);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x, &a));
	EXPECT_EQ((uint32_t)PAG_F_ADMIN_ENTERED, a.flags);
	EXPECT_EQ(1u, a.token_count);
}

/* In a child: ENTER must fail as expected, changing nothing.  0 or a line. */
static int refused(int32_t x, uint64_t created, int expect_err,
		   const char *expect_msg)
{
	key_serial_t before = session_id();
	struct pag_nl nl;

	if (pag_nl_open(&nl))
		return __LINE__;
	if (pag_nl_enter(&nl, x, created, NULL) != expect_err)
		return __LINE__;
	if (strcmp(nl.msg, expect_msg))
		return __LINE__;
	if (session_id() != before)
		return __LINE__;
	return 0;
}

TEST_F(enter, refused_for_uid_1000)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID))
			_exit(100);
		_exit(refused(self->x, self->x_created, -EPERM, eperm_msg));
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(-ENOKEY, member_search(self));
}

/* Root of a container: all capabilities, in its own user namespace. */
TEST_F(enter, refused_in_child_user_ns)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (enter_mapped_user_ns())
			_exit(USERNS_EPERM);
		_exit(refused(self->x, self->x_created, -EPERM, eperm_msg));
	}
	status = wait_child(pid);
	if (status == USERNS_EPERM)
		SKIP(return, USERNS_SKIP);
	EXPECT_EQ(0, status);
}

static void *sleeper(void *arg)
{
	pause();
	return arg;
}

TEST_F(enter, refused_multi_threaded)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, sleeper, NULL))
			_exit(100);
		_exit(refused(
			self->x, self->x_created, -EBUSY,
			"only a single-threaded process may enter a PAG"));
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(-ENOKEY, member_search(self));
}

TEST_F(enter, bad_ids)
{
	key_serial_t before = session_id();

	EXPECT_EQ(-EINVAL, pag_nl_enter(&self->nl, 0, self->x_created, NULL));
	EXPECT_STREQ("the PAG to enter (PAG_A_PAG_ID) is missing",
		     self->nl.msg);
	EXPECT_EQ(-ENOENT,
		  pag_nl_enter(&self->nl, 0x7ffffff0, self->x_created, NULL));
	EXPECT_STREQ("no live PAG has this id", self->nl.msg);
	EXPECT_EQ(before, session_id());
}

/*
 * Ids are reused: ENTER by id alone could put a worker, and the tickets it
 * was about to store, into a later PAG of someone else.  It names the
 * incarnation, and a PAG created at another time than the one named is
 * refused as stale, exactly as a later PAG that got the same id would be.
 */
TEST_F(enter, names_the_incarnation)
{
	key_serial_t before = session_id();

	EXPECT_EQ(-EINVAL, pag_nl_enter(&self->nl, self->x, 0, NULL));
	EXPECT_STREQ("the creation time of the PAG to enter "
		     "(PAG_A_PAG_CREATED_NS) is missing",
		     self->nl.msg);
	EXPECT_EQ(-ESTALE,
		  pag_nl_enter(&self->nl, self->x, self->x_created - 1, NULL));
	EXPECT_STREQ("the PAG with this id is not the one created at this "
		     "time: that PAG ended and its id was reused",
		     self->nl.msg);
	EXPECT_EQ(-ESTALE,
		  pag_nl_enter(&self->nl, self->x, self->x_created + 1, NULL));
	EXPECT_EQ(before, session_id());
	EXPECT_EQ(-ENOKEY, member_search(self));
}

TEST_HARNESS_MAIN
