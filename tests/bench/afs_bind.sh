#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The time from `pag creds bind` to the first successful authenticated AFS
# operation in a fresh container, in a real cell (tests/lib/afscell): a
# container started with `pag-launch --net` (no credentials, its own
# network namespace, the host's kafs mount) tries to create a file in
# alice's volume, which anonymous callers may not, until it succeeds; the
# clock starts when `pag creds bind PAG alice@REALM` is run.  pagd then
# gets alice's ticket from her keytab and makes the kafs token in the
# host's network namespace (afs_cells).  Baseline, in the same run: a
# fresh container doing it by hand, `kinit -k` from the same keytab and
# `pag aklog`, the clock started before kinit; it shares the host's
# network namespace, the only place where a token it makes is of use.  BENCH_AFS_ROUNDS (5)
# rounds alternate the order; medians are compared.  No target: the issue
# asks for the figure.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
top=$(cd "$lib/../.." && pwd)
export BUILD=${BUILD:-$top/build}
PAGD_BUILD=${PAGD_BUILD:-$BUILD}
rounds=${BENCH_AFS_ROUNDS:-5}
if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] || [ "${VMTEST:-}" != 1 ] ||
	[ ! -x /usr/sbin/bosserver ]; then
	echo "afs_bind: skipped (needs root in tools/vmtest, pag.ko, openafs-fileserver)"
	exit 0
fi
. "$lib/pagd.sh"
export PATH=$PAGD_BUILD/bin:$PATH

pagd_setup
tmp=$PAGD_TMP
cleanup()
{
	umount "$tmp/alice" 2> /dev/null
	"$lib/afscell" stop "$tmp/cell"
	"$lib/kdc" stop "$tmp/kdc"
	pagd_cleanup
}
trap cleanup EXIT

"$lib/kdc" start "$tmp/kdc" --realm BIND.PAG --maxlife 1h > /dev/null || exit 1
. "$tmp/kdc/env"
{ "$lib/afscell" start "$tmp/cell" --kdc "$tmp/kdc" &&
	"$lib/afscell" user "$tmp/cell" alice &&
	"$lib/afscell" mount "$tmp/cell" user.alice "$tmp/alice"; } > "$tmp/cell.log" 2>&1 ||
	{ cat "$tmp/cell.log"; echo "afs_bind: the cell did not start"; exit 1; }
. "$tmp/cell/env"

sed -i "s/^\[pagd\]\$/&\nafs_cells = $AFS_CELL@$KDC_REALM/" "$PAGD_CONF"
printf '\n[profile/alice]\ndomains = acme.example\nprincipals = alice@%s\nkeytab = %s/alice.kt\n' \
	"$KDC_REALM" "$tmp/cell" >> "$PAGD_CONF"
pagd_start || { echo "afs_bind: pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"

now_ns() { date +%s%N; }

# round HOW N: one fresh container; prints the milliseconds from the start
# (pagd: the bind; hand: kinit) to its first successful create
round()
{
	local how=$1 f=$tmp/alice/$1.$2 t0 t1
	rm -f "$tmp/id" "$tmp/t0" "$tmp/t1"
	# by hand, a token is usable only when made in the mount's network
	# namespace: that container shares the host's
	local net=--net
	[ "$how" = pagd ] || net=
	pag-launch --address "$bus" --no-sockets $net -- bash -c "
		pag id > '$tmp/id.new' && mv '$tmp/id.new' '$tmp/id'
		if [ $how = hand ]; then
			while [ ! -e '$tmp/go' ]; do sleep 0.05; done
			date +%s%N > '$tmp/t0'
			export KRB5CCNAME=FILE:$tmp/hand.cc
			kinit -k -t '$tmp/cell/alice.kt' alice &&
				pag aklog $AFS_CELL > /dev/null || exit 1
		fi
		# retry every 20 ms, sleeping without an exec, so as not to take
		# the CPU from pagd's worker (the VM has one)
		mkfifo '$tmp/tick.$how' && exec 3<> '$tmp/tick.$how'
		until (echo x > '$f') 2> /dev/null; do read -r -t 0.02 -u 3; done
		rm -f '$tmp/tick.$how'
		date +%s%N > '$tmp/t1'" &
	local pl=$!
	for _ in $(seq 300); do [ -s "$tmp/id" ] && break; sleep 0.05; done
	if [ "$how" = pagd ]; then
		now_ns > "$tmp/t0"
		pag creds bind --address "$bus" "$(cat "$tmp/id")" "alice@$KDC_REALM" > /dev/null ||
			{ kill $pl; return 1; }
	else
		touch "$tmp/go"
	fi
	wait $pl || return 1
	rm -f "$tmp/go"
	t0=$(cat "$tmp/t0") t1=$(cat "$tmp/t1")
	echo $(((t1 - t0) / 1000000))
}

: > "$tmp/pagd.ms" && : > "$tmp/hand.ms"
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then order="hand pagd"; else order="pagd hand"; fi
	for h in $order; do
		round "$h" "$r" >> "$tmp/$h.ms" || { echo "afs_bind: $h round $r failed"; exit 1; }
	done
done
for h in pagd hand; do
	printf '%-6s ms: %s\n' "$h" "$(tr '\n' ' ' < "$tmp/$h.ms")"
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
p=$(median "$tmp/pagd.ms") h=$(median "$tmp/hand.ms")
printf '%-52s %10s %10s %8s\n' measure "pagd (ms)" "hand (ms)" ratio
awk -v p="$p" -v h="$h" -v r="$rounds" 'BEGIN {
	printf "%-52s %10d %10d %7.2fx\n", "bind -> first authenticated create, fresh container", p, h, p / h
	printf "(median of %d rounds, alternating order; hand: kinit -k + pag aklog in the container)\n", r }'
