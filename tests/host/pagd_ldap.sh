#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's LDAP provider against a real slapd holding the multi-tenant tree,
# with the STOCK libnss_sss.so.2 as the client: tenant confinement for every
# lookup kind, malformed entries, the cache and offline mode (server
# stopped, back, SIGUSR1/SIGUSR2, restart while offline), failover, an
# unreachable server at start, and a slow server that must not hold up
# other domains.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=54
plan $N

if ! pagd_can_unshare || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	skip_all $N "pagd with LDAP" "needs root, unshare -m, libnss-sss and slapd"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
proxy_pid=
cleanup()
{
	[ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null
	"$lib/slapd" stop "$PAGD_TMP/ldap" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/slapd" start "$PAGD_TMP/ldap" --users 200 --groups 30 --big-group 150 \
	--malformed --tenants tenanta,tenantb > /dev/null || { fail "slapd starts"; exit 1; }
. "$PAGD_TMP/ldap/env"

# A closed port for the unreachable server; another for the slow proxy.
closed=$((LDAP_PORT + 1))
slow_port=$((LDAP_PORT + 2))
"$lib/slowproxy" "$slow_port" "$LDAP_PORT" 3 > "$PAGD_TMP/proxy.out" &
proxy_pid=$!

ldap_domain()
{
	cat <<-EOF
	[domain/$1]
	provider = ldap
	tenant = $2
	ldap_uri = $3
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	offline_timeout = 1
	offline_timeout_max = 2
	enumerate = true
	EOF
}

{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	ldap_domain a tenanta "$LDAP_URI"
	echo "ldap_suffix = $LDAP_BASE"
	echo "entry_cache_timeout = 1"
	ldap_domain b tenantb "ldap://127.0.0.1:$closed, $LDAP_URI"
	echo "ldap_suffix = $LDAP_BASE"
	ldap_domain main main "$LDAP_URI"
	echo "ldap_search_base = $LDAP_BASE"
	ldap_domain slow tenantb "ldap://127.0.0.1:$slow_port"
	echo "ldap_suffix = $LDAP_BASE"
	echo "ldap_search_timeout = 20"
	ldap_domain dead tenanta "ldap://127.0.0.1:$closed"
	echo "ldap_suffix = $LDAP_BASE"
	echo "ldap_network_timeout = 1"
} > "$PAGD_TMP/ldap.conf"
mv "$PAGD_TMP/ldap.conf" "$PAGD_CONF"
for _ in $(seq 50); do grep -q ready "$PAGD_TMP/proxy.out" && break; sleep 0.1; done

pagd_start -d || { fail "pagd starts"; exit 1; }
ok "pagd starts with five LDAP domains"


wait_domain_status dead offline
check_eq "unreachable server at start: domain offline" offline "$(domain_status dead)"
check "the log says which domain and why" \
	grep -q "domain 'dead' is offline (no server of ldap_uri answers)" "$PAGD_TMP/log"

A=$(pag_on_pagd sockets a)
B=$(pag_on_pagd sockets b)
M=$(pag_on_pagd sockets main)
S=$(pag_on_pagd sockets slow)
D=$(pag_on_pagd sockets dead)
AB=$(pag_on_pagd sockets a b)
# The socket path: the memory cache (tests/host/pagd_memcache.sh) would
# answer repeated lookups without asking the provider this test is about.
get() { in_sockdir --no-mc "$1" getent -s sss "${@:2}"; }
gone() { get "$@" > /dev/null; [ $? = 2 ]; }

# Tenant confinement, every lookup kind.
check_eq "A: getpwnam asmith is 512" \
	"asmith:*:512:2000:asmith (tenanta):/home/tenanta/asmith:/bin/bash" \
	"$(get "$A" passwd asmith)"
check_eq "B (after failing over): getpwnam asmith is 87687" \
	"asmith:*:87687:91000:asmith (tenantb):/home/tenantb/asmith:/bin/bash" \
	"$(get "$B" passwd asmith)"
check_eq "main tree: asmith is the main tenant's" 9512 \
	"$(get "$M" passwd asmith | cut -d: -f3)"
check "A: getpwuid 87687 (B's) not found" gone "$A" passwd 87687
check "B: getpwuid 512 (A's) not found" gone "$B" passwd 512
check_eq "A: getpwuid 512" asmith "$(get "$A" passwd 512 | cut -d: -f1)"
check_eq "A: getgrnam developers" \
	"developers:*:2000:asmith,tenanta-admin,u00001,u00002,u00003" \
	"$(get "$A" group developers)"
check_eq "B: getgrgid 91000" developers "$(get "$B" group 91000 | cut -d: -f1)"
check "A: getgrgid 91000 (B's) not found" gone "$A" group 91000
check "A: B's admin not found" gone "$A" passwd tenantb-admin
check_eq "A: initgroups busy: 30 groups, all A's" "30 0" \
	"$(get "$A" initgroups busy | xargs -n1 | tail -n +2 |
		awk '{ n++ } $1 >= 200000 { b++ } END { print n, b + 0 }')"
check_eq "B: initgroups busy: 30 groups, all B's" "30 0" \
	"$(get "$B" initgroups busy | xargs -n1 | tail -n +2 |
		awk '{ n++ } $1 < 200000 { a++ } END { print n, a + 0 }')"
check_eq "A: group big has 150 members" 150 \
	"$(get "$A" group big | cut -d: -f4 | tr , '\n' | wc -l)"
users_a=$(get "$A" passwd)
check_eq "A: enumeration: 203 valid users, none of B's" "203 0" \
	"$(echo "$users_a" | wc -l) $(echo "$users_a" | grep -c tenantb)"
check_eq "B: group enumeration: none of A's" 0 \
	"$(get "$B" group | grep -c -E ':(2000|1[0-9]{5}):')"
check_eq "A+B: qualified names" 87687 \
	"$(get "$AB" passwd asmith@b | cut -d: -f3)"
check "A+B: bare name is ambiguous" gone "$AB" passwd asmith

# Malformed entries: skipped, logged by DN, never fatal.
dn() { echo "uid=$1,cn=users,cn=accounts,cn=tenanta,cn=tenants,$LDAP_BASE"; }
check "missing uidNumber: not found" gone "$A" passwd nouidnum
check "... logged with its DN" grep -q "skipping $(dn nouidnum): no uidNumber" "$PAGD_TMP/log"
check "non-numeric uidNumber: not found" gone "$A" passwd textuid
check "... logged with its DN and value" \
	grep -q "skipping $(dn textuid): bad uidNumber 'abc'" "$PAGD_TMP/log"
check "negative uidNumber: not found" gone "$A" passwd neguid
check "uidNumber shared by two users: not found" gone "$A" passwd 777
check "... logged with both DNs" \
	grep -q "skipping $(dn dupa) and $(dn dupb): same uidNumber in one tenant\|skipping $(dn dupb) and $(dn dupa): same uidNumber" "$PAGD_TMP/log"
check "uid held by two entries: not found" gone "$A" passwd twin
check "group without gidNumber: not found" gone "$A" group nogid
check_eq "enumeration leaves out every malformed entry" 0 \
	"$(echo "$users_a" | grep -c -E '^(nouidnum|textuid|neguid|dupa|dupb|twin):')"
check "the daemon survived it all" kill -0 "$pagd_pid"

# A slow server delays only its own clients.
(get "$S" passwd u00042 > "$PAGD_TMP/slow.out"; date +%s%N > "$PAGD_TMP/slow.t") &
slow_bg=$!
sleep 0.3
get "$A" passwd u00043 > /dev/null
t_a=$(date +%s%N)
wait $slow_bg
t_s=$(cat "$PAGD_TMP/slow.t")
# The slow server holds each answer 3 s: an answer for A that comes first
# did not wait for it.  (No wall-clock bound: on a loaded host that would
# measure the host, not pagd.)
check "A answered while the slow server was still busy" test "$t_a" -lt "$t_s"
check_eq "the slow server's answer still came" u00042 "$(cut -d: -f1 "$PAGD_TMP/slow.out")"

# With the memory cache: its records live no longer than pagd takes an
# answer as fresh (entry_cache_timeout = 1 here), so a change shows.
mcget() { in_sockdir "$1" getent -s sss "${@:2}"; }
check_eq "memory cache: u00150 as it was" "u00150 (tenanta)" \
	"$(mcget "$A" passwd u00150 | cut -d: -f5)"
ldapdelete -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" "$(dn u00150)"
# expiry is in whole seconds: a record stored at x.0 with a lifetime of 1
# lasts until (x + 2).0 for a client comparing time(NULL)
sleep 2.2
check "memory cache: a deleted entry is gone once pagd's answer has expired" \
	sh -c '"$0" "$1" getent -s sss passwd u00150 > /dev/null; [ $? = 2 ]' \
	"$pagd_src/tests/lib/in-sockdir" "$A"

# Server stopped mid-run: expired answers served from the cache, offline.
get "$A" group developers > /dev/null
get "$A" initgroups busy > /dev/null
sleep 1.2 # entry_cache_timeout = 1: everything of A is now expired
"$lib/slapd" stop "$PAGD_TMP/ldap"
check_eq "server down: expired user served from the cache" 512 \
	"$(get "$A" passwd asmith | cut -d: -f3)"
check_eq "domain reported offline" offline "$(domain_status a)"
check_eq "offline: group from the cache" 2000 "$(get "$A" group developers | cut -d: -f3)"
check_eq "offline: initgroups from the cache" 30 \
	"$(get "$A" initgroups busy | xargs -n1 | tail -n +2 | wc -l)"
check "offline: never seen user not found" gone "$A" passwd nosuchuser
check_eq "offline: enumeration from the cache" 203 "$(get "$A" passwd | wc -l)"

# Restart pagd while the server is down: the cache survives.
pagd_stop
pagd_start || fail "pagd restarts"
check_eq "restarted offline: answers from the persistent cache" 512 \
	"$(get "$A" passwd asmith | cut -d: -f3)"

# Server back: online again within offline_timeout (+ back-off).
"$lib/slapd" start "$PAGD_TMP/ldap" --port "$LDAP_PORT" > /dev/null
wait_domain_status a online
check_eq "server back: online within the timeout" online "$(domain_status a)"
check_eq "online: a new user resolves" u00199 "$(get "$A" passwd u00199 | cut -d: -f1)"

# SIGUSR1 / SIGUSR2.
kill -USR1 "$pagd_pid"
wait_domain_status a offline
check_eq "SIGUSR1: offline" offline "$(domain_status a)"
check_eq "SIGUSR1: cached answers still served" 512 "$(get "$A" passwd asmith | cut -d: -f3)"
kill -USR2 "$pagd_pid"
wait_domain_status a online
check_eq "SIGUSR2: online again" online "$(domain_status a)"

# The same through pagd's management API (SetDomainsOnline).
check_eq "pag domains offline: exit 0" 0 "$(pag_on_pagd domains offline; echo $?)"
wait_domain_status a offline
check_eq "... offline, as SIGUSR1" offline "$(domain_status a)"
check_eq "pag domains online: exit 0" 0 "$(pag_on_pagd domains online; echo $?)"
wait_domain_status a online
check_eq "... online again, as SIGUSR2" online "$(domain_status a)"
asked=$(grep -c 'SetDomainsOnline: ' "$PAGD_TMP/log")
out=$(pag_on_pagd domains sideways 2>&1)
check_eq "pag domains with an unknown action: exit 64 (usage), naming it" \
	"64 pag: domains: unknown action 'sideways' (online, offline)" \
	"$? $(head -1 <<<"$out")"
check_eq "... pagd was not asked, the domain stays online" "$asked online" \
	"$(grep -c 'SetDomainsOnline: ' "$PAGD_TMP/log") $(domain_status a)"

pagd_stop
check_eq "clean exit" 0 $?
done_testing
