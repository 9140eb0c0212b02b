#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag and pagsh on the host, where pag.ko cannot be loaded: the keyring
# fallback end to end, argument parsing, messages and exit codes.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
unset SHELL

plan 27

# run CMD...: sets out, err and rc
json_ok() { jq -e . >/dev/null <<<"$1"; }

run pag status --json
check_eq "status: keyring backend without pag.ko" \
	'keyring [] registry,events,admin,leave' \
	"$(jq -r '"\(.backend) \(.commands | tojson) \(.missing | join(","))"' <<<"$out")"

# A fresh named session keyring: the test is in no PAG whatever ran it.
run keyctl session pag-tools-test pag id
check_eq "id outside a PAG exits 1" 1 "$rc"
check_eq "id outside a PAG says so" 1 "$(grep -m1 -c '^pag id: not in a PAG$' <<<"$err")"
check_eq "id outside a PAG prints nothing" "" "$out"

run pag new -- sh -c 'pag id; sh -c "pag id"; keyctl rdescribe @s'
ids=($out)
check_eq "new: one id seen by the command and its child" \
	"${ids[0]}" "${ids[1]}"
check_eq "new: the id is the session keyring (anonymous)" \
	"keyring;$(id -u);$(id -g);3f030000;_ses" "${ids[2]}"
check_eq "new: warns about the missing guarantees" \
	1 "$(grep -m1 -c 'pag.ko is not loaded.*no registry, no events, no admin operations, no leave' <<<"$err")"

run pagsh -c 'pag id; keyctl show @s'
id=$(sed -n 1p <<<"$out")
check "pagsh -c: keyctl show @s shows the same id" \
	grep -q "^ *$id .*keyring: _ses" <<<"$out"
run pagsh -c 'echo "$0:$1"' a b
check_eq "pagsh passes every argument to the shell" "a:b" \
	"$out"

run pag new -- pag id --json
check "id --json is JSON" json_ok "$out"
check_eq "id --json names the backend and what is missing" \
	"keyring registry,events,admin,leave" \
	"$(jq -r '"\(.backend) \(.missing | join(","))"' <<<"$out")"

run pag new -- false
check_eq "new passes the command's status through" 1 "$rc"
run pag new -- /nonexistent/cmd
check_eq "new: command not found exits 127" 127 "$rc"
run pag new -- /etc/passwd
check_eq "new: command not executable exits 126" 126 "$rc"

run pag list
check_eq "list without pag.ko exits 69" 69 "$rc"
check_eq "list says the registry is missing" 1 "$(grep -m1 -c 'no registry' <<<"$err")"
check_eq "list prints no half table" "" "$out"
run pag monitor
check_eq "monitor without pag.ko exits 69, naming events" "69 1" \
	"$rc $(grep -m1 -c 'no events' <<<"$err")"
run pag leave -- true
check_eq "leave without pag.ko exits 69" "69 1" \
	"$rc $(grep -m1 -c 'no leave' <<<"$err")"

run pag show abc
check_eq "show: bad id is a usage error" "64 1" \
	"$rc $(grep -m1 -c "invalid PAG id 'abc'" <<<"$err")"
run pag show -- -3
check_eq "show: negative id is a usage error" 64 "$rc"
run pag show
check_eq "show: missing id" "64 1" "$rc $(grep -m1 -c 'missing PAG id' <<<"$err")"
run pag show 1 2
check_eq "show: extra argument" "64 1" "$rc $(grep -m1 -c "unexpected argument '2'" <<<"$err")"
run pag id --bogus
check_eq "unknown option" "64 1" "$rc $(grep -m1 -c "unknown option '--bogus'" <<<"$err")"
run pag frobnicate
check_eq "unknown command" "64 1" "$rc $(grep -m1 -c "unknown command 'frobnicate'" <<<"$err")"
run pag
check_eq "no command: usage on stderr, exit 64" "64 1" \
	"$rc $(grep -m1 -c '^usage: pag' <<<"$err")"
run pag show --help
check_eq "COMMAND --help: its usage on stdout, exit 0" \
	"0 usage: pag show [--json] ID" "$rc $out"

done_testing
