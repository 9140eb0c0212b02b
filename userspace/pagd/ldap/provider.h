/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LDAP identity provider (provider = ldap).
 */
#ifndef PAGD_LDAP_PROVIDER_H
#define PAGD_LDAP_PROVIDER_H

#include <systemd/sd-event.h>

#include "pagd/idcache.h"
#include "pagd/domain.h"

/*
 * pagd_ldap_domain_new() - a domain served from LDAP through @cache.
 * With @e and @cache NULL (pagd -t) the domain is checked and inert: it
 * connects to nothing and answers nothing.  With subdomains_provider =
 * ipa, its trusted domains' keytabs are kept below @state_dir.
 */
int pagd_ldap_domain_new(sd_event *e, struct idcache *cache,
			 const struct domain_conf *dc, const char *state_dir,
			 struct domain **out);

#endif /* PAGD_LDAP_PROVIDER_H */
