# SPDX-License-Identifier: GPL-2.0
#
# A container root filesystem from the host's own programs: source after
# common.sh.  busybox has no glibc NSS, so getent, klist and keyctl come
# from the host with every library ldd names, and the stock libnss_sss.
#
#   oci_rootfs DIR    make DIR a root (merged /usr, as Debian's) with sh,
#                     true, cat, grep, cut, tr, sleep, getent, klist and
#                     keyctl; passwd and group through files, then sss
#                     (the container's socket directory)

oci_rootfs_files="/bin/sh /bin/true /bin/cat /bin/grep /bin/sleep /bin/cut /bin/tr /usr/bin/getent
/usr/bin/klist /bin/keyctl /lib/x86_64-linux-gnu/libnss_sss.so.2
/lib/x86_64-linux-gnu/libnss_files.so.2"

oci_rootfs()
{
	local f lib
	mkdir -p "$1"/{proc,dev,sys,tmp,etc,run,usr/bin,usr/lib,usr/lib64}
	ln -s usr/bin "$1/bin"
	ln -s usr/lib "$1/lib"
	ln -s usr/lib64 "$1/lib64"
	for f in $oci_rootfs_files; do
		[ -e "$f" ] || continue
		mkdir -p "$1$(dirname "$f")"
		cp -L "$f" "$1$f"
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			[ -e "$1$lib" ] && continue
			mkdir -p "$1$(dirname "$lib")"
			cp -L "$lib" "$1$lib"
		done
	done
	printf 'passwd: files sss\ngroup: files sss\n' > "$1/etc/nsswitch.conf"
	echo 'root:x:0:0:root:/root:/bin/sh' > "$1/etc/passwd"
	echo 'root:x:0:' > "$1/etc/group"
}
