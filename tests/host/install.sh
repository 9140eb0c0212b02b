#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install DESTDIR=... PREFIX=/usr` into a temporary directory: the
# file list and modes, the library's soname, headers that work for a
# consumer through `pkg-config --cflags --libs libpag`, the installed
# binaries, the shipped configuration, and `make uninstall`.

. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /tmp/pag-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/root

plan 19

# mk TARGET: make TARGET into $D as a distribution package would
mk() { env -u PKG_CONFIG_SYSROOT_DIR -u PKG_CONFIG_PATH make -s --no-print-directory -C "$top" BUILD="$build" DESTDIR="$D" PREFIX=/usr "$@"; }

check "make install DESTDIR PREFIX=/usr" mk install

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
unitdir=${unitdir#/}
pamdir=$(pkg-config --variable=libdir pam 2>/dev/null)
pamdir=${pamdir:-/usr/lib}
pamdir=${pamdir#/}/security
expected="600 f etc/pag/pagd.conf
644 f ${unitdir}/pag-bpf.service
644 f ${unitdir}/pagd.service
644 f ${pamdir}/pam_pag.so
755 f usr/bin/pag
755 f usr/bin/pag-launch
755 f usr/bin/pagsh.pag
755 f usr/libexec/pag/oci-runtime
644 f usr/include/pag/linux/pag.h
644 f usr/include/pag/linux/pag_bpf.h
644 f usr/include/pag/pag.h
644 f usr/include/pag/peer.h
644 f usr/lib/libpag.a
777 l usr/lib/libpag.so
755 f usr/lib/libpag.so.0
644 f usr/lib/modules-load.d/pag.conf
644 f usr/lib/pkgconfig/libpag.pc
755 f usr/sbin/pagd
644 f usr/share/bash-completion/completions/pag
644 f usr/share/dbus-1/system.d/org.pag.Pagd1.conf
$(for m in "$top"/Documentation/man/*.[1-8]; do
	m=${m##*/}
	[ "$m" = pagsh.1 ] && m=pagsh.pag.1
	echo "644 f usr/share/man/man${m##*.}/$m"
done)"
actual=$(cd "$D" && find . \( -type f -o -type l \) -printf '%m %y %P\n' | sort -k3)
check_eq "installed files and modes" "$(sort -k3 <<<"$expected")" "$actual"

check_eq "libpag.so links to libpag.so.0" libpag.so.0 \
	"$(readlink "$D/usr/lib/libpag.so")"
check_eq "libpag.so.0's soname" "libpag.so.0" \
	"$(readelf -d "$D/usr/lib/libpag.so.0" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
check "nothing in linux-libc-dev's /usr/include/linux" \
	test ! -e "$D/usr/include/linux"

# Every library libpag.so.0 needs is named by libpag.pc's Requires.private.
needed=$(readelf -d "$D/usr/lib/libpag.so.0" | sed -n 's/.*(NEEDED).*\[lib\([a-z]*\)\.so.*\]/\1/p' | grep -v '^c$' | sort | tr '\n' ' ')
private=$(sed -n 's/^Requires.private: *//p' "$D/usr/lib/pkgconfig/libpag.pc" | tr ' ' '\n' | sed 's/^lib//' | sort | tr '\n' ' ')
check_eq "libpag.pc: Requires.private covers what libpag.so.0 links" \
	"$needed" "$private"

# A consumer built against the installed tree only: pkg-config with the
# sysroot pointing into DESTDIR, and gcc -H to see which headers it used.
export PKG_CONFIG_SYSROOT_DIR=$D
export PKG_CONFIG_PATH=$D/usr/lib/pkgconfig
# pkg-config drops -I/usr/include as a system directory; DESTDIR's is not one
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
cat > "$T/consumer.c" <<'EOF'
#include <stdio.h>
#include <pag/pag.h>
#include <pag/peer.h>

int main(void)
{
	struct pag_handle *h;
	int err = pag_open(&h, 0);

	if (err)
		return 1;
	printf("family %s v%d\n", PAG_FAMILY_NAME, PAG_FAMILY_VERSION);
	pag_close(h);
	return 0;
}
EOF
flags=$(pkg-config --cflags --libs libpag 2>&1)
check "pkg-config --cflags --libs libpag" pkg-config --cflags --libs libpag
check "pkg-config --static --libs libpag (Requires.private resolve)" \
	pkg-config --static --libs libpag
# shellcheck disable=SC2086
check "a consumer compiles and links with pkg-config's flags" \
	gcc -Wall -Werror -H -o "$T/consumer" "$T/consumer.c" $flags
# shellcheck disable=SC2086
headers=$(gcc -H -fsyntax-only "$T/consumer.c" $flags 2>&1 | grep -E 'pag(_bpf)?\.h|peer\.h' | sed 's/^\.* //')
check_eq "the consumer used the installed headers" \
	"$D/usr/include/pag/pag.h $D/usr/include/pag/linux/pag.h $D/usr/include/pag/peer.h" \
	"$(tr '\n' ' ' <<<"$headers" | sed 's/ $//')"
check_eq "the consumer runs against the installed library" \
	"family pag v2 $D/usr/lib/libpag.so.0" \
	"$(LD_LIBRARY_PATH=$D/usr/lib "$T/consumer") $(LD_LIBRARY_PATH=$D/usr/lib ldd "$T/consumer" | sed -n 's/.*libpag.so.0 => \([^ ]*\) .*/\1/p')"

# One version, from VERSION, in every binary and man page installed.
version=$(cat "$top/VERSION")
check_eq "every installed binary answers --version" \
	"pag $version|pag-launch $version|pagsh $version|pagd $version|pag-oci-runtime $version" \
	"$("$D/usr/bin/pag" --version)|$("$D/usr/bin/pag-launch" --version)|$("$D/usr/bin/pagsh.pag" --version)|$("$D/usr/sbin/pagd" --version)|$("$D/usr/libexec/pag/oci-runtime" --pag-runtime /nonexistent --version)"
check_eq "every installed man page names that version" "" \
	"$(grep -L "^\.TH .* \"pag $version\"" "$D"/usr/share/man/man*/*)"
check_eq "libpag.pc names that version" "$version" \
	"$(pkg-config --modversion libpag)"
check_eq "dkms.conf names that version" "$version" \
	"$(. "$top/dkms.conf" && echo "$PACKAGE_VERSION")"
check_eq "pag.ko's MODULE_VERSION names that version" "$version" \
	"$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$top/kernel/main.c")"
check "the shipped pagd.conf is valid" "$D/usr/sbin/pagd" -t -c "$D/etc/pag/pagd.conf"

# The administrator's configuration survives a reinstall and an uninstall.
echo "# mine" >> "$D/etc/pag/pagd.conf"
mk install
check "install keeps an existing pagd.conf" grep -qx '# mine' "$D/etc/pag/pagd.conf"
mk uninstall
check_eq "uninstall leaves only the configuration" "etc/pag/pagd.conf" \
	"$(cd "$D" && find . \( -type f -o -type l \) -printf '%P\n')"

done_testing
