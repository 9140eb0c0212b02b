#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd keeping BENCH_CREDS (1,000; 100 under qemu's software emulation,
# where an exec costs half a second) PAGs in short-lived tickets against the
# KDC fixture, side by side with k5start (kstart) keeping the same
# principals in tickets its own way, one daemon each, in the same run.
#
# Every principal pNNNN has its own keytab; tickets live BENCH_LIFE seconds
# (120 up to 100 principals, 600 above: under emulation, a thousand
# k5start daemons waking every minute starve the KDC, and some never get
# their first ticket).  pagd renews the TGT at cred_renew_percent = 50;
# k5start -K LIFE/120 wakes every LIFE/2 and, as a ticket then expires
# before its next wake-up plus two minutes, gets a new one from the keytab:
# both sides renew every principal at half its ticket's life.  Each side is
# measured from its first bind (launch) to BENCH_WINDOW (LIFE/2 + 15)
# seconds after its last first ticket, long enough for every principal to
# be renewed once:
#   - wall time until every principal has its first ticket (pagd: 8
#     workers; k5start: launched 8 at a time, each returns once it has it);
#   - CPU: pagd with its workers, reaped or alive (utime+stime+cutime+cstime);
#     k5start: its launching processes plus every daemon; each split into
#     until the first tickets and the renewals after;
#   - memory: the peak of pagd's RSS plus its workers' (sampled every
#     second), and of their PSS; k5start: the sum of its daemons' RSS
#     and PSS (shared pages counted once) at the end;
#   - the KDC's log, the arbiter for both: every principal got a second
#     ticket, each before the one it replaced expired, and still holds a
#     valid one at the end;
#   - the KDC's CPU for each side.
# Printed as ratios pagd/k5start.  Exits 1 when some principal was not
# renewed in time (a correctness failure, not a timing one).

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"

# Under qemu's software emulation (tools/vmtest) an exec costs about half
# a second and a ticket a few: 1,000 would take an hour, so 100 there.
if grep -q 'QEMU TCG' /proc/cpuinfo; then
	n=${BENCH_CREDS:-100}
	[ -n "${BENCH_CREDS:-}" ] || why=" (qemu TCG: 100, not 1000; BENCH_CREDS=1000 forces it)"
else
	n=${BENCH_CREDS:-1000}
fi
life=${BENCH_LIFE:-$((n > 100 ? 600 : 120))}
window=${BENCH_WINDOW:-$((life / 2 + 15))}
wake=$(((life + 119) / 120))
par=8
bench=$PAGD_BUILD/tests/bench/clients/pagd_creds_bench
if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] ||
	! command -v k5start > /dev/null || ! command -v krb5kdc > /dev/null; then
	echo "pagd_creds: skipped (needs root, pag.ko loaded, krb5-kdc, kstart)"
	exit 0
fi

pagd_setup
kdir=$PAGD_TMP/kdc
keys=$PAGD_TMP/keys
k5=$PAGD_TMP/k5start
holder=
cleanup()
{
	[ -z "$holder" ] || kill "$holder" 2> /dev/null
	for f in "$k5"/pid/*; do
		[ -e "$f" ] && kill "$(cat "$f")" 2> /dev/null
	done
	"$lib/kdc" stop "$kdir" 2> /dev/null
	pagd_cleanup
}
trap cleanup EXIT

# ticks PID: CPU of PID and its reaped children, in clock ticks
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
# sample_pagd_mem: keep the peaks of RSS and PSS of pagd with its workers
p_hwm=0 p_pss=0 p_nw=0
sample_pagd_mem()
{
	local w=() r p
	mapfile -t w < <(pgrep -P "$pagd_pid")
	read -r r p < <(cd /proc && awk '/^Rss:/ { r += $2 } /^Pss:/ { p += $2 }
		END { print r + 0, p + 0 }' "$pagd_pid/smaps_rollup" "${w[@]/%//smaps_rollup}" 2> /dev/null)
	[ "${r:-0}" -le "$p_hwm" ] || p_hwm=$r
	[ "${p:-0}" -le "$p_pss" ] || p_pss=$p
	[ "${#w[@]}" -le "$p_nw" ] || p_nw=${#w[@]}
}
# pagd_ticks: pagd's, with its workers, reaped or still serving
pagd_ticks()
{
	local w t
	t=$(ticks "$pagd_pid")
	for w in $(pgrep -P "$pagd_pid"); do
		t=$((t + $(ticks "$w" 2> /dev/null || echo 0)))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)
# elapsed T0 [T1]: seconds from T0 to T1 (default: now), 1 decimal
elapsed() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.1f", b - a }'; }
# div A B [FORMAT]
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "-" }'; }
# sleep_until T: sleep until $EPOCHREALTIME reaches T
sleep_until() { sleep "$(awk -v t="$1" -v n="$EPOCHREALTIME" 'BEGIN { d = t - n; print (d > 0 ? d : 0) }')"; }

ms() { div "$(($1 * 1000))" "$hz" %.0f; }
# line WHO FIRST-TICKETS CPU-TICKS TICKETS MEMORY-KB MEMORY-NOTE KDC-TICKS
line()
{
	printf '%-8s %5s creds  first tickets in %6s s  CPU %7s ms (%s ms/ticket)  memory %7s kB (%s)  KDC CPU %6s ms\n' \
		"$1" "$n" "$2" "$(ms "$3")" "$(div "$(ms "$3")" "$4")" "$5" "$6" "$(ms "$7")"
}

# --- the realm: n principals, one keytab each, one kadmin.local --------
t=$EPOCHREALTIME
"$lib/kdc" start "$kdir" --maxlife "${life}s" --maxrenew 1h > /dev/null || exit 1
. "$kdir/env"
kdcpid=$(cat "$kdir/krb5kdc.pid")
mkdir -m 700 "$keys" "$k5" "$k5/cc" "$k5/pid"
for i in $(seq -f %04g "$n"); do
	echo "addprinc -randkey -maxlife ${life}s -maxrenewlife 1h p$i"
	echo "ktadd -k $keys/p$i.kt -norandkey p$i"
done | kadmin.local > "$PAGD_TMP/kadmin.log" 2>&1
made=$(ls "$keys" | wc -l)
[ "$made" = "$n" ] || { echo "pagd_creds: only $made of $n keytabs made"; exit 1; }
echo "# pagd_creds: $n principals${why:-} with a keytab each, tickets of $life s (setup $(elapsed "$t") s)"

# kdc_check FIRST LAST END: from the KDC log's lines FIRST..LAST, for the
# side that ended at realtime END: "AS TGS renewed intime valid", the
# principals that got a second ticket, those whose every ticket was
# replaced before it expired, those holding a valid one at END.
kdc_check()
{
	sed -n "$1,$2p" "$kdir/kdc.log" | awk -v life="$life" -v end="$(date -d "@${3%.*}" +%T)" '
	function sec(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
	/ISSUE: / && $(NF - 1) == "for" && $NF ~ /^krbtgt\// {
		t = sec($3)
		if (t < last_t - 43200) day += 86400	# midnight passed
		last_t = t
		t += day
		if ($6 == "AS_REQ") as++; else tgs++
		p = $(NF - 2)
		if (p in prev) {
			n[p]++
			if (t - prev[p] >= life) late[p] = 1
		}
		prev[p] = t
	}
	END {
		e = sec(end)
		if (e < last_t - 43200) e += 86400
		e += day
		for (p in prev) {
			if (n[p] >= 1) renewed++
			if (n[p] >= 1 && !(p in late)) intime++
			if (prev[p] + life > e) valid++
		}
		printf "%d %d %d %d %d\n", as, tgs, renewed, intime, valid
	}'
}

# --- pagd --------------------------------------------------------------
"$bench" hold "$n" > "$PAGD_TMP/pags" &
holder=$!
for _ in $(seq 600); do
	[ "$(wc -l < "$PAGD_TMP/pags")" = "$n" ] && break
	kill -0 "$holder" 2> /dev/null || break
	sleep 0.2
done
[ "$(wc -l < "$PAGD_TMP/pags")" = "$n" ] || { echo "pagd_creds: cannot create $n PAGs"; exit 1; }
sed -i "s/^\[pagd\]\$/&\ncred_retry_min = 1\ncred_retry_max = 10\ncred_renew_percent = 50\ncred_workers = $par/" "$PAGD_CONF"
sed -i 's/^log_level = .*/log_level = info/' "$PAGD_CONF"
# one profile per principal: a profile has one keytab, and each has its own
for i in $(seq -f %04g "$n"); do
	printf '\n[profile/p%s]\ndomains = acme.example\nprincipals = p%s@%s\nkeytab = %s/p%s.kt\n' \
		"$i" "$i" "$KDC_REALM" "$keys" "$i"
done >> "$PAGD_CONF"
pagd_start || exit 1
bus="unix:path=$PAGD_RUN/private/bus"

first=$(($(wc -l < "$kdir/kdc.log") + 1))
cpu0=$(pagd_ticks)
kdc0=$(ticks "$kdcpid")
t0=$EPOCHREALTIME
"$bench" bind "$bus" "$PAGD_TMP/pags" "$KDC_REALM" || exit 1
tbind=$(elapsed "$t0")
acquired() { grep -o 'PAG [0-9]*: credentials for [^ ]* acquired' "$PAGD_TMP/log" | sort -u | wc -l; }
for _ in $(seq 1200); do
	[ "$(acquired)" -ge "$n" ] && break
	sample_pagd_mem
	sleep 0.5
done
ta=$EPOCHREALTIME
p_cpu_first=$(($(pagd_ticks) - cpu0))
p_acq=$(elapsed "$t0" "$ta")
[ "$(acquired)" -ge "$n" ] || { echo "pagd_creds: pagd acquired only $(acquired) of $n"; exit 1; }
echo "# pagd: $n bound in $tbind s, all with tickets after $p_acq s; $window s more for renewals"
tw=$(awk -v t="$ta" -v w="$window" 'BEGIN { printf "%.3f", t + w }')
while awk -v t="$tw" -v n="$EPOCHREALTIME" 'BEGIN { exit !(n + 1 < t) }'; do
	sample_pagd_mem
	sleep 1
done
sleep_until "$tw"
tend=$EPOCHREALTIME
p_cpu=$(($(pagd_ticks) - cpu0))
p_kdc=$(($(ticks "$kdcpid") - kdc0))
sample_pagd_mem
p_wall=$(elapsed "$t0" "$tend")
read -r p_as p_tgs p_ren p_intime p_valid <<< "$(kdc_check "$first" '$' "$tend")"
p_states=$("$bench" check "$bus" "$PAGD_TMP/pags" | awk '$2 > 0 { printf "%s%s %s", s, $1, $2; s = ", " }')
p_fail=$(grep -c 'PAG [0-9]*: .*(attempt ' "$PAGD_TMP/log")
pagd_stop
kill "$holder"
wait "$holder" 2> /dev/null
holder=
echo "# window: from the first bind/launch to $window s after the last first ticket"
line pagd "$p_acq" "$p_cpu" "$((p_as + p_tgs))" "$p_hwm" "peak RSS with up to $p_nw workers; PSS $p_pss kB" "$p_kdc"
echo "# pagd:    CPU until the first tickets $(ms "$p_cpu_first") ms, for the $p_tgs renewals after $(ms "$((p_cpu - p_cpu_first))") ms"
echo "# pagd:    ran ${p_wall} s; KDC issued $p_as AS + $p_tgs TGS (renewals); renewed $p_ren/$n, all before expiry $p_intime/$n, valid at the end $p_valid/$n; states: $p_states; failed attempts $p_fail; bind calls took $tbind s"

# --- k5start -----------------------------------------------------------
first=$(($(wc -l < "$kdir/kdc.log") + 1))
kdc0=$(ticks "$kdcpid")
t0=$EPOCHREALTIME
# Each k5start returns once it has its first ticket and runs on as a
# daemon; "times" reports what the launchers (reaped) used.
k_launch=$( (
	seq -f %04g "$n" | xargs -P "$par" -I{} k5start -b -q -K "$wake" \
		-f "$keys/p{}.kt" -k "FILE:$k5/cc/p{}" -p "$k5/pid/p{}" p{}
	times
) | awk -v hz="$hz" 'NR == 2 {
	for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] }
	printf "%d", s * hz + 0.5 }')
ta=$EPOCHREALTIME
k_acq=$(elapsed "$t0" "$ta")
for _ in $(seq 100); do
	[ "$(ls "$k5/pid" | wc -l)" = "$n" ] && break
	sleep 0.1
done
k_pids=()
for f in "$k5"/pid/*; do k_pids+=("$(cat "$f")"); done
[ "${#k_pids[@]}" = "$n" ] || { echo "pagd_creds: only ${#k_pids[@]} of $n k5start daemons"; exit 1; }
echo "# k5start: $n started, all with tickets after $k_acq s; $window s more for renewals"
sleep_until "$(awk -v t="$ta" -v w="$window" 'BEGIN { printf "%.3f", t + w }')"
tend=$EPOCHREALTIME
k_daemons=$(cd /proc && awk '{ s += $14 + $15 + $16 + $17 } END { print s }' "${k_pids[@]/%//stat}")
k_cpu=$((k_launch + k_daemons))
k_kdc=$(($(ticks "$kdcpid") - kdc0))
read -r k_rss k_pss <<< "$(cd /proc && awk '/^Rss:/ { r += $2 } /^Pss:/ { p += $2 } END { print r, p }' "${k_pids[@]/%//smaps_rollup}")"
k_wall=$(elapsed "$t0" "$tend")
read -r k_as k_tgs k_ren k_intime k_valid <<< "$(kdc_check "$first" '$' "$tend")"
k_alive=$(cd /proc && ls -d "${k_pids[@]}" 2> /dev/null | wc -l)
kill "${k_pids[@]}" 2> /dev/null
rm -f "$k5"/pid/*
line k5start "$k_acq" "$k_cpu" "$((k_as + k_tgs))" "$k_rss" "sum of RSS; PSS $k_pss kB" "$k_kdc"
echo "# k5start: CPU until the first tickets $(ms "$k_launch") ms, for the $((k_as - n)) renewals after $(ms "$k_daemons") ms"
echo "# k5start: ran ${k_wall} s; KDC issued $k_as AS + $k_tgs TGS; renewed $k_ren/$n, all before expiry $k_intime/$n, valid at the end $k_valid/$n; daemons alive $k_alive/$n; launchers' CPU $(ms "$k_launch") ms"

# --- ratios ------------------------------------------------------------
printf 'ratio pagd/k5start: first tickets %s  CPU %s  CPU per ticket %s (per renewal %s)  memory %s (PSS %s)  KDC CPU %s\n' \
	"$(div "$p_acq" "$k_acq")" "$(div "$p_cpu" "$k_cpu" %.3f)" \
	"$(div "$(div "$p_cpu" "$((p_as + p_tgs))" %.6f)" "$(div "$k_cpu" "$((k_as + k_tgs))" %.6f)" %.3f)" \
	"$(div "$(div "$((p_cpu - p_cpu_first))" "$p_tgs" %.6f)" "$(div "$k_daemons" "$((k_as - n))" %.6f)" %.3f)" \
	"$(div "$p_hwm" "$k_rss" %.4f)" "$(div "$p_pss" "$k_pss" %.4f)" "$(div "$p_kdc" "$k_kdc")"
ok=1
for v in "$p_ren" "$p_intime" "$p_valid" "$k_ren" "$k_intime" "$k_valid" "$k_alive"; do
	[ "$v" = "$n" ] || ok=0
done
if [ "$ok" = 0 ]; then
	echo "pagd_creds: FAILED: not every principal was renewed before expiry on both sides"
	exit 1
fi
