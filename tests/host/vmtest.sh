#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/vmtest: exit status, output streams, module loading, splat and
# timeout detection, parallel instances, the default kernel and the others
# of the matrix.

. "$(dirname "$0")/../lib/common.sh"
vmtest=$(dirname "$0")/../../tools/vmtest

plan 11

out=$("$vmtest" -- cat /sys/kernel/security/lsm)
check_eq "exit 0 and the LSM list has bpf" "yes" \
	"$([ $? = 0 ] && [[ ,$out, == *,bpf,* ]] && echo yes)"

"$vmtest" -n -- false
check_eq "false exits 1" 1 $?

"$vmtest" -n -- sh -c 'exit 7'
check_eq "exit 7 is passed through" 7 $?

err=$(mktemp)
out=$("$vmtest" -n -- sh -c 'echo to-stdout; echo to-stderr >&2' 2>"$err")
check_eq "stdout is streamed apart" "to-stdout" "$out"
check_eq "stderr is streamed apart" "to-stderr" "$(cat "$err")"
rm -f "$err"

if [ -e "$(dirname "$0")/../../build/kernel/$("$vmtest" --print-release)/pag.ko" ]; then
	check "the built module is loaded" "$vmtest" -- grep -qw pag /proc/modules
else
	skip "the built module is loaded" "module not built"
fi

"$vmtest" -n -- sh -c 'echo c > /proc/sysrq-trigger' 2>/dev/null
check_eq "a kernel panic fails the run with 123" 123 $?

"$vmtest" -n -t 10 -- sleep 600 2>/dev/null
check_eq "a hung command times out with 124" 124 $?

check_eq "the default kernel is 6.1's, whatever else is installed" 6.1. \
	"$("$vmtest" --print-release | grep -o '^6\.1\.')"

# Each boots with its own boot modules (modprobe --show-depends).
bad=
for k in $("$vmtest" --print-matrix); do
	want=$("$vmtest" -r "$k" --print-release 2>&1)
	got=$("$vmtest" -n -r "$k" -- uname -r 2>&1)
	[ "$got" = "$want" ] || bad+="$k: booted '$got', wanted '$want'; "
done
check_eq "each kernel of the matrix boots" "" "$bad"

"$vmtest" -n -- sh -c 'exit 3' & a=$!
"$vmtest" -n -- sh -c 'exit 4' & b=$!
wait $a; ra=$?
wait $b; rb=$?
check_eq "two instances run at once" "3 4" "$ra $rb"

done_testing
