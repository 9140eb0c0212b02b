// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the "pag" family: at least 100,000 random and mutated requests must
 * leave no kernel splat (tools/vmtest fails the run on one) and, once the
 * fuzzing process is gone, an empty registry.
 *
 * A second test fuzzes /dev/pag and PAG handles (the extended model) from
 * two threads at once: random requests on random descriptors, forks that
 * try their inherited handles (which must never switch), and the same end.
 *
 * PAG_FUZZ_SEED and PAG_FUZZ_COUNT override the seed and the count; the seed
 * is printed so that a failure can be replayed (the ioctl test's two
 * threads interleave as the scheduler has them, so replays are close, not
 * exact).
 */

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

static uint64_t rng_state;

/* xorshift64*: small, fast and reproducible from the seed. */
static uint32_t rnd_from(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return (uint32_t)((*st * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t rnd(void)
{
	return rnd_from(&rng_state);
}

static const uint16_t flag_choices[] = {
	NLM_F_REQUEST | NLM_F_ACK,
	NLM_F_REQUEST,
	NLM_F_REQUEST | NLM_F_DUMP,
	NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
	NLM_F_REQUEST | NLM_F_ECHO,
	NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL,
	0,
};

/* The highest attribute type of either set. */
#define ATTR_MAX                                                        \
	((int)PAG_A_PAG_MAX > (int)PAG_A_TOKEN_MAX ? (int)PAG_A_PAG_MAX \
						   : (int)PAG_A_TOKEN_MAX)

/* A request with random command, flags and attributes. */
static size_t random_msg(struct pag_nl *nl, char *buf, size_t size)
{
	static const uint16_t lens[] = { 4, 4, 8, 8 };
	struct nlmsghdr *nlh;
	unsigned int i, n = rnd() % 5;
	uint8_t data[16];

	/* Mostly real commands (every request, tokens included), sometimes
	 * anything. */
	nlh = pag_nl_msg(
		nl, buf,
		rnd() % 4 ? rnd() % (PAG_CMD_TOKEN_GET + 1) : rnd() % 256, 0);
	nlh->nlmsg_flags = flag_choices[rnd() % (sizeof(flag_choices) /
						 sizeof(flag_choices[0]))];
	if (!(rnd() % 16))
		nlh->nlmsg_flags |= (uint16_t)rnd();
	for (i = 0; i < n; i++) {
		uint16_t type =
			rnd() % 4 ? rnd() % (ATTR_MAX + 2) : (uint16_t)rnd();
		uint16_t len =
			rnd() % 4 ? lens[rnd() % 4] : rnd() % sizeof(data);
		unsigned int j;

		for (j = 0; j < sizeof(data); j++)
			data[j] = (uint8_t)rnd();
		if (len == 4 && rnd() % 2) /* plausible ids */
			memcpy(data, &(int32_t){ (int32_t)(rnd() % 1000) - 10 },
			       4);
		if (len == 8 && rnd() % 2) /* plausible creation times */
			memcpy(data, &(uint64_t){ boottime_ns() - rnd() % 4 },
			       8);
		if (nlh->nlmsg_len + MNL_ALIGN(MNL_ATTR_HDRLEN + len) > size)
			break;
		mnl_attr_put(nlh, type, len, data);
	}
	return nlh->nlmsg_len;
}

/* A valid request with a few bytes changed, or its length changed. */
static size_t mutated_msg(struct pag_nl *nl, char *buf, size_t size)
{
	static const uint8_t cmds[] = { PAG_CMD_GET,	  PAG_CMD_GET,
					PAG_CMD_LEAVE,	  PAG_CMD_NEW,
					PAG_CMD_ENTER,	  PAG_CMD_TOKEN_GET,
					PAG_CMD_TOKEN_DEL };
	struct nlmsghdr *nlh;
	unsigned int i, n = 1 + rnd() % 4;
	size_t len;

	uint8_t cmd = cmds[rnd() % sizeof(cmds)];

	nlh = pag_nl_msg(nl, buf, cmd, rnd() % 3 ? NLM_F_ACK : NLM_F_DUMP);
	/* PAG_A_PAG_ID and PAG_A_TOKEN_PAG are both type 1. */
	if (rnd() % 2)
		mnl_attr_put_u32(nlh, PAG_A_PAG_ID, rnd() % 2 ? 1 : rnd());
	if (rnd() % 2)
		mnl_attr_put_u64(nlh,
				 cmd >= PAG_CMD_TOKEN_ADD
					 ? PAG_A_TOKEN_PAG_CREATED_NS
					 : PAG_A_PAG_CREATED_NS,
				 rnd() % 2 ? boottime_ns() : rnd());
	len = nlh->nlmsg_len;
	for (i = 0; i < n; i++) {
		/* Keep nlmsg_type: random families are not ours to fuzz. */
		size_t off =
			sizeof(uint32_t) + sizeof(uint16_t) + rnd() % (len - 6);

		buf[off] = (char)rnd();
	}
	if (!(rnd() % 8)) {
		/* Lie about the length, or send a short buffer. */
		if (rnd() % 2)
			nlh->nlmsg_len = rnd() % (size + 1);
		else
			len = rnd() % (len + 1);
	}
	return len;
}

/* Read whatever came back (acks, errors, dump parts) without waiting. */
static void drain(int fd, char *buf, size_t size)
{
	while (recv(fd, buf, size, MSG_DONTWAIT) > 0)
		;
}

FIXTURE(fuzz){};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, random_and_mutated, 600)
{
	const char *env_seed = getenv("PAG_FUZZ_SEED");
	const char *env_count = getenv("PAG_FUZZ_COUNT");
	unsigned long count = env_count ? strtoul(env_count, NULL, 0) : 100000;
	uint64_t seed =
		env_seed ? strtoull(env_seed, NULL, 0) : boottime_ns() | 1;
	struct pag_nl nl;
	pid_t pid;

	TH_LOG("seed %llu, %lu messages", (unsigned long long)seed, count);
	ASSERT_EQ(0, wait_no_pags(10000));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static char buf[4096], rbuf[65536];
		int fd, bufsz = 1 << 20;
		unsigned long i, sent = 0;
		size_t len;

		if (pag_nl_open(&nl))
			_exit(1);
		fd = mnl_socket_get_fd(nl.sock);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
		rng_state = seed;
		for (i = 0; i < count; i++) {
			memset(buf, 0, 64);
			len = rnd() % 2 ? random_msg(&nl, buf, sizeof(buf))
					: mutated_msg(&nl, buf, sizeof(buf));
			if (send(fd, buf, len, 0) >= 0)
				sent++;
			drain(fd, rbuf, sizeof(rbuf));
		}
		_exit(sent ? 0 : 2);
	}
	ASSERT_EQ(0, wait_child(pid));

	/* Everything the fuzzer made ended with it. */
	ASSERT_EQ(0, pag_nl_open(&nl));
	EXPECT_EQ(0, wait_no_pags(60000));
	EXPECT_EQ(0, pag_nl_dump(&nl, NULL, NULL));
	/* And the family still works. */
	EXPECT_EQ(-ENOENT, pag_nl_get(&nl, 0, NULL));
	pag_nl_close(&nl);
}

/* The handles the ioctl fuzzer holds; only these are ever closed. */
#define SLOTS 32

struct ioc_fuzz {
	int dev;
	int slot[SLOTS];
	pthread_mutex_t lock;
	unsigned long count;
	uint64_t seed;
	int bad; /* a fork child switched with an inherited handle */
	uint64_t threads;
};

/* A descriptor to pass: mostly a slot, sometimes /dev/pag or anything. */
static long fuzz_fd(struct ioc_fuzz *f, uint64_t *st)
{
	long fd;

	switch (rnd_from(st) % 8) {
	case 0:
		fd = f->dev;
		break;
	case 1:
		fd = (long)(int32_t)rnd_from(st);
		break;
	case 2:
		fd = rnd_from(st) % 64;
		break;
	default:
		fd = f->slot[rnd_from(st) % SLOTS];
	}
	return fd;
}

/* Put @fd in a random slot, closing what was there. */
static void fuzz_keep(struct ioc_fuzz *f, int fd, uint32_t r)
{
	int old;

	if (fd < 0)
		return;
	pthread_mutex_lock(&f->lock);
	old = f->slot[r % SLOTS];
	f->slot[r % SLOTS] = fd;
	pthread_mutex_unlock(&f->lock);
	if (old >= 0)
		close(old);
}

/* A fork child: every inherited handle must give nothing. */
static void fuzz_fork(struct ioc_fuzz *f)
{
	pid_t pid = fork();
	int i, bad = 0;

	if (pid < 0)
		return;
	if (pid == 0) {
		for (i = 0; i < SLOTS; i++)
			if (f->slot[i] >= 0 &&
			    (!ioctl(f->dev, PAG_IOC_SWITCH, f->slot[i]) ||
			     !ioctl(f->dev, PAG_IOC_SET_DEFAULT, f->slot[i])))
				bad = 1;
		_exit(bad);
	}
	if (wait_child(pid) != 0)
		__atomic_store_n(&f->bad, 1, __ATOMIC_RELAXED);
}

static void *ioc_fuzzer(void *p)
{
	struct ioc_fuzz *f = p;
	struct pag_ioc_info info;
	/* Thread n's stream: the seed's, n steps on (never 0). */
	uint64_t st =
		f->seed + __atomic_fetch_add(&f->threads, 2, __ATOMIC_RELAXED);
	unsigned long i;
	uint32_t r;
	long fd;

	for (i = 0; i < f->count; i++) {
		r = rnd_from(&st);
		fd = fuzz_fd(f, &st);
		switch (r % 16) {
		case 0:
		case 1:
			fuzz_keep(f, ioctl(f->dev, PAG_IOC_REF_NEW, 0), r >> 8);
			break;
		case 2:
			fuzz_keep(f, ioctl(f->dev, PAG_IOC_REF_CURRENT, 0),
				  r >> 8);
			break;
		case 3:
		case 4:
		case 5:
			ioctl(f->dev, PAG_IOC_SWITCH, fd);
			break;
		case 6:
		case 7:
			ioctl(f->dev, PAG_IOC_SWITCH_DEFAULT,
			      r & 0x100 ? 0 : fd);
			break;
		case 8:
			ioctl(f->dev, PAG_IOC_SET_DEFAULT, fd);
			break;
		case 9:
			ioctl((int)fd, PAG_IOC_GET, &info);
			break;
		case 10:
			/* Any request of our magic, on a handle or the device.
			 */
			ioctl(r & 0x100 ? (int)fd : f->dev,
			      _IOC(r >> 30, PAG_IOC_MAGIC, (r >> 9) % 16,
				   (r >> 13) % 64),
			      &info);
			break;
		case 11:
			ioctl(f->dev, r & 0x100 ? PAG_IOC_NEW : PAG_IOC_LEAVE,
			      0);
			break;
		case 12:
			pthread_mutex_lock(&f->lock);
			fd = f->slot[(r >> 8) % SLOTS];
			f->slot[(r >> 8) % SLOTS] = -1;
			pthread_mutex_unlock(&f->lock);
			if (fd >= 0)
				close((int)fd);
			break;
		case 13:
			if (!(r & 0x3f00))
				fuzz_fork(f);
			break;
		default:
			if (fd >= 0 && fd < 1024)
				fuzz_keep(f, fcntl((int)fd, F_DUPFD_CLOEXEC, 0),
					  r >> 8);
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(fuzz, handles, 600)
{
	const char *env_seed = getenv("PAG_FUZZ_SEED");
	const char *env_count = getenv("PAG_FUZZ_COUNT");
	unsigned long count = env_count ? strtoul(env_count, NULL, 0) : 100000;
	uint64_t seed =
		env_seed ? strtoull(env_seed, NULL, 0) : boottime_ns() | 1;
	struct pag_nl nl;
	pid_t pid;

	TH_LOG("seed %llu, %lu requests", (unsigned long long)seed, count);
	ASSERT_EQ(0, wait_no_pags(10000));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static struct ioc_fuzz f;
		pthread_t th[2];
		int i;

		f.dev = open("/dev/" PAG_DEV_NAME, O_RDWR | O_CLOEXEC);
		if (f.dev < 0)
			_exit(1);
		for (i = 0; i < SLOTS; i++)
			f.slot[i] = -1;
		pthread_mutex_init(&f.lock, NULL);
		f.count = count / 2;
		f.seed = seed;
		for (i = 0; i < 2; i++)
			if (pthread_create(&th[i], NULL, ioc_fuzzer, &f))
				_exit(2);
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		_exit(f.bad ? 3 : 0);
	}
	ASSERT_EQ(0, wait_child(pid));

	/* Every PAG and handle ended with the process. */
	ASSERT_EQ(0, pag_nl_open(&nl));
	EXPECT_EQ(0, wait_no_pags(60000));
	EXPECT_EQ(0, pag_nl_dump(&nl, NULL, NULL));
	pag_nl_close(&nl);
}

TEST_HARNESS_MAIN
