#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's credential bindings against a real KDC (tests/lib/kdc) and pag.ko:
# a PAG bound before its first process finds a TGT in KEYRING:session:pagd;
# and a kafs token for the configured cell; pag-launch waits for them;
# tickets are renewed ahead of expiry (the TGT
# while it is renewable, from the keytab otherwise); a stopped KDC gives
# "failing" with back-off and a restarted one recovery; bad keytabs and
# principals no profile lists are refused at bind time with a precise
# message; other PAGs see nothing; a kill -9 of pagd loses neither the
# binding nor its schedule.  The keytabs are the profiles' of pagd.conf:
# no caller names one.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
kdc=$top/tests/lib/kdc
cc=KEYRING:session:pagd

plan 41

pagd_setup
kdir=$PAGD_TMP/kdc
keys=$PAGD_TMP/keys
mkdir -m 700 "$keys"
cleanup() { "$kdc" stop "$kdir" 2>/dev/null; pagd_cleanup; }
trap cleanup EXIT
"$kdc" start "$kdir" --maxlife 5m --maxrenew 10m > /dev/null
. "$kdir/env"
"$kdc" addprinc "$kdir" alice --keytab "$keys/alice.kt" --maxlife 20s --maxrenew 10m
"$kdc" addprinc "$kdir" bob --keytab "$keys/bob.kt" --maxlife 20s --maxrenew 10m
"$kdc" addprinc "$kdir" dave --keytab "$keys/dave.kt" --maxlife 5m --maxrenew 10m
"$kdc" addprinc "$kdir" carl --keytab "$keys/carl.kt" --maxlife 20s --maxrenew 0s
# Tickets live 20 s and are renewed after about 6.
# Every binding also gets a kafs token for the cell example.test.
"$kdc" addprinc "$kdir" afs/example.test
modprobe rxrpc
sed -i 's/^log_level = .*/log_level = debug/; s/^\[pagd\]$/&\ncred_retry_min = 1\ncred_retry_max = 2\ncred_renew_percent = 30\nafs_cells = example.test@TEST.PAG/' "$PAGD_CONF"
# a profile per principal, as each has a keytab of its own; carol's keytab
# has no key for her, mallory's does not exist
for p in alice bob dave carl carol:alice mallory:none; do
	printf '\n[profile/%s]\ndomains = acme.example\nprincipals = %s@TEST.PAG\nkeytab = %s/%s.kt\n' \
		"${p%:*}" "${p%:*}" "$keys" "${p#*:}"
done >> "$PAGD_CONF"
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"

# field PAG NAME: one member of "pag creds --json PAG" (times in seconds
# since the epoch, "null" for none)
field() { pag_on_pagd --json creds "$1" 2>/dev/null | jq -r ".$2"; }
# wait_state PAG STATE [SECONDS]
wait_state()
{
	local i
	for i in $(seq $((${3:-10} * 4))); do
		[ "$(field "$1" state)" = "$2" ] && return 0
		sleep 0.25
	done
	return 1
}

# wait_file FILE: until FILE is there and not empty (5 s at most)
wait_file() { for _ in $(seq 50); do [ -s "$1" ] && break; sleep 0.1; done; }
# hold_pag NAME: a PAG kept by a sleeping pagsh: its id in $NAME, the
# pagsh's pid in $holder
hold_pag()
{
	pagsh -c "pag id > $PAGD_TMP/$1; exec sleep 300" &
	holder=$!
	wait_file "$PAGD_TMP/$1"
	printf -v "$1" %s "$(cat "$PAGD_TMP/$1")"
}

# A PAG whose first process waits for "go" before looking for tickets.
pagsh -c "pag id > $PAGD_TMP/pag1; while [ ! -e $PAGD_TMP/go ]; do sleep 0.1; done
	klist -c $cc > $PAGD_TMP/klist1 2>&1
	keyctl show @s | grep -o 'rxrpc: afs@example.test' > $PAGD_TMP/token1
	while [ ! -e $PAGD_TMP/go2 ]; do sleep 0.1; done
	klist -c $cc > $PAGD_TMP/klist2 2>&1; exec sleep 300" &
holder1=$!
wait_file "$PAGD_TMP/pag1"
pag1=$(cat "$PAGD_TMP/pag1")

# --- refusals at bind time ---------------------------------------------
out=$(pag_on_pagd creds bind "$pag1" mallory@TEST.PAG 2>&1)
check_eq "missing keytab: exact error" \
	"pag: BindCredentials: cannot read keytab $keys/none.kt: No such file or directory" "$out"
out=$(pag_on_pagd creds bind "$pag1" carol@TEST.PAG 2>&1)
check_eq "principal not in the keytab: exact error" \
	"pag: BindCredentials: keytab $keys/alice.kt has no key for carol@TEST.PAG" "$out"
out=$(pag_on_pagd creds bind "$pag1" eve@TEST.PAG 2>&1)
check_eq "principal in no profile: exact error" \
	"pag: BindCredentials: principal 'eve@TEST.PAG' is in no profile" "$out"
out=$(pag_on_pagd creds "$pag1" 2>&1)
check_eq "...and nothing was bound" \
	"pag: GetCredentials: PAG $pag1 has no credential binding" "$out"

# --- bound before the first process looks --------------------------------
pag_on_pagd creds bind "$pag1" alice@TEST.PAG > /dev/null
check "state ok" wait_state "$pag1" ok
check_eq "ccache reported" "$cc" "$(field "$pag1" ccache)"
touch "$PAGD_TMP/go"
wait_file "$PAGD_TMP/klist1"
check "klist inside the PAG shows alice" \
	grep -q "Default principal: alice@TEST.PAG" "$PAGD_TMP/klist1"
check_eq "...and a kafs token for the configured cell" "rxrpc: afs@example.test" \
	"$(cat "$PAGD_TMP/token1")"

# --- renewal -------------------------------------------------------------
# wait_later PAG EXPIRY: wait until the PAG's tickets expire after EXPIRY
wait_later()
{
	local i e
	for i in $(seq 120); do
		e=$(field "$1" expires)
		[ -n "$e" ] && [ "$e" -gt "$2" ] && return 0
		sleep 0.25
	done
	return 1
}
exp0=$(field "$pag1" expires)
check "renewal: the tickets' expiry moves on before they expire" wait_later "$pag1" "$exp0"
check "...by renewing the TGT" grep -q "PAG $pag1: credentials for alice@TEST.PAG renewed" "$PAGD_TMP/log"
check_eq "...no failure on record" "null" "$(field "$pag1" failing_since)"
touch "$PAGD_TMP/go2"
wait_file "$PAGD_TMP/klist2"
check "klist inside the PAG after a renewal shows alice's TGT" \
	grep -q "krbtgt/TEST.PAG@TEST.PAG" "$PAGD_TMP/klist2"
# The keys the workers made in the PAG (krb5's collection, cache,
# principal, credential and primary-pointer keys, the kafs token) are the
# possessors' only: root outside the PAG, their owner, does not see them.
out=$(grep -E '_krb_|krb_ccache|__krb5|krbtgt|afs@example' /proc/keys)
check_eq "/proc/keys outside the PAG shows none of its Kerberos keys" "" "$out"

# --- the workers: short-lived, shared by a burst of attempts --------------
workers() { pgrep -P "$pagd_pid" | sort | paste -sd,; }
started() { grep -c 'credential worker [0-9]* started' "$PAGD_TMP/log"; }
s0=$(started)
holders=() burst=()
for i in 1 2 3 4; do
	pagsh -c "pag id > $PAGD_TMP/burst$i; exec sleep 300" &
	holders+=($!)
done
for i in 1 2 3 4; do
	wait_file "$PAGD_TMP/burst$i"
	burst+=("$(cat "$PAGD_TMP/burst$i")")
	pag_on_pagd creds bind "${burst[-1]}" alice@TEST.PAG > /dev/null
done
burst_ok() { local b; for b in "${burst[@]}"; do wait_state "$b" ok 10 || return 1; done; }
check "four bindings in a row all get tickets" burst_ok
check "...from fewer workers than attempts" test "$(($(started) - s0))" -lt 4
kill "${holders[@]}"
exp1=$(field "$pag1" expires)
wait_later "$pag1" "$exp1"
w0=$(workers)
[ -z "$w0" ] || kill -9 ${w0//,/ }
exp1=$(field "$pag1" expires)
check "a worker killed: the next attempt succeeds with a new one" wait_later "$pag1" "$exp1"
check_eq "...and the binding is ok" "ok null" "$(field "$pag1" state) $(field "$pag1" failing_since)"
exp1=$(field "$pag1" expires)
wait_later "$pag1" "$exp1"
w0=$(workers)
kill -HUP "$pagd_pid"
sleep 0.5
stale() { local w; for w in ${w0//,/ }; do [ ! -d "/proc/$w" ] || return 1; done; }
check "a reload retires the workers (krb5.conf is read again)" stale
hold_pag pag3
holder3=$holder
pag_on_pagd creds bind "$pag3" carl@TEST.PAG > /dev/null
wait_state "$pag3" ok 10
exp3=$(field "$pag3" expires)
wait_later "$pag3" "$exp3"
check "a ticket that is not renewable is replaced from the keytab" \
	test "$(grep -c "PAG $pag3: credentials for carl@TEST.PAG acquired" "$PAGD_TMP/log")" -ge 2
check "the log gives the expiry as a date (ISO 8601 with the UTC offset)" \
	grep -Eq "PAG $pag3: credentials for carl@TEST.PAG acquired, valid until [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}, " "$PAGD_TMP/log"

# --- the PAG ends: its binding and schedule go -----------------------------
kill "$holder3"; wait "$holder3" 2>/dev/null
unbound() { ! pag_on_pagd creds "$1" > /dev/null 2>&1; }
gone() { local i; for i in $(seq 40); do unbound "$1" && return 0; sleep 0.25; done; return 1; }
check "an ended PAG loses its credential binding" gone "$pag3"
check "...and pagd says so" grep -q "PAG $pag3 ended: credential binding for carl@TEST.PAG dropped" "$PAGD_TMP/log"

# --- isolation ---------------------------------------------------------
out=$(pag-launch --address "$bus" -- sh -c "klist -s -c $cc && echo visible || echo invisible")
check_eq "another PAG sees no tickets" "invisible" "$out"
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups cat "$keys/alice.kt" 2>&1 >/dev/null | sed 's/.*: //')
check_eq "a user cannot read the keytab" "Permission denied" "$out"

# --- pag-launch waits for the credentials --------------------------------
# within profile bob: its domain, and its principal from its keytab
out=$(pag-launch --address "$bus" --profile bob -- sh -c 'echo $KRB5CCNAME; klist' 2>&1)
check "pag-launch: the command sees bob's tickets" \
	sh -c "echo '$out' | grep -q 'Default principal: bob@TEST.PAG'"
check_eq "pag-launch exports KRB5CCNAME" "$cc" "$(head -1 <<<"$out")"

# --- kill -9 + restart -------------------------------------
# dave's tickets live 5 minutes: not due for renewal at the restart.
hold_pag pag4
holder4=$holder
pag_on_pagd creds bind "$pag4" dave@TEST.PAG > /dev/null
wait_state "$pag4" ok 10
exp4=$(field "$pag4" expires)
pagd_kill9
pagd_start || { echo "Bail out! pagd did not restart"; exit 1; }
both_ok() { wait_state "$pag4" ok 5 && wait_state "$pag1" ok 10; }
check "after kill -9 + restart: bindings back, state ok" both_ok
check_eq "...the tickets that were not due were kept" "$exp4" "$(field "$pag4" expires)"

# --- the KDC goes away and comes back ------------------------------------
"$kdc" stop "$kdir"
check "KDC down at renewal time: failing" wait_state "$pag1" failing 15
hold_pag pag2
holder2=$holder
pag_on_pagd creds bind "$pag2" alice@TEST.PAG > /dev/null
wait_state "$pag2" failing 10
check_eq "KDC down: failing, with the reason" \
	"failing cannot get credentials for alice@TEST.PAG: Cannot contact any KDC for realm 'TEST.PAG'" \
	"$(field "$pag2" state) $(field "$pag2" message)"
# next_attempt is 0 while a worker runs: look between attempts.
retry_set()
{
	local i
	for i in $(seq 40); do
		local since next
		since=$(field "$1" failing_since) next=$(field "$1" next_attempt)
		[ "$since" != null ] && [ "$next" != null ] && [ "$next" -ge "$since" ] && return 0
		sleep 0.25
	done
	return 1
}
check "...failing_since and next_attempt set" retry_set "$pag2"
"$kdc" start "$kdir" --maxlife 5m --maxrenew 10m > /dev/null
check "KDC back: recovery without restarting pagd" wait_state "$pag2" ok 10
check "...for the renewing binding too" wait_state "$pag1" ok 10

# --- the CLI ---------------------------------------------------------------
out=$(pag_on_pagd --json creds | jq -r "sort_by(.pag) | map(\"\\(.pag) \\(.principal)\") | join(\",\")")
exp=$(printf '%s\n' "$pag1 alice@TEST.PAG" "$pag2 alice@TEST.PAG" "$pag4 dave@TEST.PAG" |
	sort -n | paste -sd,)
check_eq "pag creds --json lists every binding" "$exp" "$out"
out=$(pag_on_pagd creds | awk -v p="$pag4" '$1 == p { print $2, $3 }')
check_eq "pag creds: a line per binding" "dave@TEST.PAG ok" "$out"
out=$(pag_on_pagd creds "$pag4" | sed -n '1p;2p')
check_eq "pag creds PAG: the binding in full" \
	"PAG $pag4: dave@TEST.PAG, ok
  ccache         $cc" "$out"
out=$(pag_on_pagd creds bind "$pag4" 2>&1; echo "status $?")
check_eq "pag creds bind with a missing argument: usage, status 64" \
	"usage: pag creds bind PAG[:CREATED_NS] PRINCIPAL
status 64" "$out"
out=$(pag_on_pagd creds x1 2>&1; echo "status $?")
check_eq "pag creds with a bad PAG id" "pag: bad PAG id 'x1'
status 64" "$out"
pag_on_pagd creds unbind "$pag4"
out=$(pag_on_pagd creds "$pag4" 2>&1)
check_eq "pag creds unbind: the binding is gone" \
	"pag: GetCredentials: PAG $pag4 has no credential binding" "$out"

# Nothing left to renew: the workers retire (after 5 s without work).
pag_on_pagd creds unbind "$pag1"
pag_on_pagd creds unbind "$pag2"
no_workers() { local i; for i in $(seq 80); do [ -z "$(workers)" ] && return 0; sleep 0.25; done; return 1; }
check "idle workers retire" no_workers
check "...and pagd still runs" kill -0 "$pagd_pid"

kill "$holder1" "$holder2" "$holder4" 2>/dev/null
pagd_stop
done_testing
