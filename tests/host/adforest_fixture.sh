#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The trust fixture: tests/lib/adforest (an AD-like KDC and forest),
# tests/lib/ipa-trust-ldif (the IPA side) and tests/lib/ipa-getkeytab (the
# stand-in for FreeIPA's), with an IPA-like KDC and slapd beside them.

. "$(dirname "$0")/../lib/common.sh"
lib=$(cd "$(dirname "$0")/../lib" && pwd)

plan 14

if ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; then
	skip_all 14 "the trust fixture" "needs slapd and krb5-kdc"
fi
tmp=$(mktemp -d)
trap '"$lib/adforest" stop "$tmp/ad" 2>/dev/null; "$lib/kdc" stop "$tmp/ipakdc" 2>/dev/null
	"$lib/slapd" stop "$tmp/ipa" 2>/dev/null; rm -rf "$tmp"' EXIT

"$lib/kdc" start "$tmp/ipakdc" --realm EXAMPLE.TEST > /dev/null
check "the forest starts beside an IPA KDC" \
	"$lib/adforest" start "$tmp/ad" --ipa-kdc "$tmp/ipakdc"
. "$tmp/ad/env"
export PAG_TEST_KDCS=$tmp/ipakdc:$AD_KDC_DIR KRB5CCNAME=FILE:$tmp/cc

check_eq "a SID in AD's binary form" AQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoUAQAAA== \
	"$("$lib/adforest" sid-b64 "$AD_CHILD_SID-1104")"

(umask 077; "$lib/ipa-getkeytab" -r -s ipa.example.test -p "$AD_TRUST_PRINCIPAL" \
	-k "$tmp/trust.keytab" > /dev/null)
check_eq "ipa-getkeytab -r writes the trust account's keys" "$AD_TRUST_PRINCIPAL" \
	"$(klist -k "$tmp/trust.keytab" | awk 'NR == 4 { print $2 }')"
out=$("$lib/ipa-getkeytab" -r -s x -p 'EXAMPLE$@NOWHERE.TEST' -k "$tmp/x.keytab" 2>&1)
check_eq "... and names a realm it has no KDC for" \
	"ipa-getkeytab: no KDC of realm NOWHERE.TEST in PAG_TEST_KDCS" "$out"
check "a ticket from the trust keytab" kinit -k -t "$tmp/trust.keytab" "$AD_TRUST_PRINCIPAL"

search() { ldapsearch -N -Y GSSAPI -Q -LLL -H "$AD_URI" "$@" 2>&1; }
check_eq "a GSSAPI bind as the trust account reads the root domain's users" \
	"admin alice bob" \
	"$(search -b dc=ad,dc=test '(objectClass=user)' sAMAccountName |
		awk '/^sAMAccountName/ { print $2 }' | LC_ALL=C sort | xargs)"
check_eq "... and not the member domain's (its own naming context)" 0 \
	"$(search -b dc=ad,dc=test '(sAMAccountName=carol)' dn | grep -c '^dn')"
check_eq "the member domain's users carry POSIX attributes" 70001 \
	"$(search -b dc=child,dc=ad,dc=test '(sAMAccountName=carol)' uidNumber |
		awk '/^uidNumber/ { print $2 }')"
check_eq "anonymous clients read nothing" "" \
	"$(ldapsearch -x -LLL -H "$AD_URI" -b dc=ad,dc=test '(objectClass=user)' dn 2>/dev/null)"

kdestroy 2>/dev/null
"$lib/kdc" addprinc "$tmp/ipakdc" ipauser --password pw
echo pw | kinit ipauser@EXAMPLE.TEST > /dev/null
check "cross-realm: an IPA user gets a ticket for the forest's LDAP" \
	kvno -q ldap/localhost@AD.TEST

old=$(klist -k -K "$tmp/trust.keytab" | awk 'NR == 4 { print $3 }')
check "rekey: new keys for the trust account" "$lib/adforest" rekey "$tmp/ad"
"$lib/ipa-getkeytab" -r -s x -p "$AD_TRUST_PRINCIPAL" -k "$tmp/new.keytab" > /dev/null
check "... which ipa-getkeytab then gives" test "$old" != \
	"$(klist -k -K "$tmp/new.keytab" | awk 'NR == 4 { print $3 }')"

"$lib/slapd" start "$tmp/ipa" --users 2 --groups 1 --tenants tenanta > /dev/null
. "$tmp/ipa/env"
"$lib/ipa-trust-ldif" --containers --tree "cn=tenanta,cn=tenants,$LDAP_BASE" \
	--direction 3 > "$tmp/trust.ldif"
check "the IPA tree takes the trust objects and ranges" \
	ldapadd -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" -f "$tmp/trust.ldif"
check_eq "... with their direction and member domain" \
	"ipaNTTrustDirection: 3 child.ad.test" \
	"$(ldapsearch -x -LLL -H "$LDAP_URI" -D "$LDAP_BIND_DN" -w "$LDAP_BIND_PW" \
		-b "cn=trusts,cn=tenanta,cn=tenants,$LDAP_BASE" \
		'(objectClass=ipaNTTrustedDomain)' ipaNTTrustDirection ipaNTTrustPartner |
		grep -E '^ipaNTTrustDirection|Partner: child' | sed 's/ipaNTTrustPartner: //' | xargs)"

done_testing
