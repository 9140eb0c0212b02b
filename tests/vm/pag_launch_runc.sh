#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-launch wrapping a real runc (Debian's) on a minimal busybox bundle, in
# the VM as root.  The container lists the keyrings it can see: PAG
# keyrings give nothing to non-possessors, so a .pag. keyring in the list
# is the container's own session keyring.  Unwrapped, runc puts the
# container in a _ses.<id> keyring of its own, outside any PAG: the reason
# pag-launch adds --no-new-keyring.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
runc=$(command -v runc || echo /usr/sbin/runc)

plan 4
if [ ! -x "$runc" ] || [ ! -x /bin/busybox ]; then
	for i in 1 2 3 4; do skip "runc test $i" "runc or busybox-static not installed"; done
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

b=$(mktemp -d /tmp/bundle.XXXXXX)
trap 'rm -rf "$b"' EXIT
mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys"
cp /bin/busybox "$b/rootfs/bin/"
for t in sh cat grep sed; do ln -s busybox "$b/rootfs/bin/$t"; done
(cd "$b" && "$runc" spec)
# /proc/keys is masked by default: unmask it; no network namespace to set up.
cmd="grep -o 'keyring *[._a-z0-9]*' /proc/keys | grep -E '\\.pag\\.| _ses\\.' | sed 's/  */ /'; exit 3"
jq --arg cmd "$cmd" '.process.terminal = false
	| .process.args = ["/bin/sh", "-c", $cmd]
	| .linux.maskedPaths = []
	| .linux.namespaces |= map(select(.type != "network"))' \
	"$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json"
cd "$b" || exit 1
# A runc that hangs (seen once under emulation, spinning) fails its checks
# after two minutes instead of stalling every test after it.
rt() { timeout -k 5 120 "$@"; }

out=$(rt pag-launch --oci-runtime "$runc" -- run c1 2>&1)
rc=$?
check_eq "wrapped runc run: the container's session keyring is a PAG" \
	"keyring .pag." "$(grep -o 'keyring \.pag\.' <<<"$out")"
check_eq "wrapped runc run: no _ses keyring, exit status 3 passes through" \
	"0 3" "$(grep -c ' _ses\.' <<<"$out") $rc"
out=$(rt pagsh -c "$runc run c2" 2>&1)
check "unwrapped runc run in a PAG: runc's own _ses.c2 replaced it" \
	grep -q '_ses.c2' <<<"$out"
check_eq "unwrapped: the PAG is gone from the container" 0 "$(grep -c '\.pag\.' <<<"$out")"
done_testing
