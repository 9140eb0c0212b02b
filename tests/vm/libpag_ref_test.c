// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's PAG handles: pag_ref_new(), pag_ref_current(), pag_ref_info(),
 * pag_switch(), pag_switch_default(), pag_set_default(), and the words
 * pag_errmsg() gives for each refusal.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "kselftest_harness.h"
#include "pag/pag.h"

FIXTURE(ref)
{
	struct pag_handle *h;
	int32_t home;
};

FIXTURE_SETUP(ref)
{
	struct pag_info info;

	ASSERT_EQ(0, pag_open(&self->h, PAG_OPEN_KERNEL_ONLY));
	self->home = pag_create(self->h, &info);
	ASSERT_LT(0, self->home);
}

FIXTURE_TEARDOWN(ref)
{
	pag_close(self->h);
}

/* The server's loop: a PAG per user, a switch there and back per request. */
TEST_F(ref, switch_and_back)
{
	struct pag_info info;
	int alice, id;

	alice = pag_ref_new(self->h);
	ASSERT_LE(0, alice);
	id = pag_ref_info(self->h, alice, &info);
	ASSERT_LT(0, id);
	EXPECT_EQ(id, info.id);
	EXPECT_NE(self->home, id);

	ASSERT_EQ(0, pag_switch(self->h, alice));
	EXPECT_EQ(id, keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
	ASSERT_EQ(id, pag_current(self->h, &info));
	EXPECT_EQ((uint32_t)(PAG_F_SELF | PAG_F_SWITCHED), info.flags);

	ASSERT_EQ(0, pag_switch_default(self->h));
	ASSERT_EQ(self->home, pag_current(self->h, &info));
	EXPECT_EQ((uint32_t)PAG_F_SELF, info.flags);
	close(alice);
}

TEST_F(ref, current_and_default)
{
	struct pag_info info;
	int here, other;

	here = pag_ref_current(self->h);
	ASSERT_LE(0, here);
	EXPECT_EQ(self->home, pag_ref_info(self->h, here, &info));
	other = pag_ref_new(self->h);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, pag_set_default(self->h, other));
	ASSERT_EQ(0, pag_switch_default(self->h));
	EXPECT_EQ(pag_ref_info(self->h, other, NULL),
		  keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
	close(here);
	close(other);
	/* No handle left: no default, said in words. */
	EXPECT_EQ(-ENOENT, pag_switch_default(self->h));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "no PAG handle"));
}

/* Each refusal with its errno and its words; nothing changes. */
TEST_F(ref, refusals)
{
	int p[2], h;
	pid_t pid;

	EXPECT_EQ(-EBADF, pag_switch(self->h, -1));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "not open"));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, pag_switch(self->h, p[0]));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "not a PAG handle"));
	EXPECT_EQ(-EINVAL, pag_ref_info(self->h, p[0], NULL));
	close(p[0]);
	close(p[1]);
	EXPECT_EQ(self->home,
		  keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));

	h = pag_ref_new(self->h);
	ASSERT_LE(0, h);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_handle *c;

		if (pag_open(&c, PAG_OPEN_KERNEL_ONLY))
			_exit(1);
		if (pag_switch(c, h) != -EXDEV ||
		    !strstr(pag_errmsg(c), "another process"))
			_exit(2);
		_exit(0);
	}
	EXPECT_EQ(0, waitpid(pid, &p[0], 0) == pid && WIFEXITED(p[0])
			     ? WEXITSTATUS(p[0])
			     : -1);
	close(h);
}

TEST_HARNESS_MAIN
