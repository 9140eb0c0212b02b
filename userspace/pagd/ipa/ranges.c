// SPDX-License-Identifier: GPL-2.0
/*
 * The host's table of claimed ID ranges (see ranges.h).  One table for
 * the whole process: the domains claiming ranges know nothing of each
 * other, and pagd runs one event loop, so no lock is needed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ipa/ranges.h"

struct claim {
	const void *owner;
	char *dom, *dn, *sid;
	uint32_t base_id, size, base_rid;
	enum ipa_range_type type;
};

static struct claim *claims;
static size_t n_claims, cap_claims;

static uint64_t last_id(uint32_t base, uint32_t size)
{
	return (uint64_t)base + size - 1;
}

/* Both map their shared ids to the same SIDs (or the same POSIX ids). */
static bool same_mapping(const struct claim *c, const struct ipa_range *r)
{
	return c->type == r->type && !strcmp(c->sid, r->sid) &&
	       (int64_t)c->base_id - c->base_rid ==
		       (int64_t)r->base_id - r->base_rid;
}

/* The claim @r overlaps, other than one of another domain mapping alike. */
static const struct claim *clash(const void *owner, const struct ipa_range *r)
{
	for (size_t i = 0; i < n_claims; i++) {
		const struct claim *c = &claims[i];

		if (r->base_id > last_id(c->base_id, c->size) ||
		    c->base_id > last_id(r->base_id, r->size))
			continue;
		if (c->owner != owner && same_mapping(c, r))
			continue;
		return c;
	}
	return NULL;
}

static int add(const void *owner, const char *dom, const struct ipa_range *r)
{
	struct claim *c;

	if (n_claims == cap_claims) {
		c = reallocarray(claims, cap_claims * 2 + 8, sizeof(*c));
		if (!c)
			return -ENOMEM;
		claims = c;
		cap_claims = cap_claims * 2 + 8;
	}
	c = &claims[n_claims];
	*c = (struct claim){
		.owner = owner,
		.dom = strdup(dom),
		.dn = strdup(r->dn),
		.sid = strdup(r->sid),
		.base_id = r->base_id,
		.size = r->size,
		.base_rid = r->base_rid,
		.type = r->type,
	};
	if (!c->dom || !c->dn || !c->sid) {
		free(c->dom);
		free(c->dn);
		free(c->sid);
		return -ENOMEM;
	}
	n_claims++;
	return 0;
}

void ipa_ranges_release(const void *owner)
{
	size_t k = 0;

	for (size_t i = 0; i < n_claims; i++) {
		if (claims[i].owner != owner) {
			claims[k++] = claims[i];
			continue;
		}
		free(claims[i].dom);
		free(claims[i].dn);
		free(claims[i].sid);
	}
	n_claims = k;
	if (!n_claims) {
		free(claims);
		claims = NULL;
		cap_claims = 0;
	}
}

size_t ipa_ranges_claim(const void *owner, const char *dom, struct ipa_range *r,
			size_t n)
{
	const struct claim *c;
	size_t k = 0;

	ipa_ranges_release(owner);
	for (size_t i = 0; i < n; i++) {
		c = clash(owner, &r[i]);
		if (c)
			log_error("domain '%s': skipping ID range %s (ids %u to "
				  "%llu): it overlaps ID range %s (ids %u to "
				  "%llu) of domain '%s', which maps them to "
				  "other identities",
				  dom, r[i].dn, r[i].base_id,
				  (unsigned long long)last_id(r[i].base_id,
							      r[i].size),
				  c->dn, c->base_id,
				  (unsigned long long)last_id(c->base_id,
							      c->size),
				  c->dom);
		if (c || add(owner, dom, &r[i]) < 0) {
			ipa_range_free(&r[i]);
			continue;
		}
		r[k++] = r[i];
	}
	return k;
}
