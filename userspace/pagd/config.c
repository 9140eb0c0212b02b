// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration parsing.  inih splits the file into sections and key/value
 * pairs; this file knows what every key means.  inih's handler is not told
 * line numbers (Debian builds it without INI_HANDLER_LINENO) and is not
 * called for empty sections, so our reader counts lines and notices section
 * headers itself.  The first problem found is reported as "FILE:LINE: what";
 * the daemon refuses to start on it.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/strv.h"
#include "pagd/config_parse.h"
#include "pagd/pam/held.h"

/* Keys of [pagd], in the order their "seen" lines are kept. */
static const char *const pagd_keys[] = {
	"log_level",	       "state_dir",	   "run_dir",
	"default_domains",     "admin_group",	   "bus",
	"client_idle_timeout", "max_clients",	   "cred_workers",
	"cred_renew_percent",  "cred_retry_min",   "cred_retry_max",
	"afs_cells",	       "memcache_timeout", "pam_tgt_hold",
	"pam_verbosity",
};
_Static_assert(sizeof(pagd_keys) / sizeof(pagd_keys[0]) == N_PAGD_KEYS,
	       "N_PAGD_KEYS is the number of pagd_keys");

static const char *const domain_keys[] = {
	"provider",
	"tenant",
	"files_directory",
	"krb5_realm",
	"cache_credentials",
	"offline_credentials_expiration",
	"offline_failed_login_attempts",
	"offline_failed_login_delay",
	"ldap_uri",
	"ldap_suffix",
	"ldap_search_base",
	"ldap_default_bind_dn",
	"ldap_default_authtok",
	"ldap_sasl_mech",
	"ldap_id_use_start_tls",
	"ldap_tls_reqcert",
	"ldap_page_size",
	"ldap_network_timeout",
	"ldap_search_timeout",
	"entry_cache_timeout",
	"entry_negative_timeout",
	"offline_timeout",
	"offline_timeout_max",
	"enumerate",
	"ldap_tls_cacert",
	"ldap_krb5_keytab",
	"subdomains_provider",
	"ipa_server",
	"ipa_getkeytab_program",
	"ipa_getkeytab_timeout",
	"subdomain_refresh_interval",
	"ipa_trusted_domain_uris",
	/* the session provider's (config_session.c), for any provider */
	"session_provider",
	"ipa_hostname",
	"ipa_deskprofile_refresh",
	"ipa_deskprofile_request_interval",
};
_Static_assert(sizeof(domain_keys) / sizeof(domain_keys[0]) == N_DOMAIN_KEYS,
	       "N_DOMAIN_KEYS is the number of domain_keys");

void config_set_err(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (p->err)
		return; /* the first problem is the one to fix */
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (asprintf(&p->err, "%s:%u: %s", p->path, line,
		     msg ? msg : "out of memory") < 0)
		p->err = NULL;
	free(msg);
}

bool config_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PAGD_NAME_MAX)
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			return false;
	return true;
}

#define FIRST_LDAP_KEY 8  /* domain_keys[8] on are provider ldap's... */
#define END_LDAP_KEY   32 /* ...up to the session provider's */

static unsigned int first_ldap_key(const struct parser *p)
{
	unsigned int first = 0;

	for (int i = FIRST_LDAP_KEY; i < END_LDAP_KEY; i++)
		if (p->dom_seen[i] && (!first || p->dom_seen[i] < first))
			first = p->dom_seen[i];
	return first;
}

/* Checks made when a section ends: required keys. */
static void end_section(struct parser *p)
{
	struct domain_conf *d = p->dom;

	if (p->sec == SEC_PROFILE)
		config_profile_end(p);
	if (p->sec != SEC_DOMAIN || !d)
		return;
	if (!p->dom_seen[0])
		config_set_err(p, d->line, "[domain/%s] has no 'provider'",
			       d->name);
	else if (!d->tenant)
		config_set_err(p, d->line, "[domain/%s] has no 'tenant'",
			       d->name);
	else if (d->provider == PROVIDER_FILES && !d->files_directory)
		config_set_err(
			p, d->line,
			"[domain/%s] has no 'files_directory' (needed by "
			"provider files)",
			d->name);
	else if (d->provider == PROVIDER_LDAP)
		config_ldap_end(p, d);
	else if (d->provider != PROVIDER_LDAP && first_ldap_key(p))
		config_set_err(p, first_ldap_key(p),
			       "[domain/%s]: LDAP options need provider = ldap",
			       d->name);
	if (!p->err)
		config_session_end(p, d);
}

static void begin_section(struct parser *p, const char *name)
{
	struct pagd_config *cfg = p->cfg;
	struct domain_conf *d;

	end_section(p);
	p->dom = NULL;
	memset(p->dom_seen, 0, sizeof(p->dom_seen));

	if (!strcmp(name, "pagd")) {
		if (p->seen_pagd_section) {
			config_set_err(p, p->line,
				       "section [pagd] appears twice");
			p->sec = SEC_NONE;
			return;
		}
		p->seen_pagd_section = true;
		p->sec = SEC_PAGD;
		return;
	}
	if (!strncmp(name, "profile/", 8)) {
		config_profile_begin(p, name + 8);
		return;
	}
	if (strncmp(name, "domain/", 7) != 0) {
		config_set_err(p, p->line, "unknown section [%s]", name);
		p->sec = SEC_NONE;
		return;
	}
	name += 7;
	p->sec = SEC_DOMAIN;
	if (!config_name_valid(name)) {
		config_set_err(
			p, p->line,
			"bad domain name '%s': use 1-%d letters, digits, '.', "
			"'_' or '-'",
			name, PAGD_NAME_MAX);
		p->sec = SEC_NONE;
		return;
	}
	for (size_t i = 0; i < cfg->n_domains; i++) {
		if (!strcmp(cfg->domains[i].name, name)) {
			config_set_err(
				p, p->line,
				"domain '%s' defined twice (first on line %u)",
				name, cfg->domains[i].line);
			p->sec = SEC_NONE;
			return;
		}
	}
	d = reallocarray(cfg->domains, cfg->n_domains + 1, sizeof(*d));
	if (!d) {
		config_set_err(p, p->line, "out of memory");
		return;
	}
	cfg->domains = d;
	d = &cfg->domains[cfg->n_domains++];
	memset(d, 0, sizeof(*d));
	d->name = strdup(name);
	d->line = p->line;
	config_ldap_defaults(&d->ldap);
	d->offline_failed_login_attempts = 3;
	d->offline_failed_login_delay = 5;
	if (!d->name)
		config_set_err(p, p->line, "out of memory");
	p->dom = d;
}

/*
 * inih's reader: one line per call.  Counting calls gives the line number
 * of the key the handler is about to see.  Lines longer than inih's buffer
 * would be split (and miscounted), so they are an error of their own.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	ssize_t n;
	char *s, *e;

	n = getline(&p->linebuf, &p->linecap, p->f);
	if (n < 0)
		return NULL;
	p->line++;
	if (n >= num) {
		config_set_err(p, p->line,
			       "line too long (at most %d characters)",
			       num - 2);
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, p->linebuf, n + 1);

	for (s = str; isspace((unsigned char)*s); s++)
		;
	if (*s == '[') {
		e = strchr(s, ']');
		if (e) {
			*e = '\0';
			begin_section(p, s + 1);
			*e = ']';
		}
	}
	return str;
}

static int seen_once(struct parser *p, unsigned int *seen, const char *key)
{
	if (*seen) {
		config_set_err(p, p->line, "'%s' set twice (first on line %u)",
			       key, *seen);
		return -EINVAL;
	}
	*seen = p->line;
	return 0;
}

int config_set_path(struct parser *p, char **dst, const char *key,
		    const char *v)
{
	if (v[0] != '/') {
		config_set_err(
			p, p->line,
			"bad value '%s' for %s: expected an absolute path", v,
			key);
		return -EINVAL;
	}
	if (strlen(v) > 64 && strcmp(key, "run_dir") == 0) {
		/* sockets live below it and sun_path is short */
		config_set_err(
			p, p->line,
			"bad value '%s' for run_dir: longer than 64 characters",
			v);
		return -EINVAL;
	}
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

/* Splits a comma/space separated list of domain names. */
/* An AFS cell, optionally with the Kerberos realm its keys live in. */
static bool cell_valid(const char *item)
{
	char buf[256];
	char *at;

	if (strlen(item) >= sizeof(buf))
		return false;
	strcpy(buf, item);
	at = strchr(buf, '@');
	if (at)
		*at++ = '\0';
	return config_name_valid(buf) && (!at || config_name_valid(at));
}

int config_set_list(struct parser *p, char ***dst, const char *key,
		    const char *v, bool (*valid)(const char *), const char *why)
{
	char *copy, *tok, *save = NULL;
	char **list = NULL;
	size_t n = 0;

	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		char **nl;

		if (!valid(tok)) {
			config_set_err(p, p->line, "bad value '%s' in %s: %s",
				       tok, key, why);
			goto fail;
		}
		nl = reallocarray(list, n + 2, sizeof(*list));
		if (!nl)
			goto fail;
		list = nl;
		list[n] = strdup(tok);
		if (!list[n])
			goto fail;
		list[++n] = NULL;
	}
	free(copy);
	if (!list) {
		list = calloc(1, sizeof(*list));
		if (!list)
			return -ENOMEM;
	}
	strv_free(*dst);
	*dst = list;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(copy);
	return -EINVAL;
}

static int set_name_list(struct parser *p, char ***dst, const char *key,
			 const char *v)
{
	return config_set_list(p, dst, key, v, config_name_valid,
			       "not a domain name");
}

static int key_index(const char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return (int)i;
	return -1;
}

unsigned int config_seen(const struct parser *p, const char *key)
{
	int i = key_index(domain_keys, N_DOMAIN_KEYS, key);

	return i < 0 ? 0 : p->dom_seen[i];
}

int config_set_uint_key(struct parser *p, const struct uint_key *keys, size_t n,
			void *base, const char *key, const char *v)
{
	for (size_t i = 0; i < n; i++) {
		const struct uint_key *k = &keys[i];
		uint64_t u;

		if (strcmp(key, k->key) != 0)
			continue;
		if (parse_uint(v, k->min, k->max, &u) < 0) {
			config_set_err(p, p->line,
				       "bad value '%s' for %s: expected %s", v,
				       key, k->what);
			return -EINVAL;
		}
		*(unsigned int *)((char *)base + k->off) = u;
		return 0;
	}
	return 1;
}

#define PAGD_UINT(k, f, lo, hi, w) UINT_KEY(struct pagd_config, k, f, lo, hi, w)

static const struct uint_key pagd_uint_keys[] = {
	PAGD_UINT("client_idle_timeout", client_idle_timeout, 1, 86400,
		  "seconds, 1 to 86400"),
	PAGD_UINT("max_clients", max_clients, 1, 1000000, "1 to 1000000"),
	PAGD_UINT("memcache_timeout", memcache_timeout, 0, 86400,
		  "seconds, 0 (off) to 86400"),
	PAGD_UINT("cred_workers", cred_workers, 1, 256, "1 to 256"),
	PAGD_UINT("cred_renew_percent", cred_renew_percent, 10, 95, "10 to 95"),
	PAGD_UINT("cred_retry_min", cred_retry_min, 1, 3600,
		  "seconds, 1 to 3600"),
	PAGD_UINT("cred_retry_max", cred_retry_max, 1, 86400,
		  "seconds, 1 to 86400"),
	PAGD_UINT("pam_tgt_hold", pam_tgt_hold, 1, PAM_TGT_HOLD_SEC,
		  "seconds, 1 to 120"),
	PAGD_UINT("pam_verbosity", pam_verbosity, 0, 3, "0 to 3"),
};

static int pagd_key(struct parser *p, const char *key, const char *v)
{
	struct pagd_config *cfg = p->cfg;
	int i = key_index(pagd_keys, N_PAGD_KEYS, key);
	int r;

	if (i < 0) {
		config_set_err(p, p->line, "unknown key '%s' in section [pagd]",
			       key);
		return -EINVAL;
	}
	if (seen_once(p, &p->pagd_seen[i], key) < 0)
		return -EINVAL;

	if (!strcmp(key, "log_level")) {
		r = log_level_from_string(v);
		if (r < 0 || r < LOG_ERR) {
			config_set_err(
				p, p->line,
				"bad value '%s' for log_level: expected err, "
				"warning, notice, info or debug",
				v);
			return -EINVAL;
		}
		cfg->log_level = r;
	} else if (!strcmp(key, "state_dir")) {
		return config_set_path(p, &cfg->state_dir, key, v);
	} else if (!strcmp(key, "run_dir")) {
		return config_set_path(p, &cfg->run_dir, key, v);
	} else if (!strcmp(key, "default_domains")) {
		p->default_domains_line = p->line;
		return set_name_list(p, &cfg->default_domains, key, v);
	} else if (!strcmp(key, "afs_cells")) {
		return config_set_list(p, &cfg->afs_cells, key, v, cell_valid,
				       "not an AFS cell (CELL or CELL@REALM)");
	} else if (!strcmp(key, "admin_group")) {
		uint32_t gid;
		struct group *gr;

		if (parse_id(v, &gid) == 0) {
			cfg->admin_gid = gid;
		} else {
			/* pagd sets _SSS_LOOPS=NO: this never asks pagd itself
			 */
			gr = getgrnam(v);
			if (!gr) {
				config_set_err(
					p, p->line,
					"bad value '%s' for admin_group: no "
					"such group",
					v);
				return -EINVAL;
			}
			cfg->admin_gid = gr->gr_gid;
		}
		cfg->has_admin_group = true;
	} else if (!strcmp(key, "bus")) {
		if (!strcmp(v, "auto")) {
			cfg->bus = BUS_AUTO;
		} else if (!strcmp(v, "none")) {
			cfg->bus = BUS_NONE;
		} else {
			config_set_err(
				p, p->line,
				"bad value '%s' for bus: expected auto or none",
				v);
			return -EINVAL;
		}
	} else if (config_set_uint_key(p, pagd_uint_keys,
				       sizeof(pagd_uint_keys) /
					       sizeof(*pagd_uint_keys),
				       cfg, key, v) < 0) {
		return -EINVAL;
	}
	return 0;
}

int config_parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int domain_key(struct parser *p, const char *key, const char *v)
{
	struct domain_conf *d = p->dom;
	int i = key_index(domain_keys, N_DOMAIN_KEYS, key), r;

	if (i < 0) {
		config_set_err(p, p->line,
			       "unknown key '%s' in section [domain/%s]", key,
			       d->name);
		return -EINVAL;
	}
	if (seen_once(p, &p->dom_seen[i], key) < 0)
		return -EINVAL;

	r = config_session_key(p, key, v);
	if (r <= 0)
		return r;
	if (!strcmp(key, "provider")) {
		if (!strcmp(v, "files")) {
			d->provider = PROVIDER_FILES;
		} else if (!strcmp(v, "ldap")) {
			d->provider = PROVIDER_LDAP;
		} else {
			config_set_err(
				p, p->line,
				"bad value '%s' for provider: expected files "
				"or ldap",
				v);
			return -EINVAL;
		}
	} else if (!strcmp(key, "cache_credentials")) {
		if (config_parse_bool(v, &d->cache_credentials) < 0) {
			config_set_err(
				p, p->line,
				"bad value '%s' for %s: expected true or false",
				v, key);
			return -EINVAL;
		}
	} else if (!strncmp(key, "offline_", 8) && i < FIRST_LDAP_KEY) {
		uint64_t u;
		unsigned int *to =
			!strcmp(key, "offline_credentials_expiration")
				? &d->offline_credentials_expiration
			: !strcmp(key, "offline_failed_login_attempts")
				? &d->offline_failed_login_attempts
				: &d->offline_failed_login_delay;

		if (parse_uint(v, 0, 36500, &u) < 0) {
			config_set_err(p, p->line,
				       "bad value '%s' for %s: expected a "
				       "number from 0 to 36500",
				       v, key);
			return -EINVAL;
		}
		*to = (unsigned int)u;
	} else if (!strncmp(key, "ldap_", 5) || i >= FIRST_LDAP_KEY) {
		return config_ldap_key(p, key, v);
	} else if (!strcmp(key, "tenant")) {
		if (!config_name_valid(v)) {
			config_set_err(
				p, p->line,
				"bad value '%s' for tenant: use 1-%d letters, "
				"digits, '.', '_' or '-'",
				v, PAGD_NAME_MAX);
			return -EINVAL;
		}
		d->tenant = strdup(v);
		if (!d->tenant)
			return -ENOMEM;
	} else if (!strcmp(key, "files_directory")) {
		return config_set_path(p, &d->files_directory, key, v);
	} else if (!strcmp(key, "krb5_realm")) {
		if (!*v || strpbrk(v, "@/ \t")) {
			config_set_err(
				p, p->line,
				"bad value '%s' for krb5_realm: "
				"expected a realm name such as EXAMPLE.COM",
				v);
			return -EINVAL;
		}
		d->krb5_realm = strdup(v);
		if (!d->krb5_realm)
			return -ENOMEM;
	}
	return 0;
}

static int handler(void *user, const char *section, const char *key,
		   const char *value)
{
	struct parser *p = user;
	int r;

	if (p->err)
		return 0;
	switch (p->sec) {
	case SEC_PAGD:
		r = pagd_key(p, key, value);
		break;
	case SEC_DOMAIN:
		r = domain_key(p, key, value);
		break;
	case SEC_PROFILE:
		r = config_profile_key(p, key, value);
		break;
	default:
		if (!section[0])
			config_set_err(p, p->line,
				       "'%s' outside of any section", key);
		r = -EINVAL;
		break;
	}
	if (r == -ENOMEM)
		config_set_err(p, p->line, "out of memory");
	return r == 0;
}

/* Checks that need the whole file. */
static void validate(struct parser *p)
{
	struct pagd_config *cfg = p->cfg;

	for (char **n = cfg->default_domains; n && *n && !p->err; n++)
		if (!config_domain(cfg, *n))
			config_set_err(
				p, p->default_domains_line,
				"default_domains names unknown domain '%s'",
				*n);
	config_profile_validate(p);
}

static int set_defaults(struct pagd_config *cfg)
{
	cfg->log_level = LOG_INFO;
	cfg->bus = BUS_AUTO;
	cfg->client_idle_timeout = 60;
	cfg->max_clients = 4096;
	cfg->memcache_timeout = 300; /* SSSD's default */
	cfg->cred_workers = 8;
	cfg->cred_renew_percent = 75;
	cfg->cred_retry_min = 10;
	cfg->cred_retry_max = 900;
	cfg->pam_tgt_hold = PAM_TGT_HOLD_SEC;
	cfg->pam_verbosity = 1; /* SSSD's default: important messages */
	cfg->state_dir = strdup("/var/lib/pagd");
	cfg->run_dir = strdup("/run/pagd");
	cfg->default_domains = calloc(1, sizeof(char *));
	cfg->afs_cells = calloc(1, sizeof(char *));
	if (!cfg->state_dir || !cfg->run_dir || !cfg->default_domains ||
	    !cfg->afs_cells)
		return -ENOMEM;
	return 0;
}

int config_load(const char *path, struct pagd_config **out, char **msg)
{
	struct parser p = { .path = path };
	struct pagd_config *cfg;
	int r;

	*msg = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || set_defaults(cfg) < 0 || !(cfg->path = strdup(path))) {
		config_free(cfg);
		return -ENOMEM;
	}
	p.cfg = cfg;

	p.f = fopen(path, "re");
	if (!p.f) {
		r = -errno;
		if (asprintf(msg, "%s: %s", path, strerror(-r)) < 0)
			*msg = NULL;
		config_free(cfg);
		return r;
	}
	r = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	free(p.linebuf);
	if (r > 0 && !p.err)
		config_set_err(
			&p, r,
			"syntax error: expected [section] or key = value");
	else if (r < 0 && !p.err)
		config_set_err(&p, p.line, "out of memory");
	end_section(&p);
	if (!p.err)
		validate(&p);
	if (p.err) {
		*msg = p.err;
		config_free(cfg);
		return -EINVAL;
	}
	*out = cfg;
	return 0;
}

const struct domain_conf *config_domain(const struct pagd_config *cfg,
					const char *name)
{
	for (size_t i = 0; i < cfg->n_domains; i++)
		if (!strcmp(cfg->domains[i].name, name))
			return &cfg->domains[i];
	return NULL;
}

void config_free(struct pagd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_domains; i++) {
		free(cfg->domains[i].name);
		free(cfg->domains[i].tenant);
		free(cfg->domains[i].krb5_realm);
		free(cfg->domains[i].ipa_hostname);
		free(cfg->domains[i].files_directory);
		config_ldap_free(&cfg->domains[i].ldap);
	}
	free(cfg->domains);
	for (size_t i = 0; i < cfg->n_profiles; i++)
		config_profile_free(&cfg->profiles[i]);
	free(cfg->profiles);
	for (char **n = cfg->default_domains; n && *n; n++)
		free(*n);
	free(cfg->default_domains);
	for (char **n = cfg->afs_cells; n && *n; n++)
		free(*n);
	free(cfg->afs_cells);
	free(cfg->state_dir);
	free(cfg->run_dir);
	free(cfg->path);
	free(cfg);
}
