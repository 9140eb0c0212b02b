#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag tokens, pag token add|del against pag.ko in the VM (as root).  The
# module implements every command; one it does not offer fails the tests
# that use it.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
tmp=$(mktemp -d)
trap 'kill $holder 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

plan 26

# jget JSON FILTER: the raw result of a jq filter over the JSON
jget() { jq -r "$2" <<<"$1"; }

# --- argument checks: no module needed -------------------------------------
run pag token add --name x --data y
check_eq "add without --type: usage, exit 64" \
	"64 pag token add: missing --type" "$rc $(head -n1 <<<"$err")"
run pag token add --type user --name x --data y --file /dev/null
check_eq "add with --data and --file: usage, exit 64" \
	"64 pag token add: give exactly one of --data and --file" \
	"$rc $(head -n1 <<<"$err")"
run pag token add --type user --name x --data y --expiry soon
check_eq "add with a bad --expiry: usage, exit 64" \
	"64 pag token add: invalid expiry 'soon': not a positive number of seconds" \
	"$rc $(head -n1 <<<"$err")"
run pag tokens --pag -3
check_eq "tokens with a bad --pag: usage, exit 64" \
	"64 pag tokens: invalid PAG id '-3': not a positive number" \
	"$rc $(head -n1 <<<"$err")"
run pag token del --type user
check_eq "del without --name: usage, exit 64" \
	"64 pag token del: missing --name" "$rc $(head -n1 <<<"$err")"
run pag token add --type user --name x --file "$tmp/absent"
check_eq "add of an unreadable file: exit 71, naming it" \
	"71 pag token add: $tmp/absent: No such file or directory" \
	"$rc $(head -n1 <<<"$err")"

head -c 70000 /dev/zero > "$tmp/big"
run pag token add --type user --name big --file "$tmp/big"
check_eq "a payload over 64 KiB is refused before it is sent" \
	"71 pag token add: big: 70000 bytes is more than a netlink attribute holds (65531)" \
	"$rc $(grep -v 'warning:' <<<"$err")"

# --- one's own PAG ----------------------------------------------------------
run pag new -- sh -c '
	pag token add --type user --name secret --data s3cret --expiry 3600 || exit 1
	pag tokens --json || exit 2
	pag token del --name secret || exit 3
	pag tokens --json || exit 4'
check_eq "add, list, delete in one's own PAG" 0 "$rc"
list=$(sed -n 1p <<<"$out")
check_eq "--json: type, name, size; no payload" \
	"user secret 6 false" \
	"$(jget "$list" '.[0] | "\(.type) \(.name) \(.size) \(has("data"))"')"
now=$(date +%s)
check "--expiry 3600: the token expires in an hour" \
	jq -e --argjson now "$now" '(.[0].expiry - $now - 3600) | fabs < 120' <<<"$list"
check_eq "after del the PAG holds no token" "[]" "$(sed -n 2p <<<"$out")"

run pag new -- sh -c 'keyctl add user other v @s >/dev/null; pag tokens'
check "a key added with keyctl is listed too" \
	grep -Eq '^user +other +1  never$' <<<"$out"

run pag new -- sh -c 'pag token add --type user --name a --data 12 && pag tokens'
check_eq "text listing: a header, then one line per token" \
	"TYPE NAME SIZE EXPIRES|user a 2 never" \
	"$(tr -s ' ' <<<"$out" | paste -sd '|')"

run pag new -- sh -c 'pag token add --type user --name t --data 1 --expiry 3600 && pag tokens'
check "text listing: an expiry is a date, ISO 8601 with the UTC offset" \
	grep -Eq '^user +t +1  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$' <<<"$out"

run pag new -- pag token del --name nope
check_eq "del of a token that is not there: exit 2" \
	"2 pag token del: no token named nope" "$rc $err"

# logon keys are named SERVICE:NAME; a user key may share the name.
run pag new -- sh -c 'pag token add --type user --name svc:dup --data 1 &&
	pag token add --type logon --name svc:dup --data 2 &&
	pag token del --name svc:dup'
# The types come in key serial order, which is random.
first=$(head -n1 <<<"$err")
check_eq "del without --type of an ambiguous name: exit 64" \
	"64 pag token del: 2 tokens are named svc:dup (logon, user): give --type" \
	"$rc ${first/(user, logon)/(logon, user)}"

run pag new -- sh -c 'pag token add --type user --name keep --data 1 || exit 9
	pag token add --type asymmetric --name bad --data 1; echo "rc=$?" >&2
	pag tokens --json'
check "a token of a forbidden type is refused, the set unchanged" \
	grep -q '^rc=[1-9]' <<<"$err"
check_eq "... with the kernel's reason, and only 'keep' left" \
	"1 keep" \
	"$(grep -c '^pag token add: bad: .' <<<"$err") $(jget "$out" 'map(.name) | join(" ")')"

# 513 keys in one's own PAG keyring (PAG_TOKEN_LINKS_MAX is 512).
run pag new -- sh -c 'for i in $(seq 0 512); do
		keyctl add user "k$i" x @s >/dev/null || exit 9
	done
	id=$(pag id) && pag show --json "$id" | tr -d "\n" && echo &&
	pag list | grep -w "^ *$id"'
check_eq "over 512 links: no token count, the flag, '?' in the list" \
	"0 false self,token-count-unknown" \
	"$rc $(jget "$(sed -n 1p <<<"$out")" '"\(has("token_count")) \(.flags | join(","))"')"
check_eq "... pag list shows the count as '?'" "?" \
	"$(sed -n 2p <<<"$out" | tr -s ' ' | awk '{print $6}')"

# --- another PAG: the admin form --------------------------------------------
pag new -- sh -c "pag id > '$tmp/id'; exec sleep 60" &
holder=$!
for _ in $(seq 50); do [ -s "$tmp/id" ] && break; sleep 0.1; done
id=$(cat "$tmp/id")
run pag token add --pag "$id" --type user --name injected --data hello
check_eq "root adds a token to another PAG" 0 "$rc"
run pag tokens --pag "$id" --json
check_eq "pag tokens --pag lists a token root added there" \
	"injected" "$(jget "$out" 'map(.name) | join(" ")')"
run pag tokens
check "... and it is not in root's own keyring" \
	test "$(grep -c injected <<<"$out")" = 0
run setpriv --reuid 65534 --regid 65534 --clear-groups \
	pag token add --pag "$id" --type user --name evil --data x
check_eq "nobody cannot add to another's PAG: exit 77" 77 "$rc"
run pag token del --pag "$id" --type user --name injected
check_eq "root deletes it again" 0 "$rc"
kill $holder
wait $holder 2>/dev/null

run pag tokens --pag 2147483647
check_eq "an unknown PAG id: exit 2" "2 1" \
	"$rc $(grep -c '^pag tokens: cannot list tokens: .' <<<"$err")"

done_testing
