#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd against SSSD 2.8 on the same slapd (one tenant of 10,000 users and
# 500 groups), both through the stock libnss_sss: cold getpwnam latency,
# warm getpwnam rate, initgroups of a user in 500 groups.  Printed as
# ratios pagd/SSSD.  The warm path of both is normally the memory cache
# (the client reads a mapped file, no request reaches the daemon); the
# responder path is measured too, with SSS_NSS_USE_MEMCACHE=NO in the
# client, each daemon started afresh with an empty cache for each run.
#
# Each daemon runs in a private mount namespace with its own
# /var/lib/sss, so nothing collides with the host.  Runs on the host, as
# root, after make (SSSD cannot run inside the VM, and neither daemon
# needs pag.ko); make bench runs it there:
# bench-where: host
# BENCH_USERS / BENCH_GROUPS / BENCH_SECONDS scale it.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
. "$lib/sssd_private.sh"

users=${BENCH_USERS:-10000}
groups=${BENCH_GROUPS:-500}
secs=${BENCH_SECONDS:-3}
cold_n=200
sssd=$(command -v sssd || echo /usr/sbin/sssd)
if ! pagd_can_unshare || [ ! -x "$sssd" ] || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	echo "pagd_ldap_sssd: skipped (needs root, unshare -m, libnss-sss, sssd-ldap, slapd)"
	exit 0
fi
bench=$PAGD_BUILD/tests/bench/clients/ldap_nss_bench

pagd_setup
ldapdir=$PAGD_TMP/ldap
cleanup()
{
	"$lib/slapd" stop "$ldapdir" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
echo "# slapd: 1 tenant, $users users, $groups groups (generating...)"
"$lib/slapd" start "$ldapdir" --tenants tenanta --users "$users" \
	--groups "$groups" --big-group 2000 > /dev/null || exit 1
. "$ldapdir/env"
tree="cn=tenanta,cn=tenants,$LDAP_BASE"
gid=$(ldapsearch -x -LLL -H "$LDAP_URI" -D "$LDAP_BIND_DN" -w "$LDAP_BIND_PW" \
	-b "$tree" '(uid=busy)' gidNumber | sed -n 's/^gidNumber: //p')

# The three measurements through libnss_sss, wherever it is run.
client=$PAGD_TMP/client.sh
# The warm rate is the best of $rounds rounds: one client's round trips
# swing with the host's scheduling, and the best round is the daemon's.
rounds=5
{
	printf '#!/bin/sh\n"%s" cold u %s && "%s" initgr busy %s 20 || exit 1\n' \
		"$bench" "$cold_n" "$bench" "$gid"
	printf 'for r in $(seq %s); do "%s" warm u00042 %s || exit 1; done\n' \
		"$rounds" "$bench" "$(awk -v s="$secs" -v r="$rounds" 'BEGIN { print s / r }')"
} > "$client"
chmod +x "$client"

# --- pagd ---
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = warning/'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	ldap_uri = $LDAP_URI
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	EOF
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
pagd_start || exit 1
A=$(pag_on_pagd sockets a)
# the clients' environments the same as SSSD's below: libnss_sss reads
# SSS_NSS_USE_MEMCACHE at every lookup
pagd_mc=$(in_sockdir "$A" env SSS_NSS_USE_MEMCACHE=YES "$client") ||
	{ echo "pagd run failed"; exit 1; }
# afresh: the identity cache "may be deleted at any time"
pagd_stop
rm -rf "$PAGD_TMP/state/cache"
pagd_start || exit 1
pagd_rsp=$(in_sockdir "$A" env SSS_NSS_USE_MEMCACHE=NO "$client") ||
	{ echo "pagd run failed"; exit 1; }
pagd_stop

# --- SSSD, in its own namespace with a private /var/lib/sss ---
sdir=$PAGD_TMP/sssd
mkdir -p "$sdir"
sssd_ldap_conf "$sdir" nss "$LDAP_URI" "$tree"

# sssd_run CLIENT-ENV: the client beside an SSSD of its own
sssd_run() { sssd_private "$sdir" nss env $1 "$client"; }
sssd_mc=$(sssd_run "SSS_NSS_USE_MEMCACHE=YES") || { echo "sssd run failed"; sed 's/^/# /' "$sdir/log"; exit 1; }
sssd_rsp=$(sssd_run "SSS_NSS_USE_MEMCACHE=NO") || { echo "sssd run failed"; exit 1; }

# val OUTPUT KEY: the value of KEY (the largest, when it comes several times)
val() { echo "$1" | awk -v k="$2" '$1 == k && (!n++ || $2 > v) { v = $2 } END { print v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "# $cold_n cold getpwnam (mean), initgroups of 'busy' ($(val "$pagd_mc" initgr_groups) groups),"
echo "# warm getpwnam for ${secs}s (best of $rounds rounds); with the memory cache (mc) and without (rsp)"
printf '%-28s %12s %12s %12s %12s\n' "" "pagd(mc)" "sssd(mc)" "pagd(rsp)" "sssd(rsp)"
for k in cold_us initgr_first_us initgr_us warm_per_s; do
	printf '%-28s %12s %12s %12s %12s\n' "$k" "$(val "$pagd_mc" $k)" \
		"$(val "$sssd_mc" $k)" "$(val "$pagd_rsp" $k)" "$(val "$sssd_rsp" $k)"
done
# row KEY WHAT BETTER: pagd/SSSD for KEY with the memory cache, then without
row()
{
	printf 'ratio pagd/sssd %-22s %s (mc), %s (rsp); %s is better\n' "$2:" \
		"$(ratio "$(val "$pagd_mc" "$1")" "$(val "$sssd_mc" "$1")")" \
		"$(ratio "$(val "$pagd_rsp" "$1")" "$(val "$sssd_rsp" "$1")")" "$3"
}
row cold_us "cold latency" lower
row initgr_first_us "initgroups first call" lower
row initgr_us "initgroups warm" lower
row warm_per_s "warm lookups/s" higher
