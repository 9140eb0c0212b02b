// SPDX-License-Identifier: GPL-2.0
/*
 * pagd's memory cache writer (userspace/pagd/nss/memcache.c) against a reader
 * of SSSD's format written here from the format's definition, as
 * libnss_sss reads it: header and barriers, MurmurHash3 buckets, chains
 * that collide, records keyed by name or by id, replacement, eviction when
 * the data table is full, reset (recycled file, fresh one in its place),
 * expiry, a file found inconsistent (renewed, never trusted), and
 * mcfill's choice of what to store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "pagd/nss/mcfill.h"
#include "pagd/nss/memcache.h"

#define NONE 0xffffffffu

/* The reader's view of one mapped file. */
struct rd {
	int fd;
	uint8_t *base;
	size_t size;
	uint32_t seed, dt_size, ft_size, ht_size;
	uint8_t *dt, *ft;
	uint32_t *ht;
};

static uint32_t w32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint32_t rotl(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

/* MurmurHash3_x86_32, written again: the test must not trust the writer. */
static uint32_t mm3(const char *key, size_t len, uint32_t seed)
{
	const uint8_t *p = (const uint8_t *)key;
	uint32_t h = seed, k = 0;
	size_t n = len / 4;

	for (size_t i = 0; i < n; i++) {
		k = w32(p + 4 * i) * 0xcc9e2d51;
		h ^= rotl(k, 15) * 0x1b873593;
		h = rotl(h, 13) * 5 + 0xe6546b64;
	}
	k = 0;
	for (size_t i = len & 3; i > 0; i--)
		k ^= (uint32_t)p[4 * n + i - 1] << (8 * (i - 1));
	if (len & 3)
		h ^= rotl(k * 0xcc9e2d51, 15) * 0x1b873593;
	h ^= len;
	h = (h ^ (h >> 16)) * 0x85ebca6b;
	h = (h ^ (h >> 13)) * 0xc2b2ae35;
	return h ^ (h >> 16);
}

static int rd_open(struct rd *r, const char *dir, const char *name)
{
	char path[512];
	struct stat st;
	uint32_t b1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(r, 0, sizeof(*r));
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) < 0 || st.st_size < 56)
		return -1;
	r->size = st.st_size;
	r->base = mmap(NULL, r->size, PROT_READ, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED)
		return -1;
	b1 = w32(r->base);
	if ((b1 & 0xff000000u) != 0xf0000000u || w32(r->base + 48) != b1 ||
	    w32(r->base + 4) != 1 || w32(r->base + 8) != 1)
		return -1;
	r->seed = w32(r->base + 16);
	r->dt_size = w32(r->base + 20);
	r->ft_size = w32(r->base + 24);
	r->ht_size = w32(r->base + 28);
	r->dt = r->base + w32(r->base + 32);
	r->ft = r->base + w32(r->base + 36);
	r->ht = (uint32_t *)(r->base + w32(r->base + 40));
	return 0;
}

static void rd_close(struct rd *r)
{
	if (r->base && r->base != MAP_FAILED)
		munmap(r->base, r->size);
	if (r->fd >= 0)
		close(r->fd);
}

static uint32_t rd_status(const struct rd *r)
{
	return w32(r->base + 12);
}

static uint32_t rd_bucket(const struct rd *r, const char *key)
{
	return mm3(key, strlen(key) + 1, r->seed) % (r->ht_size / 4);
}

/*
 * The record answering @key in chain @h: the first whose hash @which
 * (0: name, 1: id) equals @h and whose key matches, as libnss_sss walks.
 * @steps counts the records visited.
 */
static const uint8_t *rd_find(const struct rd *r, int which, const char *key,
			      uint32_t id, int name_word, int *steps)
{
	uint32_t h = rd_bucket(r, key), slot = r->ht[h];

	*steps = 0;
	while (slot < r->dt_size / 40) {
		const uint8_t *rec = r->dt + (size_t)slot * 40;
		const uint8_t *data = rec + 40;
		uint32_t h1 = w32(rec + 24), h2 = w32(rec + 28);

		(*steps)++;
		if (*steps > 100000 || w32(rec) != w32(rec + 36) ||
		    (w32(rec) & 0xff000000u) != 0xf0000000u)
			return NULL;
		if ((which ? h2 : h1) == h) {
			if (which ? w32(data + 4) == id
				  : !strcmp((const char *)data +
						    w32(data + name_word),
					    key))
				return rec;
		}
		slot = h1 == h ? w32(rec + 16) : h2 == h ? w32(rec + 20) : NONE;
	}
	return NULL;
}

static const uint8_t *pw_by_name(const struct rd *r, const char *name)
{
	int steps;

	return rd_find(r, 0, name, 0, 0, &steps);
}

static const uint8_t *pw_by_id(const struct rd *r, uint32_t id)
{
	char key[16];
	int steps;

	snprintf(key, sizeof(key), "%u", id);
	return rd_find(r, 1, key, id, 0, &steps);
}

/* "name:passwd:uid:gid:gecos:dir:shell" of a passwd record */
static void pw_line(const uint8_t *rec, char *out, size_t len)
{
	const uint8_t *d = rec + 40;
	const char *s = (const char *)d + 16;
	const char *f[5];

	for (int i = 0; i < 5; i++) {
		f[i] = s;
		s += strlen(s) + 1;
	}
	snprintf(out, len, "%s:%s:%u:%u:%s:%s:%s", f[0], f[1], w32(d + 4),
		 w32(d + 8), f[2], f[3], f[4]);
}

/* the strings of a passwd entry, and their length */
#define PW_STRS(name, gecos) name "\0x\0" gecos "\0/home/" name "\0/bin/sh"
#define PW(name, gecos)	     PW_STRS(name, gecos), sizeof(PW_STRS(name, gecos))

static uint64_t expiry(const uint8_t *rec)
{
	uint64_t v;

	memcpy(&v, rec + 8, sizeof(v));
	return v;
}

FIXTURE(mc)
{
	char dir[64];
	struct memcache *mc;
};

FIXTURE_SETUP(mc)
{
	strcpy(self->dir, "/tmp/pagd-mc.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	strcat(self->dir, "/mc");
	self->mc = NULL;
}

FIXTURE_TEARDOWN(mc)
{
	char cmd[128];

	memcache_close(self->mc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'",
		 (int)(strlen(self->dir) - 3), self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

TEST(murmurhash3_vectors)
{
	EXPECT_EQ(0u, mm3("", 0, 0));
	EXPECT_EQ(0x514e28b7u, mm3("", 0, 1));
	EXPECT_EQ(0x248bfa47u, mm3("hello", 5, 0));
}

TEST_F(mc, header_and_modes)
{
	struct stat st;
	struct rd r;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 1000, &self->mc));
	ASSERT_EQ(0, stat(self->dir, &st));
	EXPECT_EQ(0755u, st.st_mode & 07777);
	for (int m = 0; m < MEMCACHE_N_MAPS; m++) {
		ASSERT_EQ(0, rd_open(&r, self->dir, memcache_file[m]));
		EXPECT_EQ(1u, rd_status(&r));
		EXPECT_EQ(1000u * 40, r.dt_size); /* 1000 is a multiple of 8 */
		EXPECT_EQ(1000u / 8, r.ft_size);
		EXPECT_EQ(500u * 4, r.ht_size);
		EXPECT_LE((size_t)(r.ht - (uint32_t *)r.base) * 4 + r.ht_size,
			  r.size);
		for (uint32_t i = 0; i < r.ht_size / 4; i++)
			ASSERT_EQ(NONE, r.ht[i]);
		ASSERT_EQ(0, fstat(r.fd, &st));
		EXPECT_EQ(0644u, st.st_mode & 07777);
		rd_close(&r);
	}
}

TEST_F(mc, passwd_by_name_and_by_id)
{
	const uint8_t *rec;
	char line[256];
	struct rd r;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &self->mc));
	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 512, 512,
					 PW("asmith", "Alice Smith")));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	rec = pw_by_name(&r, "asmith");
	ASSERT_NE(NULL, rec);
	pw_line(rec, line, sizeof(line));
	EXPECT_STREQ("asmith:x:512:512:Alice Smith:/home/asmith:/bin/sh", line);
	EXPECT_LE(expiry(rec), (uint64_t)time(NULL) + 300);
	EXPECT_GE(expiry(rec), (uint64_t)time(NULL) + 300 - 60);
	/* found by name: not thereby the answer for the uid */
	EXPECT_EQ(NULL, pw_by_id(&r, 512));
	EXPECT_EQ(NONE, w32(rec + 28));

	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_ID, 512, 512,
					 PW("asmith", "Alice Smith")));
	rec = pw_by_id(&r, 512);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(NONE, w32(rec + 24));
	EXPECT_NE(NULL, pw_by_name(&r, "asmith"));
	EXPECT_EQ(NULL, pw_by_name(&r, "bjones"));
	rd_close(&r);

	EXPECT_EQ(-EINVAL, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 1, 1,
					       "a\0b\0c", 6));
}

TEST_F(mc, replace_keeps_one_record)
{
	const uint8_t *rec;
	char line[256];
	struct rd r;
	int used = 0;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &self->mc));
	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 512, 512,
					 PW("asmith", "Alice Smith")));
	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 512, 512,
					 PW("asmith", "Alice B. Smith")));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	rec = pw_by_name(&r, "asmith");
	ASSERT_NE(NULL, rec);
	pw_line(rec, line, sizeof(line));
	EXPECT_STREQ("asmith:x:512:512:Alice B. Smith:/home/asmith:/bin/sh",
		     line);
	for (uint32_t i = 0; i < r.ht_size / 4; i++)
		used += r.ht[i] != NONE;
	EXPECT_EQ(1, used);
	EXPECT_EQ(NONE, w32(rec + 16)); /* alone in its chain */
	rd_close(&r);
}

/* A tiny table: names collide in buckets, then the ring evicts. */
TEST_F(mc, collisions_and_eviction)
{
	char name[32], strs[128], want[128], line[256];
	int longest = 0, found = 0;
	struct rd r;

	/* 64 slots, 32 buckets; each record takes 2 slots */
	ASSERT_EQ(0, memcache_open(self->dir, 300, 64, &self->mc));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	for (int i = 0; i < 100; i++) {
		int n = snprintf(name, sizeof(name), "u%d", i);
		int len = snprintf(strs, sizeof(strs), "%s%cx%cU%c/h%c/s", name,
				   0, 0, 0, 0);

		(void)n;
		ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME,
						 1000 + i, 100, strs, len + 1));
	}
	/* the last 32 records fill the 64 slots; all of them are found */
	for (int i = 0; i < 100; i++) {
		const uint8_t *rec;
		int steps;

		snprintf(name, sizeof(name), "u%d", i);
		rec = rd_find(&r, 0, name, 0, 0, &steps);
		if (steps > longest)
			longest = steps;
		if (i < 100 - 32) {
			EXPECT_EQ(NULL, rec);
			continue;
		}
		ASSERT_NE(NULL, rec);
		pw_line(rec, line, sizeof(line));
		snprintf(want, sizeof(want), "%s:x:%d:100:U:/h:/s", name,
			 1000 + i);
		EXPECT_STREQ(want, line);
		found++;
	}
	EXPECT_EQ(32, found);
	EXPECT_GE(longest, 2); /* some chain held more than one record */
	/* the free table marks exactly the live records' slots */
	for (uint32_t s = 0; s < 64; s++)
		EXPECT_TRUE(r.ft[s / 8] & (0x80 >> (s % 8)));
	rd_close(&r);

	/* a record larger than the whole table is refused, nothing breaks */
	{
		static char big[64 * 40];

		memset(big, 'a', sizeof(big));
		memcpy(big + sizeof(big) - 8, "\0b\0c\0d\0", 8);
		EXPECT_EQ(-E2BIG,
			  memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 1, 1,
					      big, sizeof(big)));
	}
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	EXPECT_NE(NULL, pw_by_name(&r, "u99"));
	rd_close(&r);
}

/* A file found inconsistent is replaced, never trusted, never fatal. */
TEST_F(mc, inconsistent_file_is_renewed)
{
	char name[32], strs[64], path[128];
	struct rd old, r;
	uint8_t *rw;
	int fd, len;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 64, &self->mc));
	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		len = snprintf(strs, sizeof(strs), "%s%cx%cU%c/h%c/s", name, 0,
			       0, 0, 0);
		ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, i,
						 1, strs, len + 1));
	}
	/* someone scribbles on the first record's barrier */
	snprintf(path, sizeof(path), "%s/passwd", self->dir);
	ASSERT_EQ(0, rd_open(&old, self->dir, "passwd"));
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	rw = mmap(NULL, old.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, rw);
	rw[old.dt - old.base + 36] ^= 0x01;
	munmap(rw, old.size);
	close(fd);
	/* the ring wraps onto it: refused, and a fresh file takes over */
	EXPECT_EQ(-EIO, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 99, 1,
					    "u99\0x\0U\0/h\0/s", 14));
	EXPECT_EQ(2u, rd_status(&old));
	rd_close(&old);
	EXPECT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 99, 1,
					 "u99\0x\0U\0/h\0/s", 14));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	EXPECT_EQ(1u, rd_status(&r));
	EXPECT_NE(NULL, pw_by_name(&r, "u99"));
	EXPECT_EQ(NULL, pw_by_name(&r, "u1"));
	rd_close(&r);
}

TEST_F(mc, group_and_initgroups)
{
	static const char strs[] = "developers\0x\0asmith\0bjones";
	const uint32_t gids[] = { 3000, 3001 };
	const uint8_t *rec, *d;
	struct rd r;
	int steps;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &self->mc));
	ASSERT_EQ(0, memcache_put_group(self->mc, MEMCACHE_BY_ID, 3000, 2, strs,
					sizeof(strs)));
	EXPECT_EQ(-EINVAL, memcache_put_group(self->mc, MEMCACHE_BY_ID, 3000, 3,
					      strs, sizeof(strs)));
	ASSERT_EQ(0, rd_open(&r, self->dir, "group"));
	rec = rd_find(&r, 1, "3000", 3000, 0, &steps);
	ASSERT_NE(NULL, rec);
	d = rec + 40;
	EXPECT_EQ(16u, w32(d));
	EXPECT_EQ(3000u, w32(d + 4));
	EXPECT_EQ(2u, w32(d + 8));
	EXPECT_EQ(sizeof(strs), w32(d + 12));
	EXPECT_EQ(0, memcmp(d + 16, strs, sizeof(strs)));
	rd_close(&r);

	ASSERT_EQ(0, memcache_put_initgroups(self->mc, "asmith", gids, 2));
	ASSERT_EQ(0, rd_open(&r, self->dir, "initgroups"));
	rec = rd_find(&r, 0, "asmith", 0, 4, &steps);
	ASSERT_NE(NULL, rec);
	d = rec + 40;
	EXPECT_EQ(2u, w32(d + 20));	    /* number of gids */
	EXPECT_EQ(8u + 14, w32(d + 16));    /* data: gids, 2 names */
	EXPECT_EQ(14u, w32(d + 12));	    /* the names */
	EXPECT_EQ(24u + 8, w32(d));	    /* unique name */
	EXPECT_EQ(24u + 8 + 7, w32(d + 4)); /* name */
	EXPECT_EQ(3000u, w32(d + 24));
	EXPECT_EQ(3001u, w32(d + 28));
	EXPECT_STREQ("asmith", (const char *)d + 32);
	EXPECT_LE(w32(d + 16) + 24 + 40, w32(rec + 4)); /* within len */
	rd_close(&r);
}

TEST_F(mc, reset_recycles_old_file)
{
	struct memcache *mc2;
	char path[128];
	struct rd old, r;
	struct stat st;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &self->mc));
	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 512, 512,
					 PW("asmith", "Alice Smith")));
	ASSERT_EQ(0, rd_open(&old, self->dir, "passwd"));
	ASSERT_EQ(0, memcache_reset(self->mc));
	EXPECT_EQ(2u, rd_status(&old));
	ASSERT_EQ(0, fstat(old.fd, &st));
	EXPECT_EQ(0u, st.st_nlink);
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	EXPECT_EQ(1u, rd_status(&r));
	EXPECT_EQ(NULL, pw_by_name(&r, "asmith"));
	rd_close(&r);
	rd_close(&old);

	/* a new writer recycles what an earlier one left */
	ASSERT_EQ(0, rd_open(&old, self->dir, "passwd"));
	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &mc2));
	EXPECT_EQ(2u, rd_status(&old));
	rd_close(&old);

	/* closing recycles and removes */
	ASSERT_EQ(0, rd_open(&old, self->dir, "group"));
	memcache_close(mc2);
	EXPECT_EQ(2u, rd_status(&old));
	snprintf(path, sizeof(path), "%s/group", self->dir);
	EXPECT_EQ(-1, access(path, F_OK));
	rd_close(&old);
}

TEST_F(mc, expiry_time)
{
	const uint8_t *rec;
	struct rd r;
	uint64_t exp;

	ASSERT_EQ(0, memcache_open(self->dir, 1, 0, &self->mc));
	ASSERT_EQ(0, memcache_put_passwd(self->mc, MEMCACHE_BY_NAME, 512, 512,
					 PW("asmith", "Alice Smith")));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	rec = pw_by_name(&r, "asmith");
	ASSERT_NE(NULL, rec);
	exp = expiry(rec);
	EXPECT_LE(exp, (uint64_t)time(NULL) + 1);
	EXPECT_GE(exp, (uint64_t)time(NULL) - 60);
	rd_close(&r);
}

/* A request and its reply, as the NSS protocol frames them. */
static size_t frame(uint8_t *buf, uint32_t cmd, uint32_t status,
		    const void *body, size_t blen)
{
	uint32_t h[4] = { 16 + blen, cmd, status, 0 };

	memcpy(buf, h, 16);
	memcpy(buf + 16, body, blen);
	return 16 + blen;
}

TEST_F(mc, mcfill_stores_only_exact_answers)
{
	uint8_t req[64], rep[256], body[200];
	uint32_t hdr[4] = { 1, 0, 512, 512 };
	static const char strs[] = "asmith\0x\0A\0/h\0/s";
	size_t n;
	struct rd r;

	ASSERT_EQ(0, memcache_open(self->dir, 300, 0, &self->mc));
	memcpy(body, hdr, 16);
	memcpy(body + 16, strs, sizeof(strs));
	n = frame(rep, 0x11, 0, body, 16 + sizeof(strs));

	/* asked "ASMITH", answered "asmith": not stored */
	frame(req, 0x11, 0, "ASMITH", 7);
	EXPECT_EQ(0, mcfill(self->mc, req, rep, n));
	ASSERT_EQ(0, rd_open(&r, self->dir, "passwd"));
	EXPECT_EQ(NULL, pw_by_name(&r, "ASMITH"));
	EXPECT_EQ(NULL, pw_by_name(&r, "asmith"));

	frame(req, 0x11, 0, "asmith", 7);
	EXPECT_EQ(0, mcfill(self->mc, req, rep, n));
	EXPECT_NE(NULL, pw_by_name(&r, "asmith"));

	/* by uid: stored only for the uid answered */
	frame(req, 0x12, 0, &(uint32_t){ 513 }, 4);
	rep[4] = 0x12;
	EXPECT_EQ(0, mcfill(self->mc, req, rep, n));
	EXPECT_EQ(NULL, pw_by_id(&r, 513));
	EXPECT_EQ(NULL, pw_by_id(&r, 512));
	frame(req, 0x12, 0, &(uint32_t){ 512 }, 4);
	EXPECT_EQ(0, mcfill(self->mc, req, rep, n));
	EXPECT_NE(NULL, pw_by_id(&r, 512));

	/* not found (count 0) and errors: nothing */
	memset(body, 0, 8);
	n = frame(rep, 0x11, 0, body, 8);
	frame(req, 0x11, 0, "bjones", 7);
	EXPECT_EQ(0, mcfill(self->mc, req, rep, n));
	EXPECT_EQ(NULL, pw_by_name(&r, "bjones"));
	rd_close(&r);
}

TEST_HARNESS_MAIN
