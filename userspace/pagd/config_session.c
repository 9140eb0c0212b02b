// SPDX-License-Identifier: GPL-2.0
/*
 * The session provider's keys of a [domain/NAME] section:
 *   session_provider = ipa | none
 *	ipa: at PAM session open, FleetCommander desktop profiles from the
 *	tenant's cn=desktop-profile (deskprofile/); needs provider = ldap,
 *	and is its default.  none: nothing runs (the default for files).
 *   ipa_hostname = FQDN
 *	the host whose rules apply (default: this host's FQDN).
 *   ipa_deskprofile_refresh = SECONDS
 *	rules fetched less than this ago are used without a search (SSSD's
 *	key and default, 5).
 *   ipa_deskprofile_request_interval = MINUTES
 *	after a search that found no rule in the tenant, sessions make no
 *	search for that long (SSSD's key and default, 60; 0: no pause).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/config_parse.h"

#define DESKPROFILE_REFRESH_DEFAULT  5 /* SSSD's */
#define DESKPROFILE_REFRESH_MAX	     86400
#define DESKPROFILE_INTERVAL_DEFAULT 60	   /* SSSD's, minutes */
#define DESKPROFILE_INTERVAL_MAX     10080 /* a week */

static const struct uint_key session_uint_keys[] = {
	UINT_KEY(struct domain_conf, "ipa_deskprofile_refresh",
		 deskprofile_refresh, 0, DESKPROFILE_REFRESH_MAX,
		 "seconds, 0 (search at every session) to 86400"),
	UINT_KEY(struct domain_conf, "ipa_deskprofile_request_interval",
		 deskprofile_request_interval, 0, DESKPROFILE_INTERVAL_MAX,
		 "minutes, 0 (no pause) to 10080"),
};

/* A host name as IPA stores it in fqdn: labels of letters, digits, '-'. */
bool config_hostname_valid(const char *v)
{
	size_t label = 0, n = strlen(v);

	if (!n || n > 253 || v[0] == '.' || v[n - 1] == '.')
		return false;
	for (const char *c = v; *c; c++) {
		if (*c == '.') {
			if (!label)
				return false;
			label = 0;
		} else if ((*c >= 'a' && *c <= 'z') ||
			   (*c >= 'A' && *c <= 'Z') ||
			   (*c >= '0' && *c <= '9') || *c == '-') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

int config_session_key(struct parser *p, const char *key, const char *v)
{
	struct domain_conf *d = p->dom;

	if (!strcmp(key, "session_provider")) {
		if (!strcmp(v, "ipa")) {
			d->session_provider = SESSION_IPA;
		} else if (!strcmp(v, "none")) {
			d->session_provider = SESSION_NONE;
		} else {
			config_set_err(p, p->line,
				       "bad value '%s' for session_provider: "
				       "expected ipa or none",
				       v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "ipa_deskprofile_refresh") ||
	    !strcmp(key, "ipa_deskprofile_request_interval"))
		return config_set_uint_key(p, session_uint_keys,
					   sizeof(session_uint_keys) /
						   sizeof(*session_uint_keys),
					   d, key, v);
	if (strcmp(key, "ipa_hostname"))
		return 1;
	if (!config_hostname_valid(v)) {
		config_set_err(p, p->line,
			       "bad value '%s' for ipa_hostname: expected a "
			       "fully qualified host name such as "
			       "ws1.example.com",
			       v);
		return -EINVAL;
	}
	free(d->ipa_hostname);
	d->ipa_hostname = strdup(v);
	return d->ipa_hostname ? 0 : -ENOMEM;
}

void config_session_end(struct parser *p, struct domain_conf *d)
{
	if (!config_seen(p, "ipa_deskprofile_refresh"))
		d->deskprofile_refresh = DESKPROFILE_REFRESH_DEFAULT;
	if (!config_seen(p, "ipa_deskprofile_request_interval"))
		d->deskprofile_request_interval = DESKPROFILE_INTERVAL_DEFAULT;
	if (d->session_provider == SESSION_DEFAULT)
		d->session_provider = d->provider == PROVIDER_LDAP
					      ? SESSION_IPA
					      : SESSION_NONE;
	else if (d->session_provider == SESSION_IPA &&
		 d->provider != PROVIDER_LDAP)
		config_set_err(p, config_seen(p, "session_provider"),
			       "[domain/%s]: session_provider = ipa needs "
			       "provider = ldap (desktop profiles are read "
			       "from the tenant's directory)",
			       d->name);
}
