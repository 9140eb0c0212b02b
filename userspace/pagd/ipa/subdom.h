/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records behind ipa_subdomains (subdomains.h), shared by the three
 * files that work on them, one job each:
 *
 *   discover.c      the discovery's searches, and applying what they found
 *   trust_keytab.c  each forest's keytab: fetching it, its state, and the
 *                   re-established trust check
 *   subdomains.c    the subdomains as the provider sees them: lookups,
 *                   states, the management API
 */
#ifndef PAGD_IPA_SUBDOM_H
#define PAGD_IPA_SUBDOM_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "pagd/config.h"
#include "pagd/idcache.h"
#include "pagd/ipa/ad.h"
#include "pagd/ipa/idmap.h"
#include "pagd/ipa/keytab.h"
#include "pagd/ipa/parse.h"
#include "pagd/ldap/conn.h"

enum keytab_state {
	KT_MISSING,
	KT_FETCHING,
	KT_PRESENT,
};

struct ipa_subdomains;

struct subdom {
	struct subdom *next;
	struct ipa_subdomains *s;
	struct ipa_trust t;
	bool seen; /* by the discovery being applied */
	/* its SID is in a trust object's ipaNTSIDBlacklistIncoming */
	bool disabled;
	/* forest roots: the keytab their forest uses */
	char *principal, *keytab;
	enum keytab_state kt;
	bool fetched; /* since pagd started */
	/* re-established trusts: the keytab was fetched again after a
	 * failed bind (cleared by a bind, SIGUSR2), and that fetch is on */
	bool rechecked, rekey;
	struct ipa_keytab_fetch *fetch;
	struct ad_dom *ad; /* its users: made on first lookup */
};

enum disc_what {
	D_FLAT,
	D_TRUSTS,
	D_RANGES,
	D_N,
};

struct disc_op {
	struct ipa_subdomains *s;
	enum disc_what what;
};

struct ipa_subdomains {
	sd_event *event;
	const struct domain_conf *dc;
	const char *dom;
	struct pagd_ldap_conn *conn;
	char *trusts_base, *flat_base, *ranges_base;
	char *keytab_dir, *parent_dir, *server;
	sd_event_source *timer;
	struct idcache *cache;
	struct ipa_idmap *idmap;
	bool discovered;
	struct subdom *subs;
	struct ipa_range *ranges;
	size_t n_ranges;
	/* the discovery in flight */
	struct disc_op op[D_N];
	unsigned int outstanding;
	int err;
	char *new_flat;
	struct ipa_trust *found;
	size_t n_found, cap_found;
	struct ipa_range *new_ranges;
	size_t n_new_ranges, cap_new_ranges;
	char **blocked; /* SIDs of ipaNTSIDBlacklistIncoming */
	size_t n_blocked, cap_blocked;
};

struct subdom *subdom_find(struct ipa_subdomains *s, const char *name);
/* The forest root a subdomain takes its keytab from (itself for a root). */
struct subdom *subdom_root(struct ipa_subdomains *s, struct subdom *sd);
void subdom_free(struct subdom *sd);
/* Its users' source closed: disabled, or its trust gone. */
void subdom_close(struct subdom *sd);

/* discover.c */
void subdom_discover(struct ipa_subdomains *s);
int subdom_refresh(sd_event_source *src, uint64_t usec, void *ud);
void subdom_free_found(struct ipa_subdomains *s);

/* trust_keytab.c */
/* A forest root's principal and keytab path, from the flat name @flat. */
int trust_keytab_names(struct ipa_subdomains *s, struct subdom *root,
		       const char *flat);
void trust_keytab_fetch(struct ipa_subdomains *s, struct subdom *root);
/* For ad_dom_conf: the keytab gets no ticket; bound to the server. */
bool trust_keytab_failed(void *ud, const char *why);
void trust_keytab_bound(void *ud);
const char *trust_keytab_word(enum keytab_state kt);

#endif /* PAGD_IPA_SUBDOM_H */
