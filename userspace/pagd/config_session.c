// SPDX-License-Identifier: GPL-2.0
/*
 * The session provider's keys of a [domain/NAME] section:
 *   session_provider = ipa | none
 *	ipa: at PAM session open, FleetCommander desktop profiles from the
 *	tenant's cn=desktop-profile (deskprofile/); needs provider = ldap,
 *	and is its default.  none: nothing runs (the default for files).
 *   ipa_hostname = FQDN
 *	the host whose rules apply (default: this host's FQDN).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/config_parse.h"

/* A host name as IPA stores it in fqdn: labels of letters, digits, '-'. */
static bool hostname_valid(const char *v)
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
	/* ipa_hostname */
	if (!hostname_valid(v)) {
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
