#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klist and kvno (of a cached service ticket) through pagd's KCM socket
# (KRB5CCNAME=KCM:) against MIT krb5's KEYRING:session:pagd and against
# SSSD's sssd-kcm, on the same tickets, in one PAG, in the same run;
# in-process (tests/bench/clients/kcm_bench.c), so that exec, which costs
# far more under qemu, is not measured.  Prints microseconds per operation
# and the ratios KCM/KEYRING (target: at most 2) and KCM/sssd-kcm (target:
# at most 0.5), and the floor of any KCM server: a round trip over a unix
# socket between two processes, with each KCM figure in round trips (a
# klist is a connection and four requests).
#
# sssd-kcm runs as its systemd units would start it (sssd --genconf-section
# =kcm, then sssd_kcm on a socket handed over by socket activation), with
# systemd-socket-activate in place of systemd, which is not the VM's init;
# in a mount namespace of its own with a private /etc/sssd, /var/lib/sss
# (its ccache database) and /var/log/sssd.  Its clients reach it through
# kcm_socket in a krb5.conf of their own.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
bench=$PAGD_BUILD/tests/bench/clients/kcm_bench
rounds=${BENCH_ROUNDS:-9}
n=${BENCH_KCM_OPS:-50}
sssd_kcm=/usr/libexec/sssd/sssd_kcm
if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] || ! command -v krb5kdc > /dev/null ||
	[ ! -x "$sssd_kcm" ] || ! command -v systemd-socket-activate > /dev/null; then
	echo "pagd_kcm: skipped (needs root, pag.ko loaded, krb5-kdc, sssd-kcm, systemd)"
	exit 0
fi
"$PAG_BIN" bpf load > /dev/null || { echo "pagd_kcm: skipped (pag bpf load failed)"; exit 0; }

pagd_setup
kdir=$PAGD_TMP/kdc
cleanup()
{
	[ -z "${sssd_pid:-}" ] || { kill "$sssd_pid"; wait "$sssd_pid"; } 2> /dev/null
	"$lib/kdc" stop "$kdir" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$lib/kdc" start "$kdir" --maxlife 1h > /dev/null
. "$kdir/env"
"$lib/kdc" addprinc "$kdir" alice --keytab "$PAGD_TMP/alice.kt"
"$lib/kdc" addprinc "$kdir" svc1
printf '\n[profile/alice]\ndomains = acme.example\nprincipals = alice@TEST.PAG\nkeytab = %s/alice.kt\n' \
	"$PAGD_TMP" >> "$PAGD_CONF"
printf '[libdefaults]\n\tkcm_socket = %s/pipes/kcm\n' "$PAGD_RUN" > "$PAGD_TMP/kcm.conf"
export KRB5_CONFIG=$PAGD_TMP/kcm.conf:$KRB5_CONFIG
# BENCH_KCM_DEBUG=1: pagd logs each request's times, printed at the end
[ -z "${BENCH_KCM_DEBUG:-}" ] || sed -i 's/^log_level = .*/log_level = debug/' "$PAGD_CONF"
pagd_start || exit 1

# --- sssd-kcm, socket-activated, private state ---
sdir=$PAGD_TMP/sssd
mkdir -p "$sdir/etc"
printf '[sssd]\nservices = kcm\n\n[kcm]\nsocket_path = %s/kcm\n' "$sdir" > "$sdir/etc/sssd.conf"
chmod 600 "$sdir/etc/sssd.conf"
unshare -m bash -c '
	sdir=$1
	mount --bind "$sdir/etc" /etc/sssd &&
		mount -t tmpfs tmpfs /var/lib/sss || exit 1
	mount -t tmpfs tmpfs /var/log/sssd 2> /dev/null
	mkdir -p /var/lib/sss/db /var/lib/sss/secrets /var/lib/sss/pipes/private
	sssd --genconf-section=kcm --logger=stderr 2> "$sdir/genconf.log" ||
		{ cat "$sdir/genconf.log"; exit 1; }
	exec systemd-socket-activate -l "$sdir/kcm" "$2" --uid 0 --gid 0 \
		--logger=stderr 2> "$sdir/log"' sh "$sdir" "$sssd_kcm" &
sssd_pid=$!
for _ in $(seq 100); do [ -S "$sdir/kcm" ] && break; sleep 0.1; done
[ -S "$sdir/kcm" ] || { echo "pagd_kcm: sssd-kcm did not start"; cat "$sdir/log"; exit 1; }
printf '[libdefaults]\n\tkcm_socket = %s/kcm\n' "$sdir" > "$PAGD_TMP/sssd.conf"
sssd_env="KRB5_CONFIG=$PAGD_TMP/sssd.conf:${KRB5_CONFIG#*:}"

# cmd_us CCACHE N CMD...: microseconds per run of CMD with KRB5CCNAME=CCACHE
cat > "$PAGD_TMP/cmd_us" <<'SH'
cc=$1 n=$2
shift 2
s=$(date +%s%N)
for _ in $(seq "$n"); do KRB5CCNAME=$cc "$@" > /dev/null 2>&1; done
echo $((($(date +%s%N) - s) / 1000 / n))
SH
cmds=${BENCH_KCM_CMDS:-20}
# The PAG waits for its binding's tickets, adds a service ticket, copies
# them all into sssd-kcm, measures.
"$PAGD_BUILD/bin/pagsh" -c "pag id > $PAGD_TMP/id
	while ! klist -s -c KEYRING:session:pagd; do sleep 0.1; done
	kvno -c KEYRING:session:pagd svc1@TEST.PAG > /dev/null
	env $sssd_env $bench --copy KEYRING:session:pagd KCM || exit 1
	$bench KEYRING:session:pagd svc1@TEST.PAG $rounds $n > $PAGD_TMP/keyring
	$bench KCM: svc1@TEST.PAG $rounds $n > $PAGD_TMP/kcm
	env $sssd_env $bench KCM: svc1@TEST.PAG $rounds $n > $PAGD_TMP/sssd.out
	$bench --round-trip $rounds $n > $PAGD_TMP/floor
	for cc in KEYRING:session:pagd KCM: sssd; do
		case \$cc in
		KCM:) f=$PAGD_TMP/kcm e= ;;
		sssd) f=$PAGD_TMP/sssd.out e='$sssd_env' cc=KCM: ;;
		*) f=$PAGD_TMP/keyring e= ;;
		esac
		echo klist_cmd_us \$(env \$e sh $PAGD_TMP/cmd_us \$cc $cmds klist) >> \$f
		echo kvno_cmd_us \$(env \$e sh $PAGD_TMP/cmd_us \$cc $cmds kvno svc1@TEST.PAG) >> \$f
	done" &
holder=$!
for _ in $(seq 100); do [ -s "$PAGD_TMP/id" ] && break; sleep 0.1; done
pag_on_pagd creds bind "$(cat "$PAGD_TMP/id")" alice@TEST.PAG > /dev/null
wait "$holder" || { echo "pagd_kcm: the measuring PAG failed"; cat "$sdir/log"; exit 1; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-26s %10s %10s %6s %5s %10s %6s %5s\n' measure "KCM (us)" KEYRING ratio target \
	sssd-kcm ratio target
for op in klist kvno klist_cmd kvno_cmd; do
	k=$(val ${op}_us "$PAGD_TMP/kcm")
	r=$(val ${op}_us "$PAGD_TMP/keyring")
	sk=$(val ${op}_us "$PAGD_TMP/sssd.out")
	[ -n "$k" ] && [ -n "$r" ] && [ -n "$sk" ] || { echo "pagd_kcm: no figures"; exit 1; }
	case $op in
	*_cmd) what="${op%_cmd} command, per run" ;;
	*) what="$op in-process, per call" ;;
	esac
	printf '%-26s %10s %10s %6s %5s %10s %6s %5s\n' "$what" "$k" "$r" "$(ratio "$k" "$r")" \
		"<= 2" "$sk" "$(ratio "$k" "$sk")" "<= .5"
done
# The floor: what one request costs any KCM server on this machine.
rt=$(val round_trip_us "$PAGD_TMP/floor")
printf '%-26s %10s\n' "process round trip (floor)" "$rt"
for op in klist kvno; do
	printf '%-26s %10s %10s %6s %5s %10s\n' "$op, in round trips" \
		"$(ratio "$(val ${op}_us "$PAGD_TMP/kcm")" "$rt")" "" "" "" \
		"$(ratio "$(val ${op}_us "$PAGD_TMP/sssd.out")" "$rt")"
done
[ -z "${BENCH_KCM_DEBUG:-}" ] || grep 'KCM' "$PAGD_TMP/log" | tail -n 40
