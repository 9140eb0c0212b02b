#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pam_pag's auth against a real KDC, for stacks without pam_sss
# (tests/lib/pam_login plays login, pamtester authenticates alone): the
# stack's password gets a TGT that lands at open_session in the PAG
# pam_pag made for the session, possessor-only, and nowhere else (not in
# the application's PAG); pagd renews it there (BindLoginCredentials, no
# keytab).  A wrong password is PAM_AUTH_ERR, an unknown principal
# PAM_USER_UNKNOWN, a KDC down PAM_AUTHINFO_UNAVAIL, each logged, the
# password never.  With pam_sss in the stack too one TGT is stored:
# pam_pag's when it authenticates first, pagd's when pam_sss does (then
# pam_pag's auth steps aside).  A TGT pagd's responder holds for an
# authentication that opens no session is wiped after pam_tgt_hold.  What
# pam_pag logs is read from a listener on /dev/log.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
kdc=$top/tests/lib/kdc
login=$build/tests/lib/pam_login
mod=$build/lib/security/pam_pag.so

N=30
plan $N
command -v pamtester > /dev/null && pagd_can_unshare ||
	skip_all $N "pam_pag auth" "needs libpam-sss, pamtester, unshare -m"
[ -e /dev/log ] &&
	skip_all $N "pam_pag auth" "/dev/log exists: its messages cannot be read here"
pag bpf load > /dev/null || skip_all $N "pam_pag auth" "pag bpf load failed"

pagd_setup
. "$top/tests/lib/held_pag.sh"
kdir=$PAGD_TMP/kdc
services="pag-auth pag-both pag-sssfirst pag-sss pag-badopt"
cleanup()
{
	[ -z "$logger" ] || kill "$logger" 2>/dev/null
	rm -f /dev/log
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
	-e 's/^\[pagd\]$/&\ncred_retry_min = 1\ncred_retry_max = 2\ncred_renew_percent = 30\npam_tgt_hold = 8/' \
	"$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
A=$(pag_on_pagd sockets acme.example)

"$build/tests/lib/devlog_sink" /dev/log "$PAGD_TMP/syslog" &
logger=$!
for _ in $(seq 100); do [ -e "$PAGD_TMP/syslog.ready" ] && break; sleep 0.05; done

bus="pagd_bus=unix:path=$PAGD_RUN/private/bus"
printf 'auth required %s debug
account required pam_permit.so
session required %s %s debug\n' "$mod" "$mod" "$bus" > /etc/pam.d/pag-auth
printf 'auth required %s principal=%%u@TEST.PAG
auth required pam_sss.so use_first_pass
account required pam_sss.so
session required %s %s
session required pam_sss.so\n' "$mod" "$mod" "$bus" > /etc/pam.d/pag-both
printf 'auth required pam_sss.so
auth required %s use_first_pass
account required pam_sss.so
session required %s %s
session required pam_sss.so\n' "$mod" "$mod" "$bus" > /etc/pam.d/pag-sssfirst
printf 'auth required pam_sss.so\naccount required pam_sss.so\n' \
	> /etc/pam.d/pag-sss
printf 'auth required %s realm=TEST.PAG principal=%%u@TEST.PAG\n' "$mod" \
	> /etc/pam.d/pag-badopt

# logged TEXT: whether TEXT reached /dev/log
logged()
{
	for _ in $(seq 100); do
		grep -qF -- "$1" "$PAGD_TMP/syslog" && return 0
		sleep 0.05
	done
	echo "not logged: $1"
	cat "$PAGD_TMP/syslog"
	return 1
}
# pagd_logged TEXT [TRIES]: whether pagd logged TEXT (polled 0.1 s a try)
pagd_logged()
{
	for _ in $(seq "${2:-100}"); do
		grep -qF -- "$1" "$PAGD_TMP/log" && return 0
		sleep 0.1
	done
	echo "pagd did not log: $1"
	return 1
}

# The application (sshd, login) in a PAG of its own, as a container's is.
hold app
cc=KEYRING:session:pagd
show='pag id; echo "$KRB5CCNAME"; klist -c KEYRING:session:pagd 2>&1 | sed -n "s/^Default principal: //p"; keyctl rdescribe %:_krb_pagd'
# in_app SERVICE USER PASSWORD CMD: a login through SERVICE from the app's
# PAG, running CMD in the session
in_app()
{
	in_held app "echo '$3' | $top/tests/lib/in-sockdir $A $login $1 $2 sh -c '$4'"
}

# --- the right password: the TGT in the session's PAG ----------------------
out=$(in_app pag-auth asmith Acme-pw1 "$show")
sid=$(echo "$out" | sed -n 1p)
check_eq "the session runs in a PAG of its own" 1 \
	"$([ -n "$sid" ] && [ "$sid" != "$(id_of app)" ] && echo 1)"
check_eq "its environment names the PAG's ccache" "$cc" \
	"$(echo "$out" | sed -n 2p)"
check_eq "pam_pag's TGT is in the session's PAG" "asmith@TEST.PAG" \
	"$(echo "$out" | sed -n 3p)"
check_eq "... its keys possessor-only" "3f000000" \
	"$(echo "$out" | sed -n 4p | cut -d';' -f4)"
check_eq "the application's PAG holds no Kerberos keyring" 0 \
	"$(in_held app 'keyctl show @s' | grep -c _krb_)"
check "auth: logged (debug), nothing stored" \
	logged "pam_pag(pag-auth:auth): asmith@TEST.PAG authenticated: its TGT waits for the session"
check "open_session: logged where the TGT went" \
	logged "pam_pag(pag-auth:session): the TGT of asmith@TEST.PAG is in the session's PAG $sid (KEYRING:session:pagd)"
check "pagd took its renewal" pagd_logged \
	"PAG $sid (created at "
check "... without a keytab" pagd_logged \
	"the TGT of asmith@TEST.PAG from its login is renewed while it is renewable"

# Renewal: the session lives 12 s, its 20 s TGT is renewed after about 6.
out=$(in_app pag-auth asmith Acme-pw1 'pag id; sleep 12; klist -c KEYRING:session:pagd >/dev/null && echo still')
sid=$(echo "$out" | sed -n 1p)
check "pagd renews pam_pag's TGT in the session's PAG" \
	pagd_logged "PAG $sid: credentials for asmith@TEST.PAG renewed" 1
check_eq "... and the session still has it" still "$(echo "$out" | sed -n 2p)"
grep -q "PAG $sid: credentials for asmith@TEST.PAG acquired" "$PAGD_TMP/log"
check_eq "... never from a keytab" 1 $?

# --- refusals ---------------------------------------------------------------
check_eq "a wrong password: PAM_AUTH_ERR" \
	"authenticate: Authentication failure" \
	"$(in_app pag-auth asmith wrong true)"
check "... logged as such" \
	logged "pam_pag(pag-auth:auth): authentication of asmith@TEST.PAG failed: wrong password ("
check_eq "an unknown principal: PAM_USER_UNKNOWN" \
	"authenticate: User not known to the underlying authentication module" \
	"$(in_app pag-auth nosuch Acme-pw1 true)"
check "... logged as such" \
	logged "pam_pag(pag-auth:auth): authentication of nosuch@TEST.PAG failed: the KDC does not know the principal ("
out=$(in_held app "pamtester pag-badopt asmith authenticate" 2>&1)
check "realm= and principal= together: refused, logged" \
	logged "pam_pag(pag-badopt:auth): realm= and principal= cannot be given together"

# --- pam_sss in the stack too: one TGT, pam_pag's ------------------------
out=$(in_app pag-both asmith Acme-pw1 "$show")
sid=$(echo "$out" | sed -n 1p)
check_eq "with pam_sss too: the TGT is in the session's PAG" \
	"asmith@TEST.PAG" "$(echo "$out" | sed -n 3p)"
check "... pam_pag stored it" \
	logged "pam_pag(pag-both:session): the TGT of asmith@TEST.PAG is in the session's PAG $sid"
check "... pagd wiped its own, not storing a second" pagd_logged \
	"pam: the session's PAG $sid of asmith of acme.example has credentials already (pam_pag's auth?): the TGT pagd held is wiped, not stored"
grep -q "pam: the TGT of asmith of acme.example stored in the session's PAG $sid" \
	"$PAGD_TMP/log"
check_eq "... and stored none" 1 $?

# pam_sss first: pam_pag's auth steps aside, pagd stores its own TGT
out=$(in_app pag-sssfirst asmith Acme-pw1 "$show")
sid=$(echo "$out" | sed -n 1p)
check_eq "pam_sss first: the TGT is in the session's PAG" \
	"asmith@TEST.PAG" "$(echo "$out" | sed -n 3p)"
check "... pam_pag's auth stepped aside" \
	logged "pam_pag(pag-sssfirst:auth): pam_sss ran earlier in this stack: its responder (pagd's or SSSD's) authenticates and gives the TGT; pam_pag's auth steps aside"
check "... and pagd stored its TGT" pagd_logged \
	"pam: the TGT of asmith of acme.example stored in the session's PAG $sid"

# --- a TGT pagd holds for an authentication without a session -------------
held_before=$(grep -c "waits for its session (8 s at most)" "$PAGD_TMP/log")
out=$(in_held app "echo Acme-pw1 | timeout 60 $top/tests/lib/in-sockdir $A pamtester pag-sss asmith authenticate" 2>&1)
check_eq "pam_sss authenticates, no session follows" 1 \
	"$(grep -c "pamtester: successfully authenticated$" <<<"$out")"
check_eq "... pagd holds the TGT (pam_tgt_hold = 8)" $((held_before + 1)) \
	"$(grep -c "waits for its session (8 s at most)" "$PAGD_TMP/log")"
check "... and wipes it after 8 s" pagd_logged \
	"pam: the TGT of asmith of acme.example waited 8 s for its session and was wiped" 300

# --- the KDC down -------------------------------------------------------------
"$kdc" stop "$kdir"
check_eq "the KDC down: PAM_AUTHINFO_UNAVAIL" \
	"authenticate: Authentication service cannot retrieve authentication info" \
	"$(in_app pag-auth asmith Acme-pw1 true)"
check "... logged as such" \
	logged "pam_pag(pag-auth:auth): authentication of asmith@TEST.PAG unavailable: no KDC of its realm could be reached ("

check_eq "no password in any log" 0 \
	"$(cat "$PAGD_TMP/syslog" "$PAGD_TMP/log" | grep -c Acme-pw1)"

end app
pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
