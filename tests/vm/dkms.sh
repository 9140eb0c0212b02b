#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module as an administrator installs it: `make install-dkms` puts the
# source in /usr/src/pag-VERSION, `dkms add/build/install` builds pag.ko
# for the running kernel, `modprobe pag` loads that build, and with the
# module unloaded the first use of the netlink family loads it again
# (MODULE_ALIAS_GENL_FAMILY: nlctrl's GETFAMILY by name asks modprobe for
# net-pf-16-proto-16-family-pag).  Everything lands on the VM's throw-away
# overlay; at the end the DKMS tree is removed and build/kernel/KVER/pag.ko
# ($PAG_KO) is loaded again, as the rest of the suite expects.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH

plan 13

version=$(cat "$top/VERSION")
kver=$(uname -r)
mod=pag/$version

command -v dkms > /dev/null ||
	skip_all 13 "dkms" "dkms is not installed (tools/install-deps)"
[ -d "/lib/modules/$kver/build" ] ||
	skip_all 13 "dkms" "no kernel headers for $kver"

# depmod over the 9p root takes minutes under emulation: dkms install
# runs it (that is under test), the clean-up puts the saved indexes back.
saved=$(mktemp -d)
cp -a "/lib/modules/$kver"/modules.* "$saved/"
cleanup()
{
	dkms remove "$mod" --all --no-depmod > /dev/null 2>&1
	rm -rf "/usr/src/pag-$version"
	cp -a "$saved"/modules.* "/lib/modules/$kver/"
	rm -rf "$saved"
	if ! grep -qw '^pag' /proc/modules && [ -n "${PAG_KO:-}" ]; then
		insmod "$PAG_KO"
	fi
}
trap cleanup EXIT

check "make install-dkms DESTDIR=/ puts the source in /usr/src" \
	make -s --no-print-directory -C "$top" install-dkms DESTDIR=/
check "dkms add" dkms add "$mod"
check "dkms build for the running kernel" dkms build "$mod" -k "$kver"
check "dkms install" dkms install "$mod" -k "$kver"
# Its stdout: on 6.12 DKMS's readelf warns on stderr about the module's
# missing .comment section.
check_eq "dkms status: installed" "pag/$version, $kver, $(uname -m): installed" \
	"$(dkms status "$mod" -k "$kver")"
# DKMS compresses the module as the kernel's own are (6.12's: xz).
check_eq "modprobe finds the DKMS build" \
	"/lib/modules/$kver/updates/dkms/pag.ko" \
	"$(modinfo -n pag 2>&1 | sed -E 's/\.(xz|zst|gz)$//')"
check "it carries the genetlink family alias" \
	grep -qx net-pf-16-proto-16-family-pag <<<"$(modinfo -F alias pag)"

if ! pag_unload; then
	for t in "modprobe pag" "modprobe -r pag" "autoload: pag new works" \
		"autoload: the family's first use loaded pag.ko"; do
		skip "$t" "pag.ko cannot be unloaded now (a PAG lives)"
	done
	skip "build/kernel/KVER/pag.ko loaded again" "never unloaded"
	cleanup
	trap - EXIT
	check "the DKMS build is gone again" sh -c '! modinfo -n pag'
	exit 0
fi
check "modprobe pag loads the DKMS build" modprobe pag
check "modprobe -r pag" sh -c 'modprobe -r pag && ! grep -qw "^pag" /proc/modules'

# /dev/pag went with the module: libpag resolves the family over netlink.
err=$(pag new -- true 2>&1)
check_eq "autoload: pag new works, with no fallback warning" "0 " "$? $err"
check "autoload: the family's first use loaded pag.ko" grep -qw '^pag' /proc/modules

# Back to the build under test for the rest of the suite.
pag_unload
trap - EXIT
cleanup
if [ -n "${PAG_KO:-}" ]; then
	check "build/kernel/KVER/pag.ko loaded again" grep -qw '^pag' /proc/modules
else
	fail "build/kernel/KVER/pag.ko loaded again" "PAG_KO is not set: later tests run without pag.ko"
fi
check "the DKMS build is gone again" sh -c '! modinfo -n pag'

done_testing
