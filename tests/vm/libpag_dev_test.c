// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's fast path: with /dev/pag the handle keeps it open and create,
 * current and leave give what netlink gives; without it (a mount namespace
 * whose /dev lacks the node) the same calls work over netlink.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "pag/pag.h"

#define ALL_ATTRS                                                             \
	(PAG_INFO_HAS(PAG_A_PAG_ID) | PAG_INFO_HAS(PAG_A_PAG_OWNER_UID) |     \
	 PAG_INFO_HAS(PAG_A_PAG_CREATOR_PID) |                                \
	 PAG_INFO_HAS(PAG_A_PAG_CREATOR_COMM) |                               \
	 PAG_INFO_HAS(PAG_A_PAG_CREATED_NS) | PAG_INFO_HAS(PAG_A_PAG_FLAGS) | \
	 PAG_INFO_HAS(PAG_A_PAG_TOKEN_COUNT))

/* Whether this process has /dev/pag open. */
static bool dev_is_open(void)
{
	char path[300], target[PATH_MAX];
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir("/proc/self/fd");
	ssize_t n;

	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "/dev/" PAG_DEV_NAME))
			found = true;
	}
	closedir(dir);
	return found;
}

/*
 * The calls a launcher makes; returns 0 or the failing line.  @dev: whether
 * the handle should have /dev/pag open.
 */
static int create_current_leave(bool dev)
{
	struct pag_handle *h;
	struct pag_info a, b;
	int id;

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		return __LINE__;
	if (dev_is_open() != dev)
		return __LINE__;
	id = pag_create(h, &a);
	if (id <= 0 || a.id != id || a.present != ALL_ATTRS ||
	    a.flags != PAG_F_SELF || a.creator_pid != (uint32_t)gettid() ||
	    keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) != id)
		return __LINE__;
	if (pag_current(h, &b) != id || memcmp(&a, &b, sizeof(a)))
		return __LINE__;
	if (pag_create(h, NULL) <= 0 || pag_current(h, NULL) == id)
		return __LINE__;
	if (pag_leave(h))
		return __LINE__;
	if (pag_current(h, NULL) != -ENOENT ||
	    strcmp(pag_errmsg(h), "the calling thread is in no PAG"))
		return __LINE__;
	if (pag_leave(h) != -ENOENT ||
	    strcmp(pag_errmsg(h), "the calling thread is in no PAG"))
		return __LINE__;
	pag_close(h);
	return 0;
}

TEST(with_device)
{
	if (access("/dev/" PAG_DEV_NAME, F_OK))
		SKIP(return, "no /dev/pag: the loaded pag.ko predates it");
	EXPECT_EQ(0, create_current_leave(true));
}

static int create_current_leave_netlink(void)
{
	return create_current_leave(false);
}

/*
 * @fn in a child with a /dev of its own without the node, as in some
 * containers.  Returns what it returned (0 or its failing line, mod 256),
 * or 200 when the child could not be set up.
 */
static int without_dev_node(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 201;
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("dev", "/dev", "tmpfs", 0, "mode=0755"))
			_exit(200);
		_exit(fn() & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 202;
	return WEXITSTATUS(status);
}

TEST(without_device)
{
	EXPECT_EQ(0, without_dev_node(create_current_leave_netlink));
}

/* The descriptor of this process's (one) netlink socket, or -1. */
static int netlink_fd(void)
{
	struct sockaddr_nl sa;
	socklen_t len;
	int fd;

	for (fd = 3; fd < 1024; fd++) {
		len = sizeof(sa);
		if (!getsockname(fd, (struct sockaddr *)&sa, &len) &&
		    sa.nl_family == AF_NETLINK)
			return fd;
	}
	return -1;
}

/*
 * Over netlink, NEW whose answer is lost (the handle's socket has a full
 * receive buffer): pag_create() still returns the PAG the thread is in.
 * Returns 0 or the failing line.
 */
static int create_answer_lost(void)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr genl;
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = GENL_ID_CTRL,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.genl = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};
	struct pag_handle *h;
	struct pag_info a;
	int fd, i, id, small = 1;

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY) || dev_is_open())
		return __LINE__;
	fd = netlink_fd();
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)))
		return __LINE__;
	/* Unread answers (errors: no family named) until it overflows. */
	for (i = 0; i < 16; i++)
		if (send(fd, &req, sizeof(req), 0) != sizeof(req))
			return __LINE__;
	id = pag_create(h, &a);
	if (id <= 0 || a.id != id || a.creator_pid != (uint32_t)gettid() ||
	    keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) != id)
		return __LINE__;
	/* The handle works on. */
	if (pag_current(h, NULL) != id || pag_create(h, NULL) <= 0)
		return __LINE__;
	pag_close(h);
	return 0;
}

TEST(answer_lost_without_device)
{
	EXPECT_EQ(0, without_dev_node(create_answer_lost));
}

TEST_HARNESS_MAIN
