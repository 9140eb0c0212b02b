#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Session open with the FleetCommander session provider: a user to whom 50
# desktop-profile rules apply (50 profiles written), through the stock
# pam_sss (pamtester open_session) against pagd, on slapd.  Per login: the
# time and the LDAP searches slapd logged (all of them, and those of the
# desktop-profile subtree).  The baseline, in the same run, is the same
# login through a domain of the same tenant with session_provider = none:
# the ratio is what the provider adds.  SSSD's ipa session provider needs
# id_provider = ipa (an IdM server's configuration entries and a host
# keytab for its SASL bind), which the fixture is not, so pagd is reported
# alone against its own baseline.  Runs on the host, as root:
# bench-where: host
# BENCH_LOGINS scales it.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
. "$lib/deskprofile.sh"

logins=${BENCH_LOGINS:-40}
rules=50
if ! pagd_can_unshare || ! command -v pamtester > /dev/null ||
   { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   { [ ! -e /lib/x86_64-linux-gnu/security/pam_sss.so ] &&
     [ ! -e /usr/lib/x86_64-linux-gnu/security/pam_sss.so ]; }; then
	echo "pagd_deskprofile: skipped (needs root, unshare -m, libpam-sss, pamtester, slapd)"
	exit 0
fi

pagd_setup
ldapdir=$PAGD_TMP/ldap
cleanup()
{
	"$lib/slapd" stop "$ldapdir" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

T=cn=tenanta,cn=tenants,dc=example,dc=test
HOST=ws1.example.test
{
	dp_containers "$T" 1
	dp_hostgroup "$T" workstations
	dp_host "$T" "$HOST" workstations
	for i in $(seq -w 1 $rules); do
		dp_profile "$T" "p$i" "{\"org.gnome.desktop.background\":{\"picture-uri\":\"file:///usr/share/backgrounds/$i.png\"},\"rule\":$((10#$i))}"
		case $((10#$i % 5)) in
		0) m="user:asmith host:$HOST" ;;
		1) m="group:developers hostgroup:workstations" ;;
		2) m="usercat host:$HOST" ;;
		3) m="user:asmith hostcat" ;;
		4) m="usercat hostcat" ;;
		esac
		# shellcheck disable=SC2086 # $m is a list of members
		dp_rule "$T" "rule $i" "$((10#$i * 10))" "p$i" $m
		# and as many that do not apply
		dp_rule "$T" "other $i" "$((10#$i * 10))" "p$i" user:u00004 host:ws9.example.test
	done
} > "$PAGD_TMP/extra.ldif"
"$lib/slapd" start "$ldapdir" --tenants tenanta --users 50 --groups 10 \
	--extra-ldif "$PAGD_TMP/extra.ldif" --stats > /dev/null || exit 1
. "$ldapdir/env"

domain()
{
	printf '%s\n' "[domain/$1]" "provider = ldap" "tenant = tenanta" \
		"ldap_uri = $LDAP_URI" "ldap_suffix = $LDAP_BASE" \
		"ldap_default_bind_dn = $LDAP_BIND_DN" \
		"ldap_default_authtok = $LDAP_BIND_PW" \
		"ipa_hostname = $HOST" "session_provider = $2" \
		"ipa_deskprofile_refresh = $3"
}
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = warning/'
	echo "bus = none"
	domain a ipa 0
	domain c ipa 5
	domain b none 5
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
# no system bus: the client call is skipped at once (debug message)
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PAGD_TMP/nobus pagd_start || exit 1
mkdir "$PAGD_TMP/pam.d"
echo 'session required pam_sss.so' > "$PAGD_TMP/pam.d/pag-bench"

# run DIR N: N sessions of asmith through DIR's sockets, in one namespace;
# prints the elapsed nanoseconds
run()
{
	"$lib/in-sockdir" "$1" sh -c '
		mount --bind "$0" /etc/pam.d || exit 99
		n=$1
		start=$(date +%s%N)
		while [ "$n" -gt 0 ]; do
			pamtester pag-bench asmith open_session > /dev/null 2>&1 || exit 1
			n=$((n - 1))
		done
		echo $(($(date +%s%N) - start))' "$PAGD_TMP/pam.d" "$2"
}
srch() { grep -c 'SRCH base=' "$ldapdir/stats.log"; }
dpsrch() { grep -ci "SRCH base=\"cn=desktop-profile,$T\"" "$ldapdir/stats.log"; }

A=$(pag_on_pagd sockets a)
B=$(pag_on_pagd sockets b)
C=$(pag_on_pagd sockets c)
run "$C" 1 > /dev/null || exit 1
# the first login of each: cold caches
s0=$(srch); d0=$(dpsrch)
cold_a=$(run "$A" 1) || { echo "pagd_deskprofile: a session failed"; exit 1; }
s1=$(srch); d1=$(dpsrch)
cold_b=$(run "$B" 1) || exit 1
s2=$(srch)
files=$(find "$PAGD_TMP/state/deskprofile/a/asmith" -name '*.json' | wc -l)
[ "$files" = $rules ] || { echo "pagd_deskprofile: $files profiles written, not $rules"; ls "$PAGD_TMP/state/deskprofile/a/asmith"; grep -i "deskprofile" "$PAGD_TMP/log" | head; exit 1; }
# warm: the same logins again and again (profiles unchanged, not rewritten),
# the two domains alternating, so that a load swing on the host hits both;
# medians of the single logins
: > "$PAGD_TMP/warm_a"
: > "$PAGD_TMP/warm_b"
: > "$PAGD_TMP/warm_c"
sa=0
sb=0
sc=0
for _ in $(seq "$logins"); do
	x=$(srch)
	run "$A" 1 >> "$PAGD_TMP/warm_a" || exit 1
	y=$(srch)
	run "$B" 1 >> "$PAGD_TMP/warm_b" || exit 1
	z=$(srch)
	run "$C" 1 >> "$PAGD_TMP/warm_c" || exit 1
	w=$(srch)
	sa=$((sa + y - x))
	sb=$((sb + z - y))
	sc=$((sc + w - z))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
warm_a=$(median "$PAGD_TMP/warm_a")
warm_b=$(median "$PAGD_TMP/warm_b")
warm_c=$(median "$PAGD_TMP/warm_c")

ms() { awk -v ns="$1" -v n="$2" 'BEGIN { printf "%.2f", ns / n / 1e6 }'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "# session open of a user with $rules applying rules (of $((2 * rules))), $rules profiles;"
echo "# ipa: ipa_deskprofile_refresh = 0 (a search at every session);"
echo "# ipa/5s: SSSD's default 5 s (back-to-back sessions search once);"
echo "# baseline: the same login, session_provider = none; warm: $logins logins each,"
echo "# the three alternating; time: pamtester open_session, process start included"
printf '%-32s %9s %9s %9s %9s %9s\n' "" "ipa" "ipa/5s" "none" "ipa/none" "5s/none"
printf '%-32s %9s %9s %9s %9s\n' "cold login, ms" "$(ms "$cold_a" 1)" "" \
	"$(ms "$cold_b" 1)" "$(ratio "$cold_a" "$cold_b")"
printf '%-32s %9s %9s %9s %9s %9s\n' "warm login (median), ms" "$(ms "$warm_a" 1)" \
	"$(ms "$warm_c" 1)" "$(ms "$warm_b" 1)" "$(ratio "$warm_a" "$warm_b")" \
	"$(ratio "$warm_c" "$warm_b")"
printf '%-32s %9s %9s %9s\n' "LDAP searches, cold login" "$((s1 - s0))" "" "$((s2 - s1))"
printf '%-32s %9s %9s %9s\n' "LDAP searches per warm login" \
	"$(per "$sa" "$logins")" "$(per "$sc" "$logins")" "$(per "$sb" "$logins")"
printf '%-32s %9s\n' "desktop-profile searches, cold" "$((d1 - d0))"
