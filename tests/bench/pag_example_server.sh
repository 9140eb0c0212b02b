#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The example server of the extended PAG model (tools/example/): requests
# per second with a switch into the user's PAG and back per request,
# against the same server serving every request in its own PAG (-n), in
# the same run: 8 users, 4 server threads, 8 client threads, ROUNDS rounds
# of REQUESTS requests per side, alternating, the median of the rounds'
# ratios.  Target: at least 0.9.  Both servers hold the same credentials
# in every PAG they answer from (the baseline's own PAG too, as user
# "home"): an identity key, a TGT from a KDC of the run in
# KEYRING:session:pagd and a kafs token from pag aklog, so that their
# lookups do the same work.  Needs pag.ko: runs in the VM.

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
server=$build/tools/example/pag-example-server
client=$build/tests/lib/pag_example_client
pag=$build/bin/pag
rounds=${BENCH_ROUNDS:-9}
requests=${BENCH_REQUESTS:-400}
users="ann bob cat dan eve fay gus hal"
dir=$(mktemp -d)
kdc=$top/tests/lib/kdc

"$kdc" start "$dir/kdc" --realm TEST.PAG > /dev/null || exit 1
trap '"$kdc" stop "$dir/kdc"; rm -rf "$dir"' EXIT
. "$dir/kdc/env"
for u in $users home; do
	"$kdc" addprinc "$dir/kdc" "$u" --keytab "$dir/$u.kt" > /dev/null &&
		"$kdc" addprinc "$dir/kdc" "afs/$u.test" > /dev/null || exit 1
done
modprobe rxrpc
# shellcheck disable=SC2016 # sh expands them, per user
creds='export KRB5CCNAME=KEYRING:session:pagd &&
	kinit -k -t "'$dir'/$PAG_EXAMPLE_USER.kt" "$PAG_EXAMPLE_USER" &&
	"'$pag'" aklog "$PAG_EXAMPLE_USER.test" "'$KDC_REALM'" > /dev/null'

# start NAME [-n]: a server on $dir/NAME; its pid in pid_NAME
start()
{
	local name=$1 _
	shift
	# shellcheck disable=SC2086 # one argument per user
	"$pag" new -- "$server" -t 4 -c "$creds" \
		"$@" "$dir/$name" $users > "$dir/$name.out" &
	eval "pid_$name=\$!"
	for _ in $(seq 300); do
		grep -qx ready "$dir/$name.out" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "pag_example_server: the server did not start"
	exit 1
}

start switch
start plain -n
export PAG_EXAMPLE_BENCH=1
ratios=
s_all=
p_all=
for r in $(seq "$rounds"); do
	# shellcheck disable=SC2086
	if [ $((r % 2)) = 0 ]; then
		s=$("$client" "$dir/switch" "$requests" 8 - $users)
		p=$("$client" "$dir/plain" "$requests" 8 - $users)
	else
		p=$("$client" "$dir/plain" "$requests" 8 - $users)
		s=$("$client" "$dir/switch" "$requests" 8 - $users)
	fi
	ratios="$ratios $(awk -v s="$s" -v p="$p" 'BEGIN { print s / p }')"
	s_all="$s_all $s"
	p_all="$p_all $p"
done
kill -TERM "$pid_switch" "$pid_plain"
wait
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-30s %8.0f req/s   %-30s %8.0f req/s   ratio %.3f\n' \
	"with a switch per request" "$(median <<<"$s_all")" \
	"without switching" "$(median <<<"$p_all")" "$(median <<<"$ratios")"
echo "  target >= 0.9x"
