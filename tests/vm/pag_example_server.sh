#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The example server of the extended PAG model (tools/example/): 8 users,
# each in a PAG of the server's, 4 threads switching per request, 1,000
# interleaved requests from 8 client threads.  Every answer must be in the
# right user's context with no other user's credential visible, and the
# server's own PAG untouched.  The credential is an identity key, and a
# second one added by a command run in each user's PAG (-c), as a kinit
# or aklog would be.

. "$(dirname "$0")/../lib/common.sh"

plan 6

server=$build/tools/example/pag-example-server
client=$build/tests/lib/pag_example_client
dir=$(mktemp -d)
sock=$dir/sock
users="ann bob cat dan eve fay gus hal"

pag=$bin/pag
refcnt() { cat /sys/module/pag/refcnt; }
before=$(refcnt)
# shellcheck disable=SC2086,SC2016 # one argument per user; sh expands
$pag new -- "$server" -t 4 \
	-c 'keyctl add user "pag-example:cmd" "$PAG_EXAMPLE_USER" @s >/dev/null' \
	"$sock" $users > "$dir/out" 2> "$dir/err" &
spid=$!
for _ in $(seq 200); do
	grep -qx ready "$dir/out" 2>/dev/null && break
	sleep 0.1
done
check "the server made a PAG per user and listens" grep -qx ready "$dir/out"

# shellcheck disable=SC2086
run "$client" "$sock" 1000 8 $users
check_eq "1,000 interleaved requests, each in its user's context" \
	"1000 requests, 0 wrong" "$out"

run "$client" "$sock" 1 1 nobody-here
check_eq "an unknown user is refused, not served in some context" \
	"1 requests, 1 wrong" "$(head -n 1 <<<"$out")"

kill -TERM "$spid"
wait "$spid"
check_eq "the server exits cleanly" 0 "$?"
check "the server's own PAG holds no token" \
	grep -Eq '^home PAG [0-9]+ tokens=0$' "$dir/out"

# Its nine PAGs (its own and the users') end with it.
for _ in $(seq 500); do
	[ "$(refcnt)" -le "$before" ] && break
	sleep 0.02
done
check_eq "every PAG of the server ended with it" "$before" "$(refcnt)"
cat "$dir/err" >&2
rm -rf "$dir"
done_testing
