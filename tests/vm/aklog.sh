#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag aklog, pag unlog: kafs tokens from Kerberos, judged by the kernel's rxrpc key
# parser and compared byte for byte with kafs-client's aklog-kafs.

. "$(dirname "$0")/../lib/common.sh"
pag=$build/bin/pag

plan 11

. "$(dirname "$0")/../lib/kdc_alice.sh"
kdc_addprinc afs/example.test
modprobe rxrpc
export KRB5CCNAME=FILE:$tmp/cc

# in_session CMD...: run CMD in a fresh session keyring, output merged
in_session() { keyctl session - "$@" 2>&1 | grep -v '^Joined session keyring'; }

out=$(in_session "$pag" aklog example.test)
check_eq "without credentials: a clear error" \
	"pag aklog: no Kerberos credentials (run kinit): No credentials cache found (filename: $tmp/cc)" \
	"$out"

kinit -k -t "$tmp/alice.kt" alice

# In a fresh session keyring: aklog, then read the key back.
keyctl session - sh -c "
	'$pag' aklog example.test TEST.PAG > '$tmp/out' 2>&1 || exit 1
	keyctl pipe %rxrpc:afs@example.test > '$tmp/ours' || exit 2
	grep -w rxrpc /proc/keys > '$tmp/proc-keys'
	aklog-kafs example.test TEST.PAG || exit 3
	keyctl pipe %rxrpc:afs@example.test > '$tmp/theirs' || exit 4
	'$pag' unlog example.test || exit 5
	keyctl pipe %rxrpc:afs@example.test 2>/dev/null && exit 6
	exit 0
" 2> >(grep -v '^Joined session keyring' >&2)
rc=$?
check_eq "aklog, compare, unlog in one session" 0 $rc
check "the token names its service and key" \
	grep -Eq '^afs@example.test: token from afs/example.test@TEST.PAG, key [0-9]+, expires [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}$' "$tmp/out"
check "the kernel accepted it as an rxrpc key for the cell" \
	grep -q 'rxrpc *afs@example.test: ka' "$tmp/proc-keys"
check "its expiry is the ticket's (an hour at most)" \
	grep -Eq ' (59m|60m|1h) ' "$tmp/proc-keys"
check "identical to kafs-client's aklog-kafs token" cmp "$tmp/ours" "$tmp/theirs"

out=$(keyctl session - "$pag" aklog --json example.test TEST.PAG 2>/dev/null)
check "--json gives token, service, key and expiry" jq -e '.token == "afs@example.test" and
	.service == "afs/example.test@TEST.PAG" and .key > 0 and .expiry > 0' <<<"$out"

keyctl session - "$pag" aklog nocell.test TEST.PAG > /dev/null 2> "$tmp/err"
rc=$?
out=$(grep -v '^Joined session keyring' "$tmp/err")
check_eq "a cell without an AFS principal fails with 71" 71 $rc
check_eq "... naming the principal" \
	"pag aklog: no ticket for afs/nocell.test@TEST.PAG: Server afs/nocell.test@TEST.PAG not found in Kerberos database" \
	"$out"

out=$(in_session "$pag" unlog example.test)
check_eq "unlog of a cell without a token says so" \
	"pag unlog: no token for cell example.test" "$out"

out=$(in_session "$pag" aklog 'bad/cell')
check_eq "a malformed cell name is refused" "pag aklog: invalid cell name 'bad/cell'" "$out"

done_testing
