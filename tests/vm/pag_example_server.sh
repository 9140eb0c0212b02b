#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The example server of the extended PAG model (tools/example/): 8 users,
# each in a PAG of the server's, 4 threads switching per request, 1,000
# interleaved requests from 8 client threads.  Each user's credentials are
# real: a TGT from the test's KDC in the PAG's KEYRING:session:pagd
# collection (kinit run in the user's PAG), and a kafs token for a cell of
# its own (pag aklog against the same KDC; the token's description names
# the cell, no cell needs to be mounted).  Every answer must show its
# user's principal and cell and no other user's credential, and the
# server's own PAG stays untouched.

. "$(dirname "$0")/../lib/common.sh"

plan 8

. "$(dirname "$0")/../lib/kdc_alice.sh"
modprobe rxrpc

server=$build/tools/example/pag-example-server
client=$build/tests/lib/pag_example_client
sock=$tmp/sock
users="ann bob cat dan eve fay gus hal"
pag=$bin/pag
# What each answer must be: "{}" is the user.
want="{} identity={} principal={}@$KDC_REALM cell={}.test keys=1 afs=1"

for u in $users; do
	kdc_addprinc "$u" --keytab "$tmp/$u.kt"
	kdc_addprinc "afs/$u.test"
done

refcnt() { cat /sys/module/pag/refcnt; }
before=$(refcnt)
# In the user's PAG: a TGT into KEYRING:session:pagd, a kafs token for
# the user's cell from it.
# shellcheck disable=SC2016 # sh expands them, per user
creds='export KRB5CCNAME=KEYRING:session:pagd &&
	kinit -k -t "'$tmp'/$PAG_EXAMPLE_USER.kt" "$PAG_EXAMPLE_USER" &&
	"'$pag'" aklog "$PAG_EXAMPLE_USER.test" "'$KDC_REALM'" > /dev/null'
# shellcheck disable=SC2086 # one argument per user
$pag new -- "$server" -t 4 -c "$creds" "$sock" $users \
	> "$tmp/out" 2> "$tmp/err" &
spid=$!
for _ in $(seq 300); do
	grep -qx ready "$tmp/out" 2>/dev/null && break
	sleep 0.1
done
check "the server made a PAG per user, kinit and aklog in each" \
	grep -qx ready "$tmp/out"

# shellcheck disable=SC2086
run "$client" "$sock" 1 1 "$want" ann
check_eq "ann's answer: her principal and her cell" \
	"1 requests, 0 wrong" "$out"

# shellcheck disable=SC2086
run "$client" "$sock" 1000 8 "$want" $users
check_eq "1,000 interleaved requests, each its user's principal and cell" \
	"1000 requests, 0 wrong" "$out"

run "$client" "$sock" 1 1 "$want" nobody-here
check_eq "an unknown user is refused, not served in some context" \
	"1 requests, 1 wrong" "$(head -n 1 <<<"$out")"

# pag list names the server as a member of each user's PAG by its handle.
holders=$($pag list --json | jq --argjson p "$spid" \
	'[.[] | select(any(.holder_pids[]?; . == $p))] | length')
check_eq "pag list shows the server as a holder of the 8 users' PAGs" \
	8 "$holders"

kill -TERM "$spid"
wait "$spid"
check_eq "the server exits cleanly" 0 "$?"
check "the server's own PAG holds no token: no TGT, no kafs token" \
	grep -Eq '^home PAG [0-9]+ tokens=0$' "$tmp/out"

# Its nine PAGs (its own and the users') end with it.
for _ in $(seq 500); do
	[ "$(refcnt)" -le "$before" ] && break
	sleep 0.02
done
check_eq "every PAG of the server ended with it" "$before" "$(refcnt)"
cat "$tmp/err" >&2
done_testing
