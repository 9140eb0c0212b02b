#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Offline authentication (cache_credentials) through the stock pam_sss and
# pamtester against pagd and a real krb5kdc: a password the KDC accepted
# is cached as a yescrypt hash (the state database holds the hash, never
# the password); with the KDC stopped the right password still logs in
# and a wrong one does not; after offline_failed_login_attempts failures
# the next offline attempt is refused (PAM_PERM_DENIED) even with the
# right password; a user never seen online gets "cannot retrieve
# authentication info"; a hash older than offline_credentials_expiration
# days is not used.  pam_sss shows SSSD's messages: "Authenticated with
# cached credentials, your cached password will expire at: ..." and
# "Authentication is denied until: ...".

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=15
plan $N

if ! pagd_can_unshare || ! command -v pamtester > /dev/null ||
   ! command -v mdb_dump > /dev/null ||
   { ! command -v krb5kdc > /dev/null && [ ! -x /usr/sbin/krb5kdc ]; }; then
	skip_all $N "offline authentication" \
		"needs root, unshare -m, libpam-sss, pamtester, krb5-kdc, lmdb-utils"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
cleanup()
{
	"$lib/kdc" stop "$PAGD_TMP/kdc" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/kdc" start "$PAGD_TMP/kdc" --realm TEST.PAG > /dev/null ||
	{ fail "KDC starts"; exit 1; }
. "$PAGD_TMP/kdc/env"
export KRB5_CONFIG
"$lib/kdc" addprinc "$PAGD_TMP/kdc" asmith --password Acme-pw1 > /dev/null
"$lib/kdc" addprinc "$PAGD_TMP/kdc" bjones --password Acme-pw2 > /dev/null

sed -i -e 's/^tenant = acme$/&\nkrb5_realm = TEST.PAG\ncache_credentials = true\noffline_credentials_expiration = 3\noffline_failed_login_attempts = 2\noffline_failed_login_delay = 5/' \
	"$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
A=$(pag_on_pagd sockets acme.example)
db=$PAGD_TMP/state/pagd.lmdb

mkdir "$PAGD_TMP/pam.d"
printf '%s required pam_sss.so\n' auth account > "$PAGD_TMP/pam.d/pag-test"
pt()
{
	echo "$1" | timeout 30 "$lib/in-sockdir" "$A" sh -c \
		'mount --bind "$0" /etc/pam.d || exit 99; exec "$@"' \
		"$PAGD_TMP/pam.d" pamtester pag-test "$2" authenticate 2>&1 |
		sed 's/^Password: //'
}
ok="pamtester: successfully authenticated"
unavail="pamtester: Authentication service cannot retrieve authentication info"

check_eq "online: authenticated" "$ok" "$(pt Acme-pw1 asmith)"
check_eq "the state holds a yescrypt hash for asmith" 1 \
	"$(mdb_dump -p -s offline_auth "$db" -n | grep -c 'acme.example\\00asmith')"
check_eq "... in crypt(5)'s yescrypt form" 1 \
	"$(mdb_dump -p -s offline_auth "$db" -n | grep -c '\$y\$')"
grep -qa Acme-pw1 "$db"
check_eq "... and never the password" 1 $?

"$lib/kdc" stop "$PAGD_TMP/kdc"
out=$(pt Acme-pw1 asmith)
check_eq "KDC stopped: the right password logs in offline" "$ok" \
	"$(grep -x "$ok" <<<"$out")"
check_eq "... and pam_sss says so, as with SSSD (the expiry: 3 days on)" 1 \
	"$(grep -c "^Authenticated with cached credentials, your cached password will expire at: .*[0-9].*\.$" <<<"$out")"
grep -q "pam: asmith of acme.example authenticated offline, with the cached password" \
	"$PAGD_TMP/log"
check_eq "... and the log says so" 0 $?
check_eq "a user never seen online: no authentication info" "$unavail" \
	"$(pt Acme-pw2 bjones)"
check_eq "offline, a wrong password fails" \
	"pamtester: Authentication failure" "$(pt wrong asmith)"
pt wrong2 asmith > /dev/null
out=$(pt Acme-pw1 asmith)
check_eq "after 2 failures the right password waits" \
	"pamtester: Permission denied" \
	"$(grep -x "pamtester: Permission denied" <<<"$out")"
check_eq "... and pam_sss tells until when, as with SSSD" 1 \
	"$(grep -c "^Authentication is denied until: .*[0-9]" <<<"$out")"
grep -q "pam: offline authentication of asmith of acme.example refused: too many failed attempts, next in [0-9]* s" \
	"$PAGD_TMP/log"
check_eq "... with the wait in the log" 0 $?

# Age the record: last_online (its first 8 bytes) back to 1970.
pagd_stop
mdb_dump -s offline_auth "$db" -n > "$PAGD_TMP/offline.dump"
sed -i '/^ 61636d65/{n;s/^ ................/ 0000000000000000/}' \
	"$PAGD_TMP/offline.dump"
grep -v '^db_pagesize=' "$PAGD_TMP/offline.dump" |
	mdb_load -s offline_auth -n "$db"
pagd_start || { fail "pagd restarts"; exit 1; }
check_eq "a hash older than offline_credentials_expiration is not used" \
	"$unavail" "$(pt Acme-pw1 asmith)"
grep -q "pam: offline authentication of asmith of acme.example refused: the cached password is older than offline_credentials_expiration" \
	"$PAGD_TMP/log"
check_eq "... and the log says why" 0 $?
grep -qe 'Acme-pw1\|wrong2' "$PAGD_TMP/log"
check_eq "no password in the log" 1 $?

done_testing
