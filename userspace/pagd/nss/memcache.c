// SPDX-License-Identifier: GPL-2.0
/*
 * SSSD's memory cache files, format version 1.1 (what libnss_sss 2.x maps),
 * written from the format's definition.  All words are host order.
 *
 *   header (52 bytes, padded to 56): barrier b1, major and minor version,
 *     status (1 alive, 2 recycled: re-open), hash seed, the sizes of the
 *     data, free and hash tables and their offsets from the file start,
 *     a reserved word and barrier b2;
 *   data table: 40-byte slots; a record takes whole consecutive slots;
 *   free table: one bit per slot, most significant bit first;
 *   hash table: one word per bucket, the first slot of a chain or ~0.
 *
 * A record (40 bytes, then its payload): b1, total length, expiry
 * (64-bit time_t), next slot in the chain of hash 1 and of hash 2, hash 1
 * (of the name), hash 2 (of the decimal id), a reserved word, b2.  A
 * client looks a key up as MurmurHash3-32(key with its NUL, seed) modulo
 * the bucket count, walks the chain through the "next" word belonging to
 * whichever of the record's hashes equals the bucket, and takes the first
 * record whose hash matches and whose name (or id) equals the key.
 *
 * Each record here answers exactly one key and sits in exactly one chain,
 * its other hash being ~0: an entry found by name is not thereby the answer
 * for its id (two names may share a uid), and vice versa.
 *
 * Readers copy a header or record between reading b1 and checking that b2
 * still equals it, retrying a few times and then falling back to the
 * socket.  So a writer sets b2 to a new barrier value (0xf0 in the top byte,
 * a counter below), fences, writes, fences, and sets b1 to b2; a record
 * being removed gets b2 = b1 = ~0 (not a barrier).  A chain link is one
 * aligned word, stored once the record it points to is complete.
 *
 * Files are replaced, never emptied in place: a fresh file is renamed over
 * the old one, whose header then says "recycled"; clients that map it see
 * that (or its link count of 0) and re-open.
 *
 * Allocation is a ring: records are written at a cursor that wraps to the
 * start, evicting whatever lies in the way.  Everything behind the cursor
 * was written in this lap, so a used slot at or past the cursor always
 * starts a record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/nss/memcache.h"

#define MC_MAJOR	   1
#define MC_MINOR	   1
#define MC_ALIVE	   1
#define MC_RECYCLED	   2
#define MC_NONE		   0xffffffffu
#define MC_SLOT		   40
#define MC_HEADER_AREA	   56 /* also the shortest record a client takes */
#define MC_DEFAULT_SLOTS   32768
#define MC_MAX_SLOTS	   (1u << 24) /* the table sizes are 32-bit */
#define MC_SLOTS_PER_CHAIN 2

struct mc_header {
	uint32_t b1;
	uint32_t major;
	uint32_t minor;
	uint32_t status;
	uint32_t seed;
	uint32_t dt_size;
	uint32_t ft_size;
	uint32_t ht_size;
	uint32_t dt_off;
	uint32_t ft_off;
	uint32_t ht_off;
	uint32_t reserved;
	uint32_t b2;
};
_Static_assert(sizeof(struct mc_header) == 52, "header layout");

struct mc_rec {
	uint32_t b1;
	uint32_t len;
	uint64_t expire;
	uint32_t next[2]; /* [0]: chain of hash[0] (name), [1]: of hash[1] */
	uint32_t hash[2];
	uint32_t reserved;
	uint32_t b2;
};
_Static_assert(sizeof(struct mc_rec) == MC_SLOT, "record header layout");

/* Payloads; "name" and friends are offsets from the payload's start. */
struct mc_pw {
	uint32_t name, uid, gid, strs_len;
};
struct mc_gr {
	uint32_t name, gid, n_members, strs_len;
};
struct mc_ig {
	uint32_t unique_name, name, strs, strs_len, data_len, n_gids;
};
_Static_assert(sizeof(struct mc_pw) == 16 && sizeof(struct mc_gr) == 16 &&
		       sizeof(struct mc_ig) == 24,
	       "payload layouts");

struct mc_file {
	int fd;
	uint8_t *base;
	size_t size;
	struct mc_header *h;
	uint8_t *dt;
	uint8_t *ft;
	uint32_t *ht;
	uint32_t n_slots;
	uint32_t n_buckets;
	uint32_t seed;
	uint32_t cursor;
};

struct memcache {
	char *dir;
	unsigned int timeout;
	uint32_t slots;
	struct mc_file f[MEMCACHE_N_MAPS];
};

const char *const memcache_file[MEMCACHE_N_MAPS] = {
	[MEMCACHE_PASSWD] = "passwd",
	[MEMCACHE_GROUP] = "group",
	[MEMCACHE_INITGROUPS] = "initgroups",
};

static inline void fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void set_word(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELAXED);
}

static uint32_t next_barrier(uint32_t b)
{
	return ((b + 1) & 0x00ffffffu) | 0xf0000000u;
}

#define WRITE_BEGIN(s)                                     \
	do {                                               \
		set_word(&(s)->b2, next_barrier((s)->b1)); \
		fence();                                   \
	} while (0)
#define WRITE_END(s)                         \
	do {                                 \
		fence();                     \
		set_word(&(s)->b1, (s)->b2); \
	} while (0)

/* MurmurHash3, x86 32-bit variant: the clients' hash, on any host. */
static uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static uint32_t murmur3_32(const void *key, size_t len, uint32_t seed)
{
	const uint8_t *p = key;
	const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
	uint32_t h = seed, k;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		    (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	k = 0;
	switch (len & 3) {
	case 3:
		k ^= (uint32_t)p[i + 2] << 16;
		/* fall through */
	case 2:
		k ^= (uint32_t)p[i + 1] << 8;
		/* fall through */
	case 1:
		k ^= p[i];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static uint32_t bucket(const struct mc_file *f, const char *key)
{
	return murmur3_32(key, strlen(key) + 1, f->seed) % f->n_buckets;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint32_t slots_for(uint32_t len)
{
	return (len + MC_SLOT - 1) / MC_SLOT;
}

static struct mc_rec *rec_at(const struct mc_file *f, uint32_t slot)
{
	return (struct mc_rec *)(f->dt + (size_t)slot * MC_SLOT);
}

static uint8_t *payload(struct mc_rec *r)
{
	return (uint8_t *)r + sizeof(*r);
}

static bool slot_used(const struct mc_file *f, uint32_t s)
{
	return f->ft[s / 8] & (0x80 >> (s % 8));
}

static void mark_slots(struct mc_file *f, uint32_t s, uint32_t n, bool used)
{
	for (uint32_t i = s; i < s + n; i++) {
		if (used)
			f->ft[i / 8] |= 0x80 >> (i % 8);
		else
			f->ft[i / 8] &= ~(0x80 >> (i % 8));
	}
}

/* Which of the record's chains is bucket @h's: 0, 1, or -1. */
static int chain_of(const struct mc_rec *r, uint32_t h)
{
	return r->hash[0] == h ? 0 : r->hash[1] == h ? 1 : -1;
}

/* A record as this writer leaves them: complete, in one chain, in bounds. */
static bool rec_sane(const struct mc_file *f, uint32_t slot)
{
	const struct mc_rec *r = rec_at(f, slot);
	int k = r->hash[0] != MC_NONE ? 0 : 1;

	return r->b1 == r->b2 && (r->b1 & 0xff000000u) == 0xf0000000u &&
	       r->len >= MC_HEADER_AREA &&
	       slots_for(r->len) <= f->n_slots - slot &&
	       r->hash[k] < f->n_buckets && r->hash[!k] == MC_NONE;
}

/* Unhooks the record at @slot from the chain of bucket @h. */
static int chain_remove(struct mc_file *f, uint32_t slot, uint32_t h)
{
	uint32_t *link = &f->ht[h];

	for (uint32_t n = 0; *link != MC_NONE && n <= f->n_slots; n++) {
		struct mc_rec *r;
		int k;

		if (*link >= f->n_slots)
			return -EIO;
		r = rec_at(f, *link);
		k = chain_of(r, h);
		if (k < 0)
			return -EIO;
		if (*link == slot) {
			set_word(link, r->next[k]);
			return 0;
		}
		link = &r->next[k];
	}
	return -EIO;
}

/* Takes the record at @slot out: unchained, marked invalid, slots free. */
static int rec_remove(struct mc_file *f, uint32_t slot)
{
	struct mc_rec *r = rec_at(f, slot);
	uint32_t n = slots_for(r->len);
	int e = chain_remove(f, slot, r->hash[r->hash[0] != MC_NONE ? 0 : 1]);

	if (e < 0)
		return e;
	set_word(&r->b2, MC_NONE);
	fence();
	r->len = MC_NONE;
	r->expire = (uint64_t)-1;
	r->next[0] = r->next[1] = MC_NONE;
	r->hash[0] = r->hash[1] = MC_NONE;
	fence();
	set_word(&r->b1, MC_NONE);
	mark_slots(f, slot, n, false);
	return 0;
}

/* @n consecutive slots at the cursor, evicting the records in the way. */
static int slots_alloc(struct mc_file *f, uint32_t n, uint32_t *slot)
{
	uint32_t s;
	int r;

	if (n > f->n_slots)
		return -E2BIG;
	if (f->cursor + n > f->n_slots)
		f->cursor = 0;
	for (s = f->cursor; s < f->cursor + n;) {
		uint32_t len;

		if (!slot_used(f, s)) {
			s++;
			continue;
		}
		if (!rec_sane(f, s))
			return -EIO;
		len = rec_at(f, s)->len;
		r = rec_remove(f, s);
		if (r < 0)
			return r;
		s += slots_for(len);
	}
	*slot = f->cursor;
	f->cursor += n;
	return 0;
}

static const char *rec_name(enum memcache_map m, struct mc_rec *r)
{
	uint32_t off;

	memcpy(&off, payload(r) + (m == MEMCACHE_INITGROUPS ? 4 : 0),
	       sizeof(off));
	return (const char *)payload(r) + off;
}

/* The id of a passwd or group record: the second payload word. */
static uint32_t rec_id(struct mc_rec *r)
{
	uint32_t id;

	memcpy(&id, payload(r) + 4, sizeof(id));
	return id;
}

/* The slot of the record answering @key in chain @h, or MC_NONE. */
static uint32_t rec_find(const struct mc_file *f, enum memcache_map m,
			 enum memcache_key by, const char *key, uint32_t id,
			 uint32_t h)
{
	uint32_t slot = f->ht[h];

	for (uint32_t n = 0; slot < f->n_slots && n <= f->n_slots; n++) {
		struct mc_rec *r = rec_at(f, slot);
		int k = chain_of(r, h);

		if (k < 0)
			break;
		if (k == (int)by &&
		    (by == MEMCACHE_BY_ID ? rec_id(r) == id
					  : !strcmp(rec_name(m, r), key)))
			return slot;
		slot = r->next[k];
	}
	return MC_NONE;
}

static int file_renew(struct memcache *mc, enum memcache_map m);

/*
 * Writes a record answering @key (a name, or @id in decimal) whose payload
 * is @head (@head_len bytes) then @tail.  A record for the same key goes
 * first; then the new one is written, and chained last of all.
 */
static int rec_put(struct memcache *mc, enum memcache_map m,
		   enum memcache_key by, const char *key, uint32_t id,
		   const void *head, size_t head_len, const void *tail,
		   size_t tail_len)
{
	struct mc_file *f = &mc->f[m];
	char idkey[16];
	uint32_t h, old, slot = 0, len;
	struct mc_rec *r;
	size_t total = sizeof(*r) + head_len + tail_len;
	int k = by == MEMCACHE_BY_ID, e;

	if (!f->base)
		return -EIO;
	if (total > (size_t)f->n_slots * MC_SLOT)
		return -E2BIG;
	len = total < MC_HEADER_AREA ? MC_HEADER_AREA : total;
	if (by == MEMCACHE_BY_ID) {
		snprintf(idkey, sizeof(idkey), "%u", id);
		key = idkey;
	}
	h = bucket(f, key);
	old = rec_find(f, m, by, key, id, h);
	e = old != MC_NONE ? rec_remove(f, old) : 0;
	if (e == 0)
		e = slots_alloc(f, slots_for(len), &slot);
	if (e == -EIO) {
		log_error("memory cache %s/%s is inconsistent; starting afresh",
			  mc->dir, memcache_file[m]);
		file_renew(mc, m);
	}
	if (e < 0)
		return e;

	r = rec_at(f, slot);
	WRITE_BEGIN(r);
	r->len = len;
	r->expire = (uint64_t)time(NULL) + mc->timeout;
	r->hash[k] = h;
	r->hash[!k] = MC_NONE;
	r->next[k] = f->ht[h];
	r->next[!k] = MC_NONE;
	r->reserved = MC_NONE;
	memcpy(payload(r), head, head_len);
	memcpy(payload(r) + head_len, tail, tail_len);
	memset(payload(r) + head_len + tail_len, 0, len - total);
	WRITE_END(r);
	mark_slots(f, slot, slots_for(len), true);
	fence();
	set_word(&f->ht[h], slot);
	return 0;
}

/* Whether @strs holds exactly @n NUL-terminated strings. */
static bool strs_count(const char *strs, size_t len, uint32_t n)
{
	uint32_t seen = 0;

	for (size_t i = 0; i < len; i++)
		seen += strs[i] == '\0';
	return len > 0 && strs[len - 1] == '\0' && seen == n;
}

int memcache_put_passwd(struct memcache *mc, enum memcache_key by, uint32_t uid,
			uint32_t gid, const char *strs, size_t len)
{
	struct mc_pw pw = {
		.name = sizeof(pw), .uid = uid, .gid = gid, .strs_len = len
	};

	if (!strs_count(strs, len, 5))
		return -EINVAL;
	return rec_put(mc, MEMCACHE_PASSWD, by, strs, uid, &pw, sizeof(pw),
		       strs, len);
}

int memcache_put_group(struct memcache *mc, enum memcache_key by, uint32_t gid,
		       uint32_t n_members, const char *strs, size_t len)
{
	struct mc_gr gr = { .name = sizeof(gr),
			    .gid = gid,
			    .n_members = n_members,
			    .strs_len = len };

	if (n_members > UINT32_MAX - 2 || !strs_count(strs, len, n_members + 2))
		return -EINVAL;
	return rec_put(mc, MEMCACHE_GROUP, by, strs, gid, &gr, sizeof(gr), strs,
		       len);
}

/*
 * The payload: the header, the gids, then the "unique" name and the name
 * the client asked for (the same here: the record answers that name).
 */
int memcache_put_initgroups(struct memcache *mc, const char *name,
			    const void *gids, uint32_t n_gids)
{
	size_t nlen = strlen(name) + 1, glen = (size_t)n_gids * 4;
	struct mc_ig ig;
	uint8_t *tail;
	int r;

	if (nlen == 1 || n_gids > (1u << 24))
		return -EINVAL;
	tail = malloc(glen + 2 * nlen);
	if (!tail)
		return -ENOMEM;
	memcpy(tail, gids, glen);
	memcpy(tail + glen, name, nlen);
	memcpy(tail + glen + nlen, name, nlen);
	ig = (struct mc_ig){
		.unique_name = sizeof(ig) + glen,
		.name = sizeof(ig) + glen + nlen,
		.strs = sizeof(ig) + glen,
		.strs_len = 2 * nlen,
		.data_len = glen + 2 * nlen,
		.n_gids = n_gids,
	};
	r = rec_put(mc, MEMCACHE_INITGROUPS, MEMCACHE_BY_NAME, name, 0, &ig,
		    sizeof(ig), tail, glen + 2 * nlen);
	free(tail);
	return r;
}

static void file_unmap(struct mc_file *f)
{
	if (f->base)
		munmap(f->base, f->size);
	if (f->fd >= 0)
		close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* Tells clients mapping the file behind @fd to re-open. */
static void mark_recycled_fd(int fd)
{
	uint32_t st = MC_RECYCLED;
	struct stat s;

	if (fstat(fd, &s) == 0 && S_ISREG(s.st_mode) &&
	    s.st_size >= (off_t)sizeof(struct mc_header))
		(void)!pwrite(fd, &st, sizeof(st),
			      offsetof(struct mc_header, status));
}

static void mark_recycled(struct mc_file *f)
{
	WRITE_BEGIN(f->h);
	f->h->status = MC_RECYCLED;
	WRITE_END(f->h);
}

static uint32_t make_seed(void)
{
	uint32_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	/* entropy not ready yet: the seed only spreads collisions */
	return (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
}

/* Maps a new, empty, alive file at @path. */
static int file_create(struct memcache *mc, struct mc_file *f, const char *path)
{
	size_t dt = (size_t)mc->slots * MC_SLOT, ft = mc->slots / 8;
	size_t ht = (size_t)(mc->slots / MC_SLOTS_PER_CHAIN) * 4;
	int fd;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -errno;
	f->fd = fd;
	f->size = MC_HEADER_AREA + align8(dt) + align8(ft) + align8(ht);
	/* sparse: only the hash table is filled in */
	if (fchmod(fd, 0644) < 0 || ftruncate(fd, f->size) < 0)
		return -errno;
	f->base =
		mmap(NULL, f->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (f->base == MAP_FAILED) {
		f->base = NULL;
		return -errno;
	}
	f->h = (struct mc_header *)f->base;
	f->dt = f->base + MC_HEADER_AREA;
	f->ft = f->dt + align8(dt);
	f->ht = (uint32_t *)(f->ft + align8(ft));
	f->n_slots = mc->slots;
	f->n_buckets = mc->slots / MC_SLOTS_PER_CHAIN;
	f->seed = make_seed();
	memset(f->ht, 0xff, ht);

	WRITE_BEGIN(f->h);
	f->h->major = MC_MAJOR;
	f->h->minor = MC_MINOR;
	f->h->seed = f->seed;
	f->h->dt_size = dt;
	f->h->ft_size = ft;
	f->h->ht_size = ht;
	f->h->dt_off = f->dt - f->base;
	f->h->ft_off = f->ft - f->base;
	f->h->ht_off = (uint8_t *)f->ht - f->base;
	f->h->reserved = 0;
	f->h->status = MC_ALIVE;
	WRITE_END(f->h);
	return 0;
}

/*
 * A fresh file of map @m takes the place of the old one (ours or a stale
 * one), which is marked recycled: there is never a moment without a file.
 */
static int file_renew(struct memcache *mc, enum memcache_map m)
{
	struct mc_file *f = &mc->f[m], fresh;
	char *path = NULL, *tmp = NULL;
	int old_fd = -1, r;

	if (asprintf(&path, "%s/%s", mc->dir, memcache_file[m]) < 0)
		path = NULL;
	if (asprintf(&tmp, "%s/.%s.new", mc->dir, memcache_file[m]) < 0)
		tmp = NULL;
	if (!path || !tmp) {
		r = -ENOMEM;
		goto out;
	}
	r = file_create(mc, &fresh, tmp);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create memory cache %s: %m", tmp);
		file_unmap(&fresh);
		unlink(tmp);
		goto out;
	}
	if (!f->base)
		old_fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (rename(tmp, path) < 0) {
		r = log_errno(LOG_ERR, -errno, "cannot rename %s to %s: %m",
			      tmp, path);
		file_unmap(&fresh);
		unlink(tmp);
		goto out;
	}
	if (f->base)
		mark_recycled(f);
	else if (old_fd >= 0)
		mark_recycled_fd(old_fd);
	file_unmap(f);
	*f = fresh;
out:
	if (old_fd >= 0)
		close(old_fd);
	if (r < 0 && f->base) {
		/* the old file must not outlive a reset */
		mark_recycled(f);
		if (path)
			unlink(path);
		file_unmap(f);
	}
	free(path);
	free(tmp);
	return r;
}

int memcache_reset(struct memcache *mc)
{
	int r = 0;

	for (int m = 0; m < MEMCACHE_N_MAPS; m++) {
		int e = file_renew(mc, m);

		if (e < 0 && r == 0)
			r = e;
	}
	return r;
}

int memcache_open(const char *dir, unsigned int timeout, uint32_t slots,
		  struct memcache **out)
{
	struct memcache *mc;
	int r;

	/* clients of any uid must read it, whatever the umask */
	r = mkdir_exact_mode(dir, 0755);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot create %s: %m", dir);
	mc = calloc(1, sizeof(*mc));
	if (!mc || !(mc->dir = strdup(dir))) {
		free(mc);
		return -ENOMEM;
	}
	if (slots == 0)
		slots = MC_DEFAULT_SLOTS;
	if (slots > MC_MAX_SLOTS)
		slots = MC_MAX_SLOTS;
	/* whole bytes of the free table, whole buckets */
	mc->slots = slots < 64 ? 64 : (slots + 7) & ~7u;
	mc->timeout = timeout;
	for (int m = 0; m < MEMCACHE_N_MAPS; m++)
		mc->f[m].fd = -1;
	r = memcache_reset(mc);
	if (r < 0) {
		memcache_close(mc);
		return r;
	}
	*out = mc;
	return 0;
}

void memcache_set_timeout(struct memcache *mc, unsigned int timeout)
{
	mc->timeout = timeout;
}

void memcache_close(struct memcache *mc)
{
	if (!mc)
		return;
	for (int m = 0; m < MEMCACHE_N_MAPS; m++) {
		struct mc_file *f = &mc->f[m];
		char *path;

		if (!f->base)
			continue;
		mark_recycled(f);
		if (asprintf(&path, "%s/%s", mc->dir, memcache_file[m]) >= 0) {
			unlink(path);
			free(path);
		}
		file_unmap(f);
	}
	free(mc->dir);
	free(mc);
}

void memcache_discard(const char *dir)
{
	for (int m = 0; m < MEMCACHE_N_MAPS; m++) {
		char *path;
		int fd;

		if (asprintf(&path, "%s/%s", dir, memcache_file[m]) < 0)
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			mark_recycled_fd(fd);
			close(fd);
			unlink(path);
		}
		free(path);
	}
}
