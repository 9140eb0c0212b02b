#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPA trusts (subdomains_provider = ipa) against real servers: an IPA-like
# slapd and KDC, and the AD-like forest of tests/lib/adforest.  Trust
# discovery for each direction value, direction 0 skipped, member domains
# on their forest root's keytab, keytab fetching through the configured
# command (tests/lib/ipa-getkeytab standing in for FreeIPA's) with every
# way it can fail, directory and file modes, overlapping ID ranges (in a
# domain and across tenants), a removed trust, a restart.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=54
plan $N

if { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   ! command -v kadmin.local >/dev/null && [ ! -x /usr/sbin/kadmin.local ]; then
	skip_all $N "IPA trusts" "needs slapd and krb5-kdc"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
cleanup()
{
	"$lib/slapd" stop "$PAGD_TMP/ipa" 2>/dev/null
	"$lib/adforest" stop "$PAGD_TMP/ad" 2>/dev/null
	"$lib/kdc" stop "$PAGD_TMP/ipakdc" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/kdc" start "$PAGD_TMP/ipakdc" --realm EXAMPLE.TEST > /dev/null &&
"$lib/adforest" start "$PAGD_TMP/ad" --ipa-kdc "$PAGD_TMP/ipakdc" > /dev/null &&
"$lib/slapd" start "$PAGD_TMP/ipa" --users 2 --groups 1 --big-group 0 \
	--tenants tenanta,tenantb,tenantc,tenantd > /dev/null ||
	{ fail "servers start"; exit 1; }
. "$PAGD_TMP/ad/env"
. "$PAGD_TMP/ipa/env"
export PAG_TEST_KDCS=$PAGD_TMP/ipakdc:$AD_KDC_DIR
T=$PAGD_TMP
ldapadd_root() { ldapadd -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" "$@" > /dev/null; }
tree() { echo "cn=$1,cn=tenants,$LDAP_BASE"; }

# tenanta: inbound (FreeIPA's one-way trust), tenantb outbound, tenantc
# two-way, tenantd none; the main tree has no trusts.
for td in tenanta:1 tenantb:2 tenantc:3 tenantd:0; do
	"$lib/ipa-trust-ldif" --containers --tree "$(tree "${td%:*}")" --direction "${td#*:}"
done > "$T/trusts.ldif"
# Malformed objects beside tenanta's good ones.
A=$(tree tenanta)
cat >> "$T/trusts.ldif" <<EOF2
dn: cn=sideways.test,cn=ad,cn=trusts,$A
objectClass: ipaNTTrustedDomain
cn: sideways.test
ipaNTTrustPartner: sideways.test
ipaNTTrustedDomainSID: S-1-5-21-1-2-3
ipaNTTrustDirection: sideways

dn: cn=nosid.test,cn=ad,cn=trusts,$A
objectClass: ipaNTTrustedDomain
cn: nosid.test
ipaNTTrustPartner: nosid.test
ipaNTTrustDirection: 1

dn: cn=badsid.test,cn=ad,cn=trusts,$A
objectClass: ipaNTTrustedDomain
cn: badsid.test
ipaNTTrustPartner: badsid.test
ipaNTTrustedDomainSID: S-1-5-32-544
ipaNTTrustDirection: 1

dn: cn=seven.test,cn=ad,cn=trusts,$A
objectClass: ipaNTTrustedDomain
cn: seven.test
ipaNTTrustPartner: seven.test
ipaNTTrustedDomainSID: S-1-5-21-7-7-7
ipaNTTrustDirection: 7

dn: cn=orphan.test,cn=ad,cn=trusts,$A
objectClass: nsContainer
cn: orphan.test

dn: cn=kid.orphan.test,cn=orphan.test,cn=ad,cn=trusts,$A
objectClass: ipaNTTrustedDomain
cn: kid.orphan.test
ipaNTTrustPartner: kid.orphan.test
ipaNTTrustedDomainSID: S-1-5-21-9-9-9

dn: cn=badtype,cn=ranges,cn=etc,$A
objectClass: ipaTrustedADDomainRange
cn: badtype
ipaBaseID: 100
ipaIDRangeSize: 10
ipaBaseRID: 0
ipaNTTrustedDomainSID: S-1-5-21-1-2-3
ipaRangeType: ipa-local

dn: cn=empty,cn=ranges,cn=etc,$A
objectClass: ipaTrustedADDomainRange
cn: empty
ipaBaseID: 100
ipaIDRangeSize: 0
ipaBaseRID: 0
ipaNTTrustedDomainSID: S-1-5-21-1-2-3

dn: cn=huge,cn=ranges,cn=etc,$A
objectClass: ipaTrustedADDomainRange
cn: huge
ipaBaseID: 4294967000
ipaIDRangeSize: 1000
ipaBaseRID: 0
ipaNTTrustedDomainSID: S-1-5-21-1-2-3

dn: cn=textid,cn=ranges,cn=etc,$A
objectClass: ipaTrustedADDomainRange
cn: textid
ipaBaseID: lots
ipaIDRangeSize: 1000
ipaBaseRID: 0
ipaNTTrustedDomainSID: S-1-5-21-1-2-3

EOF2
ldapadd_root -f "$T/trusts.ldif" || { fail "the trust objects load"; exit 1; }

# Keytab commands that go wrong, each for a domain of its own.
getkt=$lib/ipa-getkeytab
mkcmd() { printf '#!/bin/bash\n%s\n' "$2" > "$T/$1"; chmod 755 "$T/$1"; }
mkcmd failing 'echo "ipa-getkeytab: cannot contact the server" >&2; exit 3'
mkcmd hanging 'sleep 30'
# (slow: until the test has seen its keytab being fetched)
mkcmd slow "while [ ! -e $T/slow.go ]; do sleep 0.1; done; exec $getkt \"\$@\""
mkcmd wrongprinc "exec $getkt \"\${@:1:3}\" -p ldap/localhost@AD.TEST \"\${@:6}\""
mkcmd openmode "$getkt \"\$@\" && chmod 644 \"\${@: -1}\""
mkcmd nothing 'rm -f "${@: -1}"; exit 0'

ipa_domain()
{
	cat <<-EOF2
	[domain/$1]
	provider = ldap
	tenant = $2
	ldap_uri = $LDAP_URI
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	subdomains_provider = ipa
	ipa_server = ipa.example.test
	ipa_getkeytab_program = ${3:-$getkt}
	ipa_getkeytab_timeout = ${4:-2}
	subdomain_refresh_interval = 1
	EOF2
}
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	ipa_domain a tenanta
	ipa_domain b tenantb
	ipa_domain c tenantc
	ipa_domain z tenantd
	ipa_domain m main
	echo "ldap_search_base = $LDAP_BASE"
	ipa_domain fail tenantb "$T/failing"
	ipa_domain kept tenantb "$T/failing"
	ipa_domain hang tenantb "$T/hanging"
	ipa_domain slow tenantb "$T/slow" 20
	ipa_domain wrong tenantb "$T/wrongprinc"
	ipa_domain open tenantb "$T/openmode"
	ipa_domain none tenantb "$T/nothing"
	ipa_domain opendir tenantb
} | sed '/^\[domain\/m\]/,/^\[/{/^ldap_suffix/d}' > "$T/trusts.conf"
mv "$T/trusts.conf" "$PAGD_CONF"
state=$(sed -n 's/^state_dir = //p' "$PAGD_CONF")

# An old keytab for "kept"; a keytab directory open to others for "opendir".
mkdir -p -m 700 "$state/keytabs/kept"
mkdir -p -m 755 "$state/keytabs/opendir"
chmod 700 "$state/keytabs"
(umask 077; "$getkt" -r -s x -p "$AD_TRUST_PRINCIPAL" -k "$state/keytabs/kept/ad.test.keytab" > /dev/null)

pagd_start -d || { fail "pagd starts"; exit 1; }
ok "pagd starts with IPA domains trusting the forest"

wait_domain_status slow/ad.test inactive
check_eq "a keytab still being fetched: its subdomain is inactive" inactive \
	"$(domain_status slow/ad.test)"
details() { pag_on_pagd domains | awk -v d="$1" '$1 == d { $1 = $2 = $3 = $4 = $5 = $6 = ""; print }' | xargs; }
check_eq "... pag domains says the keytab is being fetched" \
	"parent slow forest ad.test direction outbound keytab fetching" "$(details slow/ad.test)"
touch "$T/slow.go"
for d in a b c; do wait_domain_status "$d/child.ad.test" active; done
row() { pag_on_pagd domains | awk -v d="$1" '$1 == d { print $3, $5, $6 }'; }
check_eq "inbound trust (1): the forest root is an active subdomain of the tenant" \
	"tenanta ipa-trust active" "$(row a/ad.test)"
check_eq "... and its member domain too" "tenanta ipa-trust active" "$(row a/child.ad.test)"
check_eq "outbound trust (2)" "tenantb ipa-trust active" "$(row b/ad.test)"
check_eq "two-way trust (3)" "tenantc ipa-trust active" "$(row c/child.ad.test)"
check_eq "pag domains: parent, forest, direction and keytab of a subdomain" \
	"parent a forest ad.test direction inbound keytab present" "$(details a/ad.test)"
check_eq "... a member domain shows its root's" \
	"parent c forest ad.test direction two-way keytab present" "$(details c/child.ad.test)"
check_eq "... and over D-Bus (--json)" "a inbound present" \
	"$(pag_on_pagd --json domains | jq -r '.[] | select(.name == "a/ad.test") | "\(.parent) \(.direction) \(.keytab)"')"
check_eq "configured domains show no trust details" "" "$(details a)"
check_eq "direction 0: no subdomain" "" "$(pag_on_pagd domains | grep '^z/')"
check "... logged as unsupported" grep -q \
	"domain 'z': trust to forest ad.test has direction 0 (none), which is not supported: skipping it and its member domains" "$T/log"
check_eq "a tree without trusts has no subdomains" "" "$(pag_on_pagd domains | grep '^m/')"
check_eq "the malformed trust objects made no subdomain" "" \
	"$(pag_on_pagd domains | grep -E '^a/(sideways|nosid|badsid|seven|kid)')"

kt=$state/keytabs/a/ad.test.keytab
check_eq "the keytab directory is 0700" 700 "$(stat -c %a "$state/keytabs")"
check_eq "... and so is the domain's" 700 "$(stat -c %a "$state/keytabs/a")"
check_eq "the forest's keytab is 0600, root's" "600 $(id -u)" "$(stat -c '%a %u' "$kt")"
check_eq "... holding the trust account IPAFLAT\$@AD.REALM" "$AD_TRUST_PRINCIPAL" \
	"$(klist -k "$kt" | awk 'NR == 4 { print $2 }')"
check_eq "the member domain has no keytab of its own: it uses its root's" \
	"ad.test.keytab" "$(ls "$state/keytabs/a")"
check "the fetch ran with the configured server and principal" grep -q \
	"domain 'a': trust to ad.test: keytab of EXAMPLE\$@AD.TEST in $kt" "$T/log"

logged() { grep -qF -- "$1" "$T/log"; }
tdn() { echo "cn=$1,cn=ad,cn=trusts,$A"; }
check "unknown direction: logged with the DN" logged \
	"domain 'a': skipping trust object $(tdn sideways.test): unknown ipaNTTrustDirection 'sideways' (expected 0 to 3)"
check "direction out of range: logged" logged \
	"domain 'a': skipping trust object $(tdn seven.test): unknown ipaNTTrustDirection '7' (expected 0 to 3)"
check "no SID: logged" logged \
	"domain 'a': skipping trust object $(tdn nosid.test): no ipaNTTrustedDomainSID"
check "not a domain SID: logged" logged \
	"domain 'a': skipping trust object $(tdn badsid.test): bad ipaNTTrustedDomainSID 'S-1-5-32-544': not a domain SID (S-1-5-21-A-B-C)"
check "a member domain without its forest root: logged" logged \
	"domain 'a': skipping member domain kid.orphan.test (cn=kid.orphan.test,$(tdn orphan.test)): its forest root orphan.test has no trust object"
rdn() { echo "cn=$1,cn=ranges,cn=etc,$A"; }
check "range of unknown type: logged" logged \
	"domain 'a': skipping ID range $(rdn badtype): unknown ipaRangeType 'ipa-local' (expected ipa-ad-trust or ipa-ad-trust-posix)"
check "empty range: logged" logged "domain 'a': skipping ID range $(rdn empty): ipaIDRangeSize is 0"
check "range past the largest id: logged" logged \
	"domain 'a': skipping ID range $(rdn huge): ipaBaseID 4294967000 + ipaIDRangeSize 1000 passes the largest id"
check "non-numeric base id: logged" logged \
	"domain 'a': skipping ID range $(rdn textid): bad ipaBaseID 'lots': not a number"

# Overlapping ID ranges.  Each tree holds the same two ranges for the same
# forest: mapping alike, they are no overlap.
check_eq "the same ranges in several tenants, mapping ids alike: accepted" "" \
	"$(grep "skipping ID range cn=AD.TEST_id_range" "$T/log")"
range()
{
	printf 'dn: cn=%s,cn=ranges,cn=etc,%s\nobjectClass: ipaTrustedADDomainRange\ncn: %s\n' "$1" "$2" "$1"
	printf 'ipaBaseID: %s\nipaIDRangeSize: 1000\nipaBaseRID: 0\nipaNTTrustedDomainSID: %s\n\n' "$3" "$4"
}
# the next discovery of domain z after now (it logs its direction 0 each time)
z_discovered()
{
	local n
	n=$(grep -c "domain 'z': trust to forest" "$T/log")
	for _ in $(seq 100); do
		[ "$(grep -c "domain 'z': trust to forest" "$T/log")" -ge $((n + 2)) ] && return
		sleep 0.1
	done
}
range inside "$A" 1500100000 S-1-5-21-1-2-3 | ldapadd_root
range wide "$(tree tenantd)" 2000000000 S-1-5-21-4-5-6 | ldapadd_root
z_discovered
range across "$(tree tenantc)" 2000000500 S-1-5-21-7-8-9 | ldapadd_root
for _ in $(seq 50); do logged "$(rdn inside) (" && logged "domain 'c': skipping ID range" && break; sleep 0.1; done
check "a range overlapping another of its domain: refused, naming both" logged \
	"domain 'a': skipping ID range $(rdn inside) (ids 1500100000 to 1500100999): it overlaps ID range $(rdn AD.TEST_id_range) (ids 1500000000 to 1500199999) of domain 'a', which maps them to other identities"
check "a range overlapping another tenant's: refused, naming both" logged \
	"domain 'c': skipping ID range cn=across,cn=ranges,cn=etc,$(tree tenantc) (ids 2000000500 to 2000001499): it overlaps ID range cn=wide,cn=ranges,cn=etc,$(tree tenantd) (ids 2000000000 to 2000000999) of domain 'z', which maps them to other identities"
check_eq "... and the domains keep their trusted domains" "active active" \
	"$(domain_status a/ad.test) $(domain_status c/ad.test)"
z_discovered
check_eq "... logged once, not at every refresh" 1 "$(grep -c "skipping ID range $(rdn inside)" "$T/log")"

wait_domain_status slow/ad.test active
check_eq "once its keytab is in place, the subdomain is active" active "$(domain_status slow/ad.test)"

for d in fail hang wrong open none; do
	for _ in $(seq 50); do logged "domain '$d': trust to ad.test: no keytab" && break; sleep 0.1; done
done
p='EXAMPLE$@AD.TEST'
check "failing command: its exit and message logged" logged \
	"domain 'fail': trust to ad.test: cannot fetch the keytab of $p: $T/failing failed (exit 3): ipa-getkeytab: cannot contact the server"
check_eq "... no keytab: the subdomain stays inactive" inactive "$(domain_status fail/ad.test)"
check_eq "... and pag domains says it is missing" "keytab missing" \
	"$(details fail/ad.test | grep -o 'keytab.*')"
check "hanging command: killed after ipa_getkeytab_timeout" logged \
	"domain 'hang': trust to ad.test: cannot fetch the keytab of $p: $T/hanging did not finish in time (killed)"
check "keytab of another principal: refused" logged \
	"domain 'wrong': trust to ad.test: cannot fetch the keytab of $p: $T/wrongprinc: the keytab it wrote holds no key of $p"
check "keytab left open to others: refused" logged \
	"domain 'open': trust to ad.test: cannot fetch the keytab of $p: $T/openmode: the keytab it wrote is mode 0644, open to others: refusing it (it must be 0600)"
check "a command that writes nothing: refused" logged \
	"domain 'none': trust to ad.test: cannot fetch the keytab of $p: $T/nothing: it wrote no keytab"
check "failed fetch with an older keytab: the old one stays in use" logged \
	"domain 'kept': trust to ad.test: keeping the keytab fetched before ($state/keytabs/kept/ad.test.keytab)"
check_eq "... and the subdomain is active" active "$(domain_status kept/ad.test)"
check "a keytab directory open to others: refused, saying why" logged \
	"domain 'opendir': trust to ad.test: $state/keytabs/opendir is mode 0755, open to others: refusing to keep keytabs there (it must be 0700)"
check_eq "... and its subdomain stays inactive" inactive "$(domain_status opendir/ad.test)"

# Trust removed on the server: subdomains and keytab gone at the next refresh.
ldapdelete -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" \
	"cn=child.ad.test,cn=ad.test,cn=ad,cn=trusts,$(tree tenantc)" \
	"cn=ad.test,cn=ad,cn=trusts,$(tree tenantc)"
for _ in $(seq 50); do [ -z "$(domain_status c/ad.test)" ] && break; sleep 0.1; done
check_eq "trust removed: its subdomains are gone" "" "$(pag_on_pagd domains | grep '^c/')"
check "... and so is its keytab" test ! -e "$state/keytabs/c/ad.test.keytab"

# A restart fetches the keytabs again.
n=$(grep -c "domain 'a': trust to ad.test: keytab of" "$T/log")
pagd_stop
pagd_start -d || fail "pagd restarts"
wait_domain_status a/ad.test active
check_eq "restart: the keytab was fetched again" $((n + 1)) \
	"$(grep -c "domain 'a': trust to ad.test: keytab of" "$T/log")"
# So does a reload: the domains are made anew.
kill -HUP "$pagd_pid"
for _ in $(seq 100); do
	[ "$(grep -c "domain 'a': trust to ad.test: keytab of" "$T/log")" -gt $((n + 1)) ] && break
	sleep 0.1
done
check_eq "SIGHUP: the keytab was fetched again" $((n + 2)) \
	"$(grep -c "domain 'a': trust to ad.test: keytab of" "$T/log")"
wait_domain_status a/ad.test active
check_eq "... and the subdomain is active" active "$(domain_status a/ad.test)"
pagd_stop
check_eq "clean exit" 0 $?
# (checked once pagd is gone: while it runs, each refresh tries again)
check_eq "no refused keytab nor temporary directory was left behind" "" \
	"$(ls -A "$state/keytabs/wrong" "$state/keytabs/open" "$state/keytabs/none" \
		"$state/keytabs/hang" "$state/keytabs/fail" | grep -v : | grep .)"
done_testing
