// SPDX-License-Identifier: GPL-2.0
/*
 * The [domain/NAME] keys of provider ldap: their values, their defaults
 * and the checks that need the whole section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/config_parse.h"

void config_ldap_defaults(struct pagd_ldap_conf *l)
{
	*l = (struct pagd_ldap_conf){
		.tls_reqcert = TLS_REQCERT_DEMAND,
		.page_size = 1000,
		.network_timeout = 6,
		.search_timeout = 6,
		.entry_cache_timeout = 5400,
		.entry_negative_timeout = 15,
		.offline_timeout = 60,
		.offline_timeout_max = 3600,
		.ipa_getkeytab_timeout = 5,
		.subdomain_refresh_interval = 14400,
	};
}

void config_ldap_end(struct parser *p, struct domain_conf *d)
{
	struct pagd_ldap_conf *l = &d->ldap;

	if (config_seen(p, "files_directory"))
		config_set_err(
			p, config_seen(p, "files_directory"),
			"[domain/%s]: files_directory needs provider = files",
			d->name);
	else if (!l->uris)
		config_set_err(
			p, d->line,
			"[domain/%s] has no 'ldap_uri' (needed by provider "
			"ldap)",
			d->name);
	else if (!l->suffix && !l->search_base)
		config_set_err(p, d->line,
			       "[domain/%s] has neither 'ldap_suffix' nor "
			       "'ldap_search_base'",
			       d->name);
	else if (l->suffix && l->search_base)
		config_set_err(
			p, config_seen(p, "ldap_search_base"),
			"[domain/%s]: set ldap_suffix or ldap_search_base, "
			"not both",
			d->name);
	else if (l->authtok && !l->bind_dn)
		config_set_err(p, config_seen(p, "ldap_default_authtok"),
			       "[domain/%s]: ldap_default_authtok without "
			       "ldap_default_bind_dn",
			       d->name);
	else if (l->bind_dn && !l->authtok && !l->sasl_mech)
		config_set_err(p, config_seen(p, "ldap_default_bind_dn"),
			       "[domain/%s]: ldap_default_bind_dn without "
			       "ldap_default_authtok",
			       d->name);
	else if (l->krb5_keytab && !l->sasl_mech)
		config_set_err(p, config_seen(p, "ldap_krb5_keytab"),
			       "[domain/%s]: ldap_krb5_keytab needs "
			       "ldap_sasl_mech = GSSAPI",
			       d->name);
	else if (!l->ipa_subdomains &&
		 (config_seen(p, "ipa_server") ||
		  config_seen(p, "ipa_getkeytab_program")))
		config_set_err(
			p,
			config_seen(p, "ipa_server")
				? config_seen(p, "ipa_server")
				: config_seen(p, "ipa_getkeytab_program"),
			"[domain/%s]: %s needs subdomains_provider = ipa",
			d->name,
			config_seen(p, "ipa_server") ? "ipa_server"
						     : "ipa_getkeytab_program");
	else if (l->offline_timeout_max < l->offline_timeout)
		config_set_err(p,
			       config_seen(p, "offline_timeout_max")
				       ? config_seen(p, "offline_timeout_max")
				       : d->line,
			       "[domain/%s]: offline_timeout_max (%u) is below "
			       "offline_timeout (%u)",
			       d->name, l->offline_timeout_max,
			       l->offline_timeout);
}

/* A DN as the server will see it: non-empty, "attr=value" first. */
static int set_dn(struct parser *p, char **dst, const char *key, const char *v)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || !eq[1]) {
		config_set_err(p, p->line,
			       "bad value '%s' for %s: expected a DN such as "
			       "dc=example,dc=com",
			       v, key);
		return -EINVAL;
	}
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static bool uri_valid(const char *uri)
{
	return !strncmp(uri, "ldap://", 7) || !strncmp(uri, "ldaps://", 8);
}

static bool domain_uri_valid(const char *v)
{
	const char *eq = strchr(v, '=');

	return eq && eq != v && uri_valid(eq + 1);
}

static int set_uris(struct parser *p, struct pagd_ldap_conf *l, const char *v)
{
	int r = config_set_list(
		p, &l->uris, "ldap_uri", v, uri_valid,
		"expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]");

	if (r == 0 && !l->uris[0]) {
		config_set_err(p, p->line, "ldap_uri is empty");
		return -EINVAL;
	}
	return r;
}

#define PAGD_LDAP_UINT(k, f, lo, hi, w) \
	UINT_KEY(struct pagd_ldap_conf, k, f, lo, hi, w)

static const struct uint_key ldap_uint_keys[] = {
	PAGD_LDAP_UINT("ldap_page_size", page_size, 0, 1000000,
		       "entries per page, 0 (no paging) to 1000000"),
	PAGD_LDAP_UINT("ldap_network_timeout", network_timeout, 1, 600,
		       "seconds, 1 to 600"),
	PAGD_LDAP_UINT("ldap_search_timeout", search_timeout, 1, 600,
		       "seconds, 1 to 600"),
	PAGD_LDAP_UINT("entry_cache_timeout", entry_cache_timeout, 0, 100000000,
		       "seconds, 0 to 100000000"),
	PAGD_LDAP_UINT("entry_negative_timeout", entry_negative_timeout, 0,
		       100000000, "seconds, 0 to 100000000"),
	PAGD_LDAP_UINT("offline_timeout", offline_timeout, 1, 86400,
		       "seconds, 1 to 86400"),
	PAGD_LDAP_UINT("offline_timeout_max", offline_timeout_max, 1, 86400,
		       "seconds, 1 to 86400"),
	PAGD_LDAP_UINT("ipa_getkeytab_timeout", ipa_getkeytab_timeout, 1, 600,
		       "seconds, 1 to 600"),
	PAGD_LDAP_UINT("subdomain_refresh_interval", subdomain_refresh_interval,
		       1, 86400, "seconds, 1 to 86400"),
};

int config_ldap_key(struct parser *p, const char *key, const char *v)
{
	struct pagd_ldap_conf *l = &p->dom->ldap;
	int r = config_set_uint_key(
		p, ldap_uint_keys,
		sizeof(ldap_uint_keys) / sizeof(*ldap_uint_keys), l, key, v);

	if (r <= 0)
		return r;
	if (!strcmp(key, "ldap_uri"))
		return set_uris(p, l, v);
	if (!strcmp(key, "ldap_suffix"))
		return set_dn(p, &l->suffix, key, v);
	if (!strcmp(key, "ldap_search_base"))
		return set_dn(p, &l->search_base, key, v);
	if (!strcmp(key, "ldap_default_bind_dn"))
		return set_dn(p, &l->bind_dn, key, v);
	if (!strcmp(key, "ldap_tls_cacert"))
		return config_set_path(p, &l->tls_cacert, key, v);
	if (!strcmp(key, "ldap_krb5_keytab"))
		return config_set_path(p, &l->krb5_keytab, key, v);
	if (!strcmp(key, "ipa_getkeytab_program"))
		return config_set_path(p, &l->ipa_getkeytab_program, key, v);
	if (!strcmp(key, "ipa_server")) {
		if (!*v || strpbrk(v, " \t/")) {
			config_set_err(
				p, p->line,
				"bad value '%s' for ipa_server: expected "
				"a host name",
				v);
			return -EINVAL;
		}
		free(l->ipa_server);
		l->ipa_server = strdup(v);
		return l->ipa_server ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "ipa_trusted_domain_uris"))
		return config_set_list(p, &l->ipa_trusted_domain_uris, key, v,
				       domain_uri_valid,
				       "expected DOMAIN=ldap://HOST[:PORT]");
	if (!strcmp(key, "subdomains_provider")) {
		if (strcmp(v, "ipa") != 0 && strcmp(v, "none") != 0) {
			config_set_err(
				p, p->line,
				"bad value '%s' for subdomains_provider: "
				"expected ipa or none",
				v);
			return -EINVAL;
		}
		l->ipa_subdomains = !strcmp(v, "ipa");
		return 0;
	}
	if (!strcmp(key, "ldap_default_authtok")) {
		l->authtok = strdup(v);
		return l->authtok ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "ldap_sasl_mech")) {
		if (strcmp(v, "GSSAPI") != 0) {
			config_set_err(
				p, p->line,
				"bad value '%s' for ldap_sasl_mech: expected "
				"GSSAPI",
				v);
			return -EINVAL;
		}
		l->sasl_mech = strdup(v);
		return l->sasl_mech ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "ldap_id_use_start_tls") ||
	    !strcmp(key, "enumerate")) {
		if (config_parse_bool(v, key[0] == 'e' ? &l->enumerate
						       : &l->start_tls) < 0) {
			config_set_err(
				p, p->line,
				"bad value '%s' for %s: expected true or false",
				v, key);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "ldap_tls_reqcert")) {
		if (!strcmp(v, "demand") || !strcmp(v, "hard")) {
			l->tls_reqcert = TLS_REQCERT_DEMAND;
		} else if (!strcmp(v, "allow")) {
			l->tls_reqcert = TLS_REQCERT_ALLOW;
		} else if (!strcmp(v, "never")) {
			l->tls_reqcert = TLS_REQCERT_NEVER;
		} else {
			config_set_err(
				p, p->line,
				"bad value '%s' for ldap_tls_reqcert: expected "
				"demand, allow or never",
				v);
			return -EINVAL;
		}
		return 0;
	}
	return 0;
}

void config_ldap_free(struct pagd_ldap_conf *l)
{
	for (char **u = l->uris; u && *u; u++)
		free(*u);
	free(l->uris);
	free(l->suffix);
	free(l->search_base);
	free(l->bind_dn);
	free(l->authtok);
	free(l->sasl_mech);
	free(l->krb5_keytab);
	free(l->tls_cacert);
	free(l->ipa_server);
	free(l->ipa_getkeytab_program);
	for (char **u = l->ipa_trusted_domain_uris; u && *u; u++)
		free(*u);
	free(l->ipa_trusted_domain_uris);
}
