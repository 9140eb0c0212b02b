/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the configuration parser's files share: config.c reads the file and
 * knows [pagd] and the keys common to every domain, config_ldap.c knows
 * the keys of provider ldap, config_profile.c the [profile/NAME] sections.
 * Not for use outside config*.c.
 */
#ifndef PAGD_CONFIG_PARSE_H
#define PAGD_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pagd/config.h"

enum section {
	SEC_NONE,
	SEC_PAGD,
	SEC_DOMAIN,
	SEC_PROFILE,
};

#define N_PAGD_KEYS    16 /* pagd_keys[] in config.c */
#define N_DOMAIN_KEYS  36 /* domain_keys[] in config.c */
#define N_PROFILE_KEYS 4  /* profile_keys[] in config_profile.c */

struct parser {
	const char *path;
	FILE *f;
	char *linebuf;
	size_t linecap;
	unsigned int line;
	char *err;
	struct pagd_config *cfg;
	enum section sec;
	struct domain_conf *dom;
	unsigned int pagd_seen[N_PAGD_KEYS];
	unsigned int dom_seen[N_DOMAIN_KEYS];
	struct profile_conf *prof;
	unsigned int prof_seen[N_PROFILE_KEYS];
	unsigned int default_domains_line;
	bool seen_pagd_section;
};

/* Records the first problem as "FILE:LINE: what"; later ones are dropped. */
void config_set_err(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The line a key of the current domain was set on, 0 when it was not. */
unsigned int config_seen(const struct parser *p, const char *key);
int config_parse_bool(const char *v, bool *out);
/* An absolute path (run_dir: short enough for socket paths below it). */
/*
 * A list of items separated by commas or blanks into *@dst (NULL-terminated,
 * replacing what was there), each accepted by @valid, else "bad value 'X' in
 * @key: @why".  Return: 0, -EINVAL (error set) or -ENOMEM.
 */
int config_set_list(struct parser *p, char ***dst, const char *key,
		    const char *v, bool (*valid)(const char *),
		    const char *why);
int config_set_path(struct parser *p, char **dst, const char *key,
		    const char *v);

/* A numeric key: where it goes in its structure, its bounds, its words. */
struct uint_key {
	const char *key;
	size_t off;
	unsigned int min, max;
	const char *what;
};

#define UINT_KEY(type, k, f, lo, hi, w)                                   \
	{                                                                 \
		.key = k, .off = offsetof(type, f), .min = lo, .max = hi, \
		.what = w                                                 \
	}

/*
 * config_set_uint_key() - set @key in @base if @keys has it
 * Return: 1 when @key is not one of @keys, 0 when set, -EINVAL (with a
 * message naming the key, the value and the bounds) when @v is bad.
 */
int config_set_uint_key(struct parser *p, const struct uint_key *keys, size_t n,
			void *base, const char *key, const char *v);

/* config_ldap.c: the keys of provider ldap. */
void config_ldap_defaults(struct pagd_ldap_conf *l);
int config_ldap_key(struct parser *p, const char *key, const char *v);
/* Checks made when the [domain/NAME] section of an ldap domain ends. */
void config_ldap_end(struct parser *p, struct domain_conf *d);
void config_ldap_free(struct pagd_ldap_conf *l);

/*
 * config_session.c: session_provider, ipa_hostname and
 * ipa_deskprofile_refresh of a domain.  Return: 0 when set, 1 when @key is
 * none of them, -EINVAL (error set) or -ENOMEM.
 */
int config_session_key(struct parser *p, const char *key, const char *v);
/* Defaults and checks when the [domain/NAME] section ends. */
void config_session_end(struct parser *p, struct domain_conf *d);
/* A host name as IPA stores it in fqdn (ipa_hostname, here and in profiles). */
bool config_hostname_valid(const char *v);

/* config_profile.c: [profile/NAME] */
void config_profile_begin(struct parser *p, const char *name);
int config_profile_key(struct parser *p, const char *key, const char *v);
/* Checks made when the section ends, and when the whole file is read. */
void config_profile_end(struct parser *p);
void config_profile_validate(struct parser *p);
void config_profile_free(struct profile_conf *pr);

#endif /* PAGD_CONFIG_PARSE_H */
