// SPDX-License-Identifier: GPL-2.0
/*
 * A tracer attached before a PAG exists stays attached and follows forks,
 * so pag.ko refuses NEW (netlink and /dev/pag) and ENTER while the caller
 * is traced by a task that is not in the PAG and lacks CAP_SYS_PTRACE in
 * the initial user namespace, as execve() refuses to raise privileges
 * under such a tracer (issue 14, item 13).  The same holds for a thread
 * switching its active PAG through a PAG handle (issue 15): SWITCH and
 * SWITCH_DEFAULT into a PAG the tracer is not in.
 */

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "kselftest_harness.h"
#include "pag_nl.h"

#define TEST_UID 65534

/* What the traced child does; it exits 0 when it saw what it expected. */
enum traced_op {
	OP_NEW_NL,
	OP_NEW_IOCTL,
	OP_ENTER,
	OP_SWITCH,
	OP_SWITCH_DEFAULT
};

/* Exit codes of the traced child beyond 0 (as expected). */
#define EXIT_SETUP 2
#define EXIT_WRONG 3

/*
 * Traced: a handle for a new PAG (making one enters nothing, so the tracer
 * is not asked), then SWITCH into it, or make it the process default and
 * SWITCH_DEFAULT to it.  On failure nothing may have changed.
 */
static int traced_switch(enum traced_op op, int expect_err)
{
	key_serial_t before =
		keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	struct pag_ioc_info info;
	int fd, h, err;

	fd = open("/dev/pag", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return EXIT_SETUP;
	h = ioctl(fd, PAG_IOC_REF_NEW, 0);
	if (h < 0 || ioctl(h, PAG_IOC_GET, &info) < 0)
		return EXIT_SETUP;
	if (op == OP_SWITCH_DEFAULT && ioctl(fd, PAG_IOC_SET_DEFAULT, h) < 0)
		return EXIT_SETUP;
	err = ioctl(fd,
		    op == OP_SWITCH ? PAG_IOC_SWITCH : PAG_IOC_SWITCH_DEFAULT,
		    op == OP_SWITCH ? h : 0);
	err = err < 0 ? -errno : 0;
	if (err != expect_err) {
		fprintf(stderr, "traced switch: %d\n", err);
		return EXIT_WRONG;
	}
	if (keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) !=
	    (err ? before : info.id))
		return EXIT_WRONG;
	return 0;
}

static int traced_child(enum traced_op op, int expect_err, int32_t id,
			uint64_t created)
{
	struct pag_attrs out;
	struct pag_nl nl;
	int fd, err;

	if (op == OP_SWITCH || op == OP_SWITCH_DEFAULT)
		return traced_switch(op, expect_err);
	if (op == OP_NEW_IOCTL) {
		fd = open("/dev/pag", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return EXIT_SETUP;
		err = ioctl(fd, PAG_IOC_NEW, 0) < 0 ? -errno : 0;
		return err == expect_err ? 0 : EXIT_WRONG;
	}
	if (pag_nl_open(&nl))
		return EXIT_SETUP;
	err = op == OP_NEW_NL ? pag_nl_new(&nl, &out)
			      : pag_nl_enter(&nl, id, created, &out);
	if (err > 0)
		err = 0;
	if (err != expect_err) {
		fprintf(stderr, "traced child: %d (%s)\n", err, nl.msg);
		return EXIT_WRONG;
	}
	if (err == -EPERM && !strstr(nl.msg, "traced by a task")) {
		fprintf(stderr, "traced child: message \"%s\"\n", nl.msg);
		return EXIT_WRONG;
	}
	return 0;
}

/*
 * Fork a child that asks to be traced by us, then drop our privileges to
 * the test uid unless @privileged (the ptrace link stays), and let the
 * child run @op.  Returns the child's exit code, or 100+ for our failures.
 */
static int run_traced(enum traced_op op, int privileged, int expect_err,
		      int32_t id, uint64_t created)
{
	int status;
	pid_t child;

	child = fork();
	if (child < 0)
		return 100;
	if (!child) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(EXIT_SETUP);
		raise(SIGSTOP);
		_exit(traced_child(op, expect_err, id, created));
	}
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
		return 101;
	if (!privileged && (setresgid(TEST_UID, TEST_UID, TEST_UID) ||
			    setresuid(TEST_UID, TEST_UID, TEST_UID)))
		return 102;
	ptrace(PTRACE_CONT, child, 0, 0);
	for (;;) {
		if (waitpid(child, &status, 0) != child)
			return 103;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 104;
		ptrace(PTRACE_CONT, child, 0, WSTOPSIG(status));
	}
}

/* Run run_traced() in a child of its own, so that dropping uid is undone. */
static int traced(enum traced_op op, int privileged, int expect_err, int32_t id,
		  uint64_t created)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 110;
	if (!pid)
		_exit(run_traced(op, privileged, expect_err, id, created));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 111;
	return WEXITSTATUS(status);
}

TEST(new_traced_by_an_unprivileged_tracer_fails)
{
	EXPECT_EQ(0, traced(OP_NEW_NL, 0, -EPERM, 0, 0));
	EXPECT_EQ(0, traced(OP_NEW_IOCTL, 0, -EPERM, 0, 0));
}

TEST(new_traced_by_a_tracer_with_cap_sys_ptrace_works)
{
	EXPECT_EQ(0, traced(OP_NEW_NL, 1, 0, 0, 0));
	EXPECT_EQ(0, traced(OP_NEW_IOCTL, 1, 0, 0, 0));
}

/* Untraced, NEW works as ever (the check costs nothing else). */
TEST(new_untraced_works)
{
	struct pag_attrs out;
	struct pag_nl nl;

	ASSERT_EQ(0, pag_nl_open(&nl));
	EXPECT_LE(0, pag_nl_new(&nl, &out));
	pag_nl_close(&nl);
}

TEST(switch_traced_by_an_unprivileged_tracer_fails)
{
	EXPECT_EQ(0, traced(OP_SWITCH, 0, -EPERM, 0, 0));
	EXPECT_EQ(0, traced(OP_SWITCH_DEFAULT, 0, -EPERM, 0, 0));
}

TEST(switch_traced_by_a_tracer_with_cap_sys_ptrace_works)
{
	EXPECT_EQ(0, traced(OP_SWITCH, 1, 0, 0, 0));
	EXPECT_EQ(0, traced(OP_SWITCH_DEFAULT, 1, 0, 0, 0));
}

/* ENTER of a live PAG held by another process. */
TEST(enter_traced_by_an_outsider_fails)
{
	int ready[2], status;
	struct pag_attrs pag;
	pid_t holder;

	ASSERT_EQ(0, pipe(ready));
	holder = fork();
	ASSERT_LE(0, holder);
	if (!holder) {
		struct pag_nl nl;

		close(ready[0]);
		if (pag_nl_open(&nl) || pag_nl_new(&nl, &pag) < 0)
			_exit(1);
		if (write(ready[1], &pag, sizeof(pag)) != sizeof(pag))
			_exit(2);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ((ssize_t)sizeof(pag), read(ready[0], &pag, sizeof(pag)));
	close(ready[0]);

	EXPECT_EQ(0, traced(OP_ENTER, 0, -EPERM, pag.id, pag.created_ns));
	EXPECT_EQ(0, traced(OP_ENTER, 1, 0, pag.id, pag.created_ns));

	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
}

TEST_HARNESS_MAIN
