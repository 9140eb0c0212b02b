#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# File operations in a real AFS cell (tests/lib/afscell) through kafs with
# alice's token in a PAG, against the same operations with the same token
# in a plain session keyring (keyctl session -): a PAG is a session keyring,
# so the PAG path should add nothing measurable (target: at most 1.05x).
# BENCH_AFS_OPS files (200) are created, written and closed, then stat'ed,
# by afs_ops_bench in each context; BENCH_AFS_ROUNDS (3) rounds alternate
# the order, and the medians are compared.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
top=$(cd "$lib/../.." && pwd)
build=${BUILD:-$top/build}
bench=$build/tests/bench/clients/afs_ops_bench
export PATH=$build/bin:$PATH
n=${BENCH_AFS_OPS:-200}
rounds=${BENCH_AFS_ROUNDS:-3}
if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] || [ "${VMTEST:-}" != 1 ] ||
	[ ! -x /usr/sbin/bosserver ]; then
	echo "afs_ops: skipped (needs root in tools/vmtest, pag.ko, openafs-fileserver)"
	exit 0
fi

tmp=$(mktemp -d)
cleanup()
{
	umount "$tmp/alice" 2> /dev/null
	"$lib/afscell" stop "$tmp/cell"
	"$lib/kdc" stop "$tmp/kdc"
	rm -rf "$tmp"
}
trap cleanup EXIT

"$lib/kdc" start "$tmp/kdc" --realm TEST.PAG --maxlife 1h > /dev/null || exit 1
. "$tmp/kdc/env"
{ "$lib/afscell" start "$tmp/cell" --kdc "$tmp/kdc" &&
	"$lib/afscell" user "$tmp/cell" alice &&
	"$lib/afscell" mount "$tmp/cell" user.alice "$tmp/alice"; } > "$tmp/cell.log" 2>&1 ||
	{ cat "$tmp/cell.log"; echo "afs_ops: the cell did not start"; exit 1; }
. "$tmp/cell/env"
export KRB5CCNAME=FILE:$tmp/alice.cc
kinit -k -t "$tmp/cell/alice.kt" alice || exit 1

# in_context CONTEXT DIR: run the client in a PAG (pag) or a plain session keyring
# (session), each with alice's token made there
in_context()
{
	local cmd="pag aklog $AFS_CELL > /dev/null && mkdir '$2' && '$bench' '$2' $n"
	case $1 in
	pag) pag new -- sh -c "$cmd" ;;
	session) keyctl session - sh -c "$cmd" 2> /dev/null ;;
	esac
}

: > "$tmp/pag" && : > "$tmp/session"
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then order="session pag"; else order="pag session"; fi
	for c in $order; do
		in_context "$c" "$tmp/alice/$c.$r" >> "$tmp/$c" || { echo "afs_ops: $c round $r failed"; exit 1; }
	done
done
for c in pag session; do
	printf '%-8s create/s: %s\n' "$c" "$(awk '{ printf " %.1f", $2 }' "$tmp/$c")"
	printf '%-8s stat/s:  %s\n' "$c" "$(awk '{ printf " %.0f", $4 }' "$tmp/$c")"
done
# median FILE FIELD
median() { awk -v f="$2" '{ print $f }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
pc=$(median "$tmp/pag" 2) ps=$(median "$tmp/pag" 4)
sc=$(median "$tmp/session" 2) ss=$(median "$tmp/session" 4)
printf '%-28s %12s %14s %8s %8s\n' measure "PAG (ops/s)" "session (ops/s)" "ratio" target
# The ratio is the PAG's cost relative to the plain keyring: session/PAG.
awk -v pc="$pc" -v sc="$sc" -v ps="$ps" -v ss="$ss" -v n="$n" -v r="$rounds" 'BEGIN {
	printf "%-28s %12.1f %14.1f %7.3fx %8s\n", "create+write+close", pc, sc, sc / pc, "<=1.05x"
	printf "%-28s %12.1f %14.1f %7.3fx %8s\n", "stat", ps, ss, ss / ps, "<=1.05x"
	printf "(%d files each, median of %d rounds, alternating order)\n", n, r }'
