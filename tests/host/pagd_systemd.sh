#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages on a host run by systemd: `make deb` builds them (lintian
# must find no error), then a VM booted with systemd as PID 1
# (tools/vmtest --systemd) installs them with dpkg -i, DKMS builds pag.ko,
# pagd runs under its real unit, reload, restart, kill -9, the watchdog and
# an upgrade keep every binding, and purge removes what it must.  The guest
# half, which prints most of the TAP, is tests/lib/pagd-systemd.

. "$(dirname "$0")/../lib/common.sh"

if ! command -v dpkg-buildpackage > /dev/null || ! command -v dkms > /dev/null ||
	[ ! -r /sys/kernel/btf/vmlinux ]; then
	skip_all 1 "packages under systemd" \
		"needs debhelper, dh-dkms and dkms (tools/install-deps) and the host's BTF"
fi

# The packages are built here; the guest reports lintian's verdict with
# its own checks ($LINTIAN_LOG: empty when lintian found no error).
log=$(mktemp "$build/pagd_systemd.XXXXXX")
trap 'rm -f "$log"; rm -rf "$build/deb-upgrade"' EXIT
if ! make -s --no-print-directory -C "$top" BUILD="$build" deb > "$log" 2>&1; then
	echo "1..1"
	echo "not ok 1 make deb"
	sed 's/^/#   /' "$log" | tail -30
	exit 1
fi
lintian --fail-on error "$build"/deb/*.changes > "$log" 2>&1 && : > "$log"

# The upgrade: the same packages at version VERSION+1 (pag-dkms aside),
# repacked with only the version changed.
new=$(cat "$top/VERSION")+1
rm -rf "$build/deb-upgrade" && mkdir -p "$build/deb-upgrade"
for d in "$build"/deb/*.deb; do
	case ${d##*/} in pag-dkms_*|*-dbgsym_*) continue ;; esac
	x=$(mktemp -d)
	dpkg-deb -R "$d" "$x" &&
		sed -i -e "s/^Version: .*/Version: $new/" \
			-e "s/(= [^)]*)/(= $new)/" "$x/DEBIAN/control" &&
		dpkg-deb -b "$x" "$build/deb-upgrade/" > /dev/null
	rm -rf "$x"
done

cd "$top" && tools/vmtest --systemd -n -t 1500 -e "BUILD=$build" \
	-e "DEBS=$build/deb" -e "DEBS_NEW=$build/deb-upgrade" \
	-e "LINTIAN_LOG=$log" -- tests/lib/pagd-systemd
