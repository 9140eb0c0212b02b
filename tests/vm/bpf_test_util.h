/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the BPF LSM tests: "PAGs" made of session keyrings, abstract
 * unix listeners, fd passing.
 *
 * Userspace cannot make the ".pag." keyrings of pag.ko (names starting with
 * '.' are refused), so these tests load the program with the test prefix
 * "tpag." and make a "PAG" by joining a fresh session keyring of that name:
 * the program treats it exactly as it treats a keyring of pag.ko.  Only
 * the registry check of pag_peer_pag() needs pag.ko.
 *
 * Such a keyring has no marker, so its tags carry no creation time and no
 * fence admits them: fence tests load the program for ".pag." and make
 * real PAGs with pag.ko (new_pag(), leave_real_pag()).
 */
#ifndef BPF_TEST_UTIL_H
#define BPF_TEST_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>

#include "pag/pag.h"
#include "pag/peer.h"

#define TEST_PAG_PREFIX "tpag."

/* A fresh "PAG": a new session keyring named TEST_PAG_PREFIX<pid>.<n>. */
static inline int32_t enter_pag(void)
{
	static int n;
	char name[64];

	snprintf(name, sizeof(name), TEST_PAG_PREFIX "%d.%d", getpid(), n++);
	return keyctl_join_session_keyring(name);
}

/* A fresh anonymous session keyring: in no PAG. */
static inline int leave_pag(void)
{
	return keyctl_join_session_keyring(NULL) > 0 ? 0 : -1;
}

/* This process's handle of pag.ko; a forked child opens its own. */
static inline struct pag_handle *test_pag_handle(void)
{
	static struct pag_handle *h;
	static pid_t owner;

	if (h && owner != getpid())
		h = NULL;
	if (!h && !pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		owner = getpid();
	return h;
}

/* A new PAG of pag.ko for the calling thread; its incarnation in @inc. */
static inline int32_t new_pag(struct pag_incarnation *inc)
{
	struct pag_handle *h = test_pag_handle();
	struct pag_info info = { 0 };

	if (!h || pag_create(h, &info) < 0)
		return -1;
	if (inc) {
		inc->pag = info.id;
		inc->created_ns = info.created_ns;
	}
	return info.id;
}

/* Out of whatever PAG of pag.ko the thread is in (if any). */
static inline int leave_real_pag(void)
{
	struct pag_handle *h = test_pag_handle();
	int err = h ? pag_leave(h) : -ENOENT;

	return !err || err == -ENOENT ? 0 : -1;
}

static inline uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline socklen_t abstract_addr(struct sockaddr_un *addr,
				      const char *name)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		 "pag-test-%d-%s", getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(addr->sun_path + 1);
}

static inline int listener(int type, struct sockaddr_un *addr, socklen_t *alen)
{
	int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*alen = abstract_addr(addr, "srv");
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, *alen))
		return -1;
	if (type != SOCK_DGRAM && listen(fd, 8))
		return -1;
	return fd;
}

/* connect() a new socket of @type to @addr; the errno, or 0. */
static inline int try_connect(int type, const struct sockaddr_un *addr,
			      socklen_t alen)
{
	int fd = socket(AF_UNIX, type, 0), err = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)addr, alen))
		err = errno;
	close(fd);
	return err;
}

/* One byte and room for one descriptor: what send_fd() and recv_fd() pass. */
struct fd_msg {
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov;
	struct msghdr msg;
};

static inline struct msghdr *fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->byte = 'x';
	m->iov.iov_base = &m->byte;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->cbuf;
	m->msg.msg_controllen = sizeof(m->cbuf);
	return &m->msg;
}

static inline int send_fd(int via, int fd)
{
	struct fd_msg m;
	struct msghdr *msg = fd_msg_init(&m);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(via, msg, 0) == 1 ? 0 : -1;
}

static inline int recv_fd(int via)
{
	struct fd_msg m;
	struct msghdr *msg = fd_msg_init(&m);
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(via, msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

#endif /* BPF_TEST_UTIL_H */
