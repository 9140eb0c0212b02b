# SPDX-License-Identifier: GPL-2.0
#
# What every shell test starts with; source it first:
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# It brings tap.sh, sets
#   top     the source tree
#   build   the build directory: $BUILD, or build/ of the source tree
#   bin     the programs built there (pag, pagsh, pag-launch)
# and defines
#   run CMD...  runs CMD, leaving its stdout in $out, its stderr in $err
#               and its exit status in $rc
#   pag_unload  rmmod pag, waiting up to 10 s for the key garbage
#               collector to drop the last ended PAG (a PAG holds the
#               module until its keyring is destroyed); fails if it stays

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD:-$top/build}
bin=$build/bin
# shellcheck source=tap.sh
. "$top/tests/lib/tap.sh"

run()
{
	local e
	e=$(mktemp)
	out=$("$@" 2>"$e")
	rc=$?
	err=$(cat "$e")
	rm -f "$e"
}

pag_unload()
{
	local _
	for _ in $(seq 50); do
		rmmod pag 2>/dev/null && return 0
		grep -qw '^pag' /proc/modules || return 0
		sleep 0.2
	done
	return 1
}
