#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main job (make demo) works and tells the story it promises.

. "$(dirname "$0")/../lib/common.sh"

plan 9

out=$("$top/tools/demo" 2>&1)
rc=$?
check_eq "the demo exits 0" 0 $rc
[ $rc = 0 ] || printf '#   %s\n' "${out//$'\n'/$'\n'#   }"
section() { sed -n "/^== container $1/,/^== /p" <<<"$out"; }
check "acme has its own ticket" grep -q 'tickets: *app/acme@DEMO.TEST' <<<"$(section '1')"
check "acme's asmith is 512" grep -q 'asmith: *asmith:x:512:' <<<"$(section '1')"
check "acme does not see globex's users" grep -q 'hsimpson: *(not found)' <<<"$(section '1')"
check "globex's asmith is 87687" grep -q 'asmith: *asmith:x:87687:' <<<"$(section '2')"
check "two PAGs are listed" test "$(sed -n '/^\$ pag list/,/^$/p' <<<"$out" | grep -cE '^ +[0-9]+ +[0-9]+ ')" = 2
check "globex cannot reach acme's PAG" grep -q 'seeing another PAG needs CAP_SYS_ADMIN' <<<"$out"
check "pagd renews acme's tickets, seen from inside" \
	grep -qE 'inside acme, the TGT now ends at ' <<<"$out"
check "...and says so" grep -q 'credentials for app/acme@DEMO.TEST renewed' <<<"$out"

done_testing
