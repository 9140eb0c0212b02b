// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pag: PAG_IOC_NEW, PAG_IOC_GET and PAG_IOC_LEAVE do what the family's
 * NEW, GET and LEAVE do, for anybody, and nothing else.
 */

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define DEV "/dev/" PAG_DEV_NAME

FIXTURE(dev)
{
	struct pag_nl nl;
	int fd;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
	pag_nl_close(&self->nl);
}

/* A character device anybody may open. */
TEST_F(dev, node)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666u, st.st_mode & 07777);
}

/* A real PAG: the session keyring, in the registry, the family agrees. */
TEST_F(dev, new_is_a_pag)
{
	struct pag_attrs a;
	char *desc = NULL;
	int id;

	id = ioctl(self->fd, PAG_IOC_NEW, 0);
	ASSERT_GT(id, 0);
	EXPECT_EQ(id, session_id());
	ASSERT_LT(0, keyctl_describe_alloc(KEY_SPEC_SESSION_KEYRING, &desc));
	EXPECT_NE(NULL, strstr(desc, ";" PAG_KEYRING_PREFIX));
	free(desc);

	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &a));
	EXPECT_EQ(id, a.id);
	EXPECT_EQ((uint32_t)PAG_F_SELF, a.flags);
	/* Root may look it up by id: it is in the registry. */
	ASSERT_EQ(0, pag_nl_get(&self->nl, id, &a));
	EXPECT_EQ(id, a.id);

	/* A second NEW leaves the first PAG for a new one. */
	EXPECT_LT(0, ioctl(self->fd, PAG_IOC_NEW, 0));
	EXPECT_NE(id, session_id());
}

/* GET reports what the family's GET reports. */
TEST_F(dev, get_matches_family)
{
	struct pag_ioc_info info;
	struct pag_attrs a;
	char comm[16] = "";
	int id;

	id = ioctl(self->fd, PAG_IOC_NEW, 0);
	ASSERT_GT(id, 0);
	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(id, ioctl(self->fd, PAG_IOC_GET, &info));
	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &a));
	EXPECT_EQ(a.id, info.id);
	EXPECT_EQ(a.owner_uid, info.owner_uid);
	EXPECT_EQ((uint32_t)gettid(), info.creator_pid);
	EXPECT_EQ(a.creator_pid, info.creator_pid);
	EXPECT_EQ(a.created_ns, info.created_ns);
	EXPECT_EQ(a.flags, info.flags);
	EXPECT_EQ(a.token_count, info.token_count);
	EXPECT_EQ(0u, info.reserved);
	ASSERT_EQ(0, prctl(PR_GET_NAME, comm));
	EXPECT_STREQ(comm, info.creator_comm);
}

/* Stop at the creation event of the PAG whose id is in *@data. */
static int created_cb(const struct pag_attrs *a, void *data)
{
	struct pag_attrs *want = data;

	if (a->cmd != PAG_CMD_CREATED_NTF || a->id != want->id)
		return MNL_CB_OK;
	*want = *a;
	return MNL_CB_STOP;
}

/* The creation is announced like the family's. */
TEST_F(dev, new_emits_created_event)
{
	struct pag_nl events;
	struct pag_attrs got = { 0 };

	ASSERT_EQ(0, pag_nl_open(&events));
	ASSERT_EQ(0, pag_nl_subscribe(&events));
	got.id = ioctl(self->fd, PAG_IOC_NEW, 0);
	ASSERT_GT(got.id, 0);
	ASSERT_EQ(0, pag_nl_events(&events, 5000, created_cb, &got));
	EXPECT_EQ(PAG_CMD_CREATED_NTF, got.cmd);
	EXPECT_EQ((uint32_t)gettid(), got.creator_pid);
	pag_nl_close(&events);
}

/* Children inherit it; leaving takes only the caller out. */
TEST_F(dev, inherit_and_leave)
{
	struct pag_ioc_info info;
	pid_t pid;
	int id;

	id = ioctl(self->fd, PAG_IOC_NEW, 0);
	ASSERT_GT(id, 0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(session_id() == id &&
				      ioctl(self->fd, PAG_IOC_GET, &info) == id
			      ? 0
			      : 1);
	EXPECT_EQ(0, wait_child(pid));

	EXPECT_EQ(0, ioctl(self->fd, PAG_IOC_LEAVE, 0));
	EXPECT_NE(id, session_id());
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_GET, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_LEAVE, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(dev, bad_requests)
{
	struct pag_ioc_info info;
	void *ro;
	int id;

	/* Unknown numbers, of this magic or another. */
	EXPECT_EQ(-1, ioctl(self->fd, _IO(PAG_IOC_MAGIC, 0), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(PAG_IOC_MAGIC, 9), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOW(PAG_IOC_MAGIC, 1, int), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(PAG_IOC_MAGIC, 2, int), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO('T', 1), 0));
	EXPECT_EQ(ENOTTY, errno);

	/* NEW and LEAVE take no argument; nothing changes. */
	id = ioctl(self->fd, PAG_IOC_NEW, 0);
	ASSERT_GT(id, 0);
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_NEW, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_LEAVE, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(id, session_id());

	/* GET into memory that cannot be written. */
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_GET, NULL));
	EXPECT_EQ(EFAULT, errno);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, ioctl(self->fd, PAG_IOC_GET, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

/*
 * An unprivileged user creates, reads and leaves its own PAG, also through
 * a file that root opened: the ioctls act on the caller's credentials.
 * Returns 0 or the failing line.
 */
static int unprivileged(int rootfd, uid_t uid)
{
	struct pag_ioc_info info;
	int fd, id;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return __LINE__;
	fd = open(DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return __LINE__;
	id = ioctl(fd, PAG_IOC_NEW, 0);
	if (id <= 0 || session_id() != id)
		return __LINE__;
	if (ioctl(fd, PAG_IOC_GET, &info) != id || info.owner_uid != uid)
		return __LINE__;
	if (ioctl(fd, PAG_IOC_LEAVE, 0))
		return __LINE__;
	id = ioctl(rootfd, PAG_IOC_NEW, 0);
	if (id <= 0 || ioctl(rootfd, PAG_IOC_GET, &info) != id ||
	    info.owner_uid != uid)
		return __LINE__;
	close(fd);
	return 0;
}

TEST_F(dev, unprivileged_user)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged(self->fd, 1000) & 0xff);
	EXPECT_EQ(0, wait_child(pid));
}

TEST_HARNESS_MAIN
