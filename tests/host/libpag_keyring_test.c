// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's keyring backend, what it runs on when pag.ko is not loaded, on
 * the host's real keyrings.  Each test runs in its own child (the
 * harness forks), so joining session keyrings does not leak between them.
 */

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <pag/pag.h>

#include "kselftest_harness.h"

FIXTURE(keyring)
{
	struct pag_handle *h;
};

FIXTURE_SETUP(keyring)
{
	ASSERT_EQ(0, pag_open(&self->h, PAG_OPEN_KEYRING_ONLY));
}

FIXTURE_TEARDOWN(keyring)
{
	pag_close(self->h);
}

TEST_F(keyring, reports_missing_guarantees)
{
	EXPECT_EQ(PAG_BACKEND_KEYRING, pag_backend(self->h));
	EXPECT_EQ(PAG_LIMIT_NO_REGISTRY | PAG_LIMIT_NO_EVENTS |
			  PAG_LIMIT_NO_ADMIN | PAG_LIMIT_NO_LEAVE,
		  pag_limits(self->h));
	EXPECT_FALSE(pag_has_cmd(self->h, PAG_CMD_NEW));
	EXPECT_STREQ("registry", pag_limit_name(PAG_LIMIT_NO_REGISTRY));
	EXPECT_STREQ("", pag_errmsg(self->h));
}

TEST_F(keyring, create_is_the_session_keyring)
{
	struct pag_info info;
	int id, id2;

	id = pag_create(self->h, &info);
	ASSERT_LT(0, id);
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(getuid(), info.owner_uid);
	EXPECT_EQ(PAG_INFO_HAS(PAG_A_PAG_ID) |
			  PAG_INFO_HAS(PAG_A_PAG_OWNER_UID),
		  info.present);
	EXPECT_EQ(id, keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
	EXPECT_EQ(id, pag_current(self->h, &info));
	EXPECT_EQ(id, pag_get(self->h, id, 0, &info));
	/* A second PAG replaces the first (serials are random). */
	id2 = pag_create(self->h, NULL);
	ASSERT_LT(0, id2);
	EXPECT_NE(id, id2);
	EXPECT_EQ(id2, pag_current(self->h, NULL));
}

TEST_F(keyring, children_inherit)
{
	int id, status;
	pid_t pid;

	id = pag_create(self->h, NULL);
	ASSERT_LT(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(pag_current(self->h, NULL) == id ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

TEST_F(keyring, named_session_is_no_pag)
{
	ASSERT_LT(0, keyctl_join_session_keyring("libpag-test"));
	EXPECT_EQ(-ENOENT, pag_current(self->h, NULL));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "libpag-test"));
}

/* The truth about join-by-name: the user has no Search right on "_ses". */
TEST_F(keyring, not_joinable_by_name)
{
	int id, joined;

	id = pag_create(self->h, NULL);
	ASSERT_LT(0, id);
	/* From another session of the same user... */
	ASSERT_LT(0, keyctl_join_session_keyring("libpag-elsewhere"));
	/* ...joining "_ses" makes a new keyring, never ours. */
	joined = keyctl_join_session_keyring("_ses");
	ASSERT_LT(0, joined);
	EXPECT_NE(id, joined);
	/* Nor can it link or search it by serial. */
	EXPECT_EQ(-1, keyctl_link(id, KEY_SPEC_SESSION_KEYRING));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(keyring, what_needs_the_module)
{
	struct pag_event ev;
	int id;

	id = pag_create(self->h, NULL);
	ASSERT_LT(0, id);
	EXPECT_EQ(-EOPNOTSUPP, pag_leave(self->h));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "no leave"));
	EXPECT_EQ(-EOPNOTSUPP, pag_get(self->h, id + 1, 0, NULL));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "no registry"));
	EXPECT_EQ(-EOPNOTSUPP, pag_iterate(self->h, NULL, NULL));
	EXPECT_EQ(-EOPNOTSUPP, pag_subscribe(self->h));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "no events"));
	EXPECT_EQ(-EINVAL, pag_event_read(self->h, &ev));
	/* The PAG is still the caller's. */
	EXPECT_EQ(id, pag_current(self->h, NULL));
}

TEST_F(keyring, bad_ids)
{
	EXPECT_EQ(-EINVAL, pag_get(self->h, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, pag_get(self->h, -5, 0, NULL));
	EXPECT_NE(NULL, strstr(pag_errmsg(self->h), "-5"));
}

TEST(open_flags)
{
	struct pag_handle *h = (void *)1;

	EXPECT_EQ(-EINVAL,
		  pag_open(&h, PAG_OPEN_KERNEL_ONLY | PAG_OPEN_KEYRING_ONLY));
	EXPECT_EQ(NULL, h);
	pag_close(NULL);
}

/* The host has no pag.ko: the default falls back, kernel-only refuses. */
TEST(host_without_module)
{
	struct pag_handle *h;
	int err;

	err = pag_open(&h, PAG_OPEN_KERNEL_ONLY);
	if (err == 0) {
		pag_close(h);
		SKIP(return, "pag.ko is loaded on this host");
	}
	EXPECT_EQ(-ENOENT, err);
	ASSERT_EQ(0, pag_open(&h, 0));
	EXPECT_EQ(PAG_BACKEND_KEYRING, pag_backend(h));
	pag_close(h);
}

TEST_HARNESS_MAIN
