#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Logins inside a container started with pag-launch, without a user
# namespace: the stock pam_sss inside talks to pagd through the pam and
# private/pam sockets of the container's socket directory, authenticates
# its tenant's users against a real KDC and no other tenant's; with
# pam_pag in the session stack the login's TGT lands in the login's own
# PAG, made inside the container's, and not in the container's PAG.  In a
# user namespace that maps the host's root (pag-launch --user's default)
# pam_sss works; in one that leaves pagd's root unmapped it refuses pagd's
# sockets, as the admin guide says.

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
kdc=$top/tests/lib/kdc
login=$build/tests/lib/pam_login
mod=$build/lib/security/pam_pag.so

N=10
plan $N
command -v pamtester > /dev/null ||
	skip_all $N "pam_sss in pag-launch" "needs pamtester (tools/install-deps)"
pag bpf load > /dev/null || skip_all $N "pam_sss in pag-launch" "pag bpf load failed"

pagd_setup
kdir=$PAGD_TMP/kdc
services="pag-test pag-login"
cleanup()
{
	for s in $services; do rm -f "/etc/pam.d/$s"; done
	"$kdc" stop "$kdir" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$kdc" start "$kdir" > /dev/null || { fail "KDC starts"; exit 1; }
. "$kdir/env"
export KRB5_CONFIG
"$kdc" addprinc "$kdir" asmith --password Acme-pw1 > /dev/null
"$kdc" addprinc "$kdir" hsimpson --password Globex-pw1 > /dev/null
sed -i -e 's/^tenant = \(acme\|globex\)$/&\nkrb5_realm = TEST.PAG/' "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
L=(pag-launch --address "unix:path=$PAGD_RUN/private/bus" -d acme.example)

printf 'auth required pam_sss.so\naccount required pam_sss.so\n' \
	> /etc/pam.d/pag-test
printf 'auth required pam_sss.so\naccount required pam_sss.so
session required %s\nsession required pam_sss.so\n' "$mod" \
	> /etc/pam.d/pag-login

# pt [PAG-LAUNCH-OPTION...] -- USER PASSWORD: pamtester in an acme container
pt()
{
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	echo "$2" | timeout 30 "${L[@]}" "${opts[@]}" -- \
		pamtester pag-test "$1" authenticate 2>&1 | sed 's/^Password: //'
}

check_eq "the container sees pam and private/pam beside nss" \
	"kcm mc nss pam private private/pam" \
	"$("${L[@]}" -- sh -c 'cd /var/lib/sss/pipes && ls -d * private/*' | xargs)"
check_eq "root in the container: its tenant's user, right password" \
	"pamtester: successfully authenticated" "$(pt -- asmith Acme-pw1)"
check_eq "... a wrong password" "pamtester: Authentication failure" \
	"$(pt -- asmith wrong)"
check_eq "... another tenant's user, with the right password, is unknown" \
	"pamtester: User not known to the underlying authentication module" \
	"$(pt -- hsimpson Globex-pw1)"
check_eq "an ordinary uid in the container (the pam socket)" \
	"pamtester: successfully authenticated" \
	"$(echo Acme-pw1 | timeout 30 "${L[@]}" -- setpriv --reuid=65534 \
		--regid=65534 --clear-groups pamtester pag-test asmith \
		authenticate 2>&1 | sed 's/^Password: //')"

# A login inside the container: the TGT in the login's PAG only.
out=$(echo Acme-pw1 | timeout 30 "${L[@]}" -- sh -c 'pag id
	"$0" pag-login asmith sh -c "pag id; klist -c KEYRING:session:pagd 2>&1 | sed -n \"s/^Default principal: //p\""
	keyctl show @s | grep -c _krb_' "$login")
container=$(echo "$out" | sed -n 1p)
session=$(echo "$out" | sed -n 2p)
check_eq "a login in the container gets the TGT in its own PAG" \
	"asmith@TEST.PAG" "$(echo "$out" | sed -n 3p)"
check_eq "... a PAG made inside the container's, not the container's" \
	"1 0" "$([ -n "$session" ] && [ "$session" != "$container" ] && echo 1) $(echo "$out" | sed -n 4p)"

check_eq "a user namespace mapping the host's root: pam_sss authenticates" \
	"pamtester: successfully authenticated" "$(pt --user -- asmith Acme-pw1)"
# the container's root (host uid 100000) must reach the socket directory
chmod o+x "$PAGD_TMP"
before=$(grep -c 'pam: asmith of acme.example authenticated' "$PAGD_TMP/log")
check_eq "one with pagd's root unmapped: pam_sss refuses pagd's sockets" \
	"pamtester: Authentication service cannot retrieve authentication info" \
	"$(pt --user --map-users 0:100000:65536 -- asmith Acme-pw1)"
check_eq "... and pagd authenticated nothing" "$before" \
	"$(grep -c 'pam: asmith of acme.example authenticated' "$PAGD_TMP/log")"

pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
