#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The directory load pagd puts on its servers against SSSD 2.8's
# id_provider = ldap: searches per 1,000 container lookups, counted from
# the stats logs (loglevel stats: one SRCH line per search) of a slapd
# pair replicating each other (tests/lib/slapd-mirror), both listed in
# ldap_uri, the same tree, the same lookups, the same cache timeout.
#
# A pass is 1,000 lookups by four concurrent clients through the stock
# libnss_sss, without its memory cache (every lookup reaches the daemon):
# triples of getpwnam of a user, initgroups of that user, getgrnam of a
# group, as a process starting in a container asks (tests/lib/nss_load).
#   cold      the daemon started afresh, its cache empty
#   warm      the same lookups again at once
#   expired   the same lookups again after entry_cache_timeout
# The replication's own searches (its connections bind as the rootdn) are
# not counted.  Target: at most 0.5x SSSD's searches.
#
# Runs on the host, as root, after make (SSSD cannot run in the VM); each
# SSSD run is a plain `sssd -i` with its own config, in a mount namespace
# with a private /var/lib/sss:
# bench-where: host
# BENCH_USERS / BENCH_GROUPS scale the tree.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
. "$lib/sssd_private.sh"

users=${BENCH_USERS:-5000}
groups=${BENCH_GROUPS:-200}
ect=8 # entry_cache_timeout of both daemons
sssd=$(command -v sssd || echo /usr/sbin/sssd)
if ! pagd_can_unshare || [ ! -x "$sssd" ] || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	echo "pagd_ldap_searches: skipped (needs root, unshare -m, libnss-sss, sssd-ldap, slapd)"
	exit 0
fi
load=$PAGD_BUILD/tests/lib/nss_load

pagd_setup
ldap=$PAGD_TMP/ldap
cleanup()
{
	"$lib/slapd-mirror" stop "$ldap" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$lib/slapd-mirror" start "$ldap" --tenants tenanta --users "$users" \
	--groups "$groups" --stats > /dev/null || exit 1
. "$ldap/env"
tree=cn=tenanta,cn=tenants,$LDAP_BASE

# The passes, wherever they run: each prints "searches PASS N lookups M".
passes=$PAGD_TMP/passes.sh
cat > "$passes" <<'EOF'
#!/bin/bash
# passes.sh LOAD DIR1 DIR2 ECT USERS GROUPS
load=$1 d1=$2 d2=$3 ect=$4 users=$5 groups=$6
# srch DIR: how many client searches DIR's log holds
srch()
{
	awk '/ BIND dn="cn=Directory Manager,/ { split($0, a, "conn="); split(a[2], b, " "); root[b[1]] = 1 }
	     / SRCH base=/ { split($0, a, "conn="); split(a[2], b, " "); if (!(b[1] in root)) n++ }
	     END { print n + 0 }' "$1/stats.log"
}
total() { echo $(($(srch "$d1") + $(srch "$d2"))); }
pass()
{
	local before after n=0 pids=() rc=0
	sleep 0.5 # slapd writes its log lines after answering
	before=$(total)
	for i in 1 2 3 4; do
		"$load" -n 250 "$i" "$users" "$groups" > "$d1/../pass.$i" \
			2> "$d1/../pass.$i.err" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ $rc = 0 ] || { head -3 "$d1"/../pass.*.err; return 1; }
	sleep 0.5
	after=$(total)
	n=$(awk '$1 == "lookups" { n += $2 } END { print n + 0 }' "$d1"/../pass.*)
	echo "searches $1 $((after - before)) lookups $n"
	return $rc
}
pass cold && pass warm && sleep $((ect + 1)) && pass expired
EOF
chmod +x "$passes"

# --- pagd ---
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = warning/'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	ldap_uri = $LDAP_URIS
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	entry_cache_timeout = $ect
	EOF
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
pagd_start || exit 1
A=$(pag_on_pagd sockets a)
pagd_out=$(in_sockdir --no-mc "$A" "$passes" "$load" "$LDAP_DIR_1" \
	"$LDAP_DIR_2" "$ect" "$users" "$groups") ||
	{ echo "pagd run failed: $pagd_out"; exit 1; }
pagd_stop

# --- SSSD, in its own namespace with a private /var/lib/sss ---
sdir=$PAGD_TMP/sssd
mkdir -p "$sdir"
sssd_ldap_conf "$sdir" nss "$LDAP_URIS" "$tree" \
	"entry_cache_timeout = $ect"
sssd_out=$(sssd_private "$sdir" nss env SSS_NSS_USE_MEMCACHE=NO "$passes" "$load" \
	"$LDAP_DIR_1" "$LDAP_DIR_2" "$ect" "$users" "$groups") ||
	{ echo "sssd run failed: $sssd_out"; tail -20 "$sdir/log" | sed 's/^/# /'; exit 1; }

# val OUTPUT PASS: searches per 1,000 lookups of PASS
val()
{
	echo "$1" | awk -v p="$2" '$1 == "searches" && $2 == p { printf "%.0f", $3 * 1000 / $5 }'
}
echo "# $users users, $groups groups; 1,000 lookups per pass (4 clients); entry_cache_timeout $ect"
printf '%-40s %8s %8s %8s %8s\n' "searches per 1,000 lookups" pagd sssd ratio target
for p in cold warm expired; do
	a=$(val "$pagd_out" $p)
	b=$(val "$sssd_out" $p)
	r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print (a > 0 ? "inf" : "-") }')
	printf '%-40s %8s %8s %8s %8s\n' "$p" "$a" "$b" "$r" "<=0.50"
done
