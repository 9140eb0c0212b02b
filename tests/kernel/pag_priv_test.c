// SPDX-License-Identifier: GPL-2.0
/*
 * Who sees what: one's own PAG needs no privilege; other PAGs, the dump and
 * the events need CAP_SYS_ADMIN in the initial user namespace.  Ids are
 * reported as the receiver's namespaces see them.
 */

#include <sched.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

static const char other_msg[] =
	"seeing another PAG needs CAP_SYS_ADMIN in the initial user namespace";
static const char dump_msg[] =
	"listing PAGs needs CAP_SYS_ADMIN in the initial user namespace";

FIXTURE(priv)
{
	struct pag_nl nl;
	struct pag_attrs pag; /* the test process's PAG */
};

FIXTURE_SETUP(priv)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &self->pag));
}

FIXTURE_TEARDOWN(priv)
{
	pag_nl_close(&self->nl);
}

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

/* In a child: the unprivileged view.  Returns 0 or the failing line. */
static int unprivileged_view(int32_t other, uid_t uid)
{
	struct pag_attrs a;
	struct pag_nl nl;

	if (pag_nl_open(&nl))
		return __LINE__;
	/* Its own PAG: fine. */
	if (pag_nl_new(&nl, &a) || a.owner_uid != uid)
		return __LINE__;
	if (pag_nl_get(&nl, 0, &a) || pag_nl_get(&nl, a.id, &a))
		return __LINE__;
	/* Another PAG, live or not: refused alike, nothing leaks. */
	if (pag_nl_get(&nl, other, NULL) != -EPERM || strcmp(nl.msg, other_msg))
		return __LINE__;
	if (pag_nl_get(&nl, 0x7ffffff0, NULL) != -EPERM ||
	    strcmp(nl.msg, other_msg))
		return __LINE__;
	if (pag_nl_dump(&nl, NULL, NULL) != -EPERM || strcmp(nl.msg, dump_msg))
		return __LINE__;
	/* No events either. */
	if (pag_nl_subscribe(&nl) != -EPERM)
		return __LINE__;
	return 0;
}

TEST_F(priv, other_uid)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresuid(1000, 1000, 1000))
			_exit(1);
		_exit(unprivileged_view(self->pag.id, 1000) & 0xff);
	}
	EXPECT_EQ(0, wait_child(pid));
}

/* Root without CAP_SYS_ADMIN (CAP_NET_ADMIN is not enough). */
TEST_F(priv, root_without_cap_sys_admin)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (drop_cap_sys_admin())
			_exit(1);
		_exit(unprivileged_view(self->pag.id, 0) & 0xff);
	}
	EXPECT_EQ(0, wait_child(pid));
}

/* Root of a container: its own user namespace. */
TEST_F(priv, root_in_child_user_ns)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER))
			_exit(errno == EPERM ? USERNS_EPERM : 1);
		/* No uid map: the owner shows as the overflow uid. */
		_exit(unprivileged_view(self->pag.id, 65534) & 0xff);
	}
	status = wait_child(pid);
	if (status == USERNS_EPERM)
		SKIP(return, "%s", USERNS_SKIP);
	EXPECT_EQ(0, status);
}

/* Root in the initial namespaces sees them all. */
TEST_F(priv, root_sees_all)
{
	struct pag_attrs a;

	EXPECT_LE(1, pag_nl_dump(&self->nl, NULL, NULL));
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->pag.id, &a));
	EXPECT_EQ(0, pag_nl_subscribe(&self->nl));
}

/*
 * The creator's pid as the receiver's pid namespace sees it: 0 when the
 * creator is outside it.
 */
TEST_F(priv, creator_pid_in_pid_ns)
{
	struct pag_attrs a;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID))
			_exit(1);
		inner = fork();
		if (inner == 0) {
			struct pag_nl nl;

			if (pag_nl_open(&nl) || pag_nl_get(&nl, 0, &a))
				_exit(2);
			if (a.creator_pid != 0)
				_exit(3);
			/* Its own PAG: created by pid 1 of the namespace. */
			if (pag_nl_new(&nl, &a) || a.creator_pid != 1)
				_exit(4);
			_exit(0);
		}
		_exit(wait_child(inner));
	}
	EXPECT_EQ(0, wait_child(pid));
}

TEST_HARNESS_MAIN
