/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ID ranges of every IPA domain in this pagd, checked against each
 * other: an id is one identity on the host, whichever domain or tenant
 * asks, because the kernel (PAGs, keyrings, files on shared storage) sees
 * only the number.  Two ranges may share ids only when they map them the
 * same way: the same domain SID, range type and id-to-RID offset, as two
 * tenants trusting one forest with the same range do.  Any other overlap
 * is refused: a range in use keeps its ids and a newcomer overlapping it
 * is left out (among ranges new at once, the directory's order decides),
 * logged once, naming both.
 */
#ifndef PAGD_IPA_RANGES_H
#define PAGD_IPA_RANGES_H

#include <stddef.h>

#include "pagd/ipa/parse.h"

/*
 * ipa_ranges_claim() - the ranges @r[0..@n) of domain @dom, replacing
 * what @owner claimed before.  A range overlapping one in use (of any
 * domain, or earlier in @r) is logged, naming both, and freed; the others
 * are moved to the front of @r.
 * Return: how many were kept.
 */
size_t ipa_ranges_claim(const void *owner, const char *dom, struct ipa_range *r,
			size_t n);
/* Gives up every range claimed by @owner. */
void ipa_ranges_release(const void *owner);

#endif /* PAGD_IPA_RANGES_H */
