#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's memory cache with the STOCK libnss_sss.so.2 as the reader: warm
# lookups answered while pagd is stopped (SIGSTOP), tenants kept apart in
# their files, reset on reload (also for a process that keeps the old file
# mapped), expiry, memcache_timeout = 0, and restarts.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 28

if ! pagd_can_unshare; then
	skip_all 28 "pagd memory cache" "needs root, unshare -m and libnss-sss"
fi

pagd_setup
# files domains this test may change
cp -r "$PAGD_EXAMPLE/acme" "$PAGD_EXAMPLE/globex" "$PAGD_TMP/"
sed -i "s|$PAGD_EXAMPLE/|$PAGD_TMP/|" "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }

A=$(pag_on_pagd sockets acme.example)
B=$(pag_on_pagd sockets globex.example)
check_eq "A's memory cache: three files, root's, mode 0644" \
	"0:0 644 group 0:0 644 initgroups 0:0 644 passwd" \
	"$(cd "$A/mc" && stat -c '%u:%g %a %n' * | xargs)"
check_eq "A's mc directory: mode 0755" "0:0 755" "$(stat -c '%u:%g %a' "$A/mc")"
check "the main socket has no memory cache" test ! -e "$PAGD_RUN/pipes/mc"

# Lookups time out rather than hang when pagd is stopped and the memory
# cache does not answer (libnss_sss would wait for minutes).
get() { timeout 5 "$pagd_src/tests/lib/in-sockdir" "$1" getent -s sss "${@:2}"; }
lookups()
{
	get "$1" passwd asmith
	get "$1" passwd 512
	get "$1" group developers
	get "$1" group 3000
	get "$1" initgroups asmith
	timeout 5 "$pagd_src/tests/lib/in-sockdir" "$1" id asmith
}

warm=$(lookups "$A")
check_eq "A: lookups over the socket" \
"asmith:x:512:512:Alice Smith:/home/asmith:/bin/bash
asmith:x:512:512:Alice Smith:/home/asmith:/bin/bash
developers:x:3000:asmith,bjones
developers:x:3000:asmith,bjones
asmith                3000 3001
uid=512(asmith) gid=512(asmith) groups=512(asmith),3000(developers),3001(ops)" "$warm"
warm_b=$(get "$B" passwd asmith; get "$B" group developers)

kill -STOP "$pagd_pid"
check_eq "pagd stopped: A's warm lookups answered by the memory cache" \
	"$warm" "$(lookups "$A")"
check_eq "pagd stopped: B's too" "$warm_b" \
	"$(get "$B" passwd asmith; get "$B" group developers)"
get "$A" passwd bjones > /dev/null
check_eq "pagd stopped: a cold lookup is not in the memory cache" 124 $?
IN_SOCKDIR_MC=no get "$A" passwd asmith > /dev/null
check_eq "pagd stopped: --no-mc takes the socket" 124 $?
kill -CONT "$pagd_pid"

check "A's memory cache holds A's asmith" grep -q -a "Alice Smith" "$A/mc/passwd"
check "A's memory cache holds none of B's" \
	sh -c '! grep -q -a -e "Adam Smith" -e hsimpson "$0"/mc/*' "$A"
check "B's memory cache holds none of A's" \
	sh -c '! grep -q -a -e "Alice Smith" -e bjones "$0"/mc/*' "$B"

# A process that keeps the old file mapped across a reset: it must see the
# new entry on its next lookup (the old file is marked recycled).
reloads() { grep -c "reloaded" "$PAGD_TMP/log"; }
reload()
{
	local n i
	n=$(reloads)
	kill -HUP "$pagd_pid"
	for i in $(seq 100); do
		[ "$(reloads)" -gt "$n" ] && return 0
		sleep 0.05
	done
	return 1
}
mkfifo "$PAGD_TMP/go"
"$pagd_src/tests/lib/in-sockdir" "$A" perl -e '
	print((getpwnam("asmith"))[6], "\n");
	open(my $go, "<", $ARGV[0]) or die; <$go>;
	print((getpwnam("asmith"))[6], "\n");' "$PAGD_TMP/go" > "$PAGD_TMP/perl.out" &
perl_pid=$!
sed -i 's/Alice Smith/Alice B. Smith/' "$PAGD_TMP/acme/passwd"
# the perl process has done its first lookup once the line is there
for i in $(seq 100); do [ -s "$PAGD_TMP/perl.out" ] && break; sleep 0.05; done
check "SIGHUP reload" reload
echo go > "$PAGD_TMP/go"
wait $perl_pid
check_eq "one process, before and after the reload" \
	"Alice Smith Alice B. Smith" "$(xargs < "$PAGD_TMP/perl.out")"
check_eq "after reload: the changed entry" \
	"asmith:x:512:512:Alice B. Smith:/home/asmith:/bin/bash" \
	"$(get "$A" passwd asmith)"
kill -STOP "$pagd_pid"
check_eq "after reload: the changed entry comes from the memory cache" \
	"asmith:x:512:512:Alice B. Smith:/home/asmith:/bin/bash" \
	"$(get "$A" passwd asmith)"
kill -CONT "$pagd_pid"

# Restarts: SIGTERM removes the files; a new pagd makes fresh ones.
pagd_stop
check_eq "SIGTERM: clean exit, memory cache files removed" "0 " \
	"$? $(ls "$A/mc")"
pagd_start || fail "pagd restarts"
check_eq "restart: lookups answer" "512" "$(get "$A" passwd asmith | cut -d: -f3)"
kill -STOP "$pagd_pid"
check_eq "restart: the memory cache answers again" "512" \
	"$(get "$A" passwd asmith | cut -d: -f3)"
kill -CONT "$pagd_pid"
ino=$(stat -c %i "$A/mc/passwd")
pagd_kill9
check "kill -9 leaves the file" test -e "$A/mc/passwd"
pagd_start || fail "pagd restarts after kill -9"
check "restart after kill -9: a fresh file" test "$(stat -c %i "$A/mc/passwd")" != "$ino"
check_eq "restart after kill -9: lookups answer" "512" \
	"$(get "$A" passwd asmith | cut -d: -f3)"

# Expiry: an expired record is not served, the socket is asked.
pagd_stop
sed -i 's/^\[pagd\]$/[pagd]\nmemcache_timeout = 1/' "$PAGD_CONF"
pagd_start || fail "pagd starts with memcache_timeout = 1"
check_eq "timeout 1: lookup" "512" "$(get "$A" passwd asmith | cut -d: -f3)"
# whole seconds: stored at x.0, the record is served until (x + 2).0
sleep 2.2
kill -STOP "$pagd_pid"
get "$A" passwd asmith > /dev/null
check_eq "timeout 1: expired record not served (the socket is asked)" 124 $?
kill -CONT "$pagd_pid"
check_eq "timeout 1: the socket answers" "512" "$(get "$A" passwd asmith | cut -d: -f3)"

# memcache_timeout = 0: no memory cache, lookups over the socket.
pagd_stop
sed -i 's/^memcache_timeout = 1$/memcache_timeout = 0/' "$PAGD_CONF"
pagd_start || fail "pagd starts with memcache_timeout = 0"
check_eq "timeout 0: lookups work" "512" "$(get "$A" passwd asmith | cut -d: -f3)"
check_eq "timeout 0: no memory cache files" "" "$(ls "$A/mc")"
kill -STOP "$pagd_pid"
get "$A" passwd asmith > /dev/null
check_eq "timeout 0: nothing answers without pagd" 124 $?
kill -CONT "$pagd_pid"

# Reload turns it back on.
sed -i 's/^memcache_timeout = 0$/memcache_timeout = 300/' "$PAGD_CONF"
reload
get "$A" passwd asmith > /dev/null
check_eq "reload to 300: files again" "group initgroups passwd" "$(ls "$A/mc" | xargs)"

done_testing
