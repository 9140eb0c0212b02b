#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's PAM responder with the STOCK pam_sss.so (Debian's libpam-sss) as
# its client, and pamtester driving it, against a real krb5kdc: the
# sockets' owners and modes, a right and a wrong password, an unknown user,
# another tenant's user through a tenant's socket directory, root (the
# private/pam socket) and an ordinary uid (pam), password changes refused,
# malformed requests (tests/lib/pam_raw) with pagd serving on, and the KDC
# down.  The PAM service file lives in a test-only /etc/pam.d, bind-mounted
# in a private mount namespace: the host's /etc/pam.d is never touched.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=30
plan $N

if ! pagd_can_unshare || ! command -v pamtester > /dev/null ||
   ! command -v krb5kdc > /dev/null && [ ! -x /usr/sbin/krb5kdc ] ||
   [ ! -e /lib/x86_64-linux-gnu/security/pam_sss.so ] &&
   [ ! -e /usr/lib/x86_64-linux-gnu/security/pam_sss.so ]; then
	skip_all $N "pagd with pam_sss" \
		"needs root, unshare -m, libpam-sss, pamtester, krb5-kdc"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
raw=$PAGD_BUILD/tests/lib/pam_raw
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
"$lib/kdc" addprinc "$PAGD_TMP/kdc" hsimpson --password Globex-pw1 > /dev/null

sed -i -e 's/^tenant = \(acme\|globex\)$/&\nkrb5_realm = TEST.PAG/' "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }

A=$(pag_on_pagd sockets acme.example)
check_eq "pam: root's, mode 0666" "0:0 666 socket" "$(stat -c '%u:%g %a %F' "$A/pam")"
check_eq "private: root's, mode 0700" "0:0 700 directory" \
	"$(stat -c '%u:%g %a %F' "$A/private")"
check_eq "private/pam: root's, mode 0600" "0:0 600 socket" \
	"$(stat -c '%u:%g %a %F' "$A/private/pam")"
check_eq "the main directory has them too" "666 600" \
	"$(stat -c %a "$PAGD_RUN/pipes/pam" "$PAGD_RUN/pipes/private/pam" | xargs)"

mkdir "$PAGD_TMP/pam.d"
printf '%s required pam_sss.so\n' auth account session password \
	> "$PAGD_TMP/pam.d/pag-test"

# pt DIR PASSWORD CMD...: CMD (pamtester) with DIR as /var/lib/sss/pipes
# and the test's /etc/pam.d, PASSWORD on its stdin; "exit N" after its
# output when it fails.
pt()
{
	local dir=$1 pw=$2
	shift 2
	echo "$pw" | timeout 20 "$lib/in-sockdir" "$dir" sh -c \
		'mount --bind "$0" /etc/pam.d || exit 99; exec "$@"' \
		"$PAGD_TMP/pam.d" "$@" 2>&1 | sed 's/^Password: //'
}

out=$(pt "$A" Acme-pw1 pamtester pag-test asmith authenticate acct_mgmt \
	open_session close_session)
check_eq "root (private/pam): right password, account, session" \
"pamtester: successfully authenticated
pamtester: account management done.
pamtester: successfully opened a session
pamtester: session has successfully been closed." "$out"
check_eq "root: wrong password" "pamtester: Authentication failure" \
	"$(pt "$A" wrong pamtester pag-test asmith authenticate)"
check_eq "root: unknown user" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt "$A" x pamtester pag-test nosuch authenticate)"
check_eq "root: another tenant's user, with the right password, refused" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt "$A" Globex-pw1 pamtester pag-test hsimpson authenticate)"
check_eq "root: another tenant's user has no account here" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt "$A" x pamtester pag-test hsimpson acct_mgmt)"
check_eq "uid 65534 (pam): right password, account" \
"pamtester: successfully authenticated
pamtester: account management done." \
	"$(pt "$A" Acme-pw1 setpriv --reuid=65534 --regid=65534 --clear-groups pamtester pag-test asmith authenticate acct_mgmt)"
check_eq "uid 65534: wrong password" "pamtester: Authentication failure" \
	"$(pt "$A" wrong setpriv --reuid=65534 --regid=65534 --clear-groups pamtester pag-test asmith authenticate)"
check_eq "uid 65534: another tenant's user refused" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt "$A" Globex-pw1 setpriv --reuid=65534 --regid=65534 --clear-groups pamtester pag-test hsimpson authenticate)"
grep -qF "$A/pam: user unknown in this view" "$PAGD_TMP/log"
check_eq "uid 65534 went through the public pam socket" 0 $?
B=$(pag_on_pagd sockets globex.example)
check_eq "globex's directory authenticates its own user" \
	"pamtester: successfully authenticated" \
	"$(pt "$B" Globex-pw1 pamtester pag-test hsimpson authenticate)"
check_eq "password change refused with SSSD's status and a message" \
"Password change failed. Server message: pagd does not change passwords
pamtester: Module is unknown" \
	"$(pt "$A" x pamtester pag-test asmith chauthtok | sort)"
check_eq "the main socket, no PAG, empty default: nobody" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt "$PAGD_RUN/pipes" Acme-pw1 pamtester pag-test asmith authenticate)"
grep -q 'pam: asmith of acme.example authenticated' "$PAGD_TMP/log"
check_eq "success logged with user and domain" 0 $?
grep -qe 'Acme-pw1\|Globex-pw1' "$PAGD_TMP/log"
check_eq "no password in the log" 1 $?

# What pam_sss never sends (tests/lib/pam_raw).
P=$A/private/pam
check_eq "preauth: success, domain, password prompting" \
	"header 0 pam 0 domain acme.example prompting" "$("$raw" "$P" preauth asmith)"
check_eq "a password with a NUL byte after the right one: refused" \
	"header 0 pam 7 domain acme.example" \
	"$("$raw" "$P" nul-password asmith Acme-pw1)"
check_eq "unknown command: ENOSYS" "header 38" "$("$raw" "$P" unknown-cmd)"
check_eq "an item running past the end: EINVAL" "header 22" \
	"$("$raw" "$P" truncated)"
check_eq "an oversized user name: EINVAL" "header 22" "$("$raw" "$P" oversized)"
check_eq "a request before SSS_GET_VERSION: EPROTO" "header 71" \
	"$("$raw" "$P" no-version)"
check_eq "a length word of 1 MiB: EBADMSG, then closed" "header 74" \
	"$("$raw" "$P" too-long)"
"$raw" "$P" disconnect > /dev/null
"$raw" "$P" auth-and-leave asmith Acme-pw1 > /dev/null
check_eq "after all that and a client gone mid-check, pagd authenticates" \
	"header 0 pam 0 domain acme.example" "$("$raw" "$P" auth asmith Acme-pw1)"
grep -q 'pam: .*malformed request (command 0xf1): an item runs past the end' \
	"$PAGD_TMP/log"
check_eq "the malformed request is named in the log" 0 $?

"$lib/kdc" stop "$PAGD_TMP/kdc"
check_eq "KDC down: authentication info unavailable" \
	"pamtester: Authentication service cannot retrieve authentication info" \
	"$(pt "$A" Acme-pw1 pamtester pag-test asmith authenticate)"
grep -q "pam: domain acme.example: cannot reach its KDC, authentication unavailable" \
	"$PAGD_TMP/log"
check_eq "KDC down: a clear log line" 0 $?
kill -0 "$pagd_pid"
check_eq "pagd still runs" 0 $?

done_testing
