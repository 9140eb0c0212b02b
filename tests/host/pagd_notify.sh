#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's side of Type=notify and WatchdogSec=, against a stand-in for
# systemd's notification socket: READY=1 once it serves, WATCHDOG=1 pings
# while the loop turns (sd_event_set_watchdog()), RELOADING=1 and READY=1
# around SIGHUP, STOPPING=1 on SIGTERM.  And pagd is not dumpable: SIGABRT
# leaves no core.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 6

pagd_setup

# The notification socket: notify_recv prints every datagram, in order;
# the script drives pagd through the signals as each step shows there.
# Waits are bounded (60 s) but nothing is timed.
"$PAGD_BUILD/tests/lib/notify_recv" "$PAGD_TMP/notify" >"$PAGD_TMP/msgs" &
recv_pid=$!
for _ in $(seq 200); do [ -S "$PAGD_TMP/notify" ] && break; sleep 0.05; done
# WATCHDOG_PID must be pagd's own pid: the shell execs pagd in place
NOTIFY_SOCKET=$PAGD_TMP/notify WATCHDOG_USEC=400000 \
	sh -c 'WATCHDOG_PID=$$ exec "$0" -c "$1"' "$PAGD_BIN" "$PAGD_CONF" \
	2>/dev/null &
pagd_pid=$!

# wait_for LINE N: until notify_recv has printed LINE N times (60 s at most)
wait_for()
{
	for _ in $(seq 1200); do
		[ "$(grep -cx "$1" "$PAGD_TMP/msgs")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "error: no $1 (#$2)" >>"$PAGD_TMP/msgs"
	return 1
}

wait_for READY=1 1 && wait_for WATCHDOG=1 2 &&
	kill -HUP "$pagd_pid" && wait_for RELOADING=1 1 &&
	wait_for READY=1 2 && kill -TERM "$pagd_pid" && wait_for STOPPING=1 1
for _ in $(seq 1200); do
	kill -0 "$pagd_pid" 2>/dev/null || break
	sleep 0.05
done
kill -9 "$pagd_pid" 2>/dev/null
wait "$pagd_pid"
rc=$?
pagd_pid=
kill "$recv_pid"
wait "$recv_pid"
# pings are squeezed: their count depends on the machine's speed
{
	grep -E '^(READY|WATCHDOG|RELOADING|STOPPING)=|^error' "$PAGD_TMP/msgs" |
		awk '!($0 == "WATCHDOG=1" && $0 == last) { print } { last = $0 }' |
		paste -sd' '
	echo "rc=$rc"
} >"$PAGD_TMP/out"
sed 's/^/# /' "$PAGD_TMP/out"
seq=$(sed -n 1p "$PAGD_TMP/out")
# (enabling the watchdog pings once at once, before READY=1 may come)
check "READY=1 once serving, then watchdog pings" \
	grep -q "READY=1 WATCHDOG=1 RELOADING=1" <<<"$seq"
check "SIGHUP: RELOADING=1 then READY=1" \
	grep -q "WATCHDOG=1 RELOADING=1 READY=1" <<<"$seq"
check "SIGTERM: STOPPING=1" grep -q "STOPPING=1$" <<<"$seq"
check_eq "pagd exits 0 after SIGTERM" "rc=0" "$(sed -n 2p "$PAGD_TMP/out")"

# Not dumpable: killed with SIGABRT (what systemd's watchdog sends), with
# core dumps allowed and this host's core_pattern writing them to the
# working directory, it leaves none.
pattern=$(cat /proc/sys/kernel/core_pattern)
if [ "${pattern:0:1}" = "|" ] || [ "${pattern:0:1}" = / ]; then
	skip "SIGABRT kills pagd" "core_pattern '$pattern' is not in the working directory"
	skip "...without a core dump" "core_pattern '$pattern' is not in the working directory"
	done_testing
	exit
fi
mkdir "$PAGD_TMP/cwd"
rm -f "$PAGD_RUN/private/bus"
(cd "$PAGD_TMP/cwd" && ulimit -c unlimited && exec "$PAGD_BIN" -c "$PAGD_CONF") \
	2>>"$PAGD_TMP/log" &
pagd_pid=$!
for _ in $(seq 200); do
	[ -S "$PAGD_RUN/private/bus" ] && break
	kill -0 "$pagd_pid" 2>/dev/null || break
	sleep 0.05
done
kill -ABRT "$pagd_pid"
wait "$pagd_pid" 2>/dev/null
check_eq "SIGABRT kills pagd" 134 "$?"
pagd_pid=
check_eq "...without a core dump" "" "$(ls "$PAGD_TMP/cwd")"

done_testing
