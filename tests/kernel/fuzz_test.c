// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the "pag" family: at least 100,000 random and mutated requests must
 * leave no kernel splat (tools/vmtest fails the run on one) and, once the
 * fuzzing process is gone, an empty registry.
 *
 * PAG_FUZZ_SEED and PAG_FUZZ_COUNT override the seed and the count; the seed
 * is printed so that a failure can be replayed.
 */

#include <fcntl.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

static uint64_t rng_state;

/* xorshift64*: small, fast and reproducible from the seed. */
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
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

TEST_HARNESS_MAIN
