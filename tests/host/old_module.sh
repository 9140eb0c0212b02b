#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A newer libpag meeting an older pag.ko, as after an upgrade while PAGs
# live (the loaded module stays until the last one ends): the tools refuse
# it with a message naming both versions, never act on it, and work once
# the installed module is loaded.  The older module is the real one: the
# last commit before requests named a PAG's incarnation (netlink family
# version 1), built from the repository's history for the VM's kernel.

. "$(dirname "$0")/../lib/common.sh"
vmtest=$top/tools/vmtest
old_commit=a8ded1f1f7ea1dad14b7c77d6a14d13635db37b9

plan 8

git -C "$top" cat-file -e "$old_commit^{commit}" 2>/dev/null ||
	skip_all 8 "older pag.ko" "commit $old_commit is not in this clone's history"
[ -x "$build/bin/pag" ] || skip_all 8 "older pag.ko" "not built"
release=$("$vmtest" --print-release) || { fail "the VM's kernel" "$release"; exit 1; }
new_ko=$build/kernel/$release/pag.ko
version=$(cat "$top/VERSION")

T=$(mktemp -d /tmp/pag-old-module.XXXXXX)
trap 'rm -rf "$T"' EXIT
git -C "$top" archive "$old_commit" Kbuild kernel uapi | tar -x -C "$T" &&
	make -s -C "/lib/modules/$release/build" M="$T" modules >"$T/build.log" 2>&1
check "the older pag.ko builds for $release" test -f "$T/kernel/pag.ko" ||
	sed 's/^/# /' "$T/build.log"

# One guest run: the older module first, then the installed one.
cmd="pag=$build/bin/pag;"
cmd+=' $pag status; echo "status=$?";'
cmd+=' $pag new -- true; echo "new=$?";'
cmd+=' $pag list; echo "list=$?";'
cmd+=" rmmod pag && insmod $new_ko && echo reloaded;"
cmd+=' $pag new -- $pag id >/dev/null; echo "new2=$?";'
cmd+=' $pag status | grep -c "^module:"'
out=$(cd "$top" && "$vmtest" -t 300 -r "$release" -M "$T/kernel/pag.ko" \
	-- sh -c "$cmd" 2>&1)
echo "$out" | sed 's/^/# /'

msg="the loaded pag.ko (an unversioned build, netlink family version 1) is older than libpag $version, which needs family version 2 or later: once no PAG is alive, unload it (rmmod pag) and load the installed one (modprobe pag)"
check_eq "status names both versions" "module:   $msg" "$(grep '^module:' <<<"$out" | head -1)"
check_eq "status lists no command of the older module" "commands:" \
	"$(grep '^commands:' <<<"$out" | head -1)"
check_eq "new is refused with the message, exit 69" \
	"pag new: cannot create a PAG: $msg
new=69" "$(grep -e '^pag new:' -e '^new=' <<<"$out")"
check_eq "list is refused the same way" \
	"pag list: $msg
list=69" "$(grep -e '^pag list:' -e '^list=' <<<"$out")"
check "the older module unloads (no PAG was made in it)" grep -qx reloaded <<<"$out"
check_eq "the installed module works" "new2=0" "$(grep '^new2=' <<<"$out")"
check_eq "and status has nothing to say of it" 0 "$(tail -n 1 <<<"$out")"
