/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last desktop-profile data a domain's server gave, kept so that an
 * offline domain applies the last known rules: STATE_DIR/deskprofile-cache/
 * DOMAIN.json (root's, the directory 0700), replaced whole after each
 * search.  It holds the tenant's enabled rules, its profiles, its policy
 * and this host's host groups (with their expiry: the host entry is read
 * again only after entry_cache_timeout).  Like the identity cache, it may
 * be deleted at any time.
 */
#ifndef PAGD_DESKPROFILE_CACHE_H
#define PAGD_DESKPROFILE_CACHE_H

#include <stdint.h>

#include "pagd/deskprofile/rules.h"

struct dp_cached {
	struct dp_set set;
	bool has_set;	  /* a rule search succeeded once */
	uint64_t fetched; /* when, in seconds since the epoch */
	char *host;	  /* whose host groups these are */
	char **hostgroups;
	uint64_t hostgroups_expire; /* seconds since the epoch */
};

/*
 * dp_cache_load() - read DOMAIN's record into @c.
 * Return: 0 (an absent or unreadable record leaves @c empty: the latter
 * with a warning naming the file).
 */
int dp_cache_load(const char *state_dir, const char *domain,
		  struct dp_cached *c);
int dp_cache_save(const char *state_dir, const char *domain,
		  const struct dp_cached *c);
void dp_cached_free(struct dp_cached *c);
void dp_strv_free(char **v);

#endif /* PAGD_DESKPROFILE_CACHE_H */
