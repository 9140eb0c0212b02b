// SPDX-License-Identifier: GPL-2.0
/*
 * PAGs: creation, what a member sees, inheritance and leaving.
 */

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

/*
 * Run as "PAG_TEST_EXEC_FD=N /proc/self/exe": write the session keyring's
 * serial to fd N and exit, before the harness starts.
 */
__attribute__((constructor)) static void exec_probe(void)
{
	const char *fd = getenv("PAG_TEST_EXEC_FD");
	key_serial_t id;

	if (!fd)
		return;
	id = session_id();
	_exit(write(atoi(fd), &id, sizeof(id)) == sizeof(id) ? 0 : 1);
}

FIXTURE(pag)
{
	struct pag_nl nl;
};

FIXTURE_SETUP(pag)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(pag)
{
	pag_nl_close(&self->nl);
}

/* The reply describes the new PAG, which is now the session keyring. */
TEST_F(pag, new_is_session_keyring)
{
	struct pag_attrs a;
	uint64_t before = boottime_ns(), after;
	char *desc = NULL;
	char comm[16] = "";

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	after = boottime_ns();
	EXPECT_EQ(PAG_CMD_NEW, a.cmd);
	ASSERT_GT(a.id, 0);
	EXPECT_EQ(a.id, session_id());
	EXPECT_EQ((uint32_t)getuid(), a.owner_uid);
	EXPECT_EQ((uint32_t)gettid(), a.creator_pid);
	ASSERT_EQ(0, prctl(PR_GET_NAME, comm));
	EXPECT_STREQ(comm, a.comm);
	EXPECT_LE(before, a.created_ns);
	EXPECT_GE(after, a.created_ns);
	EXPECT_EQ((uint32_t)PAG_F_SELF, a.flags);
	EXPECT_EQ(1u, PAG_HAS(&a, PAG_A_PAG_TOKEN_COUNT));
	EXPECT_EQ(0u, a.token_count);

	/* keyctl show @s: a keyring named ".pag.N". */
	ASSERT_LT(0, keyctl_describe_alloc(KEY_SPEC_SESSION_KEYRING, &desc));
	EXPECT_EQ(0, strncmp(desc, "keyring;", 8));
	EXPECT_NE(NULL, strstr(desc, ";" PAG_KEYRING_PREFIX));
	free(desc);
}

TEST_F(pag, get_own)
{
	struct pag_attrs a, b;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &b));
	EXPECT_EQ(PAG_CMD_GET, b.cmd);
	EXPECT_EQ(a.id, b.id);
	EXPECT_EQ(a.created_ns, b.created_ns);
	EXPECT_EQ((uint32_t)PAG_F_SELF, b.flags);
	ASSERT_EQ(0, pag_nl_get(&self->nl, a.id, &b));
	EXPECT_EQ(a.id, b.id);
}

/* Keys added to the PAG keyring count as its tokens. */
TEST_F(pag, token_count)
{
	struct pag_attrs a;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_LT(0, add_key("user", "t1", "x", 1, KEY_SPEC_SESSION_KEYRING));
	ASSERT_LT(0, add_key("user", "t2", "y", 1, KEY_SPEC_SESSION_KEYRING));
	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &a));
	EXPECT_EQ(2u, a.token_count);
}

/* A second NEW makes another PAG and leaves the first. */
TEST_F(pag, new_again_leaves_old)
{
	struct pag_attrs a, b;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &b));
	EXPECT_NE(a.id, b.id);
	EXPECT_EQ(b.id, session_id());
}

TEST_F(pag, leave)
{
	struct pag_attrs a;
	pid_t pid;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	EXPECT_NE(a.id, session_id());
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, &a));
	EXPECT_STREQ("the calling thread is in no PAG", self->nl.msg);

	/* New children are in no PAG either. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;

		if (pag_nl_open(&nl) || pag_nl_get(&nl, 0, NULL) != -ENOENT)
			_exit(1);
		_exit(session_id() == a.id ? 2 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));

	/* Leaving twice is an error. */
	EXPECT_EQ(-ENOENT, pag_nl_leave(&self->nl));
	EXPECT_STREQ("the calling thread is in no PAG", self->nl.msg);
}

/* Another PAG than one's own: visible to root (the tests run as root). */
TEST_F(pag, get_other_as_root)
{
	struct pag_attrs a, b;
	int ids[2], hold[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ids));
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;
		key_serial_t id = 0;

		close(hold[1]);
		if (!pag_nl_open(&nl) && !pag_nl_new(&nl, &a))
			id = a.id;
		if (write(ids[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		/* Stay alive until the parent closes the pipe. */
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(ids[1]);
	close(hold[0]);
	ASSERT_EQ((ssize_t)sizeof(a.id), read(ids[0], &a.id, sizeof(a.id)));
	ASSERT_GT(a.id, 0);
	ASSERT_EQ(0, pag_nl_get(&self->nl, a.id, &b));
	EXPECT_EQ(a.id, b.id);
	EXPECT_EQ(0u, b.flags);
	EXPECT_EQ((uint32_t)pid, b.creator_pid);
	close(hold[1]);
	EXPECT_EQ(0, wait_child(pid));
}

struct thread_ids {
	struct pag_nl *nl;
	key_serial_t created;
	key_serial_t in_grandchild;
};

static void *grandchild_thread(void *arg)
{
	struct thread_ids *ids = arg;

	ids->in_grandchild = session_id();
	return NULL;
}

static void *creator_thread(void *arg)
{
	struct thread_ids *ids = arg;
	struct pag_attrs a;
	pthread_t t;

	if (pag_nl_new(ids->nl, &a))
		return NULL;
	ids->created = a.id;
	if (session_id() != a.id)
		ids->created = -1;
	if (!pthread_create(&t, NULL, grandchild_thread, ids))
		pthread_join(t, NULL);
	return NULL;
}

/* Only the calling thread enters the PAG; its later threads inherit it. */
TEST_F(pag, only_calling_thread)
{
	struct thread_ids ids = { .nl = &self->nl };
	key_serial_t before;
	pthread_t t;

	before = session_id();
	ASSERT_EQ(0, pthread_create(&t, NULL, creator_thread, &ids));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_GT(ids.created, 0);
	EXPECT_EQ(ids.created, ids.in_grandchild);
	EXPECT_EQ(before, session_id());
	EXPECT_NE(ids.created, session_id());
}

/* Children inherit the PAG across fork(). */
TEST_F(pag, inherit_fork)
{
	struct pag_attrs a;
	pid_t pid;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;
		struct pag_attrs b;

		if (session_id() != a.id)
			_exit(1);
		if (pag_nl_open(&nl) || pag_nl_get(&nl, 0, &b))
			_exit(2);
		_exit(b.id == a.id && b.flags == (uint32_t)PAG_F_SELF ? 0 : 3);
	}
	EXPECT_EQ(0, wait_child(pid));
}

static int clone_child(void *arg)
{
	return session_id() == *(key_serial_t *)arg ? 0 : 1;
}

/* ... across clone() sharing memory and files (not a thread) ... */
TEST_F(pag, inherit_clone)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct pag_attrs a;
	pid_t pid;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	pid = clone(clone_child, stack + sizeof(stack),
		    CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD, &a.id);
	ASSERT_LE(0, pid);
	EXPECT_EQ(0, wait_child(pid));
}

/* ... and across execve(). */
TEST_F(pag, inherit_exec)
{
	struct pag_attrs a;
	key_serial_t seen = 0;
	int fds[2];
	pid_t pid;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char fd[16];

		snprintf(fd, sizeof(fd), "%d", fds[1]);
		setenv("PAG_TEST_EXEC_FD", fd, 1);
		execl("/proc/self/exe", "pag_test", NULL);
		_exit(127);
	}
	close(fds[1]);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ((ssize_t)sizeof(seen), read(fds[0], &seen, sizeof(seen)));
	EXPECT_EQ(a.id, seen);
	close(fds[0]);
}

TEST_HARNESS_MAIN
