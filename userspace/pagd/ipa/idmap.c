// SPDX-License-Identifier: GPL-2.0
/*
 * The IPA ranges in a libsss_idmap context: an ipa-ad-trust range maps
 * RIDs from ipaBaseRID to ids from ipaBaseID, an ipa-ad-trust-posix one is
 * added with external mapping, so libsss_idmap says the ids come from AD.
 */
#include <errno.h>
#include <inttypes.h>
#include <sss_idmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/ipa/idmap.h"

struct ipa_idmap {
	struct sss_idmap_ctx *ctx;
};

static void *idmap_alloc(size_t size, void *pvt)
{
	return calloc(1, size);
}

static void idmap_release(void *ptr, void *pvt)
{
	free(ptr);
}

int ipa_idmap_new(const char *dom, const struct ipa_range *r, size_t n,
		  struct ipa_idmap **out)
{
	struct ipa_idmap *m = calloc(1, sizeof(*m));
	enum idmap_error_code err;

	if (!m)
		return -ENOMEM;
	err = sss_idmap_init(idmap_alloc, NULL, idmap_release, &m->ctx);
	if (err != IDMAP_SUCCESS) {
		free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct sss_idmap_range range = {
			.min = r[i].base_id,
			.max = r[i].base_id + (r[i].size - 1),
		};

		err = sss_idmap_add_domain_ex(
			m->ctx, r[i].name, r[i].sid, &range, r[i].name,
			r[i].base_rid, r[i].type == IPA_RANGE_AD_TRUST_POSIX);
		if (err != IDMAP_SUCCESS)
			log_warning("domain '%s': skipping ID range %s: "
				    "libsss_idmap refuses it: %s",
				    dom, r[i].dn, idmap_error_string(err));
	}
	*out = m;
	return 0;
}

void ipa_idmap_free(struct ipa_idmap *m)
{
	if (!m)
		return;
	sss_idmap_free(m->ctx);
	free(m);
}

int ipa_idmap_sid_to_id(struct ipa_idmap *m, const char *sid, uint32_t *id)
{
	switch (sss_idmap_sid_to_unix(m->ctx, sid, id)) {
	case IDMAP_SUCCESS:
		return 0;
	case IDMAP_EXTERNAL:
		return -EREMOTE;
	default:
		return -ENOENT;
	}
}

int ipa_sid_from_bin(const uint8_t *bin, size_t len, char *out, size_t size)
{
	uint64_t auth = 0;
	size_t n, off;
	int w;

	if (len < 8 || bin[0] != 1)
		return -EINVAL;
	n = bin[1];
	if (n > 15 || len != 8 + 4 * n)
		return -EINVAL;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | bin[i];
	w = snprintf(out, size, "S-1-%" PRIu64, auth);
	for (size_t i = 0; i < n && w > 0 && (size_t)w < size; i++) {
		off = 8 + 4 * i;
		w += snprintf(out + w, size - (size_t)w, "-%" PRIu32,
			      (uint32_t)bin[off] | (uint32_t)bin[off + 1] << 8 |
				      (uint32_t)bin[off + 2] << 16 |
				      (uint32_t)bin[off + 3] << 24);
	}
	return w > 0 && (size_t)w < size ? 0 : -EINVAL;
}

int ipa_sid_to_filter(const char *sid, char *out, size_t size)
{
	uint8_t bin[8 + 4 * 15];
	unsigned long long v;
	const char *p;
	char *end;
	size_t n = 0, w = 0;

	if (strncmp(sid, "S-1-", 4))
		return -EINVAL;
	errno = 0;
	v = strtoull(sid + 4, &end, 10);
	if (errno || end == sid + 4 || v > 0xffffffffffffULL)
		return -EINVAL;
	bin[0] = 1;
	for (int i = 0; i < 6; i++)
		bin[2 + i] = (uint8_t)(v >> (8 * (5 - i)));
	for (p = end; *p == '-'; p = end) {
		errno = 0;
		v = strtoull(p + 1, &end, 10);
		if (errno || end == p + 1 || v > UINT32_MAX || n == 15)
			return -EINVAL;
		for (int i = 0; i < 4; i++)
			bin[8 + 4 * n + i] = (uint8_t)(v >> (8 * i));
		n++;
	}
	if (*p || !n)
		return -EINVAL;
	bin[1] = (uint8_t)n;
	for (size_t i = 0; i < 8 + 4 * n; i++) {
		if (w + 4 > size)
			return -EINVAL;
		w += (size_t)snprintf(out + w, size - w, "\\%02x", bin[i]);
	}
	return 0;
}
