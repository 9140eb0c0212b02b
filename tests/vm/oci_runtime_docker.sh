#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-oci-runtime under Debian's docker.io (dockerd 20.10 and its own
# containerd), rootful, in the VM: the wrapper is a runtime of
# daemon.json's "runtimes" per profile, its options in "runtimeArgs", runc
# the real runtime.  The image is imported from a root filesystem made of
# the host's own programs (tests/lib/oci_rootfs.sh), storage on a tmpfs,
# no network.  A container's session keyring is its PAG, it sees its
# profile's tenant only, `docker exec` lands in the recorded PAG, stop
# ends the PAG and its binding and start makes a new one, rm drops the
# record.  Docker's default seccomp profile refuses keyctl: klist of the
# container's KEYRING ccache fails under it and works under one that
# allows keyctl (containers-common's, podman's default).  An unknown
# profile reaches the engine as the wrapper's error and starts nothing.
# Docker 20.10 cannot set a container's annotations: the annotation
# refusals are tested under podman (oci_runtime_podman.sh).  Last, with
# the BPF LSM's tags loaded and pagd started again: under Docker's default
# seccomp profile the wrapper's KCM socket gives the container klist of
# its PAG's tickets, kinit and kvno (the KDC on the VM's loopback, the
# realm's krb5.conf mounted as --pag-krb5-conf asks).

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
# shellcheck source=../lib/oci_rootfs.sh
. "$top/tests/lib/oci_rootfs.sh"
# shellcheck source=../lib/oci_pagd.sh
. "$top/tests/lib/oci_pagd.sh"

n=25
plan $n
# /usr/local/bin/docker may be another client: Debian's, by its path
if [ ! -x /usr/sbin/dockerd ] || [ ! -x /usr/bin/docker ] || [ ! -x /usr/sbin/runc ]; then
	for i in $(seq $n); do skip "docker test $i" "docker.io or runc not installed (tools/install-deps)"; done
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

oci_pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"

T=$(mktemp -d /tmp/oci-docker.XXXXXX)
mount -t tmpfs tmpfs "$T"
D=(/usr/bin/docker -H "unix://$T/docker.sock")
cleanup()
{
	# The programs go first: the tests after this one expect them unloaded.
	pag bpf unload --purge > /dev/null 2>&1
	# shellcheck disable=SC2046 # a list of ids
	"${D[@]}" rm -f $("${D[@]}" ps -aq 2>/dev/null) >/dev/null 2>&1
	[ ! -s "$T/dockerd.pid" ] || kill "$(cat "$T/dockerd.pid")" 2>/dev/null
	local _
	for _ in $(seq 100); do [ -e "$T/dockerd.pid" ] || break; sleep 0.1; done
	umount -l "$T" 2>/dev/null
	rm -rf "$T"
	oci_pagd_stop
}
trap cleanup EXIT

# A runtime per profile, as a site's /etc/docker/daemon.json has them;
# everything of dockerd's on the tmpfs; no bridge, no iptables.
runtime() { printf '"pag-%s": { "path": "%s", "runtimeArgs": ["--pag-profile", "%s", "--pag-address", "%s", "--pag-runtime", "/usr/sbin/runc"%s] }' \
	"$1" "$bin/pag-oci-runtime" "${2:-$1}" "$bus" "${3:-}"; }
# the KCM container's krb5.conf: the realm's
printf '# the wrapper mounted this\n' | cat - "$KRB5_CONFIG" > "$T/container-krb5.conf"
cat > "$T/daemon.json" <<EOC
{
	"data-root": "$T/data", "exec-root": "$T/exec", "pidfile": "$T/dockerd.pid",
	"hosts": ["unix://$T/docker.sock"], "storage-driver": "vfs",
	"bridge": "none", "iptables": false, "ip6tables": false, "ip-masq": false,
	"exec-opts": ["native.cgroupdriver=cgroupfs"],
	"runtimes": {
		$(runtime acme), $(runtime globex), $(runtime creds), $(runtime nosuch),
		$(runtime kcm creds ", \"--pag-krb5-conf\", \"$T/container-krb5.conf\"")
	}
}
EOC
/usr/sbin/dockerd --config-file "$T/daemon.json" > "$T/dockerd.log" 2>&1 &
for _ in $(seq 600); do "${D[@]}" version > /dev/null 2>&1 && break; sleep 0.1; done
oci_rootfs_files="$oci_rootfs_files /usr/bin/kinit /usr/bin/kvno /bin/echo /usr/bin/test"
oci_rootfs "$T/rootfs"
"$OCI_KDC" addprinc "$OCI_KDC_DIR" bob --keytab "$T/rootfs/bob.kt" > /dev/null
"$OCI_KDC" addprinc "$OCI_KDC_DIR" svc1 > /dev/null
tar -C "$T/rootfs" -c . | "${D[@]}" import - pagtest > /dev/null
check "dockerd runs, the test image is imported" "${D[@]}" image inspect pagtest
# /proc/keys, masked by default, lists the keyrings a process may see: a
# PAG's gives nothing to non-members, so a .pag. one is the session
# keyring.  The VM's kernel has AppArmor, the root no apparmor_parser.
RUN=(run --network none --security-opt apparmor=unconfined --security-opt systempaths=unconfined)
keyrings='echo "pag $(grep -c "keyring *\.pag\." /proc/keys) ses $(grep -c "keyring *_ses\." /proc/keys)"'
pag_of='grep "keyring *\.pag\." /proc/keys | cut -d" " -f1'
record_pag() { printf '%08x' "$(sed -n 's/^pag=\([0-9]*\) .*/\1/p' "/run/pag/oci/$1")"; }
gone() { local _; for _ in $(seq 100); do "$@" >/dev/null 2>&1 || return 0; sleep 0.1; done; return 1; }

# --- a container in its own PAG, its tenant only --------------------------
run "${D[@]}" "${RUN[@]}" --rm --runtime pag-acme pagtest sh -c \
	"$keyrings; getent passwd asmith | cut -d: -f3; getent passwd hsimpson || echo 'no hsimpson'"
check_eq "docker run: the session keyring is a PAG, acme's asmith, no globex user" \
	"0|pag 1 ses 0|512|no hsimpson" "$rc|$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$err"

# --- exec lands in the container's PAG -----------------------------------
run "${D[@]}" "${RUN[@]}" -d --name c1 --runtime pag-acme pagtest sleep 1000
check_eq "docker run -d c1" 0 "$rc"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$err"
c1=$("${D[@]}" inspect -f '{{.Id}}' c1)
c1_pag=$(record_pag "$c1")
run "${D[@]}" exec c1 sh -c "$pag_of"
check_eq "docker exec lands in the container's PAG, the recorded one" \
	"0 $c1_pag" "$rc $out"
run "${D[@]}" exec c1 getent passwd asmith
check_eq "docker exec: acme's asmith" 512 "$(cut -d: -f3 <<<"$out")"
id_c1=$((16#$c1_pag))
check "pagd binds c1's PAG to acme.example" \
	grep -qx "$id_c1 acme.example" <(pag_on_pagd bindings)
run "${D[@]}" "${RUN[@]}" --rm --runtime pag-globex pagtest sh -c \
	"grep -c '^$c1_pag ' /proc/keys; getent passwd bjones || echo no bjones"
check_eq "a globex container sees neither c1's PAG nor acme's bjones" \
	"0 no bjones" "$(xargs <<<"$out")"

# --- credentials, and Docker's seccomp profile ------------------------------
run "${D[@]}" "${RUN[@]}" --rm --runtime pag-creds pagtest sh -c 'echo $KRB5CCNAME; klist'
check "docker's default seccomp profile: klist cannot read the KEYRING ccache" \
	test "$rc" != 0 -a "$(head -1 <<<"$out")" = KEYRING:session:pagd
seccomp=/usr/share/containers/seccomp.json
if [ -r $seccomp ]; then
	run "${D[@]}" "${RUN[@]}" --security-opt seccomp=$seccomp --rm --runtime pag-creds pagtest klist
	check "a seccomp profile allowing keyctl: alice's tickets in the PAG" \
		grep -q "Default principal: alice@$KDC_REALM" <<<"$out"
	run "${D[@]}" "${RUN[@]}" --security-opt seccomp=$seccomp -d --name k2 --runtime pag-creds pagtest sleep 1000
	run "${D[@]}" exec k2 klist
	check "docker exec k2 klist: the container's tickets" \
		grep -q "Default principal: alice@$KDC_REALM" <<<"$out"
	"${D[@]}" rm -f k2 > /dev/null 2>&1
else
	skip "klist under a seccomp profile allowing keyctl" "no $seccomp"
	skip "docker exec klist" "no $seccomp"
fi

# --- stop ends the PAG and the binding -------------------------------------
run "${D[@]}" stop -t 0 c1
check_eq "docker stop c1" 0 "$rc"
check "c1's PAG has ended" gone pag show "$id_c1"
check "pagd dropped c1's binding" gone grep -q "^$id_c1 " <(pag_on_pagd bindings)
run "${D[@]}" start c1
run "${D[@]}" exec c1 sh -c "$pag_of"
check "docker start c1 again: a new PAG, recorded" \
	test "$rc" = 0 -a -n "$out" -a "$out" = "$(record_pag "$c1")" -a "$out" != "$c1_pag"
run "${D[@]}" rm -f c1
check "docker rm c1: the record is gone" gone test -e "/run/pag/oci/$c1"

# --- refusals reach the engine, nothing starts ------------------------------
npags() { pag list | grep -c '^ *[0-9]'; }
settle() { local _; for _ in $(seq 100); do [ "$(npags)" = "$1" ] && break; sleep 0.1; done; npags; }
before=$(npags)
run "${D[@]}" "${RUN[@]}" --rm --runtime pag-nosuch pagtest sh -c 'echo started'
# containerd's shim shows the last error of the runtime's --log, where the
# wrapper writes it too
check "unknown profile: docker shows pagd's refusal" \
	grep -q "pag-oci-runtime: cannot bind the PAG within its profile: .*nosuch" <<<"$err"
check_eq "...and the container did not start, no PAG is left" "0 $before" \
	"$(grep -c started <<<"$out") $(settle "$before")"
run "${D[@]}" "${RUN[@]}" --rm --runtime nosuch pagtest true
check "a runtime docker does not know: refused" grep -q "Unknown runtime specified nosuch" <<<"$err"
pagd_stop
run "${D[@]}" "${RUN[@]}" --rm --runtime pag-acme pagtest sh -c 'echo started'
check "pagd down: docker shows it, the container did not start" \
	test "$(grep -c started <<<"$out")" = 0 -a -n "$(grep "pag-oci-runtime: cannot reach pagd at $bus" <<<"$err")"
run "${D[@]}" ps -aq
check_eq "no container is left" "" "$out"

# --- KCM under Docker's default seccomp profile -----------------------------
# pagd learns at start whether the BPF LSM tells peers apart: load, start.
pag bpf load > /dev/null || { echo "Bail out! pag bpf load failed"; exit 1; }
pagd_start || { echo "Bail out! pagd did not start again"; exit 1; }
KRUN=(run --network host --security-opt apparmor=unconfined --security-opt systempaths=unconfined)
run "${D[@]}" "${KRUN[@]}" --rm --runtime pag-kcm pagtest sh -c \
	"echo \$KRB5CCNAME
	test -S /var/run/.heim_org.h5l.kcm-socket && echo socket
	keyctl show @s > /dev/null 2>&1 || echo no-keyctl
	grep -q '^# the wrapper mounted this' /etc/krb5.conf && echo conf
	klist
	kinit -k -t /bob.kt bob@$KDC_REALM && kvno svc1@$KDC_REALM && klist"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$out$err"
check_eq "docker, KCM: KRB5CCNAME=KCM:, pagd's kcm socket at MIT's path, no keyctl" \
	"KCM: socket no-keyctl" "$(head -3 <<<"$out" | xargs)"
check_eq "...the krb5.conf --pag-krb5-conf names at /etc/krb5.conf" conf "$(sed -n 4p <<<"$out")"
check "...klist shows the profile's tickets through KCM" \
	grep -q "^Default principal: alice@$KDC_REALM$" <<<"$out"
check "...kinit of bob through KCM" grep -q "^Default principal: bob@$KDC_REALM$" <<<"$out"
check "...kvno stores svc1's ticket through KCM" grep -q "svc1@$KDC_REALM: kvno = 1" <<<"$out"
done_testing
