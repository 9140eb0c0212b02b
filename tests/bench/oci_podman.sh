#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `podman run --rm ... true` through pag-oci-runtime against plain podman
# with the same real runtime (crun), in the same run: the wrapper's cost
# to an engine, a PAG made, bound in pagd under a profile without
# credentials, and the bundle rewritten (target: at most 1.15x); and with
# credentials (a profile with a principal, its tickets from the KDC
# fixture before the container starts) against without (reported).
# Rootful, --network none, storage on a tmpfs, the root filesystem of
# tests/lib/oci_rootfs.sh, as tests/vm/oci_runtime_podman.sh runs them.
# The three kinds take turns, in a rotating order, BENCH_RUNS (9) rounds
# after an untimed one; the times are medians of the runs' wall times,
# the ratios medians of the rounds' ratios (under TCG one podman run
# swings by tens of per cent).

lib=$(cd "$(dirname "$0")/../lib" && pwd)
top=$(cd "$lib/../.." && pwd)
PAGD_BUILD=$(cd "${PAGD_BUILD:-${BUILD:-$top/build}}" && pwd)
. "$lib/tap.sh"
. "$lib/pagd.sh"
. "$lib/oci_rootfs.sh"
. "$lib/oci_pagd.sh"
runs=${BENCH_RUNS:-9}

if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] || ! command -v podman > /dev/null ||
	[ ! -x /usr/bin/crun ] || ! command -v krb5kdc > /dev/null; then
	echo "oci_podman: skipped (needs root, pag.ko loaded, podman, crun, krb5-kdc)"
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

oci_pagd_start || { echo "oci_podman: pagd did not start"; exit 1; }
T=$(mktemp -d /tmp/oci-bench.XXXXXX)
mount -t tmpfs tmpfs "$T"
cleanup()
{
	umount -l "$T" 2> /dev/null
	rm -rf "$T"
	oci_pagd_stop
}
trap cleanup EXIT
oci_rootfs "$T/rootfs"
P=(podman --root "$T/root" --runroot "$T/runroot" --storage-driver vfs
	--cgroup-manager cgroupfs --events-backend none)
# the wrapper's options, which crun would refuse
W=(--runtime-flag "pag-address=unix:path=$PAGD_RUN/private/bus"
	--runtime-flag pag-runtime=/usr/bin/crun)
mkdir "$T/bin"
ln -s "$PAGD_BUILD/bin/pag-oci-runtime" "$T/bin/oci-runtime@acme"
ln -s "$PAGD_BUILD/bin/pag-oci-runtime" "$T/bin/oci-runtime@creds"
declare -A runtime=([plain]=/usr/bin/crun [acme]=$T/bin/oci-runtime@acme
	[creds]=$T/bin/oci-runtime@creds)
declare -A times=()

# one KIND: a podman run of KIND, its wall time in times[KIND,ROUND]
one()
{
	local t0=$EPOCHREALTIME w=("${W[@]}")
	[ "$1" != plain ] || w=()
	"${P[@]}" "${w[@]}" --runtime "${runtime[$1]}" run --network none --rm \
		--rootfs "$T/rootfs" true > /dev/null 2> "$T/err" ||
		{ echo "oci_podman: podman run ($1) failed: $(cat "$T/err")"; exit 1; }
	times[$1,$r]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
}
r=warm
one plain && one acme && one creds
# each kind first, second and third in turn: no kind gets the warm slot
kinds=(plain acme creds)
for r in $(seq 0 $((runs - 1))); do
	for k in 0 1 2; do
		one "${kinds[(r + k) % 3]}"
	done
done
# median: of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 }
	END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# med KIND: the median of its runs' times
med() { for r in $(seq 0 $((runs - 1))); do echo "${times[$1,$r]}"; done | median; }
# ratio A B: the median of the rounds' ratios A/B (a round's runs are
# close in time, so a slow spell of the host touches both)
ratio() { for r in $(seq 0 $((runs - 1))); do
	awk -v a="${times[$1,$r]}" -v b="${times[$2,$r]}" 'BEGIN { print a / b }'; done | median; }
echo "podman run --rm true (crun), wall time, median of $runs rounds"
printf '%-40s %8s %9s %7s  %s\n' measure ours baseline ratio target
printf '%-40s %7ss %8ss %6sx  %s\n' "wrapper, no credentials / plain crun" \
	"$(med acme)" "$(med plain)" "$(ratio acme plain)" "<= 1.15x"
printf '%-40s %7ss %8ss %6sx  %s\n' "wrapper, credentials / no credentials" \
	"$(med creds)" "$(med acme)" "$(ratio creds acme)" "(reported)"
