// SPDX-License-Identifier: GPL-2.0
/*
 * A PAG's identity over time is (id, creation time): ids are keyring
 * serials, and serials are reused once a PAG is gone.  GET and the token
 * commands take the creation time (PAG_A_PAG_CREATED_NS,
 * PAG_A_TOKEN_PAG_CREATED_NS) and act only on that incarnation; any other
 * fails with ESTALE and changes nothing.  (ENTER, which requires it, is in
 * pag_enter_test.)  A serial cannot be made to be reused on demand, so a
 * later incarnation is played by naming a creation time the live PAG does
 * not have: the kernel compares nothing else.
 *
 * The fixture's member (uid 1000) holds PAG X; the test process is root.
 */

#include <sys/types.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define MEMBER_UID 1000

static const char stale_msg[] =
	"the PAG with this id is not the one created at this time: that PAG "
	"ended and its id was reused";

FIXTURE(incarnation)
{
	struct pag_nl nl;
	pid_t member;
	int hold;
	int32_t x;
	uint64_t created;
	char buf[8192];
};

FIXTURE_SETUP(incarnation)
{
	int ready[2], hold[2];
	struct pag_attrs a;

	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	self->member = fork();
	ASSERT_LE(0, self->member);
	if (self->member == 0) {
		struct pag_nl nl;
		char c;

		close(hold[1]);
		if (setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
		    pag_nl_open(&nl) || pag_nl_new(&nl, &a))
			_exit(1);
		if (write(ready[1], &a.id, sizeof(a.id)) != sizeof(a.id))
			_exit(1);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(hold[0]);
	close(ready[1]);
	self->hold = hold[1];
	ASSERT_EQ((ssize_t)sizeof(self->x),
		  read(ready[0], &self->x, sizeof(self->x)));
	close(ready[0]);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x, &a));
	self->created = a.created_ns;
}

FIXTURE_TEARDOWN(incarnation)
{
	close(self->hold);
	wait_child(self->member);
	pag_nl_close(&self->nl);
}

/* A token request on X, naming incarnation @created (0: none). */
static int token_req(struct pag_nl *nl, void *buf, uint8_t cmd, int32_t pag,
		     uint64_t created, const char *name)
{
	uint16_t flags = cmd == PAG_CMD_TOKEN_GET ? NLM_F_DUMP : NLM_F_ACK;
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, cmd, flags);
	int ret;

	mnl_attr_put_u32(nlh, PAG_A_TOKEN_PAG, (uint32_t)pag);
	if (created)
		mnl_attr_put_u64(nlh, PAG_A_TOKEN_PAG_CREATED_NS, created);
	if (cmd != PAG_CMD_TOKEN_GET) {
		mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, "user");
		mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, name);
	}
	if (cmd == PAG_CMD_TOKEN_ADD)
		mnl_attr_put(nlh, PAG_A_TOKEN_DATA, 6, "secret");
	ret = pag_nl_send(nl, nlh);
	return ret ? ret : pag_nl_recv_raw(nl, NULL, NULL);
}

TEST_F(incarnation, get)
{
	struct pag_attrs a;

	ASSERT_EQ(0, pag_nl_call_at(&self->nl, PAG_CMD_GET, self->x,
				    self->created, &a));
	EXPECT_EQ(self->x, a.id);
	EXPECT_EQ(self->created, a.created_ns);
	EXPECT_EQ(-ESTALE, pag_nl_call_at(&self->nl, PAG_CMD_GET, self->x,
					  self->created + 1, NULL));
	EXPECT_STREQ(stale_msg, self->nl.msg);
	/* Unknown ids stay unknown, whatever time is named. */
	EXPECT_EQ(-ENOENT, pag_nl_call_at(&self->nl, PAG_CMD_GET, 0x7ffffff0,
					  self->created, NULL));
}

/* The check does not depend on privilege: one's own PAG, as a member. */
TEST_F(incarnation, own_pag_unprivileged)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_attrs a;
		struct pag_nl nl;

		if (setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
		    pag_nl_open(&nl) || pag_nl_new(&nl, &a))
			_exit(1);
		if (pag_nl_call_at(&nl, PAG_CMD_GET, 0, a.created_ns, NULL))
			_exit(2);
		if (pag_nl_call_at(&nl, PAG_CMD_GET, a.id, a.created_ns, NULL))
			_exit(3);
		if (pag_nl_call_at(&nl, PAG_CMD_GET, 0, a.created_ns + 1,
				   NULL) != -ESTALE ||
		    strcmp(nl.msg, stale_msg))
			_exit(4);
		/* Another PAG: privilege first, before anything is looked up.
		 */
		if (pag_nl_call_at(&nl, PAG_CMD_GET, a.id + 1, a.created_ns,
				   NULL) != -EPERM)
			_exit(5);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
}

/* A stale incarnation adds, deletes and lists nothing. */
TEST_F(incarnation, tokens)
{
	struct pag_token t[4];

	EXPECT_EQ(-ESTALE, token_req(&self->nl, self->buf, PAG_CMD_TOKEN_ADD,
				     self->x, self->created + 1, "t1"));
	EXPECT_STREQ(stale_msg, self->nl.msg);
	EXPECT_EQ(0, pag_nl_tokens(&self->nl, self->x, t, 4));

	ASSERT_EQ(0, token_req(&self->nl, self->buf, PAG_CMD_TOKEN_ADD, self->x,
			       self->created, "t1"));
	EXPECT_EQ(1, pag_nl_tokens(&self->nl, self->x, t, 4));

	EXPECT_EQ(-ESTALE, token_req(&self->nl, self->buf, PAG_CMD_TOKEN_DEL,
				     self->x, self->created - 1, "t1"));
	EXPECT_STREQ(stale_msg, self->nl.msg);
	EXPECT_EQ(-ESTALE, token_req(&self->nl, self->buf, PAG_CMD_TOKEN_GET,
				     self->x, self->created - 1, NULL));
	EXPECT_STREQ(stale_msg, self->nl.msg);
	EXPECT_EQ(1, pag_nl_tokens(&self->nl, self->x, t, 4));

	EXPECT_EQ(0, token_req(&self->nl, self->buf, PAG_CMD_TOKEN_DEL, self->x,
			       self->created, "t1"));
	EXPECT_EQ(0, pag_nl_tokens(&self->nl, self->x, t, 4));
}

static int ended_cb(const struct pag_attrs *a, void *data)
{
	struct pag_attrs *want = data;

	if (a->cmd != PAG_CMD_ENDED_NTF || a->id != want->id)
		return MNL_CB_OK;
	memcpy(want, a, sizeof(*a));
	return MNL_CB_STOP;
}

/*
 * The creation time is taken once the id exists, so never before the call
 * that made the PAG started, and the ENDED event carries it, so that a
 * listener can tell which incarnation ended.
 */
TEST_F(incarnation, ended_names_the_incarnation)
{
	struct pag_attrs made, ended = { 0 };
	uint64_t before = boottime_ns();
	struct pag_nl ev;
	int pipefd[2];
	pid_t pid;

	ASSERT_EQ(0, pag_nl_open(&ev));
	ASSERT_EQ(0, pag_nl_subscribe(&ev));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;

		if (pag_nl_open(&nl) || pag_nl_new(&nl, &made))
			_exit(1);
		_exit(write(pipefd[1], &made, sizeof(made)) == sizeof(made)
			      ? 0
			      : 2);
	}
	close(pipefd[1]);
	ASSERT_EQ((ssize_t)sizeof(made), read(pipefd[0], &made, sizeof(made)));
	close(pipefd[0]);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_LE(before, made.created_ns);
	ended.id = made.id;
	ASSERT_EQ(0, pag_nl_events(&ev, 10000, ended_cb, &ended));
	EXPECT_EQ(made.created_ns, ended.created_ns);
	pag_nl_close(&ev);
}

TEST_HARNESS_MAIN
