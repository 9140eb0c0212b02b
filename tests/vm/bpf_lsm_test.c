// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF LSM program loads, attaches, and tags sockets with the session
 * keyring of their creator.
 */

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <keyutils.h>
#include <linux/pag_bpf.h>

#include "bpf/pag_lsm.skel.h"
#include "kselftest_harness.h"

FIXTURE(lsm)
{
	struct pag_lsm *skel;
};

FIXTURE_SETUP(lsm)
{
	self->skel = pag_lsm__open_and_load();
	ASSERT_NE(NULL, self->skel);
	ASSERT_EQ(0, pag_lsm__attach(self->skel));
}

FIXTURE_TEARDOWN(lsm)
{
	pag_lsm__destroy(self->skel);
}

static int tag_of(struct pag_lsm *skel, int fd, struct pag_sock_tag *tag)
{
	int map = bpf_map__fd(skel->maps.pag_sock_tags);

	return bpf_map_lookup_elem(map, &fd, tag) ? -errno : 0;
}

TEST_F(lsm, tags_socket_with_session_keyring)
{
	struct pag_sock_tag tag;
	key_serial_t ses;
	int fd;

	ses = keyctl_join_session_keyring(NULL);
	ASSERT_GT(ses, 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tag_of(self->skel, fd, &tag));
	EXPECT_EQ(ses, tag.pag);
	EXPECT_NE(0ULL, tag.tagged_ns);
	close(fd);
}

TEST_F(lsm, untagged_before_attach)
{
	struct pag_sock_tag tag;
	int fd;

	pag_lsm__detach(self->skel);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, tag_of(self->skel, fd, &tag));
	close(fd);
}

TEST_HARNESS_MAIN
