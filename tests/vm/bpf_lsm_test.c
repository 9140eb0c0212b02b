// SPDX-License-Identifier: GPL-2.0
/*
 * The pag BPF LSM program, loaded by the loader and read through libpag:
 * socket tags, computed when asked from the credentials the kernel
 * records at connect, listen and socketpair (SO_PEERCRED's), their
 * carriage across connect, accept, socketpair and fd passing, and the
 * race SO_PEERCRED loses.
 * See bpf_test_util.h for what a PAG is here.
 */

#include <sys/wait.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"
#include "pag/pag.h"
#include "pag/peer.h"

FIXTURE(bpf)
{
	int unused;
};

FIXTURE_SETUP(bpf)
{
	ASSERT_EQ(0, bpfload_load_prefix(false, TEST_PAG_PREFIX));
	ASSERT_EQ(0, leave_pag());
}

FIXTURE_TEARDOWN(bpf)
{
	bpfload_unload(true);
}

TEST_F(bpf, probe_reports_active)
{
	char why[256];

	EXPECT_EQ(PAG_BPF_ACTIVE, pag_bpf_probe(why, sizeof(why)));
	TH_LOG("%s", why);
}

/*
 * socketpair() records the caller on both ends, for datagram sockets too;
 * the tag is computed when asked, from what the kernel recorded then.
 */
TEST_F(bpf, socket_in_pag_is_tagged_with_it)
{
	struct pag_peer tag;
	uint64_t before, after;
	int32_t pag;
	int sv[2];

	pag = enter_pag();
	ASSERT_GT(pag, 0);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	before = boot_ns();
	ASSERT_EQ(0, pag_sock_tag(sv[0], &tag));
	after = boot_ns();
	EXPECT_EQ(pag, tag.pag);
	EXPECT_EQ((uint32_t)PAG_PEER_F_CARRIED, tag.flags);
	/* The time of the query that computed it. */
	EXPECT_LE(before, tag.tagged_ns);
	EXPECT_GE(after, tag.tagged_ns);
	/* A test keyring has no marker: no creation time, no usable PAG. */
	EXPECT_EQ(0U, tag.created_ns);

	/* Recorded once: asked again from another PAG, nothing changed. */
	ASSERT_GT(enter_pag(), 0);
	ASSERT_EQ(0, pag_sock_tag(sv[1], &tag));
	EXPECT_EQ(pag, tag.pag);
	ASSERT_EQ(0, pag_sock_tag(sv[0], &tag));
	EXPECT_EQ(pag, tag.pag);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A datagram socket that sends or connects has no tag: the kernel records
 * no credentials for it (a fence checks each send's sender instead).
 */
TEST_F(bpf, datagram_socket_has_no_tag)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int srv, fd;

	srv = listener(SOCK_DGRAM, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_GT(enter_pag(), 0);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, sendto(fd, "x", 1, 0, (struct sockaddr *)&addr, alen));
	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&addr, alen));
	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	close(fd);
	close(srv);
}

TEST_F(bpf, plain_session_keyring_is_no_pag)
{
	struct pag_peer tag;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pag_sock_tag(sv[0], &tag));
	EXPECT_EQ(0, tag.pag);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A socket that never connects or listens has no tag (the kernel recorded
 * nothing), nor has a socket of a family other than unix.
 */
TEST_F(bpf, never_connected_socket_has_no_tag)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int fd;

	ASSERT_GT(enter_pag(), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	alen = abstract_addr(&addr, "bound");
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&addr, alen));
	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	close(fd);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	close(fd);
}

/*
 * The tag records the active PAG of the task that connects, not the one
 * the socket was made in: made in no PAG, or in PAG A, and connected
 * after the task entered PAG B, the socket speaks for B.
 */
TEST_F(bpf, socket_speaks_for_the_pag_it_connects_in)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t a, b;
	int srv, cli, acc, i;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	for (i = 0; i < 2; i++) {
		a = i ? enter_pag() : 0;
		ASSERT_LE(0, a);
		cli = socket(AF_UNIX, SOCK_STREAM, 0);
		ASSERT_LE(0, cli);
		b = enter_pag();
		ASSERT_GT(b, 0);
		ASSERT_NE(a, b);
		ASSERT_EQ(0, connect(cli, (struct sockaddr *)&addr, alen));
		acc = accept(srv, NULL, NULL);
		ASSERT_LE(0, acc);
		ASSERT_EQ(0, pag_peer_tag(acc, &tag));
		EXPECT_EQ(b, tag.pag);
		ASSERT_EQ(0, pag_sock_tag(cli, &tag));
		EXPECT_EQ(b, tag.pag);
		close(acc);
		close(cli);
		ASSERT_EQ(0, leave_pag());
	}
	close(srv);
}

/*
 * A listener records at listen(), not at socket() or bind(); every
 * listen() records again, as SO_PEERCRED does (clients already connected
 * keep what they were given).
 */
TEST_F(bpf, listener_records_its_pag_at_listen)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t b;
	int srv, cli, acc;

	ASSERT_GT(enter_pag(), 0);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, srv);
	alen = abstract_addr(&addr, "late");
	ASSERT_EQ(0, bind(srv, (struct sockaddr *)&addr, alen));
	b = enter_pag();
	ASSERT_GT(b, 0);
	ASSERT_EQ(0, listen(srv, 8));
	ASSERT_EQ(0, pag_sock_tag(srv, &tag));
	EXPECT_EQ(b, tag.pag);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect(cli, (struct sockaddr *)&addr, alen));
	ASSERT_EQ(0, leave_pag());
	ASSERT_EQ(0, listen(srv, 16));
	ASSERT_EQ(0, pag_sock_tag(srv, &tag));
	EXPECT_EQ(0, tag.pag);
	ASSERT_EQ(0, pag_peer_tag(cli, &tag));
	EXPECT_EQ(b, tag.pag);
	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);
	ASSERT_EQ(0, pag_sock_tag(acc, &tag));
	EXPECT_EQ(b, tag.pag);
	close(acc);
	close(cli);
	close(srv);
}

TEST_F(bpf, socketpair_ends_are_each_others_peer)
{
	struct pag_peer tag;
	int32_t pag;
	int sv[2];

	pag = enter_pag();
	ASSERT_GT(pag, 0);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pag_peer_tag(sv[0], &tag));
	EXPECT_EQ(pag, tag.pag);
	EXPECT_EQ((uint32_t)PAG_PEER_F_CARRIED, tag.flags);
	ASSERT_EQ(0, pag_peer_tag(sv[1], &tag));
	EXPECT_EQ(pag, tag.pag);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(bpf, unconnected_socket_has_no_peer)
{
	struct pag_peer tag;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTCONN, pag_peer_tag(fd, &tag));
	close(fd);
}

TEST_F(bpf, client_sees_the_servers_pag)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t pag;
	int srv, cli;

	pag = enter_pag();
	ASSERT_GT(pag, 0);
	srv = listener(SOCK_SEQPACKET, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, leave_pag());
	cli = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ASSERT_EQ(0, connect(cli, (struct sockaddr *)&addr, alen));
	ASSERT_EQ(0, pag_peer_tag(cli, &tag));
	EXPECT_EQ(pag, tag.pag);
	close(cli);
	close(srv);
}

/*
 * The race SO_PEERCRED loses: the client connects, then leaves its PAG,
 * execs or exits before the server accepts.
 */
FIXTURE(race)
{
	int unused;
};

FIXTURE_VARIANT(race)
{
	const char *then;
};

FIXTURE_VARIANT_ADD(race, leaves){
	.then = "leave",
};

FIXTURE_VARIANT_ADD(race, execs){
	.then = "exec",
};

FIXTURE_VARIANT_ADD(race, exits){
	.then = "exit",
};

FIXTURE_SETUP(race)
{
	ASSERT_EQ(0, bpfload_load_prefix(false, TEST_PAG_PREFIX));
	ASSERT_EQ(0, leave_pag());
}

FIXTURE_TEARDOWN(race)
{
	bpfload_unload(true);
}

TEST_F(race, accepted_socket_keeps_the_clients_pag)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	struct ucred cred;
	socklen_t alen, clen = sizeof(cred);
	int32_t pag;
	int srv, acc, pipefd[2], status;
	pid_t child;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int fd;

		pag = enter_pag();
		if (write(pipefd[1], &pag, sizeof(pag)) != sizeof(pag))
			_exit(1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&addr, alen))
			_exit(2);
		if (!strcmp(variant->then, "leave"))
			_exit(leave_pag() ? 3 : 0);
		if (!strcmp(variant->then, "exec"))
			execl("/bin/true", "true", NULL);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(pag), read(pipefd[0], &pag, sizeof(pag)));
	ASSERT_GT(pag, 0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, status);

	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);
	/* SO_PEERCRED names a pid that is gone or runs something else. */
	ASSERT_EQ(0, getsockopt(acc, SOL_SOCKET, SO_PEERCRED, &cred, &clen));
	EXPECT_EQ(child, cred.pid);
	ASSERT_EQ(0, pag_peer_tag(acc, &tag));
	EXPECT_EQ(pag, tag.pag);
	close(acc);
	close(srv);
}

/*
 * A connected socket keeps its tag wherever it goes: passed by SCM_RIGHTS
 * to a process in no PAG, it still speaks for the PAG it connected in.
 */
TEST_F(bpf, passed_socket_keeps_the_pag_it_connected_in)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t pag;
	int sv[2], fd, srv, acc, status;
	pid_t child;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pag = enter_pag();
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&addr, alen))
			_exit(3);
		if (write(sv[1], &pag, sizeof(pag)) != sizeof(pag))
			_exit(1);
		_exit(send_fd(sv[1], fd) ? 2 : 0);
	}
	ASSERT_EQ((ssize_t)sizeof(pag), read(sv[0], &pag, sizeof(pag)));
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, status);

	ASSERT_EQ(0, pag_sock_tag(fd, &tag));
	EXPECT_EQ(pag, tag.pag);
	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);
	ASSERT_EQ(0, pag_peer_tag(acc, &tag));
	EXPECT_EQ(pag, tag.pag);
	close(acc);
	close(srv);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A socket passed before it connects carries nothing: it speaks for the
 * task that connects it (as SO_PEERCRED does), not for the one that made
 * it, so a process cannot lend its PAG by handing out fresh sockets.
 */
TEST_F(bpf, unconnected_passed_socket_speaks_for_whoever_connects_it)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t pag;
	int sv[2], fd, srv, acc, status;
	pid_t child;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pag = enter_pag();
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (write(sv[1], &pag, sizeof(pag)) != sizeof(pag))
			_exit(1);
		_exit(send_fd(sv[1], fd) ? 2 : 0);
	}
	ASSERT_EQ((ssize_t)sizeof(pag), read(sv[0], &pag, sizeof(pag)));
	ASSERT_GT(pag, 0);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, status);

	EXPECT_EQ(-ENODATA, pag_sock_tag(fd, &tag));
	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&addr, alen));
	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);
	ASSERT_EQ(0, pag_peer_tag(acc, &tag));
	EXPECT_EQ(0, tag.pag);
	close(acc);
	close(srv);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(bpf, peer_pag_fails_closed_without_a_registered_pag)
{
	int32_t pag = -1;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pag_peer_pag(sv[0], &pag, NULL));
	EXPECT_EQ(0, pag);
	close(sv[0]);
	close(sv[1]);

	/* A test "PAG" is unknown to the registry of pag.ko. */
	ASSERT_LT(0, enter_pag());
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pag = -1;
	EXPECT_GT(0, pag_peer_pag(sv[0], &pag, NULL));
	EXPECT_EQ(-1, pag);
	close(sv[0]);
	close(sv[1]);
}

TEST(pag_keyrings_cannot_be_made_from_userspace)
{
	EXPECT_EQ(-1, keyctl_join_session_keyring(".pag.1"));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, add_key("keyring", ".pag.1", NULL, 0,
			      KEY_SPEC_PROCESS_KEYRING));
	EXPECT_EQ(EPERM, errno);
}

TEST(tag_check_refuses_a_tag_older_than_the_pag)
{
	struct pag_peer tag = { .pag = 42, .tagged_ns = 1000 };

	EXPECT_EQ(0, pag_tag_check(&tag, 999));
	EXPECT_EQ(0, pag_tag_check(&tag, 1000));
	EXPECT_EQ(-ESTALE, pag_tag_check(&tag, 1001));
}

/* With pag.ko's real PAGs, pag_peer_pag() checks the registry and agrees. */
TEST(peer_pag_of_a_real_pag)
{
	struct pag_handle *h;
	struct pag_info info;
	struct pag_peer tag;
	uint64_t created = 0;
	int32_t pag = -1;
	int sv[2];

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		SKIP(return, "pag.ko is not loaded");
	if (!pag_has_cmd(h, PAG_CMD_NEW)) {
		pag_close(h);
		SKIP(return, "pag.ko cannot create PAGs");
	}
	ASSERT_EQ(0, bpfload_load(false));
	ASSERT_LT(0, pag_create(h, &info));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	/* The tag carries the PAG's incarnation, read from its marker. */
	ASSERT_EQ(0, pag_sock_tag(sv[0], &tag));
	EXPECT_EQ(info.id, tag.pag);
	EXPECT_EQ(info.created_ns, tag.created_ns);
	EXPECT_LE(info.created_ns, tag.tagged_ns);
	EXPECT_EQ(0, pag_peer_pag(sv[0], &pag, &created));
	EXPECT_EQ(info.id, pag);
	EXPECT_EQ(info.created_ns, created);
	pag = -1;
	EXPECT_EQ(0, pag_peer_pag_h(h, sv[1], &pag, NULL));
	EXPECT_EQ(info.id, pag);
	/*
	 * Not testable here: that a tag of an ended PAG is stale.  Every file
	 * keeps the credentials it was opened with (f_cred), and with them the
	 * session keyring, so a socket made in a PAG keeps the PAG alive.
	 */
	close(sv[0]);
	close(sv[1]);
	pag_close(h);
	bpfload_unload(true);
}

/*
 * A handle keeps the tags map open; after `pag bpf load` replaced the
 * maps, the map it kept is never written again, and it opens the new one.
 */
TEST(handle_opens_the_tags_map_again_after_a_reload)
{
	struct pag_handle *h;
	struct pag_info info;
	struct pag_peer tag;
	int32_t pag = -1;
	int sv[2];

	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		SKIP(return, "pag.ko is not loaded");
	if (!pag_has_cmd(h, PAG_CMD_NEW)) {
		pag_close(h);
		SKIP(return, "pag.ko cannot create PAGs");
	}
	ASSERT_EQ(0, bpfload_load(false));
	ASSERT_LT(0, pag_create(h, &info));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pag_peer_tag_h(h, sv[1], &tag));
	EXPECT_EQ(info.id, tag.pag);
	EXPECT_EQ(info.created_ns, tag.created_ns);
	close(sv[0]);
	close(sv[1]);
	/* new maps, new programs: the kept map is stale */
	bpfload_unload(true);
	ASSERT_EQ(0, bpfload_load(false));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	memset(&tag, 0, sizeof(tag));
	EXPECT_EQ(0, pag_peer_tag_h(h, sv[1], &tag));
	EXPECT_EQ(info.id, tag.pag);
	EXPECT_EQ(info.created_ns, tag.created_ns);
	EXPECT_EQ(0, pag_peer_pag_h(h, sv[0], &pag, NULL));
	EXPECT_EQ(info.id, pag);
	close(sv[0]);
	close(sv[1]);
	/* no programs: the kept map answers nothing, nor does the pin */
	bpfload_unload(true);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_EQ(-ENOENT, pag_peer_tag_h(h, sv[1], &tag));
	close(sv[0]);
	close(sv[1]);
	pag_close(h);
}

TEST_HARNESS_MAIN
