// SPDX-License-Identifier: GPL-2.0
/*
 * Fenced listeners: a unix socket marked as serving only some PAGs refuses
 * everyone else with EACCES before the server sees them.  See
 * bpf_test_util.h for what a PAG is here.
 */

#include <fcntl.h>
#include <sys/wait.h>

#include <linux/pag_bpf.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"
#include "pag/peer.h"

/* Run @type connect (or a datagram send) in a fresh PAG or none. */
static int connect_from(int in_pag, int type, const struct sockaddr_un *addr,
			socklen_t alen, int32_t *pag)
{
	int pipefd[2], status, err;
	pid_t child;

	if (pipe(pipefd))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		int32_t mine = in_pag ? enter_pag() : 0;
		int fd;

		if (write(pipefd[1], &mine, sizeof(mine)) != sizeof(mine))
			_exit(255);
		if (type != SOCK_DGRAM)
			_exit(try_connect(type, addr, alen));
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (sendto(fd, "x", 1, 0, (const struct sockaddr *)addr,
			   alen) != 1)
			_exit(errno);
		_exit(0);
	}
	err = read(pipefd[0], pag, sizeof(*pag)) == sizeof(*pag) ? 0 : -1;
	close(pipefd[0]);
	close(pipefd[1]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || err)
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(fence)
{
	struct sockaddr_un addr;
	socklen_t alen;
	int srv;
	int32_t allowed;
};

FIXTURE_VARIANT(fence)
{
	int type;
};

FIXTURE_VARIANT_ADD(fence, stream){
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(fence, seqpacket){
	.type = SOCK_SEQPACKET,
};

FIXTURE_VARIANT_ADD(fence, dgram){
	.type = SOCK_DGRAM,
};

/*
 * The allowed PAG is made by a child that stays in it and keeps it alive
 * only as long as needed: a PAG id is what the fence stores.
 */
FIXTURE_SETUP(fence)
{
	ASSERT_EQ(0, pag_bpf_load_prefix(false, TEST_PAG_PREFIX));
	ASSERT_EQ(0, leave_pag());
	self->srv = listener(variant->type, &self->addr, &self->alen);
	ASSERT_LE(0, self->srv);
	self->allowed = enter_pag();
	ASSERT_GT(self->allowed, 0);
	ASSERT_EQ(0, leave_pag());
	ASSERT_EQ(0, pag_fence_set(self->srv, &self->allowed, 1, 0));
}

FIXTURE_TEARDOWN(fence)
{
	close(self->srv);
	pag_bpf_unload(true);
}

/* Nothing reached the server: no connection queued, no datagram. */
static int server_saw_nothing(int srv, int type)
{
	char byte;

	if (type == SOCK_DGRAM)
		return recv(srv, &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
	return accept(srv, NULL, NULL) < 0 && errno == EAGAIN;
}

TEST_F(fence, refuses_another_pag)
{
	int32_t pag;

	EXPECT_EQ(EACCES, connect_from(1, variant->type, &self->addr,
				       self->alen, &pag));
	EXPECT_NE(self->allowed, pag);
	EXPECT_TRUE(server_saw_nothing(self->srv, variant->type));
}

TEST_F(fence, refuses_no_pag)
{
	int32_t pag;

	EXPECT_EQ(EACCES, connect_from(0, variant->type, &self->addr,
				       self->alen, &pag));
	EXPECT_TRUE(server_saw_nothing(self->srv, variant->type));
}

TEST_F(fence, admits_no_pag_when_asked)
{
	int32_t pag;

	ASSERT_EQ(0, pag_fence_set(self->srv, &self->allowed, 1, 1));
	EXPECT_EQ(0, connect_from(0, variant->type, &self->addr, self->alen,
				  &pag));
	EXPECT_EQ(EACCES, connect_from(1, variant->type, &self->addr,
				       self->alen, &pag));
}

/* Rejoining the allowed PAG is impossible, so fence the socket's own. */
TEST_F(fence, admits_the_allowed_pag)
{
	struct pag_peer tag;
	int32_t pag;
	int fd, acc;

	pag = enter_pag();
	ASSERT_GT(pag, 0);
	fd = socket(AF_UNIX, variant->type, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, leave_pag());
	ASSERT_EQ(0, pag_fence_set(self->srv, &pag, 1, 0));
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&self->addr, self->alen));
	if (variant->type != SOCK_DGRAM) {
		acc = accept(self->srv, NULL, NULL);
		ASSERT_LE(0, acc);
		ASSERT_EQ(0, pag_peer_tag(acc, &tag));
		EXPECT_EQ(pag, tag.pag);
		close(acc);
	} else {
		EXPECT_EQ(1, send(fd, "x", 1, 0));
	}
	close(fd);
}

/*
 * A socket made in another PAG and passed to a process of the allowed PAG
 * is still refused: the tag is the socket's, not the sender's.
 */
TEST_F(fence, refuses_a_socket_passed_in)
{
	int32_t inside, outside;
	int sv[2], fd;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	outside = enter_pag();
	fd = socket(AF_UNIX, variant->type, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	close(fd);

	inside = enter_pag();
	ASSERT_GT(inside, 0);
	ASSERT_NE(inside, outside);
	ASSERT_EQ(0, pag_fence_set(self->srv, &inside, 1, 0));
	fd = recv_fd(sv[1]);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&self->addr, self->alen));
	EXPECT_EQ(EACCES, errno);
	close(fd);

	/* The same process's own socket is admitted. */
	EXPECT_EQ(0, try_connect(variant->type, &self->addr, self->alen));
	close(sv[0]);
	close(sv[1]);
}

TEST_F(fence, clear_admits_everyone)
{
	int32_t pag;

	ASSERT_EQ(0, pag_fence_clear(self->srv));
	EXPECT_EQ(0, connect_from(1, variant->type, &self->addr, self->alen,
				  &pag));
	EXPECT_EQ(0, pag_fence_clear(self->srv));
}

FIXTURE(fence_api)
{
	int fd;
};

FIXTURE_SETUP(fence_api)
{
	ASSERT_EQ(0, pag_bpf_load_prefix(false, TEST_PAG_PREFIX));
	self->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(fence_api)
{
	close(self->fd);
	pag_bpf_unload(true);
}

TEST_F(fence_api, stores_a_sorted_set)
{
	int32_t in[] = { 30, 10, 20, 10 }, out[8];
	size_t n;
	int no_pag;

	ASSERT_EQ(0, pag_fence_set(self->fd, in, 4, 1));
	ASSERT_EQ(0, pag_fence_get(self->fd, out, 8, &n, &no_pag));
	ASSERT_EQ(3U, n);
	EXPECT_EQ(10, out[0]);
	EXPECT_EQ(20, out[1]);
	EXPECT_EQ(30, out[2]);
	EXPECT_EQ(1, no_pag);
}

TEST_F(fence_api, finds_any_entry_of_a_full_fence)
{
	static int32_t pags[PAG_FENCE_MAX];
	struct sockaddr_un addr;
	socklen_t alen;
	int32_t pag;
	int srv, fd, i;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	pag = enter_pag();
	ASSERT_GT(pag, 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	/* Serials are positive; spread the fence on both sides of pag. */
	for (i = 0; i < PAG_FENCE_MAX; i++)
		pags[i] = i < PAG_FENCE_MAX / 3 ? i + 1 : 0x7fff0000 + i;
	pags[PAG_FENCE_MAX / 3] = pag;
	ASSERT_EQ(0, pag_fence_set(srv, pags, PAG_FENCE_MAX, 0));
	EXPECT_EQ(0, connect(fd, (struct sockaddr *)&addr, alen));
	close(fd);

	pags[PAG_FENCE_MAX / 3] = 0x7ffe0000;
	ASSERT_EQ(0, pag_fence_set(srv, pags, PAG_FENCE_MAX, 0));
	EXPECT_EQ(EACCES, try_connect(SOCK_STREAM, &addr, alen));
	close(srv);
}

TEST_F(fence_api, rejects_bad_input)
{
	int32_t bad[] = { 5, 0 }, neg = -3;
	static int32_t many[PAG_FENCE_MAX + 1];
	int32_t out[1];
	size_t n;
	int fd, no_pag;

	EXPECT_EQ(-EINVAL, pag_fence_set(self->fd, bad, 2, 0));
	EXPECT_EQ(-EINVAL, pag_fence_set(self->fd, &neg, 1, 0));
	EXPECT_EQ(-E2BIG, pag_fence_set(self->fd, many, PAG_FENCE_MAX + 1, 0));
	/* Nothing was stored by the refused calls. */
	EXPECT_EQ(-ENODATA, pag_fence_get(self->fd, out, 1, &n, &no_pag));

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAFNOSUPPORT, pag_fence_set(fd, bad, 1, 0));
	close(fd);
	fd = open("/", O_RDONLY);
	EXPECT_EQ(-ENOTSOCK, pag_fence_set(fd, bad, 1, 0));
	close(fd);
}

/*
 * An ended PAG's id leaves every fence and nothing else does: fences that
 * held it are searched correctly afterwards (the id is overwritten by a
 * neighbour in place), a fence of it alone admits no PAG.
 */
TEST_F(fence_api, forget_removes_an_id_everywhere)
{
	int32_t three[] = { 10, 20, 30 }, out[8], pag;
	struct sockaddr_un addr;
	int32_t forty = 40;
	int alone, other, srv, no_pag;
	socklen_t alen;
	size_t n;

	alone = socket(AF_UNIX, SOCK_STREAM, 0);
	other = socket(AF_UNIX, SOCK_STREAM, 0);
	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, alone);
	ASSERT_LE(0, other);
	ASSERT_LE(0, srv);
	pag = enter_pag();
	ASSERT_GT(pag, 0);
	three[1] = pag;
	ASSERT_EQ(0, pag_fence_set(self->fd, three, 3, 0));
	ASSERT_EQ(0, pag_fence_set(alone, &pag, 1, 1));
	ASSERT_EQ(0, pag_fence_set(other, &forty, 1, 0));
	ASSERT_EQ(0, pag_fence_set(srv, &pag, 1, 0));
	EXPECT_EQ(0, try_connect(SOCK_STREAM, &addr, alen));

	EXPECT_EQ(3, pag_fence_forget(pag));
	ASSERT_EQ(0, pag_fence_get(self->fd, out, 8, &n, &no_pag));
	ASSERT_EQ(2U, n);
	EXPECT_EQ(10, out[0]);
	EXPECT_EQ(30, out[1]);
	ASSERT_EQ(0, pag_fence_get(alone, out, 8, &n, &no_pag));
	EXPECT_EQ(0U, n);
	EXPECT_EQ(1, no_pag);
	ASSERT_EQ(0, pag_fence_get(other, out, 8, &n, &no_pag));
	ASSERT_EQ(1U, n);
	EXPECT_EQ(40, out[0]);
	/* The listener now refuses the PAG it served. */
	EXPECT_EQ(EACCES, try_connect(SOCK_STREAM, &addr, alen));

	/* The neighbour that took pag's place goes whole: 10 stood twice. */
	EXPECT_EQ(1, pag_fence_forget(10));
	ASSERT_EQ(0, pag_fence_get(self->fd, out, 8, &n, &no_pag));
	ASSERT_EQ(1U, n);
	EXPECT_EQ(30, out[0]);

	/* Twice is harmless; bad ids are refused. */
	EXPECT_EQ(0, pag_fence_forget(pag));
	EXPECT_EQ(-EINVAL, pag_fence_forget(0));
	EXPECT_EQ(-EINVAL, pag_fence_forget(-1));
	close(alone);
	close(other);
	close(srv);
}

/* The ids of every fence, once each and in order, for pagd's start-up. */
TEST_F(fence_api, pags_lists_every_fenced_id)
{
	int32_t a[] = { 30, 10 }, b[] = { 20, 30 }, *ids = NULL;
	int other = socket(AF_UNIX, SOCK_STREAM, 0);
	size_t n = 99;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, pag_fence_pags(&ids, &n));
	EXPECT_EQ(0U, n);
	free(ids);
	ASSERT_EQ(0, pag_fence_set(self->fd, a, 2, 0));
	ASSERT_EQ(0, pag_fence_set(other, b, 2, 1));
	ASSERT_EQ(0, pag_fence_pags(&ids, &n));
	ASSERT_EQ(3U, n);
	EXPECT_EQ(10, ids[0]);
	EXPECT_EQ(20, ids[1]);
	EXPECT_EQ(30, ids[2]);
	free(ids);
	/* A forgotten id is gone, though its neighbour now stands twice. */
	EXPECT_EQ(2, pag_fence_forget(30));
	ASSERT_EQ(0, pag_fence_pags(&ids, &n));
	ASSERT_EQ(2U, n);
	EXPECT_EQ(10, ids[0]);
	EXPECT_EQ(20, ids[1]);
	free(ids);
	close(other);
}

/* The search still finds every other id of a full fence after a forget. */
TEST_F(fence_api, forget_keeps_a_full_fence_searchable)
{
	static int32_t pags[PAG_FENCE_MAX];
	struct sockaddr_un addr;
	socklen_t alen;
	int32_t pag;
	int srv, i;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	pag = enter_pag();
	ASSERT_GT(pag, 0);
	/* pag sits between two forgotten neighbours. */
	for (i = 0; i < PAG_FENCE_MAX; i++)
		pags[i] = i < PAG_FENCE_MAX / 2 ? i + 1 : 0x7fff0000 + i;
	pags[PAG_FENCE_MAX / 2] = pag;
	ASSERT_EQ(0, pag_fence_set(srv, pags, PAG_FENCE_MAX, 0));
	EXPECT_EQ(1, pag_fence_forget(PAG_FENCE_MAX / 2));
	EXPECT_EQ(1, pag_fence_forget(0x7fff0000 + PAG_FENCE_MAX / 2 + 1));
	EXPECT_EQ(0, try_connect(SOCK_STREAM, &addr, alen));
	close(srv);
}

TEST_HARNESS_MAIN
