// SPDX-License-Identifier: GPL-2.0
/*
 * The creation event names the PAG its creator left for the new one (its
 * parent), by id and creation time, so that the host's daemon can carry a
 * container's binding over to a login made inside it; a creator in no PAG
 * (or in a plain session keyring) makes a PAG without one.
 */

#include <fcntl.h>
#include <sys/ioctl.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

FIXTURE(parent)
{
	struct pag_nl nl;
	struct pag_nl events;
};

FIXTURE_SETUP(parent)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_open(&self->events));
	ASSERT_EQ(0, pag_nl_subscribe(&self->events));
}

FIXTURE_TEARDOWN(parent)
{
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
}

/* The creation event of @id, into @w. */
static int created_event(struct pag_nl *events, int32_t id,
			 struct pag_nl_wanted *w)
{
	w->cmd = PAG_CMD_CREATED_NTF;
	w->id = id;
	return pag_nl_events(events, 5000, pag_nl_wanted_cb, w);
}

/* Made in no PAG: no parent in the event. */
TEST_F(parent, none_outside_any_pag)
{
	struct pag_nl_wanted w;
	struct pag_attrs a;

	/* A plain session keyring of our own: not a PAG. */
	ASSERT_LT(0, keyctl_join_session_keyring(NULL));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	ASSERT_EQ(0, created_event(&self->events, a.id, &w));
	EXPECT_EQ(0u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_ID));
	EXPECT_EQ(0u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_CREATED_NS));
}

/* Made inside a PAG: that one's id and creation time. */
TEST_F(parent, named_by_incarnation)
{
	struct pag_attrs outer, inner, got;
	struct pag_nl_wanted w;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &outer));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &inner));
	ASSERT_EQ(0, created_event(&self->events, outer.id, &w));
	EXPECT_EQ(0u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_ID));
	ASSERT_EQ(0, created_event(&self->events, inner.id, &w));
	ASSERT_EQ(1u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_ID));
	ASSERT_EQ(1u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_CREATED_NS));
	EXPECT_EQ(outer.id, w.seen.parent_id);
	EXPECT_EQ(outer.created_ns, w.seen.parent_created_ns);

	/* Creation events only: not in answers, not in other events. */
	ASSERT_EQ(0, pag_nl_get(&self->nl, 0, &got));
	EXPECT_EQ(inner.id, got.id);
	EXPECT_EQ(0u, PAG_HAS(&got, PAG_A_PAG_PARENT_ID));
	EXPECT_EQ(0u, PAG_HAS(&inner, PAG_A_PAG_PARENT_ID));
	w.cmd = PAG_CMD_ENDED_NTF;
	w.id = inner.id;
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	ASSERT_EQ(0, pag_nl_events(&self->events, 5000, pag_nl_wanted_cb, &w));
	EXPECT_EQ(0u, PAG_HAS(&w.seen, PAG_A_PAG_PARENT_ID));
}

/*
 * The parent is the creating thread's PAG as the process inherited it: a
 * child process of a member makes a PAG whose parent is that one, though
 * the member that made it has left; the parent then ends (its last member
 * moved on), after the event that names it.
 */
TEST_F(parent, from_a_child_process_after_parent_ended)
{
	struct pag_attrs outer;
	struct pag_nl_wanted w, ended = { .cmd = PAG_CMD_ENDED_NTF };
	int32_t inner = -1;
	int go[2], out[2];
	pid_t pid;
	char c;

	/*
	 * Files hold their opener's credentials: pipes made in the outer PAG
	 * would keep it alive.
	 */
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(out));
	ASSERT_EQ(0, pag_nl_new(&self->nl, &outer));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;
		struct pag_attrs a;

		close(go[1]);
		/* wait until the parent left the outer PAG */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		a.id = -1;
		if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
			a.id = -1;
		_exit(write(out[1], &a.id, sizeof(a.id)) == sizeof(a.id) ? 0
									 : 1);
	}
	close(go[0]);
	close(out[1]);
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ((ssize_t)sizeof(inner), read(out[0], &inner, sizeof(inner)));
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_GT(inner, 0);
	ASSERT_EQ(0, created_event(&self->events, inner, &w));
	EXPECT_EQ(outer.id, w.seen.parent_id);
	EXPECT_EQ(outer.created_ns, w.seen.parent_created_ns);
	/* The outer PAG's last member moved on: it ended. */
	ended.id = outer.id;
	EXPECT_EQ(0,
		  pag_nl_events(&self->events, 5000, pag_nl_wanted_cb, &ended));
}

/* /dev/pag makes PAGs by the same code: the same parent. */
TEST_F(parent, dev_new)
{
	struct pag_attrs outer;
	struct pag_nl_wanted w;
	int fd, id;

	fd = open("/dev/" PAG_DEV_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pag_nl_new(&self->nl, &outer));
	id = ioctl(fd, PAG_IOC_NEW, 0);
	ASSERT_GT(id, 0);
	close(fd);
	ASSERT_EQ(0, created_event(&self->events, id, &w));
	EXPECT_EQ(outer.id, w.seen.parent_id);
	EXPECT_EQ(outer.created_ns, w.seen.parent_created_ns);
}

TEST_HARNESS_MAIN
