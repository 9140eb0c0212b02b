// SPDX-License-Identifier: GPL-2.0
/*
 * [profile/NAME]: what the host lets a PAG bound under NAME be given.
 *
 *   domains    = a, b              required: configured domains
 *   principals = p1@REALM, ...     optional: Kerberos principals, in full
 *   keytab     = /absolute/path    required with principals: their keys
 *   ipa_hostname = FQDN            optional: the host whose desktop-profile
 *                                  rules apply to sessions in a PAG bound
 *                                  within the profile (a container's own
 *                                  name); default: the domain's
 *
 * A principal is written with its realm, so that a name in a request, in a
 * profile and in pagd's state (which records the name with its realm) is
 * the same string.  A principal may be in several profiles, always with the
 * same keytab: BindCredentials, which names no profile, finds it there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "pagd/config_parse.h"

static const char *const profile_keys[] = {
	"domains",
	"principals",
	"keytab",
	"ipa_hostname",
};
_Static_assert(sizeof(profile_keys) / sizeof(profile_keys[0]) == N_PROFILE_KEYS,
	       "N_PROFILE_KEYS is the number of profile_keys");

void config_profile_begin(struct parser *p, const char *name)
{
	struct pagd_config *cfg = p->cfg;
	struct profile_conf *pr;

	p->sec = SEC_PROFILE;
	if (!config_name_valid(name)) {
		config_set_err(p, p->line,
			       "bad profile name '%s': use 1-%d letters, "
			       "digits, '.', '_' or '-'",
			       name, PAGD_NAME_MAX);
		p->sec = SEC_NONE;
		return;
	}
	pr = (struct profile_conf *)config_profile(cfg, name);
	if (pr) {
		config_set_err(p, p->line,
			       "profile '%s' defined twice (first on line %u)",
			       name, pr->line);
		p->sec = SEC_NONE;
		return;
	}
	pr = reallocarray(cfg->profiles, cfg->n_profiles + 1, sizeof(*pr));
	if (!pr) {
		config_set_err(p, p->line, "out of memory");
		p->sec = SEC_NONE;
		return;
	}
	cfg->profiles = pr;
	pr = &cfg->profiles[cfg->n_profiles++];
	memset(pr, 0, sizeof(*pr));
	pr->name = strdup(name);
	pr->line = p->line;
	if (!pr->name)
		config_set_err(p, p->line, "out of memory");
	p->prof = pr;
}

/* NAME@REALM: both parts non-empty, no blank or control character. */
static bool principal_valid(const char *s)
{
	const char *at = strrchr(s, '@');

	if (!at || at == s || !at[1] || strlen(s) > 256)
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

int config_profile_key(struct parser *p, const char *key, const char *v)
{
	struct profile_conf *pr = p->prof;
	int i;

	for (i = 0; i < N_PROFILE_KEYS; i++)
		if (!strcmp(profile_keys[i], key))
			break;
	if (i == N_PROFILE_KEYS) {
		config_set_err(p, p->line,
			       "unknown key '%s' in section [profile/%s]", key,
			       pr->name);
		return -EINVAL;
	}
	if (p->prof_seen[i]) {
		config_set_err(p, p->line, "'%s' set twice (first on line %u)",
			       key, p->prof_seen[i]);
		return -EINVAL;
	}
	p->prof_seen[i] = p->line;
	if (i == 0) {
		pr->domains_line = p->line;
		return config_set_list(p, &pr->domains, key, v,
				       config_name_valid, "not a domain name");
	}
	if (i == 1) {
		pr->principals_line = p->line;
		return config_set_list(p, &pr->principals, key, v,
				       principal_valid,
				       "not a principal with its realm "
				       "(NAME@REALM)");
	}
	if (i == 3) {
		if (!config_hostname_valid(v)) {
			config_set_err(p, p->line,
				       "bad value '%s' for ipa_hostname in "
				       "[profile/%s]: expected a fully "
				       "qualified host name such as "
				       "ws1.example.com",
				       v, pr->name);
			return -EINVAL;
		}
		pr->ipa_hostname = strdup(v);
		if (!pr->ipa_hostname) {
			config_set_err(p, p->line, "out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	pr->keytab_line = p->line;
	return config_set_path(p, &pr->keytab, key, v);
}

void config_profile_end(struct parser *p)
{
	struct profile_conf *pr = p->prof;

	if (!pr)
		return;
	if (!pr->domains || !pr->domains[0])
		config_set_err(p, pr->line, "[profile/%s] has no 'domains'",
			       pr->name);
	else if (pr->principals && pr->principals[0] && !pr->keytab)
		config_set_err(p, pr->principals_line,
			       "[profile/%s] has 'principals' but no 'keytab'",
			       pr->name);
	else if (pr->keytab && (!pr->principals || !pr->principals[0]))
		config_set_err(p, p->prof_seen[2],
			       "[profile/%s] has a 'keytab' but no "
			       "'principals'",
			       pr->name);
	p->prof = NULL;
	memset(p->prof_seen, 0, sizeof(p->prof_seen));
}

/*
 * Whether @keytab lies in STATE_DIR/keytabs, where pagd keeps the IPA
 * trusts' keytabs (ipa/trust_keytab.c): the trust account's keys are
 * pagd's own, for reaching trusted domains, and no profile may hand them
 * to a PAG.  The path as written, and resolved when it exists.
 */
static bool trust_keytab(const struct pagd_config *cfg, const char *keytab)
{
	char *dir, *real_dir, *real_kt;
	size_t n;
	bool in;

	if (asprintf(&dir, "%s/keytabs/", cfg->state_dir) < 0)
		return false;
	n = strlen(dir);
	in = !strncmp(keytab, dir, n);
	dir[n - 1] = '\0';
	real_dir = realpath(dir, NULL);
	real_kt = realpath(keytab, NULL);
	n = real_dir ? strlen(real_dir) : 0;
	if (real_dir && real_kt && !strncmp(real_kt, real_dir, n) &&
	    real_kt[n] == '/')
		in = true;
	free(real_dir);
	free(real_kt);
	free(dir);
	return in;
}

/*
 * Checks that need the whole file: the domains exist (they may be defined
 * after the profile), a principal in two profiles has one keytab, and no
 * keytab is one of pagd's trust keytabs (state_dir may come later).
 */
void config_profile_validate(struct parser *p)
{
	struct pagd_config *cfg = p->cfg;

	for (size_t i = 0; i < cfg->n_profiles && !p->err; i++) {
		const struct profile_conf *pr = &cfg->profiles[i];

		if (pr->keytab && trust_keytab(cfg, pr->keytab))
			config_set_err(
				p, pr->keytab_line,
				"[profile/%s] keytab %s is in %s/keytabs, "
				"where pagd keeps the IPA trusts' "
				"keytabs: the trust account's keys are "
				"not given to PAGs",
				pr->name, pr->keytab, cfg->state_dir);

		for (char **d = pr->domains; *d && !p->err; d++)
			if (!config_domain(cfg, *d))
				config_set_err(p, pr->domains_line,
					       "[profile/%s] names unknown "
					       "domain '%s'",
					       pr->name, *d);
		for (char **n = pr->principals; n && *n && !p->err; n++) {
			for (size_t j = 0; j < i && !p->err; j++) {
				const struct profile_conf *o =
					&cfg->profiles[j];

				if (config_strv_has(o->principals, *n) &&
				    strcmp(o->keytab, pr->keytab))
					config_set_err(
						p, pr->principals_line,
						"principal '%s' of "
						"[profile/%s] has keytab %s in "
						"[profile/%s] (line %u): one "
						"principal, one keytab",
						*n, pr->name, o->keytab,
						o->name, o->line);
			}
		}
	}
}

void config_profile_free(struct profile_conf *pr)
{
	free(pr->name);
	strv_free(pr->domains);
	strv_free(pr->principals);
	free(pr->keytab);
	free(pr->ipa_hostname);
}

bool config_strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

const struct profile_conf *config_profile(const struct pagd_config *cfg,
					  const char *name)
{
	for (size_t i = 0; i < cfg->n_profiles; i++)
		if (!strcmp(cfg->profiles[i].name, name))
			return &cfg->profiles[i];
	return NULL;
}

const char *config_principal_keytab(const struct pagd_config *cfg,
				    const char *principal)
{
	for (size_t i = 0; i < cfg->n_profiles; i++)
		if (config_strv_has(cfg->profiles[i].principals, principal))
			return cfg->profiles[i].keytab;
	return NULL;
}
