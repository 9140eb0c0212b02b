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
