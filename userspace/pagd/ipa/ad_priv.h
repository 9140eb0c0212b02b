/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trusted AD domain's record, shared by its two halves: ad.c (the
 * connection and the domain's state) and ad_search.c (its searches, the
 * requests held while a re-established trust is checked, its cache).
 */
#ifndef PAGD_IPA_AD_PRIV_H
#define PAGD_IPA_AD_PRIV_H

#include "pagd/idcache.h"
#include "pagd/ipa/ad.h"
#include "pagd/ipa/ad_map.h"
#include "pagd/ldap/conn.h"
#include "pagd/ldap/offline.h"

struct ad_fetch;

struct ad_dom {
	struct idcache *cache;
	char *cache_name, *domain, *sid, *base, *uri, *keytab;
	char *uris[2];
	struct pagd_ldap_conf cf;
	struct pagd_ldap_conn *conn;
	struct offline off; /* its server unreachable: inactive */
	bool (*keytab_failed)(void *ud, const char *why);
	void (*bound)(void *ud);
	void *ud;
	struct ad_map map;
	struct ad_fetch *fetches;
	/* failed with the server: held until keytab_failed()'s check ends */
	struct ad_fetch *held;
	struct idcache_user su;
	struct idcache_group sg;
	struct idcache_gids sgids;
};

#endif /* PAGD_IPA_AD_PRIV_H */
