#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's PAM responder for a user of an LDAP domain whose cache is cold:
# the request waits for the provider's fetch, then for the password
# worker, then is answered; the stock pam_sss and pamtester as clients,
# real slapd and krb5kdc.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=4
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
"$lib/slapd" start "$PAGD_TMP/ldap" --users 3 --groups 1 --tenants tenanta \
	> /dev/null || { fail "slapd starts"; exit 1; }
. "$PAGD_TMP/kdc/env"
. "$PAGD_TMP/ldap/env"
export KRB5_CONFIG
"$lib/kdc" addprinc "$PAGD_TMP/kdc" u00002 --password Ldap-pw2 > /dev/null

{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	krb5_realm = TEST.PAG
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
check_eq "in the directory, not in the KDC: unknown" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt x u00003 authenticate)"

done_testing
