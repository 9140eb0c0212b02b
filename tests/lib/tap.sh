# SPDX-License-Identifier: GPL-2.0
#
# Minimal TAP for shell tests: call plan, then ok/skip/fail.  Tests get it
# from common.sh, which they source first:
#
#   . "$(dirname "$0")/../lib/common.sh"
#   plan 2
#   check "module is loaded" grep -qw pag /proc/modules
#   skip "needs rxrpc" "rxrpc module missing"

_tap_n=0
_tap_failed=0

plan() { echo "TAP version 13"; echo "1..$1"; }

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1"; }

fail()
{
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $1"
	shift
	[ $# = 0 ] || printf '#   %s\n' "$@"
}

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1 # SKIP $2"; }

# skip_all N DESCRIPTION REASON: skip N tests (the plan) and exit
skip_all()
{
	local i
	for i in $(seq "$1"); do skip "$2" "$3"; done
	exit 0
}

# check DESCRIPTION CMD...: passes when CMD exits 0; shows its output if not
check()
{
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		fail "$desc" "command: $*" "$out"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected: $2" "actual:   $3"
	fi
}

done_testing() { [ $_tap_failed = 0 ]; }
