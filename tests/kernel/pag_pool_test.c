// SPDX-License-Identifier: GPL-2.0
/*
 * pag.ko's pool of blanks (kernel/pool.c): markers made ahead of time are
 * no PAGs (no events, not listed, not counted, invisible in /proc/keys),
 * creation works when a burst empties the pool, a PAG's creation time is
 * taken when it is handed out, every PAG ends exactly once, and the
 * module unloads with blanks in the pool.
 *
 * Each test reloads pag.ko with the variant's pool_size and waits until
 * the pool is full: kuid 0 then has exactly pool_size keys more than
 * without the module, the blanks' markers.
 */

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define BURST 200

FIXTURE(pool)
{
	struct pag_nl nl;
	struct pag_nl events;
	int base; /* keys of kuid 0 with pag.ko and an empty pool */
	int size; /* the pool's size */
};

FIXTURE_VARIANT(pool)
{
	const char *param; /* insmod's argument */
	int size;
};

FIXTURE_VARIANT_ADD(pool, default_size){
	.param = "",
	.size = 16,
};

/* Every creation but the first finds the pool empty or nearly. */
FIXTURE_VARIANT_ADD(pool, one_blank){
	.param = "pool_size=1",
	.size = 1,
};

/* No pool: every creation makes its own blank. */
FIXTURE_VARIANT_ADD(pool, no_pool){
	.param = "pool_size=0",
	.size = 0,
};

/* Root's keys pag.ko holds whatever the pool: pag_lookup()'s keyring. */
#define MODULE_KEYS 1

/* Wait (up to @ms) until kuid 0 has @n keys; returns the last count. */
static int wait_root_keys(int n, int ms)
{
	int k;

	while ((k = key_user_nkeys(0)) != n && ms > 0) {
		usleep(10000);
		ms -= 10;
	}
	return k;
}

static int insmod(const char *param)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "insmod \"$PAG_KO\" %s", param);
	return run(cmd);
}

FIXTURE_SETUP(pool)
{
	int sz = 32 << 20;

	/*
	 * This harness (6.1's) runs the test even after its setup skipped:
	 * end the test's process as the harness does for a skip instead.
	 */
	if (!getenv("PAG_KO"))
		SKIP(_exit(255), "PAG_KO not set: cannot reload the module");
	ASSERT_EQ(0, wait_no_pags(10000));
	ASSERT_EQ(0, run("rmmod pag"));
	self->base = key_user_nkeys(0);
	ASSERT_LE(0, self->base);
	self->base += MODULE_KEYS;
	ASSERT_EQ(0, insmod(variant->param));
	self->size = pag_pool_size();
	ASSERT_EQ(variant->size, self->size);
	ASSERT_EQ(self->base + self->size,
		  wait_root_keys(self->base + self->size, 10000));

	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, pag_nl_open(&self->events));
	ASSERT_EQ(0, pag_nl_subscribe(&self->events));
	/* Room for every event of a burst, read only afterwards. */
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->events.sock),
				SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)));
}

FIXTURE_TEARDOWN(pool)
{
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
	/* Leave pag.ko as the other tests expect it. */
	if (getenv("PAG_KO") && wait_no_pags(10000) == 0 &&
	    run("rmmod pag") == 0)
		insmod("");
}

/* The events of one creator, in the order they came, until @want each. */
struct seen {
	uint32_t pid;
	int want;
	int created, ended, other;
	struct pag_attrs c[BURST], e[BURST];
};

static int seen_cb(const struct pag_attrs *a, void *data)
{
	struct seen *s = data;

	if (a->creator_pid != s->pid)
		s->other++;
	else if (a->cmd == PAG_CMD_CREATED_NTF && s->created < s->want)
		s->c[s->created++] = *a;
	else if (a->cmd == PAG_CMD_ENDED_NTF && s->ended < s->want)
		s->e[s->ended++] = *a;
	else
		s->other++;
	return s->created == s->want && s->ended == s->want ? MNL_CB_STOP
							    : MNL_CB_OK;
}

/* In a child: @n PAGs through /dev/pag, each made from inside the last. */
static pid_t burst_child(int n)
{
	pid_t pid = fork();
	int dev, i;

	if (pid)
		return pid;
	dev = open("/dev/" PAG_DEV_NAME, O_RDONLY | O_CLOEXEC);
	if (dev < 0)
		_exit(1);
	for (i = 0; i < n; i++)
		if (ioctl(dev, PAG_IOC_NEW, 0) <= 0)
			_exit(2);
	_exit(0);
}

/*
 * Blanks are no PAGs: with the pool full, none is listed, counted in the
 * module's references or shown in /proc/keys, and making them sends no
 * event: taking half the pool and one more (which has it refilled) sends
 * the events of those PAGs and nothing else.
 */
TEST_F(pool, blanks_are_no_pags)
{
	static struct seen s;
	char line[512];
	FILE *f;
	pid_t pid;
	int n;

	EXPECT_EQ(0, module_refcnt());
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
	f = fopen("/proc/keys", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		EXPECT_EQ(NULL, strstr(line, " .pag "));
	fclose(f);

	memset(&s, 0, sizeof(s));
	s.want = self->size / 2 + 1;
	pid = burst_child(s.want);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_child(pid));
	s.pid = (uint32_t)pid;
	ASSERT_EQ(0, pag_nl_events(&self->events, 10000, seen_cb, &s));
	EXPECT_EQ(0, s.other);
	ASSERT_EQ(0, wait_no_pags(10000));
	/*
	 * The refill may have run before the last take, which then left the
	 * pool above half: between half and full, nothing else of root's.
	 */
	n = wait_root_keys(self->base + self->size, 10000);
	EXPECT_GE(self->base + self->size, n);
	EXPECT_LE(self->base + self->size / 2, n);
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
	/* Nothing else was sent: no event for a blank. */
	EXPECT_EQ(-ETIMEDOUT, pag_nl_events(&self->events, 300, seen_cb, &s));
	EXPECT_EQ(0, s.other);
}

/*
 * A burst empties the pool: every creation still succeeds, each PAG is
 * created and ended exactly once, with its parent (the PAG it was made
 * from) in its creation event and creation times in creation order, and
 * nothing is left: no PAG, no key beyond the refilled pool.
 */
TEST_F(pool, burst_ends_each_once)
{
	static struct seen s;
	pid_t pid;
	int i, j, n;

	memset(&s, 0, sizeof(s));
	s.want = BURST;
	pid = burst_child(BURST);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_child(pid));
	s.pid = (uint32_t)pid;
	ASSERT_EQ(0, pag_nl_events(&self->events, 10000, seen_cb, &s));
	EXPECT_EQ(0, s.other);

	for (i = 0; i < BURST; i++) {
		const struct pag_attrs *c = &s.c[i];

		if (i) {
			EXPECT_LT(s.c[i - 1].created_ns, c->created_ns);
			EXPECT_EQ(s.c[i - 1].id, c->parent_id);
			EXPECT_EQ(s.c[i - 1].created_ns, c->parent_created_ns);
		} else {
			EXPECT_EQ(0, c->parent_id);
		}
		/* Exactly one ENDED for this incarnation. */
		for (j = 0; j < BURST; j++)
			if (s.e[j].id == c->id &&
			    s.e[j].created_ns == c->created_ns)
				break;
		if (j == BURST)
			TH_LOG("PAG %d (%llu) did not end", c->id,
			       (unsigned long long)c->created_ns);
		EXPECT_GT(BURST, j);
		for (j++; j < BURST; j++)
			EXPECT_FALSE(s.e[j].id == c->id &&
				     s.e[j].created_ns == c->created_ns);
	}

	ASSERT_EQ(0, wait_no_pags(30000));
	EXPECT_EQ(0, pag_nl_dump(&self->nl, NULL, NULL));
	/*
	 * The pool is refilled when a take leaves it half empty, so a burst
	 * may leave it anywhere above half and never beyond full, with
	 * nothing else of root's left behind.
	 */
	n = wait_root_keys(self->base + self->size, 10000);
	EXPECT_GE(self->base + self->size, n);
	EXPECT_LE(self->base + self->size / 2, n);
	EXPECT_EQ(-ETIMEDOUT, pag_nl_events(&self->events, 300, seen_cb, &s));
	EXPECT_EQ(0, s.other);
}

/*
 * The creation time is taken when the PAG is handed out, not when its
 * blank was made: with the pool full before @t0, a PAG made after @t0 has
 * a later creation time.
 */
TEST_F(pool, created_at_hand_out)
{
	struct pag_ioc_info info;
	uint64_t t0;
	int fds[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	t0 = boottime_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int dev = open("/dev/" PAG_DEV_NAME, O_RDONLY | O_CLOEXEC);

		memset(&info, 0, sizeof(info));
		if (dev < 0 || ioctl(dev, PAG_IOC_NEW, 0) <= 0 ||
		    ioctl(dev, PAG_IOC_GET, &info) <= 0)
			_exit(1);
		_exit(write(fds[1], &info, sizeof(info)) == sizeof(info) ? 0
									 : 2);
	}
	close(fds[1]);
	ASSERT_EQ((ssize_t)sizeof(info), read(fds[0], &info, sizeof(info)));
	close(fds[0]);
	ASSERT_EQ(0, wait_child(pid));
	EXPECT_LT(t0, info.created_ns);
	EXPECT_GE(boottime_ns(), info.created_ns);
}

/*
 * rmmod right after creations took blanks (the refill may still be
 * queued or running) drains the pool: the module goes, no key of its
 * markers stays behind, and no splat (the VM runner checks the log).
 */
TEST_F(pool, unload_with_blanks_taken)
{
	pid_t pid = burst_child(3);

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(0, wait_no_pags(10000));
	pag_nl_close(&self->events);
	pag_nl_close(&self->nl);
	ASSERT_EQ(0, run("rmmod pag"));
	EXPECT_EQ(self->base - MODULE_KEYS, key_user_nkeys(0));
	ASSERT_EQ(0, insmod(""));
}

TEST_HARNESS_MAIN
