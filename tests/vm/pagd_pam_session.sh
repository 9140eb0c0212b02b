#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A login's TGT through pam_pag + the stock pam_sss against pagd and a real
# KDC (tests/lib/pam_login plays login or sshd): the TGT obtained at
# authentication is held by pagd and lands at open_session in the PAG
# pam_pag made for the session, and nowhere else (not in the PAG the
# application was in when it authenticated); the session's environment
# names it; pagd renews it there while it is renewable (no keytab), and
# stops when the session's PAG ends.  Without pam_pag in the session stack
# the TGT is wiped, not stored in the caller's PAG.  Secrets never reach
# the log.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
kdc=$top/tests/lib/kdc
login=$build/tests/lib/pam_login
mod=$build/lib/security/pam_pag.so

N=16
plan $N
command -v pamtester > /dev/null && pagd_can_unshare ||
	skip_all $N "pam sessions" "needs libpam-sss, pamtester, unshare -m"
pag bpf load > /dev/null || skip_all $N "pam sessions" "pag bpf load failed"

pagd_setup
. "$top/tests/lib/held_pag.sh"
kdir=$PAGD_TMP/kdc
services="pag-login pag-nopag"
cleanup()
{
	for s in $services; do rm -f "/etc/pam.d/$s"; done
	"$kdc" stop "$kdir" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$kdc" start "$kdir" --maxlife 5m --maxrenew 10m > /dev/null ||
	{ fail "KDC starts"; exit 1; }
. "$kdir/env"
export KRB5_CONFIG
# asmith's tickets live 20 s: pagd renews them after about 6
"$kdc" addprinc "$kdir" asmith --password Acme-pw1 --maxlife 20s \
	--maxrenew 10m > /dev/null
sed -i -e 's/^tenant = acme$/&\nkrb5_realm = TEST.PAG/' \
	-e 's/^log_level = .*/log_level = debug/' \
	-e 's/^\[pagd\]$/&\ncred_retry_min = 1\ncred_retry_max = 2\ncred_renew_percent = 30/' \
	"$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
A=$(pag_on_pagd sockets acme.example)

printf 'auth required pam_sss.so\naccount required pam_sss.so
session required %s\nsession required pam_sss.so\n' "$mod" \
	> /etc/pam.d/pag-login
printf 'auth required pam_sss.so\naccount required pam_sss.so
session required pam_sss.so\n' > /etc/pam.d/pag-nopag

# The application (sshd, login) in a PAG of its own, as a container's is.
hold app
cc=KEYRING:session:pagd
show='pag id; echo "$KRB5CCNAME"; klist -c KEYRING:session:pagd 2>&1 | sed -n "s/^Default principal: //p"'
# in_app SERVICE PASSWORD CMD: a login through SERVICE from the app's PAG,
# running CMD in the session
in_app()
{
	in_held app "echo '$2' | $top/tests/lib/in-sockdir $A $login $1 asmith sh -c '$3'"
}

out=$(in_app pag-login Acme-pw1 "$show")
sid=$(echo "$out" | sed -n 1p)
check_eq "the session runs in a PAG of its own" 1 \
	"$([ -n "$sid" ] && [ "$sid" != "$(id_of app)" ] && echo 1)"
check_eq "its environment names the PAG's ccache" "$cc" \
	"$(echo "$out" | sed -n 2p)"
check_eq "the TGT is in the session's PAG" "asmith@TEST.PAG" \
	"$(echo "$out" | sed -n 3p)"
# (klist's look makes an empty collection keyring: look at the keys first)
check_eq "the application's PAG holds no Kerberos keyring" 0 \
	"$(in_held app 'keyctl show @s' | grep -c _krb_)"
in_held app "klist -c $cc" > /dev/null 2>&1
check_eq "... and no TGT" 1 $?
grep -q "pam: the TGT of asmith of acme.example stored in the session's PAG $sid" \
	"$PAGD_TMP/log"
check_eq "pagd logs where the TGT went" 0 $?
for _ in $(seq 100); do
	pag_on_pagd creds 2>/dev/null | grep -q "^$sid " || break
	sleep 0.05
done
check_eq "the session's end ends its renewal" 0 \
	"$(pag_on_pagd creds 2>/dev/null | grep -c "^$sid ")"

# Renewal: the session lives 12 s, its 20 s TGT is renewed after about 6.
out=$(in_app pag-login Acme-pw1 'pag id; sleep 12; klist -c KEYRING:session:pagd >/dev/null && echo still')
sid=$(echo "$out" | sed -n 1p)
grep -q "PAG $sid: credentials for asmith@TEST.PAG renewed" "$PAGD_TMP/log"
check_eq "pagd renews the password-obtained TGT in the session's PAG" 0 $?
check_eq "... and the session still has it" still "$(echo "$out" | sed -n 2p)"
grep -q "PAG $sid: credentials for asmith@TEST.PAG acquired" "$PAGD_TMP/log"
check_eq "... never from a keytab" 1 $?

# No pam_pag: no session PAG, the TGT is wiped.
out=$(in_app pag-nopag Acme-pw1 "$show")
check_eq "without pam_pag the session stays in the application's PAG" \
	"$(id_of app)" "$(echo "$out" | sed -n 1p)"
check_eq "... with no ccache named and no TGT" "" \
	"$(echo "$out" | sed -n '2,3p' | tr -d '\n')"
grep -q "pam: the session of asmith of acme.example has no PAG of its own" \
	"$PAGD_TMP/log"
check_eq "... and pagd says why" 0 $?

check_eq "a wrong password opens nothing" \
	"authenticate: Authentication failure" \
	"$(in_app pag-login wrong true)"

grep -q Acme-pw1 "$PAGD_TMP/log"
check_eq "no password in the log" 1 $?
kill -0 "$pagd_pid"
check_eq "pagd runs on" 0 $?

end app
pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
