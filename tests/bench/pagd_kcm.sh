#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klist and kvno (of a cached service ticket) through pagd's KCM socket
# (KRB5CCNAME=KCM:) against MIT krb5's KEYRING:session:pagd on the same
# tickets, in one PAG, in the same run; in-process (tests/bench/clients/
# kcm_bench.c), so that exec, which costs far more under qemu, is not
# measured.  Prints microseconds per operation and the ratio KCM/KEYRING
# (target: at most 2), and the floor of any KCM server: a round trip over
# a unix socket between two processes, with each KCM figure in round trips
# (a klist is a connection and four requests).  SSSD's sssd-kcm is not
# measured here: it needs systemd's socket activation, which the test VM
# does not run.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
bench=$PAGD_BUILD/tests/bench/clients/kcm_bench
rounds=${BENCH_ROUNDS:-9}
n=${BENCH_KCM_OPS:-50}
if [ "$(id -u)" != 0 ] || [ ! -d /sys/module/pag ] || ! command -v krb5kdc > /dev/null; then
	echo "pagd_kcm: skipped (needs root, pag.ko loaded, krb5-kdc)"
	exit 0
fi
"$PAG_BIN" bpf load > /dev/null || { echo "pagd_kcm: skipped (pag bpf load failed)"; exit 0; }

pagd_setup
kdir=$PAGD_TMP/kdc
cleanup() { "$lib/kdc" stop "$kdir" 2>/dev/null; pagd_cleanup; }
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

# cmd_us CCACHE N CMD...: microseconds per run of CMD with KRB5CCNAME=CCACHE
cat > "$PAGD_TMP/cmd_us" <<'SH'
cc=$1 n=$2
shift 2
s=$(date +%s%N)
for _ in $(seq "$n"); do KRB5CCNAME=$cc "$@" > /dev/null 2>&1; done
echo $((($(date +%s%N) - s) / 1000 / n))
SH
cmds=${BENCH_KCM_CMDS:-20}
# The PAG waits for its binding's tickets, adds a service ticket, measures.
"$PAGD_BUILD/bin/pagsh" -c "pag id > $PAGD_TMP/id
	while ! klist -s -c KEYRING:session:pagd; do sleep 0.1; done
	kvno -c KEYRING:session:pagd svc1@TEST.PAG > /dev/null
	$bench KEYRING:session:pagd svc1@TEST.PAG $rounds $n > $PAGD_TMP/keyring
	$bench KCM: svc1@TEST.PAG $rounds $n > $PAGD_TMP/kcm
	$bench --round-trip $rounds $n > $PAGD_TMP/floor
	for cc in KEYRING:session:pagd KCM:; do
		f=$PAGD_TMP/kcm; [ \$cc = KCM: ] || f=$PAGD_TMP/keyring
		echo klist_cmd_us \$(sh $PAGD_TMP/cmd_us \$cc $cmds klist) >> \$f
		echo kvno_cmd_us \$(sh $PAGD_TMP/cmd_us \$cc $cmds kvno svc1@TEST.PAG) >> \$f
	done" &
holder=$!
for _ in $(seq 100); do [ -s "$PAGD_TMP/id" ] && break; sleep 0.1; done
pag_on_pagd creds bind "$(cat "$PAGD_TMP/id")" alice@TEST.PAG > /dev/null
wait "$holder"
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
printf '%-28s %10s %10s %7s %7s\n' measure "KCM (us)" "KEYRING" ratio target
for op in klist kvno klist_cmd kvno_cmd; do
	k=$(val ${op}_us "$PAGD_TMP/kcm")
	r=$(val ${op}_us "$PAGD_TMP/keyring")
	[ -n "$k" ] && [ -n "$r" ] || { echo "pagd_kcm: no figures"; exit 1; }
	case $op in
	*_cmd) what="${op%_cmd} command, per run" ;;
	*) what="$op in-process, per call" ;;
	esac
	printf '%-28s %10s %10s %7s %7s\n' "$what" "$k" "$r" \
		"$(awk -v a="$k" -v b="$r" 'BEGIN { printf "%.2f", a / b }')" "<= 2"
done
# The floor: what one request costs any KCM server on this machine.
rt=$(val round_trip_us "$PAGD_TMP/floor")
printf '%-28s %10s\n' "process round trip (floor)" "$rt"
for op in klist kvno; do
	printf '%-28s %10s\n' "$op through KCM, round trips" \
		"$(awk -v a="$(val ${op}_us "$PAGD_TMP/kcm")" -v b="$rt" 'BEGIN { printf "%.1f", a / b }')"
done
[ -z "${BENCH_KCM_DEBUG:-}" ] || grep 'KCM' "$PAGD_TMP/log" | tail -n 40
