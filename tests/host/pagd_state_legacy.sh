#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A state written by a pagd that recorded bindings by PAG id alone: ids
# are reused, so such a binding may name another PAG by now.  pagd drops
# those bindings (and credential bindings) at start, says so in the log,
# and keeps the rest of the state (socket directories).  Bindings it
# records itself carry the creation time and survive a restart.  A
# credential binding from before profiles (its caller named the keytab)
# follows its principal's profile, or is dropped when no profile lists it.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"
. "$(dirname "$0")/../lib/pagd_state.sh"

command -v mdb_load > /dev/null ||
	skip_all 11 "old state" "no mdb_load (lmdb-utils)"

plan 11

pagd_setup
pagd_start || { fail "pagd starts"; done_testing; exit; }
dir=$(pag_on_pagd sockets acme.example)
pagd_stop

pagd_state_put bindings 4242 - acme.example
pagd_state_put creds 4243 - alice@TEST.PAG /etc/alice.kt
pagd_start || { fail "pagd starts on an old state"; done_testing; exit; }
check_eq "old bindings are not adopted" "" "$(pag_on_pagd bindings)"
check_eq "old credential bindings are not adopted" "" \
	"$(pag_on_pagd --json creds | jq -r '.[].pag')"
check "the log names the dropped binding" grep -q \
	"binding of PAG 4242 (acme.example) has no creation time, so it may name another PAG now: dropped" \
	"$PAGD_TMP/log"
check "... and the dropped credential binding" grep -q \
	"credential binding of PAG 4243 (alice@TEST.PAG) has no creation time" \
	"$PAGD_TMP/log"
check_eq "socket directories are kept" "$dir" "$(pag_on_pagd sockets acme.example)"

# Without pag.ko a bind records creation time 0 (serves no peer) and the
# binding survives a restart in the new format.
pag_on_pagd bind 4242:1234 acme.example > /dev/null
pagd_stop
: > "$PAGD_TMP/log"
pagd_start
check_eq "a new binding survives a restart, with its creation time" \
	"4242 1234 acme.example" \
	"$(pag_on_pagd --json bindings | jq -r '.[] | "\(.pag) \(.created_ns) \(.domains | join(","))"')"
check "... and no old state is reported" \
	test "$(grep -c 'earlier pagd' "$PAGD_TMP/log")" = 0

# A credential binding recorded while callers named the keytab: it keeps
# working when its principal is in a profile, from the profile's keytab,
# and is dropped, with a log line, when no profile lists it.
printf '\n[profile/web]\ndomains = acme.example\nprincipals = alice@TEST.PAG\nkeytab = %s\n' \
	"$PAGD_TMP/web.kt" >> "$PAGD_CONF"
pagd_stop
: > "$PAGD_TMP/log"
pagd_state_put creds.2 4250 1234 alice@TEST.PAG /etc/old-alice.kt
pagd_state_put creds.2 4251 1234 eve@TEST.PAG /etc/eve.kt
pagd_start
check_eq "a credential binding whose principal is in a profile is kept" \
	"4250 alice@TEST.PAG" \
	"$(pag_on_pagd --json creds | jq -r '.[] | "\(.pag) \(.principal)"' | xargs)"
check "... from its profile's keytab, as the log says" grep -q \
	"PAG 4250: credentials for alice@TEST.PAG now from keytab $PAGD_TMP/web.kt (was /etc/old-alice.kt), as its profile says" \
	"$PAGD_TMP/log"
check "one whose principal is in no profile is dropped, naming it" grep -q \
	"PAG 4251: credential binding for eve@TEST.PAG (keytab /etc/eve.kt) dropped: the principal is in no profile" \
	"$PAGD_TMP/log"
pagd_stop
: > "$PAGD_TMP/log"
pagd_start
check "... for good: the next start has nothing to say" \
	test "$(grep -Ec 'PAG 425[01]: cred.* (now from keytab|dropped)' "$PAGD_TMP/log")" = 0

pagd_stop
done_testing
