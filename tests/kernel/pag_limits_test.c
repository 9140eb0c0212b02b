// SPDX-License-Identifier: GPL-2.0
/*
 * What pag.ko cannot prevent, as Documentation/security/pag.rst says
 * ("What pag does not protect against"), and what holds anyway.  Each test
 * runs the attack as the attacker would and checks both halves.
 */

#include <sys/types.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define MEMBER_UID   1000
#define ATTACKER_UID 1001

FIXTURE(limits)
{
	struct pag_nl nl;
	struct pag_nl events;
};

FIXTURE_SETUP(limits)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_open(&self->events));
	ASSERT_EQ(0, pag_nl_subscribe(&self->events));
	ASSERT_EQ(0, wait_no_pags(10000));
}

FIXTURE_TEARDOWN(limits)
{
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
}

/*
 * Fork a child that runs as @uid, does @fn(@arg) and then waits for its
 * pipe to close; *@hold gets the pipe's write end.  @fn's int result is
 * passed back (via *@result) before the wait.
 */
static pid_t hold_child(uid_t uid, int (*fn)(int32_t), int32_t arg,
			int32_t *result, int *hold)
{
	int ready[2], h[2];
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(h))
		return -1;
	pid = fork();
	if (pid == 0) {
		int32_t r;

		/* Not another child's hold pipe: it must see EOF when asked. */
		for (int fd = 3; fd < 256; fd++)
			if (fd != h[0] && fd != ready[1])
				close(fd);
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(1);
		r = fn(arg);
		if (write(ready[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(read(h[0], &c, 1) == 0 ? 0 : 1);
	}
	close(h[0]);
	close(ready[1]);
	*hold = h[1];
	if (pid < 0 ||
	    read(ready[0], result, sizeof(*result)) != sizeof(*result))
		*result = -EPIPE;
	close(ready[0]);
	return pid;
}

static int make_pag(int32_t unused)
{
	struct pag_attrs a;
	struct pag_nl nl;

	(void)unused;
	if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
		return -EIO;
	return a.id;
}

/*
 * KEYCTL_RESTRICT_KEYRING with "asymmetric" "key_or_keyring:SERIAL" on
 * one's own keyring takes a reference to any key by serial, with no
 * permission check at all.
 */
static int pin(int32_t serial)
{
	char restriction[32];
	key_serial_t k;

	/* In a session keyring of its own, which goes when the pinner exits. */
	if (keyctl_join_session_keyring(NULL) < 0)
		return -errno;
	k = add_key("keyring", "pin", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	if (k < 0)
		return -errno;
	snprintf(restriction, sizeof(restriction), "key_or_keyring:%d", serial);
	if (keyctl_restrict_keyring(k, "asymmetric", restriction))
		return -errno;
	return 0;
}

/*
 * Another user pins PAG X's keyring: X outlives its last member (no
 * ENDED, GET still finds it) until the pinner lets go.  What holds anyway:
 * the pinner gets no access to X (it does not possess it, and X grants
 * nothing to non-possessors), and X keeps its id, so nothing meant for X
 * can reach another PAG.
 */
TEST_F_TIMEOUT(limits, pinned_pag_keyring, 60)
{
	struct pag_nl_wanted ended = { .cmd = PAG_CMD_ENDED_NTF };
	int32_t x, r;
	int hold_member, hold_pinner;
	pid_t member, pinner;

	member = hold_child(MEMBER_UID, make_pag, 0, &x, &hold_member);
	ASSERT_LT(0, member);
	ASSERT_LT(0, x);
	pinner = hold_child(ATTACKER_UID, pin, x, &r, &hold_pinner);
	ASSERT_LT(0, pinner);
	if (r == -ENOKEY || r == -EOPNOTSUPP)
		SKIP(goto out, "no asymmetric key type in this kernel");
	ASSERT_EQ(0, r);

	close(hold_member);
	EXPECT_EQ(0, wait_child(member));
	ended.id = x;
	EXPECT_EQ(-ETIMEDOUT,
		  pag_nl_events(&self->events, 2000, pag_nl_wanted_cb, &ended));
	EXPECT_EQ(0, pag_nl_get(&self->nl, x, NULL));

	close(hold_pinner);
	EXPECT_EQ(0, wait_child(pinner));
	EXPECT_EQ(0, pag_nl_events(&self->events, 10000, pag_nl_wanted_cb,
				   &ended));
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, x, NULL));
	return;
out:
	close(hold_member);
	close(hold_pinner);
	wait_child(member);
	wait_child(pinner);
}

/*
 * KEYCTL_SESSION_TO_PARENT from a child that is not in the PAG (it left,
 * or replaced its session keyring) moves the member parent out of its PAG
 * into a keyring the child controls, on the parent's next return to user
 * space: the kernel's own path, allowed between processes of the same
 * credentials.  The parent's later add_key(@s) then lands there.  What
 * holds: the PAG itself is untouched, and the parent no longer acts in it
 * (a token request for "its own PAG" fails with ENOENT).
 */
TEST_F(limits, session_to_parent_from_non_member)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		key_serial_t child_ring, before;
		struct pag_attrs a;
		struct pag_nl nl;
		pid_t child;
		int status;

		if (setresgid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
		    setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
		    pag_nl_open(&nl) || pag_nl_new(&nl, &a))
			_exit(1);
		before = session_id();
		child = fork();
		if (child == 0) {
			if (keyctl_join_session_keyring("redirect") < 0)
				_exit(1);
			_exit(keyctl_session_to_parent() ? 2 : 0);
		}
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			_exit(3);
		child_ring = session_id();
		if (before != a.id || child_ring == a.id)
			_exit(4);
		/* Not in the PAG any more: its own-PAG request finds none. */
		if (pag_nl_get(&nl, 0, NULL) != -ENOENT)
			_exit(5);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
}

TEST_HARNESS_MAIN
