#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's credential bindings against a real KDC (tests/lib/kdc) and pag.ko:
# a PAG bound before its first process finds a TGT in KEYRING:session:pagd;
# pag-launch waits for it; a stopped KDC gives
# "failing" with back-off and a restarted one recovery; bad keytabs are
# refused at bind time with a precise message; other PAGs see nothing; a
# kill -9 of pagd loses neither the binding nor its schedule.

. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
build=${BUILD:-$top/build}
export PATH=$build/bin:$PATH
kdc=$top/tests/lib/kdc
cc=KEYRING:session:pagd

plan 15

pagd_setup
kdir=$PAGD_TMP/kdc
keys=$PAGD_TMP/keys
mkdir -m 700 "$keys"
cleanup() { "$kdc" stop "$kdir" 2>/dev/null; pagd_cleanup; }
trap cleanup EXIT
"$kdc" start "$kdir" --maxlife 20s --maxrenew 10m > /dev/null
. "$kdir/env"
"$kdc" addprinc "$kdir" alice --keytab "$keys/alice.kt" --maxlife 20s --maxrenew 10m
"$kdc" addprinc "$kdir" bob --keytab "$keys/bob.kt" --maxlife 20s --maxrenew 10m
sed -i 's/^\[pagd\]$/&\ncred_retry_min = 1\ncred_retry_max = 2/' "$PAGD_CONF"
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"

# field PAG N: the Nth field of "pagdctl creds" (1 principal, 2 state,
# 3 ccache, 4 expires, 5 next_attempt, 6 failing_since, 7 message)
field() { pagdctl creds "$1" 2>/dev/null | tr '\t' ' ' | cut -d' ' -f"$2"-$(($2 == 7 ? 99 : $2)); }
# wait_state PAG STATE [SECONDS]
wait_state()
{
	local i
	for i in $(seq $((${3:-10} * 4))); do
		[ "$(field "$1" 2)" = "$2" ] && return 0
		sleep 0.25
	done
	return 1
}

# A PAG whose first process waits for "go" before looking for tickets.
pagsh -c "pag id > $PAGD_TMP/pag1; while [ ! -e $PAGD_TMP/go ]; do sleep 0.1; done
	klist -c $cc > $PAGD_TMP/klist1 2>&1; exec sleep 300" &
holder=$!
for _ in $(seq 50); do [ -s "$PAGD_TMP/pag1" ] && break; sleep 0.1; done
pag1=$(cat "$PAGD_TMP/pag1")

# --- refusals at bind time ---------------------------------------------
out=$(pagdctl creds-bind "$pag1" alice "$keys/none.kt" 2>&1)
check_eq "missing keytab: exact error" \
	"pag: BindCredentials: cannot read keytab $keys/none.kt: No such file or directory" "$out"
out=$(pagdctl creds-bind "$pag1" carol "$keys/alice.kt" 2>&1)
check_eq "principal not in the keytab: exact error" \
	"pag: BindCredentials: keytab $keys/alice.kt has no key for carol@TEST.PAG" "$out"
out=$(pagdctl creds "$pag1" 2>&1)
check_eq "...and nothing was bound" \
	"pag: GetCredentials: PAG $pag1 has no credential binding" "$out"

# --- bound before the first process looks --------------------------------
pagdctl creds-bind "$pag1" alice "$keys/alice.kt" > /dev/null
check "state ok" wait_state "$pag1" ok
check_eq "ccache reported" "$cc" "$(field "$pag1" 3)"
touch "$PAGD_TMP/go"
for _ in $(seq 50); do [ -s "$PAGD_TMP/klist1" ] && break; sleep 0.1; done
check "klist inside the PAG shows alice" \
	grep -q "Default principal: alice@TEST.PAG" "$PAGD_TMP/klist1"

# --- isolation ---------------------------------------------------------
out=$(pag-launch --address "$bus" -- sh -c "klist -s -c $cc && echo visible || echo invisible")
check_eq "another PAG sees no tickets" "invisible" "$out"
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups cat "$keys/alice.kt" 2>&1 >/dev/null | sed 's/.*: //')
check_eq "a user cannot read the keytab" "Permission denied" "$out"

# --- pag-launch waits for the credentials --------------------------------
out=$(pag-launch --address "$bus" -p bob -k "$keys/bob.kt" -- sh -c 'echo $KRB5CCNAME; klist' 2>&1)
check "pag-launch: the command sees bob's tickets" \
	sh -c "echo '$out' | grep -q 'Default principal: bob@TEST.PAG'"
check_eq "pag-launch exports KRB5CCNAME" "$cc" "$(head -1 <<<"$out")"

# --- kill -9 + restart -------------------------------------
exp1=$(field "$pag1" 4)
pagd_kill9
pagd_start || { echo "Bail out! pagd did not restart"; exit 1; }
check "after kill -9 + restart: binding back, state ok" wait_state "$pag1" ok 5
check_eq "...the tickets in the PAG were kept" "$exp1" "$(field "$pag1" 4)"

# --- the KDC goes away and comes back ------------------------------------
"$kdc" stop "$kdir"
pagsh -c "pag id > $PAGD_TMP/pag2; exec sleep 300" &
holder2=$!
for _ in $(seq 50); do [ -s "$PAGD_TMP/pag2" ] && break; sleep 0.1; done
pag2=$(cat "$PAGD_TMP/pag2")
pagdctl creds-bind "$pag2" alice "$keys/alice.kt" > /dev/null
wait_state "$pag2" failing 10
check_eq "KDC down: failing, with the reason" \
	"failing cannot get credentials for alice@TEST.PAG: Cannot contact any KDC for realm 'TEST.PAG'" \
	"$(field "$pag2" 2) $(field "$pag2" 7)"
check "...failing_since and next_attempt set" \
	test "$(field "$pag2" 6)" -gt 0 -a "$(field "$pag2" 5)" -gt "$(field "$pag2" 6)"
"$kdc" start "$kdir" --maxlife 20s --maxrenew 10m > /dev/null
check "KDC back: recovery without restarting pagd" wait_state "$pag2" ok 10

kill "$holder" "$holder2" 2>/dev/null
pagd_stop
done_testing
