// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's pinned state: loading twice is harmless, a load drops the
 * links of programs it no longer has, fences survive an unload and reload
 * (and tags, which the kernel keeps, can be read again), a purge drops
 * them, and the maps refuse writable descriptors to whoever may not write
 * them.
 */

#include <sys/syscall.h>
#include <sys/wait.h>

#include <bpf/bpf.h>
#include <linux/capability.h>
#include <linux/pag_bpf.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"
#include "pag/peer.h"

static int map_id(const char *path)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_obj_get_opts opts = {
		.sz = sizeof(opts),
		.file_flags = BPF_F_RDONLY,
	};
	int fd, err;

	fd = bpf_obj_get_opts(path, &opts);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return err ? -errno : (int)info.id;
}

static int open_map(const char *path, int flags)
{
	struct bpf_obj_get_opts opts = {
		.sz = sizeof(opts),
		.file_flags = flags,
	};
	int fd = bpf_obj_get_opts(path, &opts);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

FIXTURE(pin)
{
	int unused;
};

FIXTURE_SETUP(pin)
{
	ASSERT_EQ(0, bpfload_load_prefix(false, TEST_PAG_PREFIX));
	ASSERT_EQ(0, leave_pag());
}

FIXTURE_TEARDOWN(pin)
{
	bpfload_unload(true);
}

TEST_F(pin, loading_twice_changes_nothing)
{
	int tags = map_id(PAG_BPF_PIN_TAGS),
	    fences = map_id(PAG_BPF_PIN_FENCES);

	ASSERT_LT(0, tags);
	ASSERT_LT(0, fences);
	ASSERT_EQ(0, bpfload_load_prefix(false, TEST_PAG_PREFIX));
	EXPECT_EQ(tags, map_id(PAG_BPF_PIN_TAGS));
	EXPECT_EQ(fences, map_id(PAG_BPF_PIN_FENCES));
	EXPECT_EQ(PAG_BPF_ACTIVE, pag_bpf_probe(NULL, 0));

	/* A forced load replaces the programs and keeps the maps. */
	ASSERT_EQ(0, bpfload_load_prefix(true, TEST_PAG_PREFIX));
	EXPECT_EQ(tags, map_id(PAG_BPF_PIN_TAGS));
	EXPECT_EQ(PAG_BPF_ACTIVE, pag_bpf_probe(NULL, 0));
}

/*
 * An upgrade from a pag whose programs included pag_socket_post_create
 * (which tagged every socket at creation) must not leave that link
 * attached: a forced load unpins links of programs it does not have.  The
 * stale pin is played by a second pin of one of our own links.
 */
TEST_F(pin, load_unpins_links_of_programs_it_no_longer_has)
{
	static const char stale[] = PAG_BPF_PIN_LINKS "/pag_socket_post_create";
	int fd = bpf_obj_get(PAG_BPF_PIN_LINKS "/pag_unix_may_send");

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_obj_pin(fd, stale));
	close(fd);
	ASSERT_EQ(0, access(stale, F_OK));
	ASSERT_EQ(0, bpfload_load_prefix(true, TEST_PAG_PREFIX));
	EXPECT_EQ(-1, access(stale, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, access(PAG_BPF_PIN_LINKS "/pag_unix_may_send", F_OK));
	EXPECT_EQ(PAG_BPF_ACTIVE, pag_bpf_probe(NULL, 0));
}

TEST_F(pin, unload_and_reload_keep_tags_and_fences)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	struct pag_incarnation allowed = { 0x7ffffff0, 1 };
	int32_t pag;
	int srv, before, during, sv[2], acc;

	pag = enter_pag();
	ASSERT_GT(pag, 0);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	before = sv[0];
	ASSERT_EQ(0, pag_sock_tag(before, &tag));
	EXPECT_EQ(pag, tag.pag);
	ASSERT_EQ(0, leave_pag());
	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, pag_fence_set(srv, &allowed, 1, 0));
	ASSERT_EQ(EACCES, try_connect(SOCK_STREAM, &addr, alen));

	ASSERT_EQ(0, bpfload_unload(false));
	EXPECT_EQ(PAG_BPF_NOT_LOADED, pag_bpf_probe(NULL, 0));
	/*
	 * Detached: nothing is enforced, and no tag can be asked for (the
	 * answer left by the last query is not taken for a new one).
	 */
	EXPECT_EQ(-ENODATA, pag_sock_tag(before, &tag));
	EXPECT_EQ(0, try_connect(SOCK_STREAM, &addr, alen));
	close(accept(srv, NULL, NULL));
	during = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, during);
	ASSERT_EQ(0, connect(during, (struct sockaddr *)&addr, alen));
	EXPECT_EQ(-ENODATA, pag_sock_tag(during, &tag));
	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);
	EXPECT_EQ(-ENODATA, pag_peer_tag(acc, &tag));

	ASSERT_EQ(0, bpfload_load_prefix(false, TEST_PAG_PREFIX));
	EXPECT_EQ(PAG_BPF_ACTIVE, pag_bpf_probe(NULL, 0));
	ASSERT_EQ(0, pag_sock_tag(before, &tag));
	EXPECT_EQ(pag, tag.pag);
	EXPECT_EQ(EACCES, try_connect(SOCK_STREAM, &addr, alen));
	/*
	 * A connection made while detached has tags once loaded: the kernel
	 * recorded its credentials all the same (it passed no fence).
	 */
	ASSERT_EQ(0, pag_sock_tag(during, &tag));
	EXPECT_EQ(0, tag.pag);
	ASSERT_EQ(0, pag_peer_tag(acc, &tag));
	EXPECT_EQ(0, tag.pag);
	close(acc);
	close(during);

	close(sv[0]);
	close(sv[1]);
	close(srv);
}

TEST_F(pin, purge_drops_everything)
{
	struct pag_peer tag;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpfload_unload(true));
	EXPECT_EQ(-1, access(PAG_BPF_PIN_DIR, F_OK));
	EXPECT_EQ(PAG_BPF_NOT_LOADED, pag_bpf_probe(NULL, 0));
	EXPECT_EQ(-ENOENT, pag_sock_tag(fd, &tag));
	EXPECT_EQ(0, bpfload_unload(true));
	close(fd);
}

TEST_F(pin, tag_map_refuses_writable_fds)
{
	struct pag_sock_tag forged = { .pag = 1, .flags = PAG_TAG_F_OWN };
	int fd, sock;

	EXPECT_EQ(-EACCES, open_map(PAG_BPF_PIN_TAGS, 0));
	EXPECT_EQ(-EACCES, open_map(PAG_BPF_PIN_TAGS, BPF_F_WRONLY));
	EXPECT_EQ(0, open_map(PAG_BPF_PIN_TAGS, BPF_F_RDONLY));

	/* A read-only descriptor cannot write either. */
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, sock);
	fd = bpf_obj_get_opts(PAG_BPF_PIN_TAGS,
			      &(struct bpf_obj_get_opts){
				      .sz = sizeof(struct bpf_obj_get_opts),
				      .file_flags = BPF_F_RDONLY,
			      });
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, bpf_map_update_elem(fd, &sock, &forged, BPF_ANY));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, bpf_map_delete_elem(fd, &sock));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	close(sock);
}

/* CAP_BPF alone reads fences but cannot write them. */
TEST_F(pin, fences_need_cap_sys_admin)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct pag_incarnation pag = { 7, 1 };
	int fd, status;
	pid_t child;

	EXPECT_EQ(0, open_map(PAG_BPF_PIN_FENCES, 0));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_SYS_ADMIN / 32].effective &=
			~(1U << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		if (open_map(PAG_BPF_PIN_FENCES, BPF_F_RDONLY))
			_exit(12);
		if (open_map(PAG_BPF_PIN_FENCES, 0) != -EACCES)
			_exit(13);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		_exit(pag_fence_set(fd, &pag, 1, 0) == -EACCES ? 0 : 14);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);
}

TEST_HARNESS_MAIN
