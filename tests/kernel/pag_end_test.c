// SPDX-License-Identifier: GPL-2.0
/*
 * The end of a PAG: detected without polling, announced on the "events"
 * group, and nothing left behind, even after thousands of PAGs.
 */

#include <sched.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

FIXTURE(end)
{
	struct pag_nl nl;
	struct pag_nl events;
};

FIXTURE_SETUP(end)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_open(&self->events));
	ASSERT_NE(0u, self->events.events_group);
	ASSERT_EQ(0, pag_nl_subscribe(&self->events));
	/* Earlier tests' PAGs may still be in the key GC. */
	ASSERT_EQ(0, wait_no_pags(10000));
}

FIXTURE_TEARDOWN(end)
{
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
}

/* Create a PAG in a child that exits; returns the PAG's id. */
static int32_t pag_in_child(void)
{
	struct pag_attrs a;
	int fds[2];
	int32_t id = -1;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct pag_nl nl;

		if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
			a.id = -1;
		_exit(write(fds[1], &a.id, sizeof(a.id)) == sizeof(a.id) ? 0
									 : 1);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &id, sizeof(id)) != sizeof(id))
		id = -1;
	close(fds[0]);
	if (pid > 0 && wait_child(pid) != 0)
		id = -1;
	return id;
}

/* Created, then ended when its only member exits. */
TEST_F(end, created_and_ended_events)
{
	struct pag_nl_wanted created = { .cmd = PAG_CMD_CREATED_NTF };
	struct pag_nl_wanted ended = { .cmd = PAG_CMD_ENDED_NTF };
	int32_t id;

	id = pag_in_child();
	ASSERT_GT(id, 0);
	created.id = ended.id = id;
	ASSERT_EQ(0, pag_nl_events(&self->events, 5000, pag_nl_wanted_cb,
				   &created));
	ASSERT_EQ(0,
		  pag_nl_events(&self->events, 5000, pag_nl_wanted_cb, &ended));
	EXPECT_EQ(created.seen.created_ns, ended.seen.created_ns);
	EXPECT_EQ(created.seen.creator_pid, ended.seen.creator_pid);
	EXPECT_STREQ(created.seen.comm, ended.seen.comm);
	EXPECT_EQ(0u, ended.seen.flags);
	/* Events carry no token count (unknown once the keyring is gone). */
	EXPECT_EQ(0u, PAG_HAS(&created.seen, PAG_A_PAG_TOKEN_COUNT));
	EXPECT_EQ(0u, PAG_HAS(&ended.seen, PAG_A_PAG_TOKEN_COUNT));

	/* Gone from the registry. */
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, id, NULL));
	EXPECT_STREQ("no live PAG has this id", self->nl.msg);
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
}

/* Leaving ends a PAG nobody else is in. */
TEST_F(end, leave_ends)
{
	struct pag_nl_wanted ended = { .cmd = PAG_CMD_ENDED_NTF };
	struct pag_attrs a;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(1, pag_nl_dump(&self->nl, NULL, NULL));
	ended.id = a.id;
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	ASSERT_EQ(0,
		  pag_nl_events(&self->events, 5000, pag_nl_wanted_cb, &ended));
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
}

/* A PAG lives on while a child is in it. */
TEST_F(end, lives_while_a_member_lives)
{
	struct pag_nl_wanted ended = { .cmd = PAG_CMD_ENDED_NTF };
	struct pag_attrs a;
	int hold[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(hold[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(hold[0]);
	ended.id = a.id;
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	EXPECT_EQ(-ETIMEDOUT,
		  pag_nl_events(&self->events, 300, pag_nl_wanted_cb, &ended));
	EXPECT_EQ(0, pag_nl_get(&self->nl, a.id, NULL));
	close(hold[1]);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(0,
		  pag_nl_events(&self->events, 5000, pag_nl_wanted_cb, &ended));
}

/* A vfork()-like child: create a PAG on the parent's socket and exit. */
static int cycle_child(void *arg)
{
	return pag_nl_new(arg, NULL) ? 1 : 0;
}

/*
 * 10,000 PAGs, each created by a child process that then exits, leave the
 * registry empty and the key count of the user where it started.  The
 * children share the parent's memory and socket (CLONE_VM | CLONE_VFORK)
 * to keep the run short under emulation.  The blanks of pag.ko's pool are
 * root's keys too, and it may be refilling when a count is taken: the
 * counts agree within its size (pag_pool_test counts exactly).
 */
TEST_F_TIMEOUT(end, ten_thousand_cycles, 300)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int before, pool, i, failed = 0;
	uint64_t t0 = boottime_ns();
	pid_t pid;

	/* The events socket would only overflow. */
	pag_nl_close(&self->events);
	pool = pag_pool_size();
	ASSERT_LE(0, pool);
	before = key_user_nkeys(0);
	ASSERT_LE(0, before);
	for (i = 0; i < 10000; i++) {
		pid = clone(cycle_child, stack + sizeof(stack),
			    CLONE_VM | CLONE_VFORK | SIGCHLD, &self->nl);
		ASSERT_LE(0, pid);
		failed += wait_child(pid) != 0;
	}
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, wait_no_pags(60000));
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
	EXPECT_GE(before + pool, key_user_nkeys(0));
	EXPECT_LE(before - pool, key_user_nkeys(0));
	TH_LOG("10000 cycles in %llu ms",
	       (unsigned long long)(boottime_ns() - t0) / 1000000);
}

TEST_HARNESS_MAIN
