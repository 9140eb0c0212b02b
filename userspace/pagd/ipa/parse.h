/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPA trust objects and ID ranges pagd reads, as FreeIPA stores them:
 *
 *   cn=ad,cn=etc,TREE                 ipaNTDomainAttrs: the IPA domain's
 *                                     flat name (ipaNTFlatName)
 *   cn=FOREST,cn=ad,cn=trusts,TREE    ipaNTTrustedDomain: a forest root
 *   cn=DOMAIN,cn=FOREST,cn=ad,cn=trusts,TREE
 *                                     a member domain of that forest
 *   cn=NAME,cn=ranges,cn=etc,TREE     ipaTrustedADDomainRange
 *
 * Parsing checks every value and says, for an entry to skip, why.
 */
#ifndef PAGD_IPA_PARSE_H
#define PAGD_IPA_PARSE_H

#include <ldap.h>
#include <stdbool.h>
#include <stdint.h>

/* ipaNTTrustDirection: bit 0 inbound, bit 1 outbound. */
#define IPA_TRUST_INBOUND  1
#define IPA_TRUST_OUTBOUND 2

struct ipa_trust {
	char *dn;
	char *name;    /* ipaNTTrustPartner, lower case */
	char *flat;    /* ipaNTFlatName, or NULL */
	char *sid;     /* ipaNTTrustedDomainSID */
	char *forest;  /* the forest root's name: its own for a root */
	bool member;   /* a member domain (no direction of its own) */
	int direction; /* a root's: 0 to 3; a member's is its root's */
};

enum ipa_range_type {
	IPA_RANGE_AD_TRUST,	  /* ipa-ad-trust: ids mapped from SIDs */
	IPA_RANGE_AD_TRUST_POSIX, /* ipa-ad-trust-posix: AD's POSIX ids */
};

struct ipa_range {
	char *dn;
	char *name;
	char *sid;
	uint32_t base_id, size, base_rid;
	enum ipa_range_type type;
};

/* The container of the trust objects under @tree (malloc'ed). */
char *ipa_trusts_base(const char *tree);

/*
 * ipa_parse_trust() - an ipaNTTrustedDomain entry found under @base.
 * Return: 0; -EINVAL for an entry to skip, with *@why (malloc'ed) saying
 * why; -ENOMEM.
 */
int ipa_parse_trust(LDAP *ld, LDAPMessage *e, const char *base,
		    struct ipa_trust *t, char **why);
int ipa_parse_range(LDAP *ld, LDAPMessage *e, struct ipa_range *r, char **why);
void ipa_trust_free(struct ipa_trust *t);
void ipa_range_free(struct ipa_range *r);

/* An AD domain SID: S-1-5-21-A-B-C, each a 32-bit number. */
bool ipa_domain_sid_valid(const char *sid);
/* A DNS domain name: letters, digits, '-', dot-separated labels. */
bool ipa_dns_name_valid(const char *name);

#endif /* PAGD_IPA_PARSE_H */
