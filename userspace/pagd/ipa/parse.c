// SPDX-License-Identifier: GPL-2.0
/*
 * IPA trust objects and ID ranges: LDAP entries to records, every value
 * checked (see parse.h for the layout).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pagd/ipa/parse.h"

char *ipa_trusts_base(const char *tree)
{
	char *s;

	return asprintf(&s, "cn=ad,cn=trusts,%s", tree) < 0 ? NULL : s;
}

static int reason(char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(why, fmt, ap) < 0)
		*why = NULL;
	va_end(ap);
	return *why ? -EINVAL : -ENOMEM;
}

/*
 * The first value of @attr (malloc'ed) in *@out, NULL when it has none.
 * Return: the number of values, or -ENOMEM.
 */
static int value(LDAP *ld, LDAPMessage *e, const char *attr, char **out)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	int n = ldap_count_values_len(v);

	*out = NULL;
	if (n > 0) {
		*out = strndup(v[0]->bv_val, v[0]->bv_len);
		if (!*out)
			n = -ENOMEM;
	}
	ldap_value_free_len(v);
	return n;
}

bool ipa_dns_name_valid(const char *name)
{
	size_t label = 0, len = strlen(name);

	if (!len || len > 253 || name[0] == '.' || name[len - 1] == '.')
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (!label)
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static bool u32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;

	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool ipa_domain_sid_valid(const char *sid)
{
	char buf[80], *part, *save = NULL;
	uint32_t v;
	int n = 0;

	if (strncmp(sid, "S-1-5-21-", 9) || strlen(sid) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", sid + 9);
	if (buf[0] == '-' || !buf[0] || buf[strlen(buf) - 1] == '-' ||
	    strstr(buf, "--"))
		return false;
	for (part = strtok_r(buf, "-", &save); part;
	     part = strtok_r(NULL, "-", &save))
		if (!u32(part, &v) || ++n > 3)
			return false;
	return n == 3;
}

/* RDNs of @prefix: commas not escaped. */
static int count_rdns(const char *prefix, size_t len)
{
	int n = 1;

	for (size_t i = 0; i < len; i++) {
		if (prefix[i] == '\\')
			i++;
		else if (prefix[i] == ',')
			n++;
	}
	return n;
}

/* Root or member, and the forest: from where the entry is under @base. */
static int place(struct ipa_trust *t, const char *base, char **why)
{
	size_t dl = strlen(t->dn), bl = strlen(base), pl;
	const char *parent, *end;

	if (dl <= bl + 1 || strcasecmp(t->dn + dl - bl, base) ||
	    t->dn[dl - bl - 1] != ',')
		return reason(why, "not under %s", base);
	pl = dl - bl - 1;
	switch (count_rdns(t->dn, pl)) {
	case 1:
		t->forest = strdup(t->name);
		return t->forest ? 0 : -ENOMEM;
	case 2:
		t->member = true;
		parent = strchr(t->dn, ',') + 1;
		end = t->dn + pl;
		if (strncasecmp(parent, "cn=", 3))
			return reason(why, "its forest root is not named cn=");
		t->forest = strndup(parent + 3, (size_t)(end - parent - 3));
		if (!t->forest)
			return -ENOMEM;
		for (char *p = t->forest; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return 0;
	default:
		return reason(why, "deeper than a forest's member domain");
	}
}

int ipa_parse_trust(LDAP *ld, LDAPMessage *e, const char *base,
		    struct ipa_trust *t, char **why)
{
	char *dir = NULL, *dn;
	uint32_t d;
	int r;

	memset(t, 0, sizeof(*t));
	*why = NULL;
	dn = ldap_get_dn(ld, e);
	t->dn = dn ? strdup(dn) : NULL;
	ldap_memfree(dn);
	if (!t->dn)
		return -ENOMEM;
	r = value(ld, e, "ipaNTTrustPartner", &t->name);
	if (r == 0)
		r = reason(why, "no ipaNTTrustPartner");
	else if (r > 0 && !ipa_dns_name_valid(t->name))
		r = reason(why, "bad ipaNTTrustPartner '%s': not a DNS name",
			   t->name);
	if (r < 0)
		return r;
	for (char *p = t->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	r = value(ld, e, "ipaNTTrustedDomainSID", &t->sid);
	if (r == 0)
		r = reason(why, "no ipaNTTrustedDomainSID");
	else if (r > 0 && !ipa_domain_sid_valid(t->sid))
		r = reason(why,
			   "bad ipaNTTrustedDomainSID '%s': not a domain SID "
			   "(S-1-5-21-A-B-C)",
			   t->sid);
	if (r < 0)
		return r;
	r = value(ld, e, "ipaNTFlatName", &t->flat);
	if (r >= 0)
		r = place(t, base, why);
	if (r < 0 || t->member)
		return r < 0 ? r : 0;
	r = value(ld, e, "ipaNTTrustDirection", &dir);
	if (r == 0)
		r = reason(why, "no ipaNTTrustDirection");
	else if (r > 0 && (!u32(dir, &d) || d > 3))
		r = reason(why,
			   "unknown ipaNTTrustDirection '%s' (expected 0 to "
			   "3)",
			   dir);
	else if (r > 0)
		t->direction = (int)d;
	free(dir);
	return r < 0 ? r : 0;
}

static const struct {
	const char *name;
	enum ipa_range_type type;
} range_types[] = {
	{ "ipa-ad-trust", IPA_RANGE_AD_TRUST },
	{ "ipa-ad-trust-posix", IPA_RANGE_AD_TRUST_POSIX },
};

/* A number attribute of a range, or the reason it is not one. */
static int range_number(LDAP *ld, LDAPMessage *e, const char *attr,
			uint32_t *out, char **why)
{
	char *v;
	int r = value(ld, e, attr, &v);

	if (r == 0)
		r = reason(why, "no %s", attr);
	else if (r > 0 && !u32(v, out))
		r = reason(why, "bad %s '%s': not a number", attr, v);
	free(v);
	return r < 0 ? r : 0;
}

int ipa_parse_range(LDAP *ld, LDAPMessage *e, struct ipa_range *rg, char **why)
{
	char *type = NULL, *dn;
	int r;

	memset(rg, 0, sizeof(*rg));
	*why = NULL;
	dn = ldap_get_dn(ld, e);
	rg->dn = dn ? strdup(dn) : NULL;
	ldap_memfree(dn);
	if (!rg->dn || value(ld, e, "cn", &rg->name) < 0)
		return -ENOMEM;
	r = range_number(ld, e, "ipaBaseID", &rg->base_id, why);
	if (r == 0)
		r = range_number(ld, e, "ipaIDRangeSize", &rg->size, why);
	if (r == 0)
		r = range_number(ld, e, "ipaBaseRID", &rg->base_rid, why);
	if (r < 0)
		return r;
	if (!rg->size)
		return reason(why, "ipaIDRangeSize is 0");
	if ((uint64_t)rg->base_id + rg->size - 1 > UINT32_MAX)
		return reason(why,
			      "ipaBaseID %u + ipaIDRangeSize %u passes "
			      "the largest id",
			      rg->base_id, rg->size);
	if ((uint64_t)rg->base_rid + rg->size - 1 > UINT32_MAX)
		return reason(why,
			      "ipaBaseRID %u + ipaIDRangeSize %u passes "
			      "the largest RID",
			      rg->base_rid, rg->size);
	r = value(ld, e, "ipaNTTrustedDomainSID", &rg->sid);
	if (r == 0)
		r = reason(why, "no ipaNTTrustedDomainSID");
	else if (r > 0 && !ipa_domain_sid_valid(rg->sid))
		r = reason(why, "bad ipaNTTrustedDomainSID '%s'", rg->sid);
	if (r < 0)
		return r;
	/* FreeIPA's default for a range with a domain SID */
	rg->type = IPA_RANGE_AD_TRUST;
	r = value(ld, e, "ipaRangeType", &type);
	if (r > 0) {
		r = -1;
		for (size_t i = 0;
		     i < sizeof(range_types) / sizeof(*range_types); i++)
			if (!strcmp(type, range_types[i].name)) {
				rg->type = range_types[i].type;
				r = 0;
			}
		if (r < 0)
			r = reason(why,
				   "unknown ipaRangeType '%s' (expected "
				   "ipa-ad-trust or ipa-ad-trust-posix)",
				   type);
	}
	free(type);
	return r < 0 ? r : 0;
}

void ipa_trust_free(struct ipa_trust *t)
{
	free(t->dn);
	free(t->name);
	free(t->flat);
	free(t->sid);
	free(t->forest);
	memset(t, 0, sizeof(*t));
}

void ipa_range_free(struct ipa_range *rg)
{
	free(rg->dn);
	free(rg->name);
	free(rg->sid);
	memset(rg, 0, sizeof(*rg));
}
