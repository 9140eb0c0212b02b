#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's main socket answers by the caller's PAG, read from the BPF socket
# tag: a PAG bound to acme sees acme, one bound to globex sees globex, no
# PAG sees the default; bindings go when their PAG ends, also while pagd
# was down, and so do their places in fences.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 12

pagd_setup
pagd_start
check "pagd without BPF LSM says so" \
	grep -q 'no peer identity by PAG' "$PAGD_TMP/log"
pagd_stop

check "pag bpf load" pag bpf load
: > "$PAGD_TMP/log"
pagd_start
check "with the programs loaded, no warning" \
	test "$(grep -c 'no peer identity' "$PAGD_TMP/log")" = 0

main=$PAGD_RUN/pipes
# in_pag DOMAIN CMD...: in a new PAG bound to DOMAIN, run CMD
in_pag()
{
	local dom=$1
	shift
	pag new -- sh -c '
		d=$1; shift
		[ "$d" = - ] || pag bind --address "unix:path=$PAGD_RUN/private/bus" \
			"$(pag id)" "$d" > /dev/null || exit 99
		exec "$@"' sh "$dom" "$@"
}
export PAGD_RUN
sockdir=$pagd_src/tests/lib/in-sockdir

check_eq "a PAG bound to acme sees asmith as 512" 512 \
	"$(in_pag acme.example "$sockdir" "$main" getent -s sss passwd asmith | cut -d: -f3)"
check_eq "a PAG bound to globex sees asmith as 87687" 87687 \
	"$(in_pag globex.example "$sockdir" "$main" getent -s sss passwd asmith | cut -d: -f3)"
in_pag - "$sockdir" "$main" getent -s sss passwd asmith > /dev/null
check_eq "an unbound PAG gets the default (nothing)" 2 $?
in_sockdir "$main" getent -s sss passwd asmith > /dev/null
check_eq "no PAG gets the default (nothing)" 2 $?

# bound_count: how many bindings pagd holds
bound_count() { pag_on_pagd bindings | grep -c 'acme\|globex'; }
for _ in $(seq 50); do [ "$(bound_count)" = 0 ] && break; sleep 0.1; done
check_eq "bindings of ended PAGs are dropped" 0 "$(bound_count)"

# created ID: the PAG's creation time; fences name incarnations, and an id
# no PAG has gets a made-up time
created()
{
	local json
	json=$(pag show --json "$1" 2>/dev/null) && jq -r .created_ns <<<"$json" ||
		echo 1
}

# fence_watch KEEP GONE OUT: fence a socket to KEEP and GONE, touch
# OUT.ready, wait (60 s at most) until GONE has left the fence, write the
# ids left to OUT.  In the background.
fence_watch()
{
	"$PAGD_BUILD/tests/lib/fence_watch" "$1" "$(created "$1")" \
		"$2" "$(created "$2")" "$3" &
}

# Fences lose the ids of ended PAGs (ids are reused): a socket fenced to a
# live PAG X and to 40; X ends; pagd removes X, 40 stays.
pag new -- sh -c 'pag id > '"$PAGD_TMP"'/fx; exec sleep 30' &
holder=$!
for _ in $(seq 50); do [ -s "$PAGD_TMP/fx" ] && break; sleep 0.1; done
fence_watch 40 "$(cat "$PAGD_TMP/fx")" "$PAGD_TMP/fence"
fencer=$!
for _ in $(seq 50); do [ -e "$PAGD_TMP/fence.ready" ] && break; sleep 0.1; done
kill "$holder"; wait "$holder" 2>/dev/null
wait "$fencer"
check_eq "an ended PAG leaves every fence" 40 "$(cat "$PAGD_TMP/fence")"

# A PAG that ends while pagd is down loses its binding at the next start.
pag new -- sh -c 'pag bind --address "unix:path=$PAGD_RUN/private/bus" \
	"$(pag id)" acme.example > /dev/null; pag id > '"$PAGD_TMP"'/id; exec sleep 30' &
holder=$!
for _ in $(seq 50); do [ -s "$PAGD_TMP/id" ] && break; sleep 0.1; done
check_eq "a live PAG keeps its binding" 1 "$(bound_count)"
# ... and its place in fences (the fences outlive pagd, in the BPF maps);
# the fence's other id is a live PAG's (pagd's check forgets any id that
# pag.ko does not know).
pag new -- sh -c 'pag id > '"$PAGD_TMP"'/live; exec sleep 60' &
live=$!
for _ in $(seq 50); do [ -s "$PAGD_TMP/live" ] && break; sleep 0.1; done
fence_watch "$(cat "$PAGD_TMP/live")" "$(cat "$PAGD_TMP/id")" "$PAGD_TMP/fence2"
fencer=$!
for _ in $(seq 50); do [ -e "$PAGD_TMP/fence2.ready" ] && break; sleep 0.1; done
pagd_stop
kill "$holder"; wait "$holder" 2>/dev/null
for _ in $(seq 50); do pag show "$(cat "$PAGD_TMP/id")" > /dev/null 2>&1 || break; sleep 0.1; done
pagd_start
check_eq "bindings of PAGs that ended while pagd was down are dropped" 0 "$(bound_count)"
wait "$fencer"
check_eq "PAGs that ended while pagd was down leave every fence" \
	"$(cat "$PAGD_TMP/live")" "$(cat "$PAGD_TMP/fence2")"
kill "$live"; wait "$live" 2>/dev/null

pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
