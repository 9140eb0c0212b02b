#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's PAM responder for a user of an LDAP domain whose cache is cold:
# the request waits for the provider's fetch, then for the password
# worker, then is answered; the stock pam_sss and pamtester as clients,
# real slapd and krb5kdc.  The account check reads the directory's account
# state: a user disabled with nsAccountLock, one whose
# krbPrincipalExpiration or shadowExpire has passed, are refused with
# SSSD's statuses, and one that expires later is let in.  With slapd and
# the KDC stopped, the cached user, account state and password hash
# (cache_credentials) still let the user in, and only with the right
# password.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=14
plan $N

if ! pagd_can_unshare || ! command -v pamtester > /dev/null ||
   { ! command -v slapd > /dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   { ! command -v krb5kdc > /dev/null && [ ! -x /usr/sbin/krb5kdc ]; }; then
	skip_all $N "pagd's PAM responder with LDAP" \
		"needs root, unshare -m, libpam-sss, pamtester, slapd, krb5-kdc"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
cleanup()
{
	"$lib/slapd" stop "$PAGD_TMP/ldap" 2>/dev/null
	"$lib/kdc" stop "$PAGD_TMP/kdc" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/kdc" start "$PAGD_TMP/kdc" --realm TEST.PAG > /dev/null ||
	{ fail "KDC starts"; exit 1; }
"$lib/slapd" start "$PAGD_TMP/ldap" --users 5 --groups 1 --tenants tenanta \
	> /dev/null || { fail "slapd starts"; exit 1; }
. "$PAGD_TMP/kdc/env"
. "$PAGD_TMP/ldap/env"
export KRB5_CONFIG
"$lib/kdc" addprinc "$PAGD_TMP/kdc" u00002 --password Ldap-pw2 > /dev/null

# modify UID LDIF-LINES...: change the entry of tenanta's user UID as the
# directory manager
modify()
{
	local uid=$1
	shift
	{
		printf 'dn: uid=%s,cn=users,cn=accounts,cn=tenanta,cn=tenants,%s\n' \
			"$uid" "$LDAP_BASE"
		printf '%s\n' "changetype: modify" "$@"
	} |
		ldapmodify -x -H "$LDAP_URI" -D "cn=Directory Manager,$LDAP_BASE" \
			-w secret > /dev/null
}
modify u00001 "add: objectClass" "objectClass: pagAccountState" - \
	"add: nsAccountLock" "nsAccountLock: TRUE"
modify u00002 "add: objectClass" "objectClass: pagAccountState" - \
	"add: krbPrincipalExpiration" "krbPrincipalExpiration: 20991231235959Z"
modify u00003 "add: objectClass" "objectClass: pagAccountState" - \
	"add: krbPrincipalExpiration" "krbPrincipalExpiration: 20200101000000Z"
modify u00004 "add: objectClass" "objectClass: shadowAccount" - \
	"add: shadowExpire" "shadowExpire: 18000"
modify u00005 "add: objectClass" "objectClass: shadowAccount" - \
	"add: shadowExpire" "shadowExpire: -1"
check_eq "the fixture's directory holds the account states" 5 \
	"$(ldapsearch -x -H "$LDAP_URI" -D "cn=Directory Manager,$LDAP_BASE" \
		-w secret -b "cn=tenanta,cn=tenants,$LDAP_BASE" -LLL \
		'(|(nsAccountLock=*)(krbPrincipalExpiration=*)(shadowExpire=*))' dn |
		grep -c '^dn: ')"

{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	krb5_realm = TEST.PAG
	cache_credentials = true
	ldap_uri = $LDAP_URI
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	EOF
} > "$PAGD_TMP/ldap.conf"
mv "$PAGD_TMP/ldap.conf" "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
A=$(pag_on_pagd sockets a)

mkdir "$PAGD_TMP/pam.d"
printf '%s required pam_sss.so\n' auth account > "$PAGD_TMP/pam.d/pag-test"
pt()
{
	local pw=$1
	shift
	echo "$pw" | timeout 20 "$lib/in-sockdir" "$A" sh -c \
		'mount --bind "$0" /etc/pam.d || exit 99; exec "$@"' \
		"$PAGD_TMP/pam.d" pamtester pag-test "$@" 2>&1 |
		sed 's/^Password: //'
}

check_eq "cold cache: fetched, then authenticated" \
"pamtester: successfully authenticated
pamtester: account management done." "$(pt Ldap-pw2 u00002 authenticate acct_mgmt)"
check_eq "wrong password" "pamtester: Authentication failure" \
	"$(pt nope u00002 authenticate)"
check_eq "a name the directory does not have" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt x nosuch authenticate)"
check_eq "nsAccountLock: TRUE: permission denied" \
	"pamtester: Permission denied" "$(pt x u00001 acct_mgmt)"
check_eq "krbPrincipalExpiration passed: account expired" \
	"pamtester: User account has expired" "$(pt x u00003 acct_mgmt)"
check_eq "shadowExpire passed: account expired" \
	"pamtester: User account has expired" "$(pt x u00004 acct_mgmt)"
check_eq "shadowExpire -1: never expires" \
	"pamtester: account management done." "$(pt x u00005 acct_mgmt)"
grep -q "pam: .*: account of u00001 of a refused: disabled in the directory (nsAccountLock)" \
	"$PAGD_TMP/log"
check_eq "the refusal says why" 0 $?
check_eq "in the directory, not in the KDC: unknown" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt x u00003 authenticate)"

# Offline: slapd and the KDC stop; the user, the account state and the
# password's hash come from pagd's caches.
"$lib/slapd" stop "$PAGD_TMP/ldap"
"$lib/kdc" stop "$PAGD_TMP/kdc"
check_eq "slapd and KDC stopped: authenticated offline, account checked" \
"pamtester: successfully authenticated
pamtester: account management done." "$(pt Ldap-pw2 u00002 authenticate acct_mgmt)"
check_eq "offline: a wrong password fails" "pamtester: Authentication failure" \
	"$(pt nope u00002 authenticate)"
check_eq "offline: the disabled account stays refused" \
	"pamtester: Permission denied" "$(pt x u00001 acct_mgmt)"
grep -q "pam: u00002 of a authenticated offline, with the cached password" \
	"$PAGD_TMP/log"
check_eq "the log says the login was offline" 0 $?

done_testing
