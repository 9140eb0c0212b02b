/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trusted domains of an IPA-layout LDAP domain (subdomains_provider =
 * ipa), as SSSD 2.8 finds them in IPA server mode.
 *
 * Discovery reads the IPA domain's flat name, its trust objects and its ID
 * ranges on the parent's connection, when the connection first comes up
 * and every subdomain_refresh_interval.  Each trusted domain becomes a
 * subdomain of the parent: it belongs to the parent's tenant and is
 * reached only through the parent, so another tenant never sees it.
 *
 *   direction 0 on a forest root: logged as unsupported, skipped with its
 *     member domains;
 *   any other direction (1 inbound, 2 outbound, 3 both): the forest's
 *     keytab is fetched, and the root and its members use it;
 *   a malformed trust object or range: logged with its DN and skipped.
 *
 * A subdomain starts inactive and becomes active once its forest's
 * keytab is in place; one whose SID a trust object lists in
 * ipaNTSIDBlacklistIncoming is disabled (listed, not served); ID ranges
 * that overlap another domain's differently are refused (ranges.h).
 * Keytabs live in STATE_DIR/keytabs/PARENT/FOREST.keytab, fetched at
 * pagd's start or reload (a clean slate) and when missing; a failed fetch
 * keeps the keytab fetched before.  A trust that disappears takes its
 * subdomains and its keytab with it.
 */
#ifndef PAGD_IPA_SUBDOMAINS_H
#define PAGD_IPA_SUBDOMAINS_H

#include <systemd/sd-event.h>

#include "pagd/config.h"
#include "pagd/domain.h"
#include "pagd/idcache.h"
#include "pagd/ldap/conn.h"

struct ipa_subdomains;

/*
 * ipa_subdomains_new() - the trusted domains of the LDAP domain @dc, whose
 * tree is @tree, read through @conn; keytabs below @state_dir.
 */
int ipa_subdomains_new(sd_event *e, struct idcache *cache,
		       const struct domain_conf *dc, const char *tree,
		       const char *state_dir, struct pagd_ldap_conn *conn,
		       struct ipa_subdomains **out);
void ipa_subdomains_free(struct ipa_subdomains *s);

/* The parent's connection is up: discover now unless done before. */
void ipa_subdomains_conn_up(struct ipa_subdomains *s);

/*
 * Lookups of a qualified name (name@trusted.domain) the parent's provider
 * hands over: -ENOENT from prepare when the name is not of a trusted
 * domain, else as provider_ops.  An inactive subdomain answers from the
 * cache only.
 */
int ipa_subdomains_prepare(struct ipa_subdomains *s, const struct id_query *q,
			   struct id_wait *w);
/* The source of @name's trusted domain (*@ours), NULL while inactive. */
struct ad_dom *ipa_subdomains_ad(struct ipa_subdomains *s, const char *name,
				 bool *ours);

/* The same for an id in the ID range of a trusted domain. */
struct ad_dom *ipa_subdomains_ad_by_id(struct ipa_subdomains *s, uint32_t id,
				       bool *ours);

/* SIGUSR2 (true) resets inactive subdomains now; SIGUSR1 (false). */
void ipa_subdomains_set_online(struct ipa_subdomains *s, bool online);

/* What the management API shows of each subdomain. */
void ipa_subdomains_each(const struct ipa_subdomains *s,
			 void (*fn)(void *ud, const struct subdomain_info *i),
			 void *ud);

#endif /* PAGD_IPA_SUBDOMAINS_H */
