// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF program under the extended model (issue 15): a connected
 * socket's tag is the active PAG of the thread whose credentials the
 * kernel recorded (at connect, listen or socketpair, as SO_PEERCRED),
 * whatever PAG the thread was in when it made the socket, and two threads
 * of one process in two PAGs tag apart; the ptrace rule looks at the
 * traced thread's active PAG.
 */

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/pag.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"

#define TEST_UID 65534

/* The PAG a handle holds, with its creation time. */
static int ref_info(int ref, struct pag_ioc_info *info)
{
	return ioctl(ref, PAG_IOC_GET, info);
}

/* Connect a new stream socket to @addr; the socket, or -1. */
static int connect_one(const struct sockaddr_un *addr, socklen_t alen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)addr, alen)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(bpfref)
{
	int dev;
	int home;
	struct sockaddr_un addr;
	socklen_t alen;
	int srv;
};

FIXTURE_SETUP(bpfref)
{
	ASSERT_EQ(0, bpfload_load(false));
	self->dev = open("/dev/pag", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->home = ioctl(self->dev, PAG_IOC_NEW, 0);
	ASSERT_LT(0, self->home);
	self->srv = listener(SOCK_STREAM, &self->addr, &self->alen);
	ASSERT_LE(0, self->srv);
}

FIXTURE_TEARDOWN(bpfref)
{
	close(self->srv);
	close(self->dev);
	bpfload_unload(true);
}

/* A socket made in one PAG and connected in another speaks for the second. */
TEST_F(bpfref, tag_is_the_active_pag_when_recorded)
{
	struct pag_ioc_info x;
	struct pag_peer tag;
	int h, early, late;

	h = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
	ASSERT_LE(0, h);
	ASSERT_LT(0, ref_info(h, &x));
	early = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, early);
	ASSERT_EQ(0, ioctl(self->dev, PAG_IOC_SWITCH, h));
	ASSERT_EQ(0,
		  connect(early, (struct sockaddr *)&self->addr, self->alen));
	ASSERT_EQ(0, pag_sock_tag(early, &tag));
	EXPECT_EQ(x.id, tag.pag);
	EXPECT_EQ(x.created_ns, tag.created_ns);

	/* Back in the default: new tags are the default's; old ones stay. */
	ASSERT_EQ(0, ioctl(self->dev, PAG_IOC_SWITCH_DEFAULT, 0));
	late = connect_one(&self->addr, self->alen);
	ASSERT_LE(0, late);
	ASSERT_EQ(0, pag_sock_tag(late, &tag));
	EXPECT_EQ(self->home, tag.pag);
	ASSERT_EQ(0, pag_sock_tag(early, &tag));
	EXPECT_EQ(x.id, tag.pag);
	close(early);
	close(late);
	close(h);
}

struct tagger {
	int dev, ref;
	const struct sockaddr_un *addr;
	socklen_t alen;
	pthread_barrier_t *both_in;
	struct pag_peer tag;
	int err;
};

static void *tag_in_thread(void *p)
{
	struct tagger *t = p;
	int fd;

	t->err = ioctl(t->dev, PAG_IOC_SWITCH, t->ref) ? errno : 0;
	pthread_barrier_wait(t->both_in);
	if (t->err)
		return NULL;
	fd = connect_one(t->addr, t->alen);
	if (fd < 0 || pag_sock_tag(fd, &t->tag))
		t->err = -1;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Two threads of one process, in two PAGs at once, tag apart. */
TEST_F(bpfref, threads_tag_apart)
{
	struct pag_ioc_info info[2];
	pthread_barrier_t both_in;
	struct tagger t[2];
	struct pag_peer tag;
	pthread_t th[2];
	int i, fd;

	ASSERT_EQ(0, pthread_barrier_init(&both_in, NULL, 2));
	for (i = 0; i < 2; i++) {
		t[i] = (struct tagger){ .dev = self->dev,
					.addr = &self->addr,
					.alen = self->alen,
					.both_in = &both_in };
		t[i].ref = ioctl(self->dev, PAG_IOC_REF_NEW, 0);
		ASSERT_LE(0, t[i].ref);
		ASSERT_LT(0, ref_info(t[i].ref, &info[i]));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0,
			  pthread_create(&th[i], NULL, tag_in_thread, &t[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, t[i].err);
		EXPECT_EQ(info[i].id, t[i].tag.pag);
		EXPECT_EQ(info[i].created_ns, t[i].tag.created_ns);
		close(t[i].ref);
	}
	/* The main thread never left home. */
	fd = connect_one(&self->addr, self->alen);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pag_sock_tag(fd, &tag));
	EXPECT_EQ(self->home, tag.pag);
	close(fd);
}

struct parked {
	int dev, ref;
	int ready[2];
	pid_t tid;
};

static void *park_in_pag(void *p)
{
	struct parked *k = p;

	k->tid = gettid();
	if (ioctl(k->dev, PAG_IOC_SWITCH, k->ref))
		k->tid = -1;
	if (write(k->ready[1], "r", 1) != 1)
		k->tid = -1;
	for (;;)
		pause();
	return NULL;
}

/*
 * The target process (test uid) has its main thread in its home PAG and a
 * second thread switched into another; a tracer of the same uid in home
 * (its child) may seize the main thread but not the second.  Exit 0 when
 * so; else the failing step.
 */
static int ptrace_target(int dev)
{
	struct parked k = { .dev = dev };
	pthread_t th;
	int status;
	pid_t tracer, main_tid = gettid();
	char c;

	if (setresgid(TEST_UID, TEST_UID, TEST_UID) ||
	    setresuid(TEST_UID, TEST_UID, TEST_UID) ||
	    prctl(PR_SET_DUMPABLE, 1))
		return 1;
	if (ioctl(dev, PAG_IOC_NEW, 0) <= 0)
		return 2;
	k.ref = ioctl(dev, PAG_IOC_REF_NEW, 0);
	if (k.ref < 0 || pipe(k.ready))
		return 3;
	if (pthread_create(&th, NULL, park_in_pag, &k) ||
	    read(k.ready[0], &c, 1) != 1 || k.tid <= 0)
		return 4;
	tracer = fork();
	if (tracer < 0)
		return 5;
	if (tracer == 0) {
		if (ptrace(PTRACE_SEIZE, main_tid, 0, 0))
			_exit(6);
		if (!ptrace(PTRACE_SEIZE, k.tid, 0, 0) || errno != EPERM)
			_exit(7);
		/* Exiting detaches the tracer from the main thread. */
		_exit(0);
	}
	if (waitpid(tracer, &status, 0) != tracer || !WIFEXITED(status))
		return 8;
	return WEXITSTATUS(status);
}

TEST_F(bpfref, ptrace_follows_the_threads_active_pag)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(ptrace_target(self->dev));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
