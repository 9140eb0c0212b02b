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
	bool refused; /* not in use: kept to log a refusal once */
	bool stale;   /* not found again by the claim under way */
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

/*
 * The claim @r overlaps, other than one of another domain mapping alike:
 * its own domain's first, so the log names the range nearest at hand.
 */
static const struct claim *clash(const void *owner, const struct ipa_range *r)
{
	const struct claim *other = NULL;

	for (size_t i = 0; i < n_claims; i++) {
		const struct claim *c = &claims[i];

		if (c->refused || c->stale ||
		    r->base_id > last_id(c->base_id, c->size) ||
		    c->base_id > last_id(r->base_id, r->size))
			continue;
		if (c->owner == owner)
			return c;
		if (!other && !same_mapping(c, r))
			other = c;
	}
	return other;
}

static int add(const void *owner, const char *dom, const struct ipa_range *r,
	       bool refused)
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
		.refused = refused,
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

static bool same_range(const struct claim *c, const struct ipa_range *r)
{
	return !strcmp(c->dn, r->dn) && c->base_id == r->base_id &&
	       c->size == r->size && same_mapping(c, r);
}

/* The claims of @owner marked stale (NULL: all) are dropped. */
static void drop(const void *owner, bool only_stale)
{
	size_t k = 0;

	for (size_t i = 0; i < n_claims; i++) {
		if (claims[i].owner != owner ||
		    (only_stale && !claims[i].stale)) {
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

void ipa_ranges_release(const void *owner)
{
	drop(owner, false);
}

/* @r was refused already at the last claim: said once is enough. */
static bool refused_before(const void *owner, const struct ipa_range *r)
{
	for (size_t i = 0; i < n_claims; i++)
		if (claims[i].owner == owner && claims[i].refused &&
		    claims[i].stale && same_range(&claims[i], r))
			return true;
	return false;
}

/* Keeps a range in use from being displaced by a newcomer. */
static bool still_in_use(const void *owner, const struct ipa_range *r)
{
	for (size_t i = 0; i < n_claims; i++) {
		struct claim *c = &claims[i];

		if (c->owner == owner && c->stale && !c->refused &&
		    same_range(c, r)) {
			c->stale = false;
			return true;
		}
	}
	return false;
}

size_t ipa_ranges_claim(const void *owner, const char *dom, struct ipa_range *r,
			size_t n)
{
	const struct claim *c;
	bool *keep = calloc(n ? n : 1, sizeof(*keep));
	bool quiet;
	size_t k = 0;

	if (!keep) {
		for (size_t i = 0; i < n; i++)
			ipa_range_free(&r[i]);
		return 0;
	}
	for (size_t i = 0; i < n_claims; i++)
		claims[i].stale = claims[i].owner == owner;
	for (size_t i = 0; i < n; i++)
		keep[i] = still_in_use(owner, &r[i]);
	for (size_t i = 0; i < n; i++) {
		if (keep[i])
			continue;
		c = clash(owner, &r[i]);
		quiet = c && refused_before(owner, &r[i]);
		if (c && !quiet)
			log_error(
				"domain '%s': skipping ID range %s (ids %u to "
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
		keep[i] = add(owner, dom, &r[i], c != NULL) == 0 && !c;
	}
	drop(owner, true);
	for (size_t i = 0; i < n; i++) {
		if (!keep[i]) {
			ipa_range_free(&r[i]);
			continue;
		}
		r[k++] = r[i];
	}
	free(keep);
	return k;
}
