/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIDs to ids through SSSD's libsss_idmap, fed with the IPA ID ranges, so
 * a trusted domain's user gets the uid SSSD would give it.
 */
#ifndef PAGD_IPA_IDMAP_H
#define PAGD_IPA_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pagd/ipa/parse.h"

struct ipa_idmap;

/*
 * ipa_idmap_new() - a mapping of the ranges @r.  A range libsss_idmap
 * refuses (overlapping another, say) is logged for domain @dom and left
 * out.
 */
int ipa_idmap_new(const char *dom, const struct ipa_range *r, size_t n,
		  struct ipa_idmap **out);
void ipa_idmap_free(struct ipa_idmap *m);

/*
 * ipa_idmap_sid_to_id() - the id of @sid.
 * Return: 0; -EREMOTE when the range of its domain is ipa-ad-trust-posix
 * (the id is AD's uidNumber or gidNumber); -ENOENT when no range holds
 * it.
 */
int ipa_idmap_sid_to_id(struct ipa_idmap *m, const char *sid, uint32_t *id);

/* A binary SID (objectSid) as S-1-...; -EINVAL when malformed. */
int ipa_sid_from_bin(const uint8_t *bin, size_t len, char *out, size_t size);

/*
 * @sid in binary form, each byte escaped (\XX) for a search filter.
 * Return: 0, -EINVAL when malformed or @size is too small.
 */
int ipa_sid_to_filter(const char *sid, char *out, size_t size);

#endif /* PAGD_IPA_IDMAP_H */
