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

pagd_start_for_peers 10 "incarnations"
. "$(dirname "$0")/../lib/held_pag.sh"
bus="unix:path=$PAGD_RUN/private/bus"
lookup=$main_lookup

hold a
id=$(id_of a) ns=$(ns_of a)
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
pag_on_pagd bind "$(id_of b)" globex.example > /dev/null
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
idc=$(id_of c) nsc=$(ns_of c)
pagd_stop
# A profile lists the principal, so the binding is kept at start and
# meets the incarnation check (one no profile lists is dropped before).
printf '\n[profile/incarnation]\ndomains = acme.example\nprincipals = alice@TEST.PAG\nkeytab = /nonexistent.kt\n' >> "$PAGD_CONF"
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
