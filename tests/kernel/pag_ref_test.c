// SPDX-License-Identifier: GPL-2.0
/*
 * The extended model (issue 15): PAG handles, a thread's active PAG, the
 * process default, and that a handle gives nothing outside the process
 * that made it (fork, SCM_RIGHTS, pidfd_getfd, execve).
 */

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define DEV "/dev/" PAG_DEV_NAME

/* argv[1] of this program re-executed with a handle kept across execve(). */
#define EXEC_CHILD "--exec-child"

static int dev_open(void)
{
	return open(DEV, O_RDWR | O_CLOEXEC);
}

/* The id of the PAG a handle holds, or -errno. */
static int ref_id(int ref)
{
	struct pag_ioc_info info;
	int id = ioctl(ref, PAG_IOC_GET, &info);

	return id < 0 ? -errno : id;
}

/* The calling thread's PAG and flags, or -errno. */
static int active(int dev, uint32_t *flags)
{
	struct pag_ioc_info info;
	int id = ioctl(dev, PAG_IOC_GET, &info);

	if (id < 0)
		return -errno;
	if (flags)
		*flags = info.flags;
	return id;
}

/* ioctl() as 0 or -errno. */
static int ioc(int fd, unsigned long req, long arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

FIXTURE(ref)
{
	struct pag_nl nl;
	int dev;
	int home; /* the PAG each test starts in: the process default */
};

FIXTURE_SETUP(ref)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	self->dev = dev_open();
	ASSERT_LE(0, self->dev);
	self->home = ioctl(self->dev, PAG_IOC_NEW, 0);
	ASSERT_LT(0, self->home);
}

FIXTURE_TEARDOWN(ref)
{
	close(self->dev);
	pag_nl_close(&self->nl);
}

/* A new PAG, not entered; switch into it and back in one call each. */
TEST_F(ref, new_switch_and_back)
{
	struct pag_attrs a;
	uint32_t flags;
	int h, x;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	EXPECT_EQ(FD_CLOEXEC, fcntl(h, F_GETFD));
	x = ref_id(h);
	ASSERT_LT(0, x);
	EXPECT_NE(self->home, x);
	/* Made, not entered. */
	EXPECT_EQ(self->home, session_id());
	EXPECT_EQ(self->home, active(self->dev, &flags));
	EXPECT_EQ((uint32_t)PAG_F_SELF, flags);

	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	EXPECT_EQ(x, session_id());
	EXPECT_EQ(x, active(self->dev, &flags));
	EXPECT_EQ((uint32_t)(PAG_F_SELF | PAG_F_SWITCHED), flags);
	/* The family sees the same. */
	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &a));
	EXPECT_EQ(x, a.id);
	EXPECT_EQ((uint32_t)(PAG_F_SELF | PAG_F_SWITCHED), a.flags);
	/* Switching to where one is changes nothing. */
	EXPECT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	EXPECT_EQ(x, session_id());

	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(self->home, session_id());
	EXPECT_EQ(self->home, active(self->dev, &flags));
	EXPECT_EQ((uint32_t)PAG_F_SELF, flags);
	EXPECT_EQ(0, close(h));
}

/* A handle for the PAG one is in; none when one is in no PAG. */
TEST_F(ref, current)
{
	int h;

	h = ioctl(self->dev, PAG_IOC_REF_CURRENT, 0);
	ASSERT_LE(0, h);
	EXPECT_EQ(FD_CLOEXEC, fcntl(h, F_GETFD));
	EXPECT_EQ(self->home, ref_id(h));
	close(h);

	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_LEAVE, 0));
	EXPECT_EQ(-ENOENT, ioc(self->dev, PAG_IOC_REF_CURRENT, 0));
}

/* The default: set from a handle; threads keep their active PAG. */
TEST_F(ref, set_default)
{
	uint32_t flags;
	int h, x;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ref_id(h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SET_DEFAULT, h));
	EXPECT_EQ(self->home, active(self->dev, &flags));
	EXPECT_EQ((uint32_t)(PAG_F_SELF | PAG_F_SWITCHED), flags);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(x, active(self->dev, &flags));
	EXPECT_EQ((uint32_t)PAG_F_SELF, flags);
	close(h);
}

/* No handle, no default to switch to (and no default state left over). */
TEST_F(ref, no_handle_no_default)
{
	int h;

	EXPECT_EQ(-ENOENT, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	close(h);
	/* The last handle took the default with it; the thread stays. */
	EXPECT_EQ(-ENOENT, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_NE(self->home, session_id());
}

struct thread_arg {
	int dev;
	int ref;
	int want;
	pthread_barrier_t *both_in;
	pthread_barrier_t *checked;
	int ok;	      /* 1: saw its own PAG while the other was in its */
	int child_in; /* the PAG a thread it made started in */
};

static void *in_thread(void *p)
{
	return (void *)(long)session_id();
}

static void *switcher(void *p)
{
	struct thread_arg *t = p;
	pthread_t child;
	void *ret;

	if (ioctl(t->dev, PAG_IOC_SWITCH, t->ref))
		return NULL;
	pthread_barrier_wait(t->both_in);
	t->ok = session_id() == t->want && active(t->dev, NULL) == t->want;
	if (!pthread_create(&child, NULL, in_thread, NULL) &&
	    !pthread_join(child, &ret))
		t->child_in = (int)(long)ret;
	pthread_barrier_wait(t->checked);
	return NULL;
}

/* Two threads in two PAGs at once; the main thread stays in its own. */
TEST_F(ref, threads_apart)
{
	pthread_barrier_t both_in, checked;
	struct thread_arg t[2];
	pthread_t th[2];
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&both_in, NULL, 2));
	ASSERT_EQ(0, pthread_barrier_init(&checked, NULL, 2));
	for (i = 0; i < 2; i++) {
		t[i] = (struct thread_arg){ .dev = self->dev,
					    .both_in = &both_in,
					    .checked = &checked };
		t[i].ref = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
		ASSERT_LE(0, t[i].ref);
		t[i].want = ref_id(t[i].ref);
	}
	ASSERT_NE(t[0].want, t[1].want);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, switcher, &t[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(1, t[i].ok);
		/* New threads start in their creator's active PAG. */
		EXPECT_EQ(t[i].want, t[i].child_in);
		close(t[i].ref);
	}
	EXPECT_EQ(self->home, session_id());
}

/* Stop at the event @w wants; -ETIMEDOUT if it does not come. */
static int wait_event(struct pag_nl *events, struct pag_nl_wanted *w, int ms)
{
	return pag_nl_events(events, ms, pag_nl_wanted_cb, w);
}

/*
 * A PAG lives while a handle is open or a thread has it active, and ends,
 * announced, when the last of them goes.
 */
TEST_F(ref, lifetime)
{
	struct pag_nl_wanted ended = { .cmd = PAG_CMD_ENDED_NTF };
	struct pag_nl events;
	int keep, h, x, d;

	ASSERT_EQ(0, pag_nl_open(&events));
	ASSERT_EQ(0, pag_nl_subscribe(&events));
	/* A handle of home keeps the default (and the state) alive. */
	keep = ioctl(self->dev, PAG_IOC_REF_CURRENT, 0);
	ASSERT_LE(0, keep);

	/* Handle closed while a thread has it active: not yet. */
	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ended.id = ref_id(h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	ASSERT_EQ(0, close(h));
	EXPECT_EQ(-ETIMEDOUT, wait_event(&events, &ended, 300));
	EXPECT_EQ(0, pag_nl_get(&self->nl, x, NULL));
	EXPECT_EQ(x, session_id());
	/* The thread leaves it: now. */
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(0, wait_event(&events, &ended, 5000));

	/* Never entered: it ends with its handle (and a dup of it). */
	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ended.id = ref_id(h);
	d = dup(h);
	ASSERT_LE(0, d);
	ASSERT_EQ(0, close(h));
	EXPECT_EQ(-ETIMEDOUT, wait_event(&events, &ended, 300));
	EXPECT_EQ(0, pag_nl_get(&self->nl, x, NULL));
	ASSERT_EQ(0, close(d));
	EXPECT_EQ(0, wait_event(&events, &ended, 5000));

	/* The default is the process's: it lives while the state does. */
	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ended.id = ref_id(h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SET_DEFAULT, h));
	ASSERT_EQ(0, close(h));
	EXPECT_EQ(-ETIMEDOUT, wait_event(&events, &ended, 300));
	EXPECT_EQ(0, pag_nl_get(&self->nl, x, NULL));
	ASSERT_EQ(0, close(keep));
	EXPECT_EQ(0, wait_event(&events, &ended, 5000));
	EXPECT_EQ(self->home, session_id());
	pag_nl_close(&events);
}

/*
 * A fork child gets the forking thread's active PAG as its active and
 * default PAG, and nothing from the handles it inherited.
 */
TEST_F(ref, fork_gives_one_pag)
{
	int h, x, other;
	pid_t pid;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ref_id(h);
	other = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint32_t flags = ~0u;
		int mine;

		if (session_id() != x || active(self->dev, &flags) != x ||
		    flags != PAG_F_SELF)
			_exit(1);
		if (ioc(self->dev, PAG_IOC_SWITCH, other) != -EXDEV ||
		    ioc(self->dev, PAG_IOC_SWITCH, h) != -EXDEV ||
		    ioc(self->dev, PAG_IOC_SET_DEFAULT, other) != -EXDEV ||
		    ref_id(other) != -EXDEV)
			_exit(2);
		/* Inherited handles are none of the child's. */
		if (ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0) != -ENOENT)
			_exit(3);
		/* Its own first handle: its default is x. */
		mine = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
		if (mine < 0 || ioc(self->dev, PAG_IOC_SWITCH, mine) ||
		    ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0) ||
		    session_id() != x)
			_exit(4);
		_exit(session_id() == x ? 0 : 5);
	}
	EXPECT_EQ(0, wait_child(pid));
	/* The parent's handles still work. */
	EXPECT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, other));
	close(h);
	close(other);
}

/* Pass @fd over @sock. */
static int send_fd(int sock, int fd)
{
	char c = 0, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c, buf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * A child makes a PAG and a handle, and gives the handle away: over
 * SCM_RIGHTS to us, or (@by_getfd) for us to take with pidfd_getfd().
 * Returns the handle we got, or -1; the child's pid in *@child, the PAG's
 * id in *@id, and in *@sock our end of a socket: the child holds its PAG
 * until that closes.
 */
static int foreign_ref(int dev, int by_getfd, pid_t *child, int *id, int *sock)
{
	int sv[2], h, remote, pidfd, fd = -1;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	*child = fork();
	if (*child < 0)
		return -1;
	if (*child == 0) {
		close(sv[0]);
		h = ioctl(dev, PAG_IOC_REF_NEW, 0);
		if (h < 0)
			_exit(1);
		if (by_getfd) {
			if (write(sv[1], &h, sizeof(h)) != sizeof(h))
				_exit(2);
		} else if (send_fd(sv[1], h)) {
			_exit(3);
		}
		*id = ref_id(h);
		if (write(sv[1], id, sizeof(*id)) != sizeof(*id))
			_exit(4);
		_exit(read(sv[1], &c, 1) == 0 ? 0 : 5);
	}
	close(sv[1]);
	*sock = sv[0];
	if (!by_getfd)
		fd = recv_fd(sv[0]);
	else if (read(sv[0], &remote, sizeof(remote)) == sizeof(remote)) {
		pidfd = syscall(SYS_pidfd_open, *child, 0);
		if (pidfd >= 0) {
			fd = syscall(SYS_pidfd_getfd, pidfd, remote, 0);
			close(pidfd);
		}
	}
	if (fd >= 0 && read(sv[0], id, sizeof(*id)) != sizeof(*id)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* What a handle from elsewhere gives: nothing, and nothing changes. */
static void expect_foreign(struct __test_metadata *_metadata, int dev, int h,
			   int home)
{
	EXPECT_EQ(-EXDEV, ioc(dev, PAG_IOC_SWITCH, h));
	EXPECT_EQ(-EXDEV, ioc(dev, PAG_IOC_SET_DEFAULT, h));
	EXPECT_EQ(-EXDEV, ref_id(h));
	EXPECT_EQ(home, session_id());
	/* Nor did it make us a process with a default. */
	EXPECT_EQ(-ENOENT, ioc(dev, PAG_IOC_SWITCH_DEFAULT, 0));
}

TEST_F(ref, scm_rights_gives_nothing)
{
	int h, id = 0, sock = -1;
	pid_t child;

	h = foreign_ref(self->dev, 0, &child, &id, &sock);
	ASSERT_LE(0, h);
	ASSERT_LT(0, id);
	expect_foreign(_metadata, self->dev, h, self->home);
	close(h);
	close(sock);
	EXPECT_EQ(0, wait_child(child));
}

TEST_F(ref, pidfd_getfd_gives_nothing)
{
	int h, id = 0, sock = -1;
	pid_t child;

	h = foreign_ref(self->dev, 1, &child, &id, &sock);
	ASSERT_LE(0, h);
	ASSERT_LT(0, id);
	expect_foreign(_metadata, self->dev, h, self->home);
	close(h);
	close(sock);
	EXPECT_EQ(0, wait_child(child));
}

/*
 * Re-executed with a handle kept across execve() (close-on-exec cleared):
 * it gives nothing, the process is no longer reported as its holder, and
 * the PAG the exec'ing thread had active is the new image's active and
 * default PAG.  Exit 0 if so, else the failing step.
 */
static int exec_child(int dev, int h, int want)
{
	uint32_t flags = ~0u;
	struct pag_attrs a;
	struct pag_nl nl;
	int mine;

	if (session_id() != want || active(dev, &flags) != want ||
	    flags != PAG_F_SELF)
		return 1;
	if (ioc(dev, PAG_IOC_SWITCH, h) != -EXDEV ||
	    ioc(dev, PAG_IOC_SET_DEFAULT, h) != -EXDEV || ref_id(h) != -EXDEV)
		return 2;
	if (ioc(dev, PAG_IOC_SWITCH_DEFAULT, 0) != -ENOENT)
		return 3;
	/* Still holding the handle, the new image is no holder. */
	if (pag_nl_open(&nl) || pag_nl_get(&nl, want, &a) < 0 ||
	    !PAG_HAS(&a, PAG_A_PAG_HOLDERS) || a.holders || a.n_holder_pids)
		return 5;
	pag_nl_close(&nl);
	mine = ioctl(dev, PAG_IOC_REF_NEW, 0);
	if (mine < 0 || ioc(dev, PAG_IOC_SWITCH, mine) ||
	    ioc(dev, PAG_IOC_SWITCH_DEFAULT, 0) || session_id() != want)
		return 4;
	return 0;
}

TEST_F(ref, exec_gives_nothing)
{
	char devs[16], hs[16], wants[16];
	pid_t pid;

	/* The process that makes the handle is the one that execs. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int mine = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
		int want = ref_id(mine);

		if (mine < 0 || ioc(self->dev, PAG_IOC_SWITCH, mine))
			_exit(11);
		if (fcntl(mine, F_SETFD, 0) || fcntl(self->dev, F_SETFD, 0))
			_exit(12);
		snprintf(devs, sizeof(devs), "%d", self->dev);
		snprintf(hs, sizeof(hs), "%d", mine);
		snprintf(wants, sizeof(wants), "%d", want);
		execl("/proc/self/exe", "pag_ref_test", EXEC_CHILD, devs, hs,
		      wants, (char *)NULL);
		_exit(13);
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(self->home, session_id());
}

/* Tokens added while a PAG is active land in it, and only in it. */
TEST_F(ref, tokens_land_in_active)
{
	struct pag_attrs a;
	key_serial_t k;
	int h, x;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ref_id(h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	k = add_key("user", "issue15", "secret", 6, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, k);
	EXPECT_EQ(k, keyctl_search(x, "user", "issue15", 0));
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(-1, keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "issue15",
				    0));
	EXPECT_EQ(ENOKEY, errno);
	/* The family counts it in x, not in home. */
	ASSERT_EQ(0, pag_nl_get(&self->nl, x, &a));
	EXPECT_EQ(1u, a.token_count);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->home, &a));
	EXPECT_EQ(0u, a.token_count);
	/* Back in x, it is there again. */
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	EXPECT_EQ(k, keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "issue15",
				   0));
	close(h);
}

/* Bad handles: each rejected with its own errno, nothing changed. */
TEST_F(ref, bad_handles)
{
	int h, p[2], closed;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	/* Not an open fd. */
	closed = dup(h);
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(-EBADF, ioc(self->dev, PAG_IOC_SWITCH, closed));
	EXPECT_EQ(-EBADF, ioc(self->dev, PAG_IOC_SET_DEFAULT, closed));
	EXPECT_EQ(-EBADF, ioc(self->dev, PAG_IOC_SWITCH, -1));
	EXPECT_EQ(-EBADF, ioc(self->dev, PAG_IOC_SWITCH, 1L << 40));
	/* Open, but no handle: /dev/pag itself, a pipe. */
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_SWITCH, self->dev));
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_SWITCH, p[0]));
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_SET_DEFAULT, p[1]));
	close(p[0]);
	close(p[1]);
	/* Arguments where none is taken. */
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_REF_NEW, 1));
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_REF_CURRENT, 1));
	EXPECT_EQ(-EINVAL, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 1));
	/* A handle is no /dev/pag: only GET. */
	EXPECT_EQ(-ENOTTY, ioc(h, PAG_IOC_NEW, 0));
	EXPECT_EQ(-ENOTTY, ioc(h, PAG_IOC_SWITCH, h));
	EXPECT_EQ(-EFAULT, ioc(h, PAG_IOC_GET, 0));
	EXPECT_EQ(self->home, session_id());
	EXPECT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(self->home, session_id());
	close(h);
}

/*
 * A PAG a member revoked is ended for every purpose but its memory: its
 * handles refuse with EKEYREVOKED, as the default does.
 */
TEST_F(ref, revoked_pag)
{
	int h, keep, x;

	keep = ioctl(self->dev, PAG_IOC_REF_CURRENT, 0);
	ASSERT_LE(0, keep);
	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	x = ref_id(h);
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, h));
	ASSERT_EQ(0, keyctl_revoke(x));
	ASSERT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(self->home, session_id());
	EXPECT_EQ(-EKEYREVOKED, ioc(self->dev, PAG_IOC_SWITCH, h));
	EXPECT_EQ(-EKEYREVOKED, ioc(self->dev, PAG_IOC_SET_DEFAULT, h));
	EXPECT_EQ(-EKEYREVOKED, ref_id(h));
	EXPECT_EQ(self->home, session_id());
	close(h);
	close(keep);
}

/* At most PAG_REFS_MAX handles per process; closing them frees the state. */
TEST_F(ref, handle_cap)
{
	struct rlimit rl = { PAG_REFS_MAX + 64, PAG_REFS_MAX + 64 };
	int *refs, i, first, d;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	refs = calloc(PAG_REFS_MAX, sizeof(*refs));
	ASSERT_NE(NULL, refs);
	for (i = 0; i < PAG_REFS_MAX; i++) {
		refs[i] = ioctl(self->dev, PAG_IOC_REF_CURRENT, 0);
		if (refs[i] < 0)
			break;
	}
	EXPECT_EQ(PAG_REFS_MAX, i);
	EXPECT_EQ(-EMFILE, ioc(self->dev, PAG_IOC_REF_CURRENT, 0));
	EXPECT_EQ(-EMFILE, ioc(self->dev, PAG_IOC_REF_NEW, 0));
	/* A dup is the same handle: it counts nothing. */
	d = dup(refs[0]);
	EXPECT_LE(0, d);
	EXPECT_EQ(0, ioc(self->dev, PAG_IOC_SWITCH, d));
	close(d);
	first = refs[0];
	close(first);
	refs[0] = ioctl(self->dev, PAG_IOC_REF_CURRENT, 0);
	EXPECT_LE(0, refs[0]);
	for (i = 0; i < PAG_REFS_MAX; i++)
		if (refs[i] >= 0)
			close(refs[i]);
	free(refs);
	EXPECT_EQ(-ENOENT, ioc(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	EXPECT_EQ(self->home, session_id());
}

/*
 * What a holding child reports: the PAG it holds handles to without being
 * in it, and its grandchild, a classic member that keeps the PAG alive.
 */
struct holding {
	int32_t pag;
	pid_t keeper;
};

/* Steps of the holding child, each one byte on its command pipe. */
#define HOLD_CLOSE_FIRST  'a'
#define HOLD_CLOSE_SECOND 'b'

/*
 * The holding child: two handles to a new PAG x, none of its threads in x,
 * x kept alive by a forked grandchild; closes the handles one by one as
 * told on @cmd, acking each on @ack.  Returns its exit code.
 */
static int holding_child(int dev, int cmd, int ack)
{
	struct holding h = { 0 };
	int first, second, sync[2];
	char c;

	first = ioctl(dev, PAG_IOC_REF_NEW, 0);
	if (first < 0 || ioc(dev, PAG_IOC_SWITCH, first))
		return 1;
	second = ioctl(dev, PAG_IOC_REF_CURRENT, 0);
	h.pag = session_id();
	if (second < 0 || pipe(sync))
		return 2;
	h.keeper = fork();
	if (h.keeper < 0)
		return 2;
	if (h.keeper == 0) {
		/* A classic member only: the copies of the handles go. */
		close(first);
		close(second);
		close(cmd);
		close(ack);
		close(sync[0]);
		close(sync[1]);
		pause();
		_exit(0);
	}
	/* Wait until the keeper has closed its copies (EOF on @sync). */
	close(sync[1]);
	if (read(sync[0], &c, 1) != 0)
		return 2;
	close(sync[0]);
	if (ioc(dev, PAG_IOC_SWITCH_DEFAULT, 0) || session_id() == h.pag)
		return 3;
	if (write(ack, &h, sizeof(h)) != sizeof(h))
		return 4;
	while (read(cmd, &c, 1) == 1) {
		if (c == HOLD_CLOSE_FIRST)
			close(first);
		else if (c == HOLD_CLOSE_SECOND)
			close(second);
		if (write(ack, &c, 1) != 1)
			return 5;
	}
	return 0;
}

/* The holders the family reports for PAG @id, or -errno. */
static int holders_of(struct pag_nl *nl, int32_t id, struct pag_attrs *a)
{
	int err = pag_nl_get(nl, id, a);

	if (err < 0)
		return err;
	return PAG_HAS(a, PAG_A_PAG_HOLDERS) ? (int)a->holders : -ENODATA;
}

/* Tell the holding child to take step @c and wait for it. */
static int hold_step(int cmd, int ack, char c)
{
	char got = 0;

	if (write(cmd, &c, 1) != 1 || read(ack, &got, 1) != 1)
		return -1;
	return got == c ? 0 : -1;
}

/*
 * A process holding a handle is a member: GET and the dump name it (once,
 * however many handles it holds), though none of its threads is in the
 * PAG; once its last handle closes, or it exits, it is named no more while
 * the PAG lives on.  Classic members (threads in the PAG) are not holders.
 */
TEST_F(ref, holders_listed)
{
	int cmd[2], ack[2];
	struct holding h;
	struct pag_attrs a;
	pid_t child;

	/* The test process: in home, no handle. */
	EXPECT_EQ(0, holders_of(&self->nl, self->home, &a));
	EXPECT_EQ(0u, a.n_holder_pids);

	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ack, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(cmd[1]);
		close(ack[0]);
		_exit(holding_child(self->dev, cmd[0], ack[1]));
	}
	close(cmd[0]);
	close(ack[1]);
	ASSERT_EQ((ssize_t)sizeof(h), read(ack[0], &h, sizeof(h)));

	/* Two handles, one holder, named by pid. */
	EXPECT_EQ(1, holders_of(&self->nl, h.pag, &a));
	ASSERT_EQ(1u, a.n_holder_pids);
	EXPECT_EQ((uint32_t)child, a.holder_pids[0]);
	/* The holder is not in home either: home has none. */
	EXPECT_EQ(0, holders_of(&self->nl, self->home, &a));

	/* One handle closed: still a holder. */
	ASSERT_EQ(0, hold_step(cmd[1], ack[0], HOLD_CLOSE_FIRST));
	EXPECT_EQ(1, holders_of(&self->nl, h.pag, &a));
	EXPECT_EQ((uint32_t)child, a.holder_pids[0]);
	/* The last closed: no holder, the PAG lives on in the keeper. */
	ASSERT_EQ(0, hold_step(cmd[1], ack[0], HOLD_CLOSE_SECOND));
	EXPECT_EQ(0, holders_of(&self->nl, h.pag, &a));
	EXPECT_EQ(0u, a.n_holder_pids);

	close(cmd[1]);
	EXPECT_EQ(0, wait_child(child));
	close(ack[0]);
	kill(h.keeper, SIGKILL);
}

/*
 * A holder that exits is no member: its handles close with it, and so do
 * the handles of a process that exits holding them while a classic member
 * keeps the PAG alive.
 */
TEST_F(ref, holder_exits)
{
	int cmd[2], ack[2];
	struct holding h;
	struct pag_attrs a;
	pid_t child;

	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ack, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(cmd[1]);
		close(ack[0]);
		_exit(holding_child(self->dev, cmd[0], ack[1]));
	}
	close(cmd[0]);
	close(ack[1]);
	ASSERT_EQ((ssize_t)sizeof(h), read(ack[0], &h, sizeof(h)));
	EXPECT_EQ(1, holders_of(&self->nl, h.pag, &a));
	EXPECT_EQ((uint32_t)child, a.holder_pids[0]);

	/* It exits with both handles open. */
	close(cmd[1]);
	EXPECT_EQ(0, wait_child(child));
	EXPECT_EQ(0, holders_of(&self->nl, h.pag, &a));
	EXPECT_EQ(0u, a.n_holder_pids);
	close(ack[0]);
	kill(h.keeper, SIGKILL);
}

/* The dump reports holders as GET does. */
static int dump_find(const struct pag_attrs *a, void *data)
{
	struct pag_attrs *want = data;

	if (a->id == want->id)
		*want = *a;
	return MNL_CB_OK;
}

TEST_F(ref, holders_in_dump)
{
	struct pag_attrs want = { 0 };
	int h;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	want.id = ref_id(h);
	ASSERT_LT(0, pag_nl_dump(&self->nl, dump_find, &want));
	ASSERT_EQ(1u, PAG_HAS(&want, PAG_A_PAG_HOLDERS));
	EXPECT_EQ(1u, want.holders);
	ASSERT_EQ(1u, want.n_holder_pids);
	EXPECT_EQ((uint32_t)getpid(), want.holder_pids[0]);
	close(h);
}

/*
 * REF_NEW charges the new PAG's keyring to the caller's key quota: an
 * unprivileged user past it gets EDQUOT, and nothing is left behind (no
 * descriptor, no process state, no PAG); a handle for its own PAG, which
 * needs no key, still works.
 */
#define QUOTA_UID 2010

static int quota_child(int dev)
{
	char name[32];
	unsigned int n = 0;
	int before, after, own;

	if (setresgid(QUOTA_UID, QUOTA_UID, QUOTA_UID) ||
	    setresuid(QUOTA_UID, QUOTA_UID, QUOTA_UID))
		return 1;
	if (ioctl(dev, PAG_IOC_NEW, 0) < 0)
		return 2;
	for (;;) {
		snprintf(name, sizeof(name), "q%u", n++);
		if (add_key("user", name, "x", 1, KEY_SPEC_SESSION_KEYRING) < 0)
			break;
	}
	if (errno != EDQUOT)
		return 3;
	before = dup(dev);
	close(before);
	if (ioc(dev, PAG_IOC_REF_NEW, 0) != -EDQUOT)
		return 4;
	after = dup(dev);
	close(after);
	if (after != before)
		return 5;
	/* No state was made: no default to go back to. */
	if (ioc(dev, PAG_IOC_SWITCH_DEFAULT, 0) != -ENOENT)
		return 6;
	own = ioctl(dev, PAG_IOC_REF_CURRENT, 0);
	if (own < 0 || ref_id(own) != session_id())
		return 7;
	return 0;
}

TEST_F(ref, ref_new_over_quota)
{
	pid_t child = fork();

	ASSERT_LE(0, child);
	if (child == 0)
		_exit(quota_child(self->dev));
	EXPECT_EQ(0, wait_child(child));
}

static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], EXEC_CHILD))
		return exec_child(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	return test_harness_run(argc, argv);
}
