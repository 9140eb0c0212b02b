#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's LDAP provider against two slapd servers replicating each other
# (tests/lib/slapd-mirror), both in ldap_uri, under a steady lookup load
# through the STOCK libnss_sss: four clients loop over getpwnam, getgrnam
# and initgroups of varied users (tests/lib/nss_load) while the first
# server is stopped, a change is made on the second, the first comes back
# and the second is stopped; then the second comes back and the first
# hangs (SIGSTOP: it holds the connection and answers nothing), which pagd
# must leave after ldap_search_timeout.  No lookup may fail, and no answer
# older than entry_cache_timeout may be served.  First, a server that dies in the
# middle of an answer (tests/lib/ldapcut: some entries sent, not the end):
# the search is sent again, whole, to the next server.  The clients use the socket path (no
# memory cache): the memory cache's own lifetime is pagd_memcache.sh's.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=24
plan $N

if ! pagd_can_unshare || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	skip_all $N "pagd LDAP failover" "needs root, unshare -m, libnss-sss and slapd"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
load=$PAGD_BUILD/tests/lib/nss_load
users=300
groups=40
ect=3 # entry_cache_timeout
pagd_setup
ldap=$PAGD_TMP/ldap
client_pids=()
cut_pid=
hung=
cleanup()
{
	[ -z "$hung" ] || kill -CONT "$hung" 2>/dev/null
	[ -z "$cut_pid" ] || kill "$cut_pid" 2>/dev/null
	touch "$PAGD_TMP/stop"
	[ ${#client_pids[@]} = 0 ] || wait "${client_pids[@]}" 2>/dev/null
	"$lib/slapd-mirror" stop "$ldap" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/slapd-mirror" start "$ldap" --tenants tenanta,tenantb --users $users \
	--groups $groups --stats > /dev/null || { fail "the slapd pair starts"; exit 1; }
. "$ldap/env"
tree=cn=tenanta,cn=tenants,$LDAP_BASE

# a port nothing listens on, for the server that dies mid-answer
cut_port=$((${LDAP_URI_1##*:} + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$cut_port") 2>/dev/null; do cut_port=$((cut_port + 1)); done
"$PAGD_BUILD/tests/lib/ldapcut" "$cut_port" "${LDAP_URI_1##*:}" > "$PAGD_TMP/cut.out" &
cut_pid=$!
for _ in $(seq 50); do grep -qs ready "$PAGD_TMP/cut.out" && break; sleep 0.1; done

{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	ldap_uri = $LDAP_URIS
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	entry_cache_timeout = $ect
	entry_negative_timeout = 1
	offline_timeout = 1
	ldap_search_timeout = 3
	[domain/cut]
	provider = ldap
	tenant = tenanta
	ldap_uri = ldap://127.0.0.1:$cut_port, $LDAP_URI_2
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	EOF
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
pagd_start -d || { fail "pagd starts"; exit 1; }
A=$(pag_on_pagd sockets a)
C=$(pag_on_pagd sockets cut)

# initgroups of busy: its entry and the groups listing it, one search; the
# first server closes the connection after the first entry.
groups_of() { in_sockdir --no-mc "$1" getent -s sss initgroups busy | xargs -n1 | tail -n +2 | sort -n | tr '\n' ' '; }
want=$(groups_of "$A")
got=$(groups_of "$C")
check "the first server of domain cut died mid-answer" grep -qx cut "$PAGD_TMP/cut.out"
check_eq "initgroups of busy answered whole by the next server" "$want" "$got"
check "busy is in all $groups groups" test "$(echo "$want" | wc -w)" -ge $groups
check "pagd logged the search sent again" grep -q "domain 'cut': .*sent again" "$PAGD_TMP/log"

# ldapmod URI LDIF: a change as the directory's administrator
ldapmod() { ldapmodify -x -H "$1" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" > /dev/null; }
shell_is()
{
	printf 'dn: uid=asmith,cn=users,cn=accounts,%s\nchangetype: modify\nreplace: loginShell\nloginShell: %s\n' \
		"$tree" "$2" | ldapmod "$1"
}
now() { date +%s.%N; }
# searches DIR FROM: pagd's searches in a server's stats log after line FROM
searches() { tail -n +"$(($2 + 1))" "$1/stats.log" | grep -c ' SRCH base="[^"]*cn=tenanta,'; }
lines() { wc -l < "$1/stats.log"; }
get() { in_sockdir --no-mc "$A" getent -s sss "$@"; }

shell_is "$LDAP_URI_1" /bin/start
for i in 1 2 3 4; do
	w=
	[ "$i" != 1 ] || w="-w asmith"
	# shellcheck disable=SC2086 # -w NAME: two words
	in_sockdir --no-mc "$A" "$load" $w -s "$PAGD_TMP/stop" "$i" $users $groups \
		> "$PAGD_TMP/load$i.out" 2> "$PAGD_TMP/load$i.err" &
	client_pids+=($!)
done
sleep 1

# --- the first server stops ---
l2=$(lines "$LDAP_DIR_2")
"$lib/slapd-mirror" stop "$ldap" 1
check "server 1 stopped under load: pagd connects to server 2" \
	timeout 10 sh -c "until grep -q \"connected to $LDAP_URI_2\" '$PAGD_TMP/log'; do sleep 0.1; done"
shell_is "$LDAP_URI_2" /bin/second
t_second=$(now)
printf 'dn: uid=newcomer,cn=users,cn=accounts,%s\nchangetype: add\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: newcomer\ncn: newcomer\nsn: newcomer\nuidNumber: 7777\ngidNumber: 2000\nhomeDirectory: /home/newcomer\nloginShell: /bin/sh\n' \
	"$tree" | ldapmod "$LDAP_URI_2"
sleep $((ect + 2))
check_eq "a user added on server 2 is served" 7777 "$(get passwd newcomer | cut -d: -f3)"
check_eq "domain a stays online" online "$(domain_status a)"
n=$(searches "$LDAP_DIR_2" "$l2")
check "server 2 answered pagd's searches while server 1 was down ($n)" test "$n" -gt 10

# --- the first comes back, the second stops ---
"$lib/slapd-mirror" start-one "$ldap" 1
check "server 1 back: caught up with server 2" "$lib/slapd-mirror" wait-synced "$ldap"
l1=$(lines "$LDAP_DIR_1")
"$lib/slapd-mirror" stop "$ldap" 2
check "server 2 stopped under load: pagd connects to server 1 again" \
	timeout 10 sh -c "until [ \$(grep -c \"connected to $LDAP_URI_1\" '$PAGD_TMP/log') -ge 2 ]; do sleep 0.1; done"
sleep 1
shell_is "$LDAP_URI_1" /bin/first
t_first=$(now)
sleep $((ect + 2))
check_eq "server 2's new user, replicated, is served by server 1" 7777 \
	"$(get passwd newcomer | cut -d: -f3)"
check_eq "domain a stays online" online "$(domain_status a)"
n=$(searches "$LDAP_DIR_1" "$l1")
check "server 1 answered pagd's searches while server 2 was down ($n)" test "$n" -gt 10

# --- the second comes back, the first hangs ---
"$lib/slapd-mirror" start-one "$ldap" 2
"$lib/slapd-mirror" wait-synced "$ldap"
l2=$(lines "$LDAP_DIR_2")
hung=$(cat "$LDAP_DIR_1/slapd.pid")
kill -STOP "$hung"
check "server 1 hung: pagd leaves it after ldap_search_timeout" \
	timeout 15 sh -c "until grep -q \"$LDAP_URI_1 did not answer within 3s\" '$PAGD_TMP/log' &&
		[ \$(grep -c \"connected to $LDAP_URI_2\" '$PAGD_TMP/log') -ge 2 ]; do sleep 0.1; done"
sleep 2
n=$(searches "$LDAP_DIR_2" "$l2")
check "server 2 answered pagd's searches while server 1 hung ($n)" test "$n" -gt 10
check_eq "domain a stays online" online "$(domain_status a)"
kill -CONT "$hung"
hung=

touch "$PAGD_TMP/stop"
rcs=
for p in "${client_pids[@]}"; do wait "$p"; rcs+="$? "; done
client_pids=()
check_eq "the four clients ended without an error" "0 0 0 0 " "$rcs"
check_eq "no lookup failed" "" "$(cat "$PAGD_TMP"/load*.err)"
total=$(cat "$PAGD_TMP"/load*.out | awk '$1 == "lookups" { n += $2; f += $4 } END { print n + 0, f + 0 }')
check "lookups were made, none failed ($total)" test "${total% *}" -gt 1000 -a "${total#* }" = 0

# The watched user's shells, in the order served: never an old one again.
shells=$(awk '$1 == "shell" { printf "%s ", $2 }' "$PAGD_TMP/load1.out")
check_eq "asmith's shell changed twice, never back" "/bin/start /bin/second /bin/first " "$shells"
# last_old SHELL: when the last lookup answered with the shell before SHELL was sent
last_old() { awk -v s="$1" '$1 == "shell" && $2 == s { print $6 }' "$PAGD_TMP/load1.out"; }
# the cache keeps an answer entry_cache_timeout seconds, counted in whole seconds
late() { awk -v a="$1" -v t="$2" -v e="$ect" 'BEGIN { exit !(a <= t + e + 1) }'; }
check "the change on server 2 was served within entry_cache_timeout" \
	late "$(last_old /bin/second)" "$t_second"
check "the change on server 1 was served within entry_cache_timeout" \
	late "$(last_old /bin/first)" "$t_first"
check "pagd logged no failed search" \
	sh -c "! grep -E 'search .* failed|cannot cache' '$PAGD_TMP/log'"
check "pagd never went offline" sh -c "! grep -q 'is offline' '$PAGD_TMP/log'"

pagd_stop
done_testing
