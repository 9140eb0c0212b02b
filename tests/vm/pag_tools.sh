#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag and pagsh against pag.ko in the VM (as root), then in the keyring
# fallback with the module unloaded.  The module implements every command;
# one it does not offer fails the tests that use it.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
unset SHELL

plan 27

json_ok() { jq -e . >/dev/null <<<"$1"; }
# jget JSON FILTER: the raw result of a jq filter over the JSON
jget() { jq -r "$2" <<<"$1"; }

# --- with pag.ko ---------------------------------------------------------
run pag status --json
check_eq "status: kernel backend with pag.ko loaded" "kernel" \
	"$(jget "$out" '.backend')"
check_eq "status: the module offers every command, nothing missing" \
	"new get leave enter token-add token-del token-get|" \
	"$(jget "$out" '(.commands | join(" ")) + "|" + (.missing | join(","))')"

run pagsh -c 'pag id; keyctl show @s'
id=$(sed -n 1p <<<"$out")
check "pagsh -c 'pag id; keyctl show @s' prints one id twice" \
	grep -Eq "^ *$id .*keyring: \.pag\." <<<"$out"

run pag new -- sh -c 'pag id; sh -c "pag id"'
check_eq "pag new -- sh -c 'pag id; sh -c \"pag id\"' prints one id twice" \
	"2 1" "$(wc -l <<<"$out") $(sort -u <<<"$out" | wc -l)"

run keyctl session - pag id
check_eq "pag id outside a PAG exits 1" "1 pag id: not in a PAG" \
	"$rc $(tail -n1 <<<"$err")"

run pag new -- pag leave -- pag id
check_eq "pag leave -- pag id: no PAG" 1 "$rc"

run pag new -- sh -c 'pag id; pag list --json'
id=$(sed -n 1p <<<"$out")
list=$(sed -n 2p <<<"$out")
check "list --json is JSON" json_ok "$list"
check_eq "list --json has the caller's PAG, flagged self" "self" \
	"$(jget "$list" ".[] | select(.id == $id) | .flags | join(\",\")")"

run pag new -- sh -c 'pag show --json $(pag id)'
check_eq "show --json: every field of the caller's PAG" \
	"created_ns creator_comm creator_pid flags holder_pids holders id owner_uid token_count" \
	"$(jget "$out" 'keys | join(" ")')"

# A process holding only a handle to a PAG (none of its threads in it) is
# a member: pag list and pag show name it, until it closes the handle
# (the PAG lives on in a child of its, a classic member, not a holder).
coproc HOLD { "$build/tests/lib/hold_ref"; }
read -r hpid hpag <&"${HOLD[0]}"
# holders_of PAG: its holders' pids and count, as pag list --json has them
holders_of() { pag list --json | jq -r --argjson id "$1" \
	'.[] | select(.id == $id) | (.holder_pids | map(tostring) | join(",")) + " " + (.holders | tostring)'; }
check_eq "list --json: the handle's holder is the PAG's member" \
	"$hpid 1" "$(holders_of "$hpag")"
check_eq "list: HOLDERS names it" "$hpid" \
	"$(pag list | awk -v id="$hpag" '$1 == id { print $NF }')"
check_eq "show: holders names it" "holders:     $hpid" \
	"$(pag show "$hpag" | grep '^holders:')"
echo close >&"${HOLD[1]}"
read -r closed <&"${HOLD[0]}"
check_eq "after it closed the handle: no holder, the PAG lives on" \
	"closed  0 -" \
	"$closed $(holders_of "$hpag") $(pag list | awk -v id="$hpag" '$1 == id { print $NF }')"
eval "exec ${HOLD[1]}>&-"
wait "$HOLD_PID"
check_eq "the holder exits cleanly" 0 "$?"

run pag show 2147483647
check_eq "show of an unknown PAG exits 2" "2 1" \
	"$rc $(grep -m1 -c 'no PAG 2147483647' <<<"$err")"

run setpriv --reuid 65534 --regid 65534 --clear-groups pag list
check_eq "list as nobody exits 77" 77 "$rc"

run timeout 60 pag monitor --json --count 2 -- pag new -- pag id
id=$(grep -v '^{' <<<"$out")
events=$(grep '^{' <<<"$out")
check "monitor --json: each line is JSON" \
	json_ok "$events"
check_eq "monitor --json: created then ended, one id" \
	"created $id ended $id" \
	"$(jq -r '"\(.event) \(.pag.id)"' <<<"$events" | paste -sd' ')"

# --- keyring fallback: the module unloaded --------------------------------
if ! rmmod pag 2>/dev/null && grep -qw pag /proc/modules; then
	for t in "fallback status" "fallback pagsh" "fallback new" \
		"fallback id outside" "fallback join-by-name" \
		"fallback list" "fallback monitor" "fallback leave" \
		"module reloaded"; do
		skip "$t" "pag.ko cannot be unloaded now"
	done
	done_testing
	exit
fi

run pag status --json
check_eq "fallback status: keyring backend, four guarantees missing" \
	"keyring registry,events,admin,leave" \
	"$(jget "$out" '.backend + " " + (.missing | join(","))')"

run pagsh -c 'pag id; keyctl show @s'
id=$(sed -n 1p <<<"$out")
check "fallback pagsh: keyctl show @s shows the same anonymous keyring" \
	grep -Eq "^ *$id .*keyring: _ses$" <<<"$out"

run pag new -- sh -c 'pag id; sh -c "pag id"'
check_eq "fallback new: one id twice, and a warning" "2 1 1" \
	"$(wc -l <<<"$out") $(sort -u <<<"$out" | wc -l) $(grep -m1 -c 'pag.ko is not loaded' <<<"$err")"

run keyctl session fallback-test pag id
check_eq "fallback id outside a PAG exits 1" 1 "$rc"

run pag new -- sh -c 'pag id; keyctl session fallback-other keyctl session _ses keyctl show @s'
id=$(sed -n 1p <<<"$out")
check_eq "fallback: the same user cannot join the PAG by name" 0 \
	"$(grep -Ec "^ *$id " <<<"$(sed 1d <<<"$out")")"

run pag list
check_eq "fallback list exits 69" 69 "$rc"
run pag monitor
check_eq "fallback monitor exits 69" 69 "$rc"
run pag leave -- true
check_eq "fallback leave exits 69" 69 "$rc"

if [ -n "${PAG_KO:-}" ]; then
	check "module reloaded" insmod "$PAG_KO"
else
	fail "module reloaded" "PAG_KO is not set: later tests run without pag.ko"
fi

done_testing
