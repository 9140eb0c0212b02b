// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace and its relatives against PAG members (issue 14, item 13): the
 * BPF program refuses PTRACE_MODE_ATTACH access to a task in a PAG from a
 * tracer in another PAG (or none) without CAP_SYS_PTRACE in the initial
 * user namespace, and pag.ko refuses NEW to a traced task whose tracer
 * lacks that capability.  Tracer and target run as the same unprivileged
 * uid, dumpable, so that only pag stands between them (Yama is off).
 */

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"

#define TEST_UID 65534

/* Become the unprivileged test uid, still dumpable; 0 or -1. */
static int drop_to_test_uid(void)
{
	if (setresgid(TEST_UID, TEST_UID, TEST_UID) ||
	    setresuid(TEST_UID, TEST_UID, TEST_UID))
		return -1;
	return prctl(PR_SET_DUMPABLE, 1) ? -1 : 0;
}

static volatile long secret = 0x5ec7e7;

/*
 * A target: forks a child that drops to the test uid, enters a new PAG if
 * @in_pag, reports ready on a pipe and waits to be killed.  An open file
 * descriptor 3 is there for pidfd_getfd().
 */
static pid_t start_target(int in_pag)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(ready[0]);
		if (drop_to_test_uid())
			_exit(1);
		if (in_pag && new_pag(NULL) <= 0)
			_exit(2);
		dup2(ready[1], 3);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return pid;
}

static void stop_target(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* What each access returned: 0 or the errno. */
struct access_result {
	int attach;
	int mem;
	int vm_readv;
	int getfd;
	int stat;
	int ns;
};

/* Try every access to @pid; in the calling (tracer) process. */
static void try_access(pid_t pid, struct access_result *r)
{
	char path[64], buf[256];
	struct iovec local = { buf, sizeof(long) },
		     remote = { (void *)&secret, sizeof(long) };
	int fd, pidfd;

	r->attach = 0;
	if (ptrace(PTRACE_ATTACH, pid, 0, 0))
		r->attach = errno;
	else {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	r->mem = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	r->vm_readv =
		process_vm_readv(pid, &local, 1, &remote, 1, 0) < 0 ? errno : 0;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	r->getfd = pidfd < 0 ? errno : 0;
	if (pidfd >= 0) {
		fd = syscall(SYS_pidfd_getfd, pidfd, 3, 0);
		r->getfd = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		close(pidfd);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	r->stat = fd < 0 || read(fd, buf, sizeof(buf)) <= 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	r->ns = readlink(path, buf, sizeof(buf)) < 0 ? errno : 0;
}

enum tracer_kind {
	TRACER_OUTSIDE,
	TRACER_OTHER_PAG,
	TRACER_ROOT
};

/* Run try_access() in a child tracer of @kind; results through a pipe. */
static int access_from(enum tracer_kind kind, pid_t pid,
		       struct access_result *r)
{
	int res[2], status;
	pid_t child;

	if (pipe(res))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(res[0]);
		if (kind != TRACER_ROOT && drop_to_test_uid())
			_exit(1);
		if (kind == TRACER_OTHER_PAG && new_pag(NULL) <= 0)
			_exit(2);
		try_access(pid, r);
		_exit(write(res[1], r, sizeof(*r)) == sizeof(*r) ? 0 : 3);
	}
	close(res[1]);
	if (read(res[0], r, sizeof(*r)) != sizeof(*r))
		status = -1;
	else
		status = 0;
	close(res[0]);
	waitpid(child, NULL, 0);
	return status;
}

FIXTURE(ptrace)
{
	pid_t target;
};

FIXTURE_SETUP(ptrace)
{
	ASSERT_EQ(0, bpfload_load(false));
	ASSERT_EQ(0, leave_real_pag());
	self->target = -1;
}

FIXTURE_TEARDOWN(ptrace)
{
	if (self->target > 0)
		stop_target(self->target);
	bpfload_unload(true);
}

/* Without a PAG the kernel's rules hold: the same uid may do it all. */
TEST_F(ptrace, target_in_no_pag_keeps_the_kernel_rules)
{
	struct access_result r;

	self->target = start_target(0);
	ASSERT_LT(0, self->target);
	ASSERT_EQ(0, access_from(TRACER_OUTSIDE, self->target, &r));
	EXPECT_EQ(0, r.attach);
	EXPECT_EQ(0, r.mem);
	EXPECT_EQ(0, r.vm_readv);
	EXPECT_EQ(0, r.getfd);
}

TEST_F(ptrace, same_uid_outside_the_pag_is_refused)
{
	struct access_result r;

	self->target = start_target(1);
	ASSERT_LT(0, self->target);
	ASSERT_EQ(0, access_from(TRACER_OUTSIDE, self->target, &r));
	EXPECT_EQ(EPERM, r.attach);
	EXPECT_EQ(EACCES, r.mem);
	EXPECT_EQ(EPERM, r.vm_readv);
	EXPECT_EQ(EPERM, r.getfd);
	/* Read-mode checks keep working. */
	EXPECT_EQ(0, r.stat);
	EXPECT_EQ(0, r.ns);
}

TEST_F(ptrace, same_uid_in_another_pag_is_refused)
{
	struct access_result r;

	self->target = start_target(1);
	ASSERT_LT(0, self->target);
	ASSERT_EQ(0, access_from(TRACER_OTHER_PAG, self->target, &r));
	EXPECT_EQ(EPERM, r.attach);
	EXPECT_EQ(EACCES, r.mem);
	EXPECT_EQ(EPERM, r.vm_readv);
	EXPECT_EQ(EPERM, r.getfd);
	EXPECT_EQ(0, r.ns);
}

TEST_F(ptrace, root_with_cap_sys_ptrace_may)
{
	struct access_result r;

	self->target = start_target(1);
	ASSERT_LT(0, self->target);
	ASSERT_EQ(0, access_from(TRACER_ROOT, self->target, &r));
	EXPECT_EQ(0, r.attach);
	EXPECT_EQ(0, r.mem);
	EXPECT_EQ(0, r.vm_readv);
	EXPECT_EQ(0, r.getfd);
}

/* A member may trace a member of its own PAG: here, its parent. */
TEST_F(ptrace, a_tracer_in_the_same_pag_may)
{
	struct access_result r;
	int res[2];
	pid_t member;

	ASSERT_EQ(0, pipe(res));
	member = fork();
	ASSERT_LE(0, member);
	if (!member) {
		pid_t target, tracer;

		close(res[0]);
		if (drop_to_test_uid() || new_pag(NULL) <= 0)
			_exit(1);
		target = getpid();
		tracer = fork();
		if (!tracer) {
			try_access(target, &r);
			_exit(write(res[1], &r, sizeof(r)) == sizeof(r) ? 0
									: 3);
		}
		waitpid(tracer, NULL, 0);
		_exit(0);
	}
	close(res[1]);
	ASSERT_EQ((ssize_t)sizeof(r), read(res[0], &r, sizeof(r)));
	close(res[0]);
	waitpid(member, NULL, 0);
	EXPECT_EQ(0, r.attach);
	EXPECT_EQ(0, r.mem);
	EXPECT_EQ(0, r.vm_readv);
	EXPECT_EQ(0, r.getfd);
}

/*
 * PTRACE_TRACEME by a PAG member whose parent is outside the PAG: the
 * parent would become its tracer.
 */
TEST_F(ptrace, traceme_to_a_parent_outside_is_refused)
{
	int status;
	pid_t parent;

	parent = fork();
	ASSERT_LE(0, parent);
	if (!parent) {
		pid_t child;

		if (drop_to_test_uid())
			_exit(1);
		child = fork();
		if (!child) {
			if (new_pag(NULL) <= 0)
				_exit(2);
			if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
				_exit(3);
			_exit(errno == EPERM ? 0 : 4);
		}
		waitpid(child, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 5);
	}
	ASSERT_EQ(parent, waitpid(parent, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * A task traced from before its PAG existed: pag.ko refuses NEW while the
 * tracer lacks CAP_SYS_PTRACE (the BPF program would never see that
 * tracer); tests/kernel/pag_traced_test checks the netlink paths and their
 * messages.  Exit codes: 0 refused with EPERM, 10 + errno otherwise.
 */
static int traced_new(int tracer_is_root)
{
	int status, err;
	pid_t child;

	if (!tracer_is_root && drop_to_test_uid())
		return 1;
	child = fork();
	if (!child) {
		struct pag_handle *h = test_pag_handle();
		struct pag_info info;

		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(2);
		raise(SIGSTOP);
		if (!h)
			_exit(3);
		/* libpag's NEW goes through /dev/pag: no message. */
		err = pag_create(h, &info);
		if (err == -EPERM)
			_exit(0);
		_exit(err < 0 ? 10 + -err : 9);
	}
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
		return 4;
	ptrace(PTRACE_CONT, child, 0, 0);
	for (;;) {
		if (waitpid(child, &status, 0) != child)
			return 5;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 6;
		ptrace(PTRACE_CONT, child, 0, WSTOPSIG(status));
	}
}

TEST_F(ptrace, new_while_traced_by_an_outsider_fails)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(traced_new(0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* With CAP_SYS_PTRACE the tracer may follow the task into a new PAG. */
TEST_F(ptrace, new_while_traced_by_root_succeeds)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(traced_new(1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* pag_create() returned the id: exit code 9. */
	EXPECT_EQ(9, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
