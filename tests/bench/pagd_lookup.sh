#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Warm getpwnam through the stock libnss_sss -> pagd (a per-subset socket
# directory), both from pagd's memory cache (the default) and over the
# socket (the client told not to use the cache), against nss_files on the
# same machine in the same run, with one client and with BENCH_CLIENTS (2:
# one per core of the target) at once, and the CPU time per lookup in the
# clients and in pagd.  It needs nothing of the kernel, and the target
# (50,000 lookups/s on 2 cores) is the host's:
# bench-where: host

. "$(dirname "$0")/../lib/tap.sh"
# make bench passes the build directory as BUILD
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$(dirname "$0")/../lib/pagd.sh"

if ! pagd_can_unshare; then
	echo "pagd_lookup: skipped (needs root, unshare -m, libnss-sss)"
	exit 0
fi
pagd_setup
sed -i 's/^log_level = .*/log_level = warning/' "$PAGD_CONF"
pagd_start || exit 1
A=$(pag_on_pagd sockets acme.example)
# nss_files gets the same name from the same data: the domain's passwd
# file is /etc/passwd in the bench's mount namespace
PAGD_PID=$pagd_pid in_sockdir "$A" sh -c 'mount --bind "$0" /etc/passwd &&
	exec "$@"' "$PAGD_EXAMPLE/acme/passwd" \
	"$PAGD_BUILD/tests/bench/clients/pagd_nss_bench" asmith asmith \
	"${BENCH_SECONDS:-3}" "${BENCH_CLIENTS:-2}"
rc=$?
pagd_stop
exit $rc
