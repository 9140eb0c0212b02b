/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd configuration: /etc/pag/pagd.conf, INI form, sssd.conf-like.
 *
 *   [pagd]           daemon-wide settings
 *   [domain/NAME]    one identity domain: its provider, tenant and options
 *   [profile/NAME]   what a PAG bound under NAME may be given: domains,
 *                    principals and their keytab (config_profile.c)
 */
#ifndef PAGD_CONFIG_H
#define PAGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PAGD_DEFAULT_CONFIG "/etc/pag/pagd.conf"
#define PAGD_NAME_MAX	    64

enum pagd_provider {
	PROVIDER_FILES,
	PROVIDER_LDAP,
};

enum pagd_ldap_tls_reqcert {
	TLS_REQCERT_DEMAND, /* the default: verify the server's certificate */
	TLS_REQCERT_ALLOW,
	TLS_REQCERT_NEVER,
};

/* The [domain/NAME] keys of provider = ldap. */
struct pagd_ldap_conf {
	char **uris;	   /* ldap_uri: tried in order, NULL-terminated */
	char *suffix;	   /* ldap_suffix: tree = cn=TENANT,cn=tenants,SUFFIX */
	char *search_base; /* ldap_search_base: the tree itself */
	char *bind_dn;
	char *authtok;
	char *sasl_mech;   /* ldap_sasl_mech: GSSAPI, or NULL for simple */
	char *krb5_keytab; /* ldap_krb5_keytab: GSSAPI's credential */
	bool start_tls;
	enum pagd_ldap_tls_reqcert tls_reqcert;
	char *tls_cacert; /* ldap_tls_cacert: CAs to trust, PEM */
	bool enumerate;
	unsigned int page_size;
	unsigned int network_timeout;	  /* seconds, for connect */
	unsigned int search_timeout;	  /* seconds, per operation */
	unsigned int entry_cache_timeout; /* seconds */
	unsigned int entry_negative_timeout;
	unsigned int offline_timeout; /* first retry; doubles up to max */
	unsigned int offline_timeout_max;
	/* IPA trusts (ipa/): subdomains_provider = ipa */
	bool ipa_subdomains;
	char *ipa_server; /* -s of the keytab command; NULL: ldap_uri's */
	char *ipa_getkeytab_program;		 /* the keytab command */
	unsigned int ipa_getkeytab_timeout;	 /* seconds */
	unsigned int subdomain_refresh_interval; /* seconds */
	/* "DOMAIN=URI" each: a trusted domain's LDAP server (NULL-terminated)
	 */
	char **ipa_trusted_domain_uris;
};

enum pagd_bus_mode {
	BUS_AUTO, /* the system bus when one runs */
	BUS_NONE, /* the private socket only */
};

/* session_provider: what runs at PAM session open for the domain's users */
enum pagd_session_provider {
	SESSION_DEFAULT, /* not set: ipa for provider ldap, else none */
	SESSION_NONE,
	SESSION_IPA, /* FleetCommander desktop profiles (deskprofile/) */
};

struct domain_conf {
	char *name;
	char *tenant;
	enum pagd_provider provider;
	char *files_directory;
	/* krb5_realm: the realm of the users' principals, for password
	 * authentication (pam/); NULL: libkrb5's default realm */
	char *krb5_realm;
	/*
	 * Offline authentication (pam/), SSSD's keys: keep a slow hash of
	 * the last password the KDC accepted, good for that many days (0:
	 * for ever); after that many failed offline attempts in a row (0: no
	 * limit), the next waits that many minutes.
	 */
	bool cache_credentials;
	unsigned int offline_credentials_expiration;
	unsigned int offline_failed_login_attempts;
	unsigned int offline_failed_login_delay;
	struct pagd_ldap_conf ldap;
	enum pagd_session_provider session_provider; /* never DEFAULT */
	/* ipa_hostname: the host whose desktop-profile rules apply; NULL:
	 * the host's FQDN, found when a session opens */
	char *ipa_hostname;
	/* ipa_deskprofile_refresh: seconds during which the last rules
	 * fetched are used without asking the server again */
	unsigned int deskprofile_refresh;
	/* ipa_deskprofile_request_interval: minutes without a search after
	 * one that found no rule in the tenant (0: no pause) */
	unsigned int deskprofile_request_interval;
	unsigned int line; /* of the [domain/NAME] header */
};

/*
 * A profile: a caller names it, and pagd binds nothing outside it.  The
 * lists are NULL-terminated; @principals is NULL when none is set, and
 * @keytab is then NULL too.
 */
struct profile_conf {
	char *name;
	char **domains;
	char **principals;
	char *keytab;
	/* ipa_hostname: the host whose desktop-profile rules apply to the
	 * sessions of a PAG bound within this profile; NULL: the domain's */
	char *ipa_hostname;
	unsigned int line; /* of the [profile/NAME] header */
	unsigned int domains_line, principals_line, keytab_line;
};

struct pagd_config {
	char *path;
	int log_level;
	char *state_dir;
	char *run_dir;
	char **default_domains; /* NULL-terminated, may be empty */
	bool has_admin_group;
	gid_t admin_gid;
	enum pagd_bus_mode bus;
	unsigned int client_idle_timeout; /* seconds */
	unsigned int max_clients;
	unsigned int memcache_timeout; /* seconds; 0: no memory cache */
	/* Credential bindings (creds/creds.c). */
	unsigned int cred_workers;	 /* workers at once */
	unsigned int cred_renew_percent; /* of the lifetime */
	unsigned int cred_retry_min;	 /* seconds; doubles after failures */
	unsigned int cred_retry_max;
	char **afs_cells; /* "CELL" or "CELL@REALM", NULL-terminated */
	/* PAM responder (pam/) */
	unsigned int pam_tgt_hold;  /* seconds a TGT waits for its session */
	unsigned int pam_verbosity; /* SSSD's: which messages pam_sss shows */
	struct domain_conf *domains;
	size_t n_domains;
	struct profile_conf *profiles;
	size_t n_profiles;
};

/*
 * config_load() - parse and validate a configuration file.
 * @path:	the file
 * @out:	the configuration, on success
 * @msg:	on failure, a message naming the file and line (malloc'ed)
 *
 * Return: 0, or a negative errno with *@msg set.
 */
int config_load(const char *path, struct pagd_config **out, char **msg);
void config_free(struct pagd_config *cfg);
const struct domain_conf *config_domain(const struct pagd_config *cfg,
					const char *name);

const struct profile_conf *config_profile(const struct pagd_config *cfg,
					  const char *name);
/*
 * The keytab of @principal: that of the profiles listing it (all name the
 * same one), or NULL when no profile lists it.
 */
const char *config_principal_keytab(const struct pagd_config *cfg,
				    const char *principal);
bool config_strv_has(char *const *v, const char *s);

/* Names of domains and tenants: letters, digits, '.', '_' and '-'. */
bool config_name_valid(const char *name);

#endif /* PAGD_CONFIG_H */
