#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kerberos under podman's default seccomp profile (add_key and request_key
# answer ENOSYS, so kinit and kvno fail on a KEYRING: cache): with the BPF
# LSM's tags loaded, pag-oci-runtime mounts the socket directory's kcm
# socket at MIT's default KCM socket path, sets KRB5CCNAME=KCM: and, as
# asked by --pag-krb5-conf, the realm's krb5.conf; the container's klist
# shows the tickets pagd put in its PAG, and its kinit and kvno work
# through KCM.  (Docker's profile, which also blocks keyctl, is the nokeys
# filter of tests/vm/pagd_kcm.sh.)

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
# shellcheck source=../lib/oci_rootfs.sh
. "$top/tests/lib/oci_rootfs.sh"
# shellcheck source=../lib/oci_pagd.sh
. "$top/tests/lib/oci_pagd.sh"

plan 5
if ! command -v podman >/dev/null || [ ! -x /usr/bin/crun ]; then
	for i in $(seq 5); do skip "podman KCM test $i" "podman or crun not installed (tools/install-deps)"; done
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
pag bpf load > /dev/null || { echo "Bail out! pag bpf load failed"; exit 1; }

T=$(mktemp -d /tmp/oci-kcm.XXXXXX)
# The programs go first: the tests after this one expect them unloaded.
cleanup()
{
	pag bpf unload --purge > /dev/null 2>&1
	"${P[@]}" rm -af -t 0 >/dev/null 2>&1
	umount -l "$T" 2>/dev/null
	rm -rf "$T"
	oci_pagd_stop
}
trap cleanup EXIT
oci_pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"
"$OCI_KDC" addprinc "$OCI_KDC_DIR" bob --keytab "$PAGD_TMP/keys/bob.kt" > /dev/null
"$OCI_KDC" addprinc "$OCI_KDC_DIR" svc1 > /dev/null
mount -t tmpfs tmpfs "$T"
oci_rootfs_files="$oci_rootfs_files /usr/bin/kinit /usr/bin/kvno /bin/echo /usr/bin/test"
oci_rootfs "$T/rootfs"
cp "$PAGD_TMP/keys/bob.kt" "$T/rootfs/bob.kt"
printf '# the wrapper mounted this\n' | cat - "$KRB5_CONFIG" > "$PAGD_TMP/container-krb5.conf"
mkdir "$T/bin"
ln -s "$bin/pag-oci-runtime" "$T/bin/oci-runtime@creds"
P=(podman --root "$T/root" --runroot "$T/runroot" --storage-driver vfs
	--cgroup-manager cgroupfs --events-backend none
	--runtime-flag "pag-address=$bus" --runtime-flag pag-runtime=/usr/bin/crun
	--runtime-flag "pag-krb5-conf=$PAGD_TMP/container-krb5.conf")

# The KDC listens on the VM's loopback: the host's network.
out=$("${P[@]}" --runtime "$T/bin/oci-runtime@creds" run --rm --network host \
	--rootfs "$T/rootfs" sh -c "echo \$KRB5CCNAME
	test -S /var/run/.heim_org.h5l.kcm-socket && echo socket
	keyctl add user x y @s > /dev/null 2>&1 || echo no-add_key
	grep -q '^# the wrapper mounted this' /etc/krb5.conf && echo conf
	klist
	kinit -k -t /bob.kt bob@$KDC_REALM && kvno svc1@$KDC_REALM && klist" 2>&1)
rc=$?
[ "$rc" = 0 ] || sed 's/^/# /' <<< "$out"
check_eq "podman: KRB5CCNAME=KCM:, pagd's kcm socket at MIT's path, no add_key" \
	"KCM: socket no-add_key" "$(head -3 <<< "$out" | xargs)"
check_eq "...the krb5.conf --pag-krb5-conf names at /etc/krb5.conf" conf "$(sed -n 4p <<< "$out")"
check "...klist shows the profile's tickets through KCM" \
	grep -q "^Default principal: alice@$KDC_REALM$" <<< "$out"
check "...kinit of bob through KCM" grep -q "^Default principal: bob@$KDC_REALM$" <<< "$out"
check "...kvno stores svc1's ticket through KCM" grep -q "svc1@$KDC_REALM: kvno = 1" <<< "$out"
