/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the session provider asks a domain's server, on a connection of
 * its own for the request (with a copy of the domain's LDAP settings, so
 * that a reload meanwhile changes nothing under it):
 *  - when this host's host groups are not known or expired, the host
 *    entry: base cn=computers,cn=accounts,TREE,
 *    (&(objectClass=ipaHost)(fqdn=HOST)), its memberOf;
 *  - one subtree search of cn=desktop-profile,TREE with the filter
 *    (|(objectClass=ipaDeskProfileConfig)(objectClass=ipaDeskProfile)
 *      (&(objectClass=ipaDeskProfileRule)(ipaEnabledFlag=TRUE)))
 *    for the policy, the profiles and the enabled rules.
 * Entries that cannot be used are skipped with a warning naming their DN
 * and what is wrong with them.
 */
#ifndef PAGD_DESKPROFILE_FETCH_H
#define PAGD_DESKPROFILE_FETCH_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "pagd/config.h"
#include "pagd/deskprofile/rules.h"

struct dp_fetch;

struct dp_fetched {
	bool has_hostgroups;
	char **hostgroups; /* names, NULL-terminated */
	bool has_set;
	struct dp_set set;
};

/*
 * dp_fetch_start() - search @dc's server.
 * @want_host:	read the host entry first
 * @done:	called once with 0 (the result is in dp_fetch_result()) or
 *		a negative errno (the server could not be asked)
 */
int dp_fetch_start(sd_event *e, const struct domain_conf *dc, const char *tree,
		   const char *host, bool want_host,
		   void (*done)(void *ud, int err), void *ud,
		   struct dp_fetch **out);
struct dp_fetched *dp_fetch_result(struct dp_fetch *f);
void dp_fetch_free(struct dp_fetch *f);

#endif /* PAGD_DESKPROFILE_FETCH_H */
