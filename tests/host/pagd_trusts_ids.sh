#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Users of a trusted AD-like forest through pagd's NSS responder and the
# STOCK libnss_sss.so.2: qualified names, uids as libsss_idmap computes
# them from the IPA ranges (tests/lib/idmap_id), POSIX attributes in an
# ipa-ad-trust-posix range, groups, initgroups, lookups by id, the SASL
# GSSAPI bind as the trust account, a tenant that cannot see another
# tenant's trusted domains, and the forest's server stopped: only its
# subdomains go inactive, back after offline_timeout or at SIGUSR2.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=58
plan $N

if ! pagd_can_unshare || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	skip_all $N "trusted users" "needs root, unshare -m, libnss-sss, slapd and krb5-kdc"
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
	--tenants tenanta,tenantb,tenantc > /dev/null ||
	{ fail "servers start"; exit 1; }
. "$PAGD_TMP/ad/env"
. "$PAGD_TMP/ipa/env"
export PAG_TEST_KDCS=$PAGD_TMP/ipakdc:$AD_KDC_DIR
T=$PAGD_TMP
base=1500000000
"$lib/ipa-trust-ldif" --containers --tree "cn=tenanta,cn=tenants,$LDAP_BASE" \
	--base-id $base > "$T/trusts.ldif"
# tenantc's trust to the same forest, the same ranges: disabled and removed
C=cn=tenantc,cn=tenants,$LDAP_BASE
"$lib/ipa-trust-ldif" --containers --tree "$C" --base-id $base >> "$T/trusts.ldif"
ldapadd -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" -f "$T/trusts.ldif" > /dev/null ||
	{ fail "the trust objects load"; exit 1; }

# domain a's keytab command: the stand-in, or with $T/stale present the
# keytab saved there (a trust whose keys did not change)
printf '#!/bin/bash\n[ -e %s ] && exec cp %s "${@: -1}"\nexec %s "$@"\n' \
	"$T/stale" "$T/stale.keytab" "$lib/ipa-getkeytab" > "$T/getkt"
chmod 755 "$T/getkt"

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
	ipa_getkeytab_program = ${4:-$lib/ipa-getkeytab}
	ipa_trusted_domain_uris = ad.test=$AD_URI child.ad.test=$AD_URI
	ldap_network_timeout = 1
	offline_timeout = ${3:-1}
	offline_timeout_max = ${3:-1}
	subdomain_refresh_interval = ${5:-14400}
	EOF2
}
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	ipa_domain a tenanta 1 "$T/getkt"
	ipa_domain b tenantb
	ipa_domain slowretry tenanta 600
	ipa_domain d tenantc 1 "" 1
} > "$T/ids.conf"
mv "$T/ids.conf" "$PAGD_CONF"

pagd_start -d || { fail "pagd starts"; exit 1; }
wait_domain_status a/child.ad.test active
check_eq "the trusted domains are active" "active active" \
	"$(domain_status a/ad.test) $(domain_status a/child.ad.test)"

A=$(pag_on_pagd sockets a)
B=$(pag_on_pagd sockets b)
get() { in_sockdir --no-mc "$1" getent -s sss "${@:2}"; }
gone() { get "$@" > /dev/null; [ $? = 2 ]; }

# what SSSD's library gives alice's SID in the range the IPA tree holds
uid=$("$PAGD_BUILD/tests/lib/idmap_id" $base 200000 0 "$AD_ROOT_SID" "$AD_ROOT_SID-1104")
check_eq "alice@ad.test: qualified, uid as libsss_idmap maps her SID, private group" \
	"alice@ad.test:*:$uid:$uid:alice of ad.test:/home/ad.test/alice:" \
	"$(get "$A" passwd alice@ad.test)"
check_eq "... which is the range's base id plus her RID" $((base + 1104)) "$uid"
check "the bind was SASL GSSAPI as the trust account" \
	grep -q "domain 'a/ad.test': bound to $AD_URI as the trust account" "$T/log"
check_eq "a POSIX range: AD's uidNumber, gidNumber, home and shell" \
	"carol@child.ad.test:*:70001:70100:carol of child.ad.test:/home/child.ad.test/carol:/bin/sh" \
	"$(get "$A" passwd carol@child.ad.test)"
check "a user of the root is not found in the member domain" gone "$A" passwd alice@child.ad.test
check "an unknown user is not found" gone "$A" passwd nobody@ad.test
idmap() { "$PAGD_BUILD/tests/lib/idmap_id" $base 200000 0 "$AD_ROOT_SID" "$AD_ROOT_SID-$1"; }
check_eq "a group: qualified, gid from libsss_idmap, members from their memberOf" \
	"adgroup@ad.test:*:$(idmap 1201):alice@ad.test" "$(get "$A" group adgroup@ad.test)"
check_eq "a group in a POSIX range: AD's gidNumber" \
	"posixers@child.ad.test:*:70100:carol@child.ad.test" \
	"$(get "$A" group posixers@child.ad.test)"
check_eq "initgroups crosses into the trusted domain's groups" \
	"$(idmap 513) $(idmap 1201)" \
	"$(get "$A" initgroups alice@ad.test | xargs -n1 | tail -n +2 | grep -vx "$uid" | sort -n | xargs)"
check_eq "... and in a POSIX range takes their gidNumbers" "70100 70513" \
	"$(get "$A" initgroups carol@child.ad.test | xargs -n1 | tail -n +2 | sort -n | uniq | xargs)"
check_eq "getpwuid in an ipa-ad-trust range: the SID it maps back to" \
	"alice@ad.test" "$(get "$A" passwd "$uid" | cut -d: -f1)"
check_eq "getgrgid in it" "adgroup@ad.test" "$(get "$A" group "$(idmap 1201)" | cut -d: -f1)"
check_eq "getpwuid in a POSIX range: AD's uidNumber" "carol@child.ad.test" \
	"$(get "$A" passwd 70001 | cut -d: -f1)"
check_eq "getgrgid in it" "posixers@child.ad.test" "$(get "$A" group 70100 | cut -d: -f1)"
check "an id in a range with no such SID: not found" gone "$A" passwd $((base + 4242))
check_eq "getgrgid of alice's uid: her private group, without members (SSSD's, in an ipa-ad-trust range)" \
	"alice@ad.test:*:$uid:" "$(get "$A" group "$uid")"
check_eq "... and by her name" "alice@ad.test:*:$uid:" "$(get "$A" group alice@ad.test)"
check "a POSIX range has no private groups: not by carol's uid" gone "$A" group 70001
check "... nor by her name" gone "$A" group carol@child.ad.test
check "another tenant does not see the trusted domain" gone "$B" passwd alice@ad.test
check "... nor its groups" gone "$B" group adgroup@ad.test
check "... nor its ids" gone "$B" passwd "$uid"
check_eq "the IPA domain still answers" 512 "$(get "$A" passwd asmith | cut -d: -f3)"

# The forest's server stopped: only its subdomains go inactive.
S=$(pag_on_pagd sockets slowretry)
wait_domain_status slowretry/ad.test active
get "$S" passwd alice@ad.test > /dev/null
"$lib/adforest" ldap-stop "$T/ad"
check "server down: a user never seen is not found" gone "$A" passwd bob@ad.test
check_eq "... and the subdomain is inactive" inactive "$(domain_status a/ad.test)"
check "... saying why, and that nothing else is affected" grep -q \
	"domain 'a/ad.test' is inactive (.*): its parent and the other domains are not affected" "$T/log"
check_eq "the parent IPA domain stays online" online "$(domain_status a)"
check_eq "... and keeps answering" 512 "$(get "$A" passwd asmith | cut -d: -f3)"
check_eq "inactive: cached answers are still served" "$uid" \
	"$(get "$A" passwd alice@ad.test | cut -d: -f3)"
gone "$S" passwd bob@ad.test
"$lib/adforest" ldap-start "$T/ad"
wait_domain_status a/ad.test active
check_eq "server back: active again after offline_timeout" active "$(domain_status a/ad.test)"
check_eq "... and resolving" "bob@ad.test" "$(get "$A" passwd bob@ad.test | cut -d: -f1)"
check_eq "with offline_timeout 600 a subdomain stays inactive though its server is back" \
	inactive "$(domain_status slowretry/ad.test)"
pag_on_pagd domains online
wait_domain_status slowretry/ad.test active
check_eq "pag domains online (SetDomainsOnline) resets an inactive subdomain at once (offline_timeout 600)" \
	active "$(domain_status slowretry/ad.test)"

# The trust re-established with new keys while pagd runs.
kt=$(sed -n 's/^state_dir = //p' "$PAGD_CONF")/keytabs/a/ad.test.keytab
keys() { klist -k -K "$kt" | awk 'NR > 3 { print $NF }' | sort | xargs; }
old=$(keys)
cp "$kt" "$T/stale.keytab"
"$lib/adforest" rekey "$T/ad"
"$lib/adforest" ldap-stop "$T/ad"; "$lib/adforest" ldap-start "$T/ad"
check_eq "new keys: the very lookup that met the failed bind is answered" "admin@ad.test" \
	"$(get "$A" passwd admin@ad.test | cut -d: -f1)"
check "... its search held, then sent again" grep -q \
	"domain 'a/ad.test': the trust works again: sending the search held since its bind failed" "$T/log"
check "... the re-established trust was detected" grep -q \
	"domain 'a': trust to ad.test was re-established: the keytab has new keys; its domains are active again" "$T/log"
check "... after the keytab got no ticket" grep -q \
	"domain 'a': trust to ad.test: the keytab gets no ticket (.*): discovering the trust again and fetching its keytab" "$T/log"
check "... whose keys are now the new ones" test "$old" != "$(keys)"
wait_domain_status a/ad.test active
check_eq "... and recovered without a restart" "admin@ad.test" \
	"$(get "$A" passwd admin@ad.test | cut -d: -f1)"

# Re-keyed again, but the keytab command gives the same keys as before.
cp "$kt" "$T/stale.keytab"; touch "$T/stale"
"$lib/adforest" rekey "$T/ad"
"$lib/adforest" ldap-stop "$T/ad"; "$lib/adforest" ldap-start "$T/ad"
check "same keys: the lookup that met the failed bind gets an answer (from the cache: none)" \
	gone "$A" passwd carla@ad.test
check "same keys: logged, the domain stays inactive" grep -q \
	"domain 'a': trust to ad.test: the keytab fetched again holds the same keys: its domains stay inactive" "$T/log"
check_eq "... inactive" inactive "$(domain_status a/ad.test)"
n=$(grep -c "domain 'a': trust to ad.test: fetching the keytab" "$T/log")
for i in 1 2 3; do get "$A" passwd "u$i@ad.test" > /dev/null; sleep 0.7; done
check_eq "... and the keytab is not fetched again on every request or retry" "$n" \
	"$(grep -c "domain 'a': trust to ad.test: fetching the keytab" "$T/log")"
rm "$T/stale"
kill -USR2 "$pagd_pid"
wait_domain_status a/ad.test active
check_eq "SIGUSR2 clears the flag: fetched again, new keys, active" active "$(domain_status a/ad.test)"

# Disabled on the server, as "ipa trustdomain-disable" does: the member
# domain's SID in its forest's ipaNTSIDBlacklistIncoming.
D=$(pag_on_pagd sockets d)
wait_domain_status d/child.ad.test active
check_eq "tenantc resolves the member domain's users" 70001 "$(get "$D" passwd carol@child.ad.test | cut -d: -f3)"
get "$D" group 70100 > /dev/null
trustmod() { ldapmodify -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" > /dev/null; }
printf 'dn: cn=ad.test,cn=ad,cn=trusts,%s\nchangetype: modify\nadd: ipaNTSIDBlacklistIncoming\nipaNTSIDBlacklistIncoming: %s\n' \
	"$C" "$AD_CHILD_SID" | trustmod
wait_domain_status d/child.ad.test disabled
check_eq "disabled on the server: pag domains says so" disabled "$(domain_status d/child.ad.test)"
check_eq "... and over D-Bus (--json)" disabled \
	"$(pag_on_pagd --json domains | jq -r '.[] | select(.name == "d/child.ad.test") | .status')"
check "... logged" grep -q \
	"domain 'd': trusted domain child.ad.test ($AD_CHILD_SID) is disabled on the server (listed in ipaNTSIDBlacklistIncoming): not served" "$T/log"
check "... not served, not even from the cache" gone "$D" passwd carol@child.ad.test
check "... nor by id" gone "$D" passwd 70001
check "... nor its groups" gone "$D" group 70100
check_eq "its forest root stays active" active "$(domain_status d/ad.test)"
check_eq "... and answers" alice@ad.test "$(get "$D" passwd alice@ad.test | cut -d: -f1)"
check_eq "another tenant's trust to the member domain is not affected" 70001 \
	"$(get "$A" passwd carol@child.ad.test | cut -d: -f3)"
printf 'dn: cn=ad.test,cn=ad,cn=trusts,%s\nchangetype: modify\ndelete: ipaNTSIDBlacklistIncoming\n' "$C" | trustmod
wait_domain_status d/child.ad.test active
check_eq "enabled again: served again" 70001 "$(get "$D" passwd carol@child.ad.test | cut -d: -f3)"
ldapdelete -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" "cn=child.ad.test,cn=ad.test,cn=ad,cn=trusts,$C"
for _ in $(seq 50); do [ -z "$(domain_status d/child.ad.test)" ] && break; sleep 0.1; done
check_eq "trust removed: the subdomain is gone" "" "$(domain_status d/child.ad.test)"
check "... and its cached users are not served" gone "$D" passwd carol@child.ad.test
pagd_stop
done_testing
