/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trusted AD domain as an identity source: its LDAP server, bound with
 * SASL GSSAPI as the trust account (IPAFLAT$@FOREST.REALM) from the
 * forest's keytab, and its users mapped to ids through the IPA ranges.
 * Answers go to the identity cache under the subdomain's name
 * (PARENT/DOMAIN), as the LDAP provider's do under its domain's.
 *
 * Resolved by qualified name (name@ad.domain): users, groups (members from
 * the users' memberOf) and initgroups (the groups whose member lists the
 * user); and users and groups by id, in the domain's ID range.
 */
#ifndef PAGD_IPA_AD_H
#define PAGD_IPA_AD_H

#include <systemd/sd-event.h>

#include "pagd/config.h"
#include "pagd/domain.h"
#include "pagd/idcache.h"
#include "pagd/ipa/idmap.h"

struct ad_dom;

struct ad_dom_conf {
	const char *cache_name; /* PARENT/DOMAIN */
	const char *domain;	/* ad.test */
	const char *sid;	/* the domain's SID */
	const char *uri;	/* its LDAP server */
	const char *keytab;	/* the forest's */
	const struct pagd_ldap_conf *parent;
	/*
	 * its server went unanswered and the keytab gets no ticket (@why):
	 * true when the owner checks whether the trust was re-established,
	 * the requests that failed then waiting for ad_dom_release()
	 */
	bool (*keytab_failed)(void *ud, const char *why);
	void (*bound)(void *ud); /* bound: the trust works */
	void *ud;
};

int ad_dom_new(sd_event *e, struct idcache *cache, const struct ad_dom_conf *c,
	       struct ad_dom **out);
void ad_dom_free(struct ad_dom *a);

/* The mapping to use from now on (the ranges change with discovery). */
void ad_dom_set_idmap(struct ad_dom *a, struct ipa_idmap *m);

/* As provider_ops: @name is the qualified name (alice@ad.test). */
int ad_dom_prepare(struct ad_dom *a, const struct id_query *q,
		   struct id_wait *w);
const struct pagd_user *ad_dom_user_by_name(struct ad_dom *a, const char *name);
const struct pagd_group *ad_dom_group_by_name(struct ad_dom *a,
					      const char *name);
/*
 * A lookup by id in this domain's range: by objectSid @sid (the SID
 * libsss_idmap maps the id back to), or with @sid NULL in a POSIX range
 * by uidNumber or gidNumber.
 */
int ad_dom_prepare_id(struct ad_dom *a, const struct id_query *q,
		      struct id_wait *w, const char *sid);
const struct pagd_user *ad_dom_user_by_uid(struct ad_dom *a, uint32_t uid);
const struct pagd_group *ad_dom_group_by_gid(struct ad_dom *a, uint32_t gid);
/* The gids of the groups listing user @name (an initgroups answer). */
size_t ad_dom_user_groups(struct ad_dom *a, const char *name,
			  const uint32_t **gids);

/*
 * Inactive: its server did not answer.  Answers come from the cache until
 * a retry (offline_timeout, doubling to offline_timeout_max) finds the
 * server; the parent and the other domains are not affected.
 */
bool ad_dom_inactive(const struct ad_dom *a);
/* SIGUSR2 (true): retry now; SIGUSR1 (false): inactive now. */
void ad_dom_set_online(struct ad_dom *a, bool online);
/*
 * The check keytab_failed() started is over: the requests held since are
 * sent again (@retry: the trust was re-established), or answered from the
 * cache.
 */
void ad_dom_release(struct ad_dom *a, bool retry);

#endif /* PAGD_IPA_AD_H */
