#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd binds a PAG's incarnation, (id, creation time), not its id: ids are
# keyring serials and are reused.  The kernel cannot be made to reuse a
# serial on demand, so the tests make the recorded creation time differ
# from the live PAG's instead: through the API (refused), or by writing
# pagd's state behind its back (tests/lib/pagd_state.sh).
#
# - Bind with a wrong creation time is refused (Error.Stale), with the right
#   one or none (pagd takes the live PAG's) it is recorded.
# - A binding recorded for (id, T+1) is not served to the peer (id, T).
# - A late ENDED (id, T) keeps the binding of (id, T+1).
# - A credential binding of (id, T+1) is dropped, never entered into (id, T).

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"
. "$(dirname "$0")/../lib/pagd_state.sh"

plan 10

pag bpf load > /dev/null || { skip_all 10 "incarnations" "pag bpf load failed"; }
pagd_setup
pagd_start || { fail "pagd starts"; done_testing; exit; }
export PAGD_RUN
main=$PAGD_RUN/pipes
sockdir=$pagd_src/tests/lib/in-sockdir
bus="unix:path=$PAGD_RUN/private/bus"

# hold NAME: a PAG that lives until killed, running the commands written to
# $PAGD_TMP/NAME.cmd (see in_held); its id and creation time in
# $PAGD_TMP/NAME.id and NAME.ns, the holder's pid in $held.
hold()
{
	mkfifo "$PAGD_TMP/$1.cmd"
	pag new -- sh -c 'pag show --json "$(pag id)" | jq -r .created_ns > "$1.ns"
		pag id > "$1.id.tmp"; mv "$1.id.tmp" "$1.id"
		while read -r c < "$1.cmd"; do
			sh -c "$c" > "$1.out" 2>&1; echo $? > "$1.rc.tmp"
			mv "$1.rc.tmp" "$1.rc"
		done' sh "$PAGD_TMP/$1" &
	held=$!
	for _ in $(seq 100); do [ -s "$PAGD_TMP/$1.id" ] && break; sleep 0.05; done
}
# in_held NAME CMD: run the shell command CMD in NAME's PAG; its output,
# and its exit status as ours.
in_held()
{
	rm -f "$PAGD_TMP/$1.rc"
	echo "$2" > "$PAGD_TMP/$1.cmd"
	for _ in $(seq 200); do [ -s "$PAGD_TMP/$1.rc" ] && break; sleep 0.05; done
	cat "$PAGD_TMP/$1.out"
	return "$(cat "$PAGD_TMP/$1.rc")"
}
lookup="$sockdir $main getent -s sss passwd asmith | cut -d: -f3"

hold a
id=$(cat "$PAGD_TMP/a.id") ns=$(cat "$PAGD_TMP/a.ns")
holder_a=$held

out=$(pag_on_pagd bind "$id:$((ns + 1))" acme.example 2>&1)
check_eq "Bind with another creation time: refused, exit 71" \
	"71 pag: bind: PAG $id created at $((ns + 1)) is gone" "$? $out"
out=$(pag_on_pagd bind 2147483000 acme.example 2>&1)
check_eq "Bind of an id no PAG has: refused" \
	"71 pag: bind: no PAG has id 2147483000" "$? $out"
check_eq "... and nothing was bound" "" "$(pag_on_pagd bindings)"

# The id's binding is another incarnation's: the peer is unbound.
pagd_state_put bindings.2 "$id" "$((ns + 1))" acme.example
check_eq "a binding of (id, T+1) is listed" "$id $((ns + 1))" \
	"$(pag_on_pagd --json bindings | jq -r '.[] | "\(.pag) \(.created_ns)"')"
check_eq "... and not served to the PAG (id, T): the default (nothing)" "" \
	"$(in_held a "$lookup")"
pag_on_pagd bind "$id:$ns" acme.example > /dev/null
check_eq "bound with its own creation time: served" 512 "$(in_held a "$lookup")"
pag_on_pagd unbind "$id" > /dev/null
pag_on_pagd bind "$id" acme.example > /dev/null
check_eq "bound without one: pagd takes the live PAG's" "$id $ns" \
	"$(pag_on_pagd --json bindings | jq -r '.[] | "\(.pag) \(.created_ns)"')"

# A late ENDED (id, T) while the binding is (id, T+1)'s: kept.  B, bound
# and ended after A, tells when pagd has read A's end.
pagd_state_put bindings.2 "$id" "$((ns + 1))" acme.example
hold b
pag_on_pagd bind "$(cat "$PAGD_TMP/b.id")" globex.example > /dev/null
kill "$holder_a" "$held"; wait "$holder_a" "$held" 2>/dev/null
for _ in $(seq 100); do
	pag_on_pagd bindings | grep -q globex || break
	sleep 0.05
done
check_eq "an ENDED for (id, T) keeps the binding of (id, T+1)" \
	"$id $((ns + 1)) acme.example" \
	"$(pag_on_pagd --json bindings | jq -r '.[] | "\(.pag) \(.created_ns) \(.domains | join(","))"')"
pag_on_pagd unbind "$id" > /dev/null

# A credential binding of (id, T+1) while the PAG (id, T) lives: the
# worker's ENTER is refused (ESTALE), the binding goes, no ticket cache
# is made in the PAG.
hold c
idc=$(cat "$PAGD_TMP/c.id") nsc=$(cat "$PAGD_TMP/c.ns")
pagd_stop
pagd_state_put creds.2 "$idc" "$((nsc + 1))" alice@TEST.PAG /nonexistent.kt
: > "$PAGD_TMP/log"
pagd_start
for _ in $(seq 200); do
	grep -q "PAG $idc is gone: credential binding" "$PAGD_TMP/log" && break
	sleep 0.05
done
check "a credential binding of another incarnation is dropped" \
	grep -q "PAG $idc is gone: credential binding for alice@TEST.PAG dropped" \
	"$PAGD_TMP/log"
check_eq "... and nothing was put into the PAG" 0 \
	"$(in_held c 'keyctl show @s' | grep -c krb)"
kill "$held"; wait "$held" 2>/dev/null

pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
