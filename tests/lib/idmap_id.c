// SPDX-License-Identifier: GPL-2.0
/*
 * idmap_id BASE_ID SIZE BASE_RID DOMAIN_SID SID: the id Debian's
 * libsss_idmap (SSSD's) gives SID in that ID range, as pagd's trust tests
 * expect it: a range is fed exactly as an ipaTrustedADDomainRange says.
 */
#include <errno.h>
#include <sss_idmap.h>
#include <stdio.h>
#include <stdlib.h>

static void *alloc_zero(size_t size, void *pvt)
{
	return calloc(1, size);
}

static void release(void *p, void *pvt)
{
	free(p);
}

int main(int argc, char **argv)
{
	struct sss_idmap_ctx *ctx;
	struct sss_idmap_range r;
	enum idmap_error_code err;
	uint32_t id;

	if (argc != 6) {
		fprintf(stderr, "usage: idmap_id BASE_ID SIZE BASE_RID "
				"DOMAIN_SID SID\n");
		return 2;
	}
	r.min = (uint32_t)strtoul(argv[1], NULL, 10);
	r.max = r.min + (uint32_t)strtoul(argv[2], NULL, 10) - 1;
	err = sss_idmap_init(alloc_zero, NULL, release, &ctx);
	if (err == IDMAP_SUCCESS)
		err = sss_idmap_add_domain_ex(
			ctx, "test", argv[4], &r, "test",
			(uint32_t)strtoul(argv[3], NULL, 10), false);
	if (err == IDMAP_SUCCESS)
		err = sss_idmap_sid_to_unix(ctx, argv[5], &id);
	if (err != IDMAP_SUCCESS) {
		fprintf(stderr, "idmap_id: %s\n", idmap_error_string(err));
		return 1;
	}
	printf("%u\n", id);
	sss_idmap_free(ctx);
	return 0;
}
