#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MIT krb5 KEYRING ccaches in PAGs, against a real KDC: a kinit into
# KEYRING:session:NAME inside a PAG is seen by the PAG's child processes
# and by nobody outside it, the same user's other session included; the
# PAG reports the ccache as a token.

. "$(dirname "$0")/../lib/common.sh"
pag=$build/bin/pag

plan 7

. "$(dirname "$0")/../lib/kdc_alice.sh"
chmod 644 "$tmp/alice.kt"
chmod 755 "$tmp"
mkdir -m 777 "$tmp/out"
cc=KEYRING:session:pagtest

# as_user CMD: run CMD as uid 1000 in a fresh session keyring of its own
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups keyctl session - sh -c "$1" 2>&1 | grep -v '^Joined session keyring'; }

# Inside a PAG: kinit, then klist from a child and a grandchild.
out=$(as_user "'$pag' new -- sh -c '
	kinit -c $cc -k -t $tmp/alice.kt alice || exit 1
	sh -c \"klist -s -c $cc\" || exit 2
	sh -c \"sh -c \\\"klist -c $cc\\\"\" | grep -q alice@TEST.PAG || exit 3
	keyctl show @s | grep -q _krb_pagtest || exit 4
	keyctl show @s > $tmp/out/pag-show
	echo ok
'")
check_eq "kinit inside a PAG, klist from its children" "ok" "$out"

# The PAG keyring is the session keyring there, and the ccache is in it.
check "the ccache keyring hangs off the PAG keyring" \
	grep -q "keyring: .pag." "$tmp/out/pag-show"

# The same user, another session: no credentials.
out=$(as_user "klist -s -c $cc && echo visible || echo invisible")
check_eq "the same user outside the PAG sees nothing" "invisible" "$out"

# Another PAG of the same user: nothing either.
out=$(as_user "'$pag' new -- sh -c 'klist -s -c $cc && echo visible || echo invisible'")
check_eq "the same user in another PAG sees nothing" "invisible" "$out"

# Root on the host, outside: nothing.
out=$(keyctl session - sh -c "klist -s -c $cc && echo visible || echo invisible" 2>/dev/null)
check_eq "root outside the PAG sees nothing" "invisible" "$out"

# Two PAGs, two principals' worth of isolation under one user: kinit in
# each, each sees its own only.
kdc_addprinc bob --keytab "$tmp/bob.kt"
chmod 644 "$tmp/bob.kt"
out=$(as_user "'$pag' new -- sh -c 'kinit -c $cc -k -t $tmp/alice.kt alice; sleep 1; klist -c $cc | grep -o \"[a-z]*@TEST.PAG\" | head -1' &
	'$pag' new -- sh -c 'kinit -c $cc -k -t $tmp/bob.kt bob; sleep 1; klist -c $cc | grep -o \"[a-z]*@TEST.PAG\" | head -1' &
	wait" | sort | tr '\n' ' ')
check_eq "two PAGs of one user hold two principals" "alice@TEST.PAG bob@TEST.PAG " "$out"

# The PAG reports the ccache as a token (type keyring, _krb_pagtest).
out=$(as_user "'$pag' new -- sh -c 'kinit -c $cc -k -t $tmp/alice.kt alice && '$pag' show --json \$('$pag' id)'")
check "the PAG counts the ccache as one token" \
	sh -c "echo '$out' | grep -q '\"token_count\": *1'"

done_testing
