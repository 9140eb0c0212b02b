// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for pagd's NSS request parser: the input is a client's
 * byte stream, fed in chunks whose sizes come from the input too, through
 * the same framing and handlers the responder uses, against a view of two
 * domains whose names collide (so qualified names are exercised).  Every
 * reply must be well-formed: its length word matches what was written.
 * Each answer also goes into a memory cache as the responder stores it
 * (mcfill), one so small that records are evicted all the time.
 *
 *   make fuzz-pagd [FUZZ_SECONDS=20]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagd/nss/mcfill.h"
#include "pagd/nss/memcache.h"
#include "pagd/nss/protocol.h"

static struct domain *make_domain(const char *name, const char *tenant,
				  uint32_t base)
{
	static char *members[] = { "asmith", "bjones", NULL };
	struct domain *d = calloc(1, sizeof(*d));

	d->name = strdup(name);
	d->tenant = strdup(tenant);
	d->n_users = 2;
	d->users = calloc(2, sizeof(*d->users));
	for (int i = 0; i < 2; i++) {
		struct pagd_user *u = &d->users[i];

		u->name = strdup(i ? "bjones" : "asmith");
		u->passwd = strdup("x");
		u->gecos = strdup("G");
		u->dir = strdup("/home/x");
		u->shell = strdup("/bin/sh");
		u->uid = base + i;
		u->gid = base;
	}
	d->n_groups = 1;
	d->groups = calloc(1, sizeof(*d->groups));
	d->groups[0].name = strdup("developers");
	d->groups[0].passwd = strdup("x");
	d->groups[0].gid = base + 100;
	d->groups[0].n_members = 2;
	d->groups[0].members = calloc(3, sizeof(char *));
	for (int i = 0; i < 2; i++)
		d->groups[0].members[i] = strdup(members[i]);
	if (domain_index(d) < 0)
		abort();
	return d;
}

static struct view *views[3];
static struct memcache *mc;
static char mc_top[] = "/tmp/pagd-fuzz-mc.XXXXXX";

static void remove_mc(void)
{
	char dir[sizeof(mc_top) + 4];

	memcache_close(mc);
	snprintf(dir, sizeof(dir), "%s/mc", mc_top);
	rmdir(dir);
	rmdir(mc_top);
}

static void setup(void)
{
	static struct domain *all[2];
	char dir[sizeof(mc_top) + 4];

	all[0] = make_domain("a", "ta", 500);
	all[1] = make_domain("b", "tb", 80000);
	if (view_new(all, 2, "a", &views[0]) < 0 ||
	    view_new(all, 2, "a,b", &views[1]) < 0 ||
	    view_new(all, 2, "b", &views[2]) < 0)
		abort();
	if (!mkdtemp(mc_top))
		abort();
	snprintf(dir, sizeof(dir), "%s/mc", mc_top);
	if (memcache_open(dir, 300, 64, &mc) < 0)
		abort();
	atexit(remove_mc);
}

static void check_replies(const struct nss_buf *out)
{
	size_t off = 0;
	uint32_t len;

	while (off < out->len) {
		if (out->len - off < NSS_HEADER_SIZE)
			abort();
		memcpy(&len, out->data + off, 4);
		if (len < NSS_HEADER_SIZE || len > out->len - off)
			abort();
		off += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nss_session s;
	struct nss_buf out = {};
	const struct view *v;
	size_t off = 1, start;
	bool ready;

	if (!views[0])
		setup();
	if (size < 1)
		return 0;
	v = data[0] < 0x10 ? NULL : views[data[0] % 3];
	nss_session_init(&s);
	while (off < size) {
		/* chunk size from the stream, as short reads would split it */
		size_t chunk = 1 + data[off++] % 64, used;

		if (chunk > size - off)
			chunk = size - off;
		while (chunk) {
			used = nss_session_feed(&s, data + off, chunk, &ready);
			off += used;
			chunk -= used;
			if (!ready)
				continue;
			start = out.len;
			if (nss_session_handle(&s, v, &out) == NSS_CLOSE)
				goto done;
			mcfill(mc, s.in, out.data + start, out.len - start);
		}
	}
done:
	check_replies(&out);
	nss_buf_free(&out);
	return 0;
}
