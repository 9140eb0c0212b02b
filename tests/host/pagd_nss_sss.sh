#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd end to end with the STOCK libnss_sss.so.2 (Debian's libnss-sss) as
# the client: per-subset socket directories of two tenants whose names
# collide, enumeration, qualified names, initgroups and getgrouplist() with
# any base gid (socket and memory cache), the main socket's default, reload,
# and kill -9 + restart.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 36

if ! pagd_can_unshare; then
	skip_all 36 "pagd with libnss_sss" "needs root, unshare -m and libnss-sss"
fi

pagd_setup
pagd_start || { fail "pagd starts"; exit 1; }
ok "pagd starts"

A=$(pag_on_pagd sockets acme.example)
B=$(pag_on_pagd sockets globex.example)
AB=$(pag_on_pagd sockets globex.example acme.example)
check_eq "same set in any order, with duplicates, gives the same directory" "$AB" \
	"$(pag_on_pagd sockets acme.example globex.example acme.example)"
check_eq "distinct sets get distinct directories" 3 \
	"$(printf '%s\n' "$A" "$B" "$AB" | sort -u | wc -l)"
check_eq "socket owned by root, mode 0666" "0:0 666 socket" \
	"$(stat -c '%u:%g %a %F' "$A/nss")"

err=$(pag_on_pagd sockets acme.example nope.example 2>&1)
check_eq "unknown domain refused" "71 pag: sockets: unknown domain 'nope.example'" "$? $err"
err=$(pag_on_pagd sockets acme.example -r sudo 2>&1)
check_eq "unknown responder refused" \
	"71 pag: sockets: unknown responder 'sudo' (known: nss, pam)" "$? $err"

get() { in_sockdir "$1" getent -s sss "${@:2}"; }

check_eq "A: asmith is 512" "asmith:x:512:512:Alice Smith:/home/asmith:/bin/bash" \
	"$(get "$A" passwd asmith)"
check_eq "B: asmith is 87687" "asmith:x:87687:87687:Adam Smith:/home/asmith:/bin/zsh" \
	"$(get "$B" passwd asmith)"
check_eq "A: getpwuid 512" "asmith" "$(get "$A" passwd 512 | cut -d: -f1)"
check_eq "A: group developers" "developers:x:3000:asmith,bjones" \
	"$(get "$A" group developers)"
check_eq "B: group developers" "developers:x:91000:asmith,hsimpson" \
	"$(get "$B" group developers)"
check_eq "B: getgrgid 91000" "developers" "$(get "$B" group 91000 | cut -d: -f1)"
check_eq "A: enumeration lists only A" "asmith bjones cdavis" \
	"$(get "$A" passwd | cut -d: -f1 | xargs)"
check_eq "A: group enumeration lists only A" "asmith bjones developers ops" \
	"$(get "$A" group | cut -d: -f1 | xargs)"
get "$A" passwd hsimpson >/dev/null
check_eq "A: B's user not found" 2 $?
get "$A" passwd 87687 >/dev/null
check_eq "A: B's uid not found" 2 $?
get "$A" group 91000 >/dev/null
check_eq "A: B's gid not found" 2 $?
get "$A" passwd hsimpson@globex.example >/dev/null
check_eq "A: B's user not found by qualified name" 2 $?
check_eq "A: initgroups" "asmith 3000 3001" \
	"$(get "$A" initgroups asmith | xargs)"

# initgroups answers every group listing the user, the primary one too, as
# SSSD does: the base gid is the caller's, and libnss_sss leaves it out.
# globex's staff (87687) is hsimpson's and asmith's primary group and lists
# hsimpson only.  getgrouplist() goes through glibc with "group: sss" alone.
printf 'passwd: sss\ngroup: sss\n' > "$PAGD_TMP/nsswitch.conf"
# grouplist [--no-mc] DIR USER BASE: getgrouplist(USER, BASE), in order;
# a failure is shown as "exit N".
grouplist()
{
	local mc=
	[ "$1" != --no-mc ] || { mc=$1; shift; }
	timeout 5 "$pagd_src/tests/lib/in-sockdir" $mc "$1" sh -c '
		mount --bind "$0" /etc/nsswitch.conf || exit 99
		exec "$1" "$2" "$3"' \
		"$PAGD_TMP/nsswitch.conf" "$PAGD_BUILD/tests/lib/grouplist" "$2" "$3" ||
		echo "exit $?"
}
check_eq "B: initgroups has the primary group that lists the user" \
	"hsimpson 87687 91000" "$(IN_SOCKDIR_MC=no get "$B" initgroups hsimpson | xargs)"
check_eq "B: ... not the primary group that does not" \
	"asmith 91000" "$(IN_SOCKDIR_MC=no get "$B" initgroups asmith | xargs)"
check_eq "B: getgrouplist with the primary gid as base: no duplicate" \
	"87687 91000" "$(grouplist --no-mc "$B" hsimpson 87687)"
check_eq "B: getgrouplist with another base: the primary group too" \
	"100 87687 91000" "$(grouplist --no-mc "$B" hsimpson 100)"
check_eq "B: getgrouplist with a listed group as base" \
	"91000 87687" "$(grouplist --no-mc "$B" hsimpson 91000)"
# The same from the memory cache, filled by the replies above: pagd is
# stopped, so a lookup the file cannot answer would time out.
kill -STOP "$pagd_pid"
check_eq "B, memory cache: initgroups as over the socket" \
	"hsimpson 87687 91000" \
	"$(timeout 5 "$pagd_src/tests/lib/in-sockdir" "$B" \
		getent -s sss initgroups hsimpson | xargs)"
check_eq "B, memory cache: getgrouplist with the primary gid as base" \
	"87687 91000" "$(grouplist "$B" hsimpson 87687)"
check_eq "B, memory cache: getgrouplist with another base" \
	"100 87687 91000" "$(grouplist "$B" hsimpson 100)"
kill -CONT "$pagd_pid"

check_eq "A+B: names qualified" \
	"asmith@acme.example:x:512:512:Alice Smith:/home/asmith:/bin/bash" \
	"$(get "$AB" passwd asmith@acme.example)"
get "$AB" passwd asmith >/dev/null
check_eq "A+B: ambiguous bare name not found" 2 $?
check_eq "A+B: enumeration does not cross tenants" "" "$(get "$AB" passwd)"

# The main socket: no PAG here, so the default, which is "nothing".
MAIN=$PAGD_RUN/pipes
get "$MAIN" passwd asmith >/dev/null
check_eq "main socket, no PAG, empty default: nothing" 2 $?

# Reload with a default (clients kept across reload: pagd_proto_test).
sed -i 's/^default_domains =.*/default_domains = globex.example/' "$PAGD_CONF"
kill -HUP "$pagd_pid"
sleep 0.3
check_eq "SIGHUP reload: main socket now gives the default" "87687" \
	"$(get "$MAIN" passwd asmith | cut -d: -f3)"

# Persistence: bindings and directories survive kill -9.
pag_on_pagd bind 4242 acme.example acme.example >/dev/null
pagd_kill9
pagd_start || { fail "pagd restarts after kill -9"; exit 1; }
check_eq "kill -9: directories preserved" "$A" "$(pag_on_pagd sockets acme.example)"
check_eq "kill -9: binding preserved" "4242 acme.example" "$(pag_on_pagd bindings)"
check_eq "kill -9: directory answers again" "512" \
	"$(get "$A" passwd asmith | cut -d: -f3)"
pagd_stop
check_eq "SIGTERM: clean exit" 0 $?

done_testing
