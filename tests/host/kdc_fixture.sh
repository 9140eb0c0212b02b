#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/kdc: a real MIT KDC on loopback with short ticket lifetimes.

. "$(dirname "$0")/../lib/common.sh"
kdc=$(cd "$(dirname "$0")/../lib" && pwd)/kdc
tmp=$(mktemp -d)
trap '"$kdc" stop "$tmp/a" 2>/dev/null; "$kdc" stop "$tmp/b" 2>/dev/null; rm -rf "$tmp"' EXIT

# lifetime CCACHE: seconds between "Valid starting" and "Expires" of the TGT
lifetime()
{
	local s e
	read -r s e < <(klist -c "$1" | awk '/krbtgt\// { print $1 " " $2 "|" $3 " " $4 }' |
		tr '|' ' ' | awk '{ print $1"T"$2, $3"T"$4 }')
	echo $(($(date -d "${e/T/ }" +%s) - $(date -d "${s/T/ }" +%s)))
}

plan 8

check "start a KDC" "$kdc" start "$tmp/a" --realm A.TEST --maxlife 10m
. "$tmp/a/env"
check "addprinc with a keytab" "$kdc" addprinc "$tmp/a" alice --keytab "$tmp/alice.kt"
check "kinit from the keytab" kinit -k -t "$tmp/alice.kt" -c "$tmp/cc1" alice@A.TEST
check "addprinc with a password and a 60 s lifetime" \
	"$kdc" addprinc "$tmp/a" bob --password secret --maxlife 60s
echo secret | kinit -c "$tmp/cc2" bob@A.TEST > /dev/null
check_eq "bob's TGT lives 60 s" 60 "$(lifetime "$tmp/cc2")"

check "a second KDC runs beside the first" "$kdc" start "$tmp/b" --realm B.TEST
check_eq "on another port" "yes" \
	"$([ "$(. "$tmp/b/env"; echo $KDC_PORT)" != "$KDC_PORT" ] && echo yes)"

"$kdc" stop "$tmp/a"
out=$(kinit -k -t "$tmp/alice.kt" -c "$tmp/cc3" alice@A.TEST 2>&1)
check_eq "after stop the KDC is unreachable" \
	"kinit: Cannot contact any KDC for realm 'A.TEST' while getting initial credentials" "$out"

done_testing
