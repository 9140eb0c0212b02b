// SPDX-License-Identifier: GPL-2.0
/*
 * 10,000 PAGs alive at once (one per thread of one process): the dump
 * lists every one, a listener whose receive buffer is large enough hears
 * every creation and every end, and once they end nothing is left in the
 * registry.  tests/bench/pag_scale.c measures the same crowd's dump time
 * and memory.
 */

#include <stdbool.h>

#include "pag_crowd.h"
#include "pag_nl.h"

#include "kselftest_harness.h"

#define CROWD 10000
/* Room for every event of the crowd: about 100 bytes each, twice over. */
#define EVENTS_RCVBUF (CROWD * 2 * 256)

FIXTURE(scale)
{
	struct pag_nl nl;
	struct pag_nl events;
};

FIXTURE_SETUP(scale)
{
	int size = EVENTS_RCVBUF;

	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_open(&self->events));
	ASSERT_EQ(0,
		  setsockopt(mnl_socket_get_fd(self->events.sock), SOL_SOCKET,
			     SO_RCVBUFFORCE, &size, sizeof(size)));
	ASSERT_EQ(0, pag_nl_subscribe(&self->events));
	/* Earlier tests' PAGs may still be in the key GC. */
	ASSERT_EQ(0, wait_no_pags(10000));
}

FIXTURE_TEARDOWN(scale)
{
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
}

/* The ids of a crowd, as a set: seen[i] once the event for ids[i] came. */
struct tally {
	const struct crowd *c;
	uint8_t cmd;
	bool *seen;
	int count, strays;
};

static int tally_cb(const struct pag_attrs *a, void *data)
{
	struct tally *t = data;

	if (a->cmd != t->cmd)
		return MNL_CB_OK;
	for (int i = 0; i < t->c->n; i++) {
		if (t->c->ids[i] == a->id && !t->seen[i]) {
			t->seen[i] = true;
			t->count++;
			return t->count == t->c->n ? MNL_CB_STOP : MNL_CB_OK;
		}
	}
	t->strays++;
	return MNL_CB_OK;
}

/* Collect @cmd events for every member of @c; returns how many came. */
static int collect(struct pag_nl *events, const struct crowd *c, uint8_t cmd,
		   int timeout_ms)
{
	struct tally t = { .c = c, .cmd = cmd };
	int ret;

	t.seen = calloc(c->n, sizeof(*t.seen));
	if (!t.seen)
		return -ENOMEM;
	ret = pag_nl_events(events, timeout_ms, tally_cb, &t);
	free(t.seen);
	return ret == 0 || ret == -ETIMEDOUT ? t.count : ret;
}

TEST_F_TIMEOUT(scale, ten_thousand_alive, 600)
{
	struct crowd c;
	uint64_t t0 = boottime_ns();
	int32_t *ids;
	int n;

	ASSERT_EQ(0, crowd_start(&c, CROWD_PAG, CROWD));
	TH_LOG("%d PAGs made in %llu ms", CROWD,
	       (unsigned long long)(boottime_ns() - t0) / 1000000);
	EXPECT_EQ(CROWD, pag_nl_dump(&self->nl, NULL, NULL));
	/* one reference per PAG, and the crowd's open /dev/pag */
	EXPECT_EQ(CROWD + 1, module_refcnt());
	EXPECT_EQ(CROWD,
		  collect(&self->events, &c, PAG_CMD_CREATED_NTF, 10000));

	/* The ids outlive the crowd's release, for the ENDED tally. */
	ids = malloc(CROWD * sizeof(*ids));
	ASSERT_NE(NULL, ids);
	memcpy(ids, c.ids, CROWD * sizeof(*ids));
	crowd_release(&c);
	c.ids = ids;
	c.n = CROWD;
	n = collect(&self->events, &c, PAG_CMD_ENDED_NTF, 120000);
	EXPECT_EQ(CROWD, n);
	free(ids);
	EXPECT_EQ(0, wait_no_pags(60000));
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
}

TEST_HARNESS_MAIN
