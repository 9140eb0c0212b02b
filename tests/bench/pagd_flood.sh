#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's socket answers to a container (a socket directory, the stock
# libnss_sss with its memory cache off) while an unprivileged user floods
# pag.ko with PAGs that end at once (NEW then LEAVE in a loop, in
# BENCH_FLOODERS processes, default 4): every end is an ENDED event for
# pagd, and the flood overflows pagd's event socket.  Against quiet phases
# of the same run (tests/bench/clients/pagd_flood_bench.c); target: p99 at
# most 2 times the quiet one and no failed lookup.  Needs pag.ko's events: runs in
# the VM.  The BPF programs are loaded so that the fence passes have maps
# to read (BENCH_NO_BPF=1: not).  The flooders run at nice 19
# (BENCH_FLOOD_NICE): on the 2-vCPU VM four busy processes at nice 0 take
# two thirds of the CPU from the client and pagd whatever pagd does, which
# measures the scheduler, not pagd; niced, they still end hundreds of PAGs a
# second, every one an event for pagd.

. "$(dirname "$0")/../lib/tap.sh"
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$(dirname "$0")/../lib/pagd.sh"
# another pagd to compare with (e.g. an older build)
PAGD_BIN=${BENCH_PAGD_BIN:-$PAGD_BIN}

if ! pagd_can_unshare; then
	echo "pagd_flood: skipped (needs root, unshare -m, libnss-sss)"
	exit 0
fi
[ -n "${BENCH_NO_BPF:-}" ] || pag bpf load > /dev/null 2>&1 ||
	echo "pagd_flood: no BPF programs (fence passes find no maps)"
pagd_setup
sed -i 's/^log_level = .*/log_level = info/' "$PAGD_CONF"
pagd_start || exit 1
A=$(pag_on_pagd sockets acme.example)
PAGD_PID=$pagd_pid in_sockdir "$A" "$PAGD_BUILD/tests/bench/clients/pagd_flood_bench" \
	asmith "${BENCH_SECONDS:-3}" "${BENCH_FLOODERS:-4}" 65534
rc=$?
echo "pagd: $(grep -c 'events were lost: checking' "$PAGD_TMP/log") resyncs after lost events"
pagd_stop
pag bpf unload --purge > /dev/null 2>&1
exit $rc
