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

pag bpf load > /dev/null || { skip_all 12 "inheritance" "pag bpf load failed"; }
pagd_setup
pagd_start || { fail "pagd starts"; done_testing; exit; }
export PAGD_RUN
main=$PAGD_RUN/pipes
sockdir=$pagd_src/tests/lib/in-sockdir
lookup="$sockdir $main getent -s sss passwd asmith | cut -d: -f3"

# A PAG that lives until killed and runs the shell commands written to
# NAME.cmd (see in_held); it writes its id to NAME.id and the pid to kill
# to NAME.pid.  Started by hold NAME, or inside another held PAG by
# in_held PARENT "$(holder NAME) &".
cat > "$PAGD_TMP/holder" <<'SH'
cd "$(dirname "$0")"
mkfifo "$1.cmd"
echo $$ > "$1.pid"
pag id > "$1.id.tmp"; mv "$1.id.tmp" "$1.id"
while read -r c < "$1.cmd"; do
	sh -c "$c" > "$1.out" 2>&1; echo $? > "$1.rc.tmp"
	mv "$1.rc.tmp" "$1.rc"
done
SH
holder() { echo "pag new -- sh $PAGD_TMP/holder $1 > /dev/null 2>&1"; }
wait_id() { for _ in $(seq 100); do [ -s "$PAGD_TMP/$1.id" ] && break; sleep 0.05; done; }
hold() { pag new -- sh "$PAGD_TMP/holder" "$1" > /dev/null 2>&1 & wait_id "$1"; }
id_of() { cat "$PAGD_TMP/$1.id"; }
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
# hold_in PARENT NAME: a held PAG made by a member of PARENT's PAG
hold_in() { in_held "$1" "$(holder "$2") &" > /dev/null; wait_id "$2"; }
end() { kill "$(cat "$PAGD_TMP/$1.pid")"; }
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
