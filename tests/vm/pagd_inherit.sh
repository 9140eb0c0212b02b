#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Binding inheritance: a PAG made inside a bound PAG (a login in a
# container) gets its parent's binding from pagd, from its first request
# on; the binding goes when the child ends, and is the child's own once
# made.  PAGs made outside any bound PAG get none, and so does a PAG made
# while pagd was down (pagd cannot learn its parent afterwards).

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 12

pagd_start_for_peers 12 "inheritance"
. "$(dirname "$0")/../lib/held_pag.sh"
lookup=$main_lookup

bound() { pag_on_pagd bindings | grep -c "^$1 "; }
# wait_unbound ID: until pagd has dropped the binding of ID
wait_unbound()
{
	for _ in $(seq 200); do [ "$(bound "$1")" = 0 ] && break; sleep 0.05; done
}

hold box
pag_on_pagd bind "$(id_of box)" acme.example > /dev/null
check_eq "the container's PAG sees acme" 512 "$(in_held box "$lookup")"

# The race: the new PAG asks at once, before pagd may have read the event.
check_eq "a PAG made inside it sees acme from its first request" 512 \
	"$(in_held box "pag new -- sh -c '$lookup'")"

hold_in box login
check_eq "... and is bound like its parent" \
	"$(id_of login) acme.example" \
	"$(pag_on_pagd --json bindings | jq -r ".[] | select(.pag == $(id_of login)) | \"\(.pag) \(.domains | join(\",\"))\"")"
check_eq "... with its own creation time" \
	"$(pag show --json "$(id_of login)" | jq -r .created_ns)" \
	"$(pag_on_pagd --json bindings | jq -r ".[] | select(.pag == $(id_of login)) | .created_ns")"
check_eq "a PAG made inside that one is bound too" 512 \
	"$(in_held login "pag new -- sh -c '$lookup'")"
end login
wait_unbound "$(id_of login)"
check_eq "the child's binding goes when it ends" 0 "$(bound "$(id_of login)")"
check_eq "... and the parent's stays" 1 "$(bound "$(id_of box)")"

hold outside
check_eq "a PAG made in no PAG gets no binding" 0 "$(bound "$(id_of outside)")"
hold_in outside nested
check_eq "nor one made in an unbound PAG" "" "$(in_held nested "$lookup")"
end nested
end outside

# Independent once made: the parent's unbinding leaves it.
hold_in box kept
pag_on_pagd unbind "$(id_of box)" > /dev/null
check_eq "the child keeps its binding when the parent's is removed" 512 \
	"$(in_held kept "$lookup")"

# Restarts: a binding inherited while pagd ran is persisted; a PAG made
# while it was down is unbound (its parent cannot be learnt).
pag_on_pagd bind "$(id_of box)" globex.example > /dev/null
hold_in box before
pagd_stop
hold_in box during
pagd_start
check_eq "an inherited binding survives a restart" 87687 \
	"$(in_held before "$lookup")"
check_eq "a PAG made while pagd was down is unbound" "" \
	"$(in_held during "$lookup")"

for n in kept before during box; do end "$n"; done
pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
