#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-oci-runtime under rootless podman, in the VM: an unprivileged user
# with subordinate ids (newuidmap and newgidmap from Debian's uidmap),
# podman's storage on a tmpfs of the user's, the wrapper as its runtime.
# podman runs the runtime in the user namespace it made, where ENTER's
# CAP_SYS_ADMIN does not count: the wrapper refuses create with its
# message, which podman shows, before anything of pag happens (no PAG, no
# record), and the container does not start.  The same refusal without
# an engine (unshare -Ur): tests/host/oci_runtime.sh.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
# shellcheck source=../lib/oci_rootfs.sh
. "$top/tests/lib/oci_rootfs.sh"

plan 3
if ! command -v podman >/dev/null || [ ! -x /usr/bin/crun ] ||
	[ ! -u /usr/bin/newuidmap ] || [ ! -u /usr/bin/newgidmap ]; then
	for i in 1 2 3; do skip "rootless podman test $i" "podman, crun or uidmap not installed (tools/install-deps)"; done
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

# A user of the VM's own (its /etc is a tmpfs over the host's), with
# subordinate ids for its user namespace.
user=pagrootless
uid=64242
grep -q "^$user:" /etc/passwd ||
	echo "$user:x:$uid:$uid::/nonexistent:/bin/sh" >> /etc/passwd
grep -q "^$user:" /etc/group || echo "$user:x:$uid:" >> /etc/group
for f in /etc/subuid /etc/subgid; do
	grep -q "^$user:" "$f" 2>/dev/null || echo "$user:200000:65536" >> "$f"
done

T=$(mktemp -d /tmp/oci-rootless.XXXXXX)
mount -t tmpfs -o mode=755 tmpfs "$T"
trap 'umount -l "$T"; rm -rf "$T"' EXIT
oci_rootfs "$T/rootfs"
# the user's: its uid is the container's root
chown -R "$uid:$uid" "$T/rootfs"
mkdir -p "$T/home" "$T/xdg" "$T/bin"
chown "$uid:$uid" "$T/home" "$T/xdg"
chmod 700 "$T/xdg"
ln -s "$bin/pag-oci-runtime" "$T/bin/oci-runtime@acme"

npags() { pag list | grep -c '^ *[0-9]'; }
records() { find /run/pag/oci -type f 2>/dev/null | wc -l; }
before="$(npags) $(records)"
run runuser -u "$user" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME="$T/home" XDG_RUNTIME_DIR="$T/xdg" \
	podman --root "$T/home/storage" --runroot "$T/xdg/run" --storage-driver vfs \
	--cgroup-manager cgroupfs --events-backend none \
	--runtime "$T/bin/oci-runtime@acme" --runtime-flag pag-runtime=/usr/bin/crun \
	run --rm --network none --rootfs "$T/rootfs" sh -c 'echo started'
check "rootless podman: the engine shows the wrapper's refusal" \
	grep -q "pag-oci-runtime: create: rootless engines are not supported: a container's PAG is entered with CAP_SYS_ADMIN in the initial user namespace, and this runs in a user namespace" <<<"$err"
grep -q "pag-oci-runtime: create" <<<"$err" || sed "s/^/# /" <<<"$err"
check_eq "...podman failed, the container did not start" "1 0" \
	"$([ "$rc" != 0 ] && echo 1 || echo 0) $(grep -c started <<<"$out")"
check_eq "...no PAG made, no record written" "$before" "$(npags) $(records)"
done_testing
