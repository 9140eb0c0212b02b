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

# The notification socket: python collects every datagram, in order, and
# drives pagd through the signals as each step is acknowledged.  Waits are
# bounded (60 s) but nothing is timed.
cat > "$PAGD_TMP/notify.py" <<'EOF'
import os, signal, socket, subprocess, sys, time

sock_path, pagd, conf, out = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
s.settimeout(60)
env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="400000")
# WATCHDOG_PID must be pagd's own pid: the shell execs pagd in place
p = subprocess.Popen(["sh", "-c", 'WATCHDOG_PID=$$ exec "$0" -c "$1"',
                      pagd, conf], env=env, stderr=subprocess.DEVNULL)
log = []

def wait_for(word):
    while True:
        msg = s.recv(4096).decode()
        for line in msg.split("\n"):
            if line.startswith(("READY=", "WATCHDOG=", "RELOADING=", "STOPPING=")):
                log.append(line)
        if word in msg.split("\n"):
            return

try:
    wait_for("READY=1")
    wait_for("WATCHDOG=1")
    wait_for("WATCHDOG=1")
    p.send_signal(signal.SIGHUP)
    wait_for("RELOADING=1")
    wait_for("READY=1")
    p.send_signal(signal.SIGTERM)
    wait_for("STOPPING=1")
    rc = p.wait(60)
except Exception as e:
    log.append("error: %r" % e)
    p.kill()
    rc = p.wait()
with open(out, "w") as f:
    # pings are squeezed: their count depends on the machine's speed
    seq = []
    for m in log:
        if not (m == "WATCHDOG=1" and seq and seq[-1] == m):
            seq.append(m)
    f.write(" ".join(seq) + "\nrc=%d\n" % rc)
EOF
python3 "$PAGD_TMP/notify.py" "$PAGD_TMP/notify" "$PAGD_BIN" "$PAGD_CONF" \
	"$PAGD_TMP/out"
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
