// SPDX-License-Identifier: GPL-2.0
/*
 * Degraded mode: on a kernel booted without BPF LSM the loader refuses
 * with the reason, the library says so precisely, and unix sockets work
 * as ever.  tests/host/bpf_degraded.sh boots such a VM and runs this; in a
 * VM with BPF LSM every test skips.
 */

#include <linux/pag_bpf.h>

#include "bpf_test_util.h"
#include "kselftest_harness.h"
#include "loader.h"
#include "pag/peer.h"

FIXTURE(degraded)
{
	char why[256];
};

FIXTURE_SETUP(degraded)
{
	int state = pag_bpf_probe(self->why, sizeof(self->why));

	if (state == PAG_BPF_ACTIVE || state == PAG_BPF_NOT_LOADED)
		SKIP(return, "BPF LSM is available (tests/host/bpf_degraded.sh "
			     "boots without it)");
	ASSERT_EQ(PAG_BPF_NO_BPF_LSM, state);
}

FIXTURE_TEARDOWN(degraded)
{
}

TEST_F(degraded, probe_names_the_reason)
{
	TH_LOG("%s", self->why);
	EXPECT_NE(NULL, strstr(self->why,
			       "'bpf' is not in /sys/kernel/security/lsm"));
}

TEST_F(degraded, load_refuses_and_leaves_nothing)
{
	EXPECT_EQ(-EOPNOTSUPP, bpfload_load(false));
	EXPECT_EQ(-1, access(PAG_BPF_PIN_DIR, F_OK));
	EXPECT_EQ(0, bpfload_unload(true));
}

TEST_F(degraded, library_says_unsupported_and_sockets_work)
{
	struct sockaddr_un addr;
	struct pag_peer tag;
	socklen_t alen;
	int32_t pag = 1;
	int srv, cli, acc;

	srv = listener(SOCK_STREAM, &addr, &alen);
	ASSERT_LE(0, srv);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect(cli, (struct sockaddr *)&addr, alen));
	acc = accept(srv, NULL, NULL);
	ASSERT_LE(0, acc);

	EXPECT_EQ(-EOPNOTSUPP, pag_sock_tag(cli, &tag));
	EXPECT_EQ(-EOPNOTSUPP, pag_peer_tag(acc, &tag));
	EXPECT_EQ(-EOPNOTSUPP, pag_peer_pag(acc, &pag, NULL));
	EXPECT_EQ(-EOPNOTSUPP,
		  pag_fence_set(srv, &(struct pag_incarnation){ 1, 1 }, 1, 0));
	close(acc);
	close(cli);
	close(srv);
}

TEST_HARNESS_MAIN
