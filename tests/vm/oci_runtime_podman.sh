#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-oci-runtime under Debian's podman, rootful, in the VM: containers of
# a root filesystem made of the host's own programs (tests/lib/oci_rootfs.sh),
# storage on a tmpfs, no network, the wrapper as podman's runtime with crun
# (and runc) as the real one, pagd serving the shipped two-tenant example
# with a profile per tenant and one with Kerberos credentials.  A
# container's session keyring is its PAG, it sees its profile's tenant
# only and starts with its profile's tickets, `podman exec` lands in that
# PAG, two containers of different profiles see neither each other's PAG
# nor tenant, and stopping a container ends its PAG and its binding.
# Refusals reach the engine with the wrapper's message and start nothing.
# Then the wrapper driving crun directly as an engine does, for an exec
# into a container whose PAG has ended.

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
# shellcheck source=../lib/oci_rootfs.sh
. "$top/tests/lib/oci_rootfs.sh"
# shellcheck source=../lib/oci_pagd.sh
. "$top/tests/lib/oci_pagd.sh"

plan 32
if ! command -v podman >/dev/null || [ ! -x /usr/bin/crun ]; then
	for i in $(seq 32); do skip "podman test $i" "podman or crun not installed (tools/install-deps)"; done
	exit 0
fi
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup

oci_pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"

T=$(mktemp -d /tmp/oci-podman.XXXXXX)
mount -t tmpfs tmpfs "$T"
cleanup()
{
	"${P[@]}" rm -af -t 0 >/dev/null 2>&1
	umount -l "$T" 2>/dev/null
	rm -rf "$T"
	oci_pagd_stop
}
trap cleanup EXIT
oci_rootfs "$T/rootfs"
# The profile by the wrapper's name, as podman's containers.conf gives it.
mkdir "$T/bin"
for p in acme globex creds nosuch; do
	ln -s "$bin/pag-oci-runtime" "$T/bin/oci-runtime@$p"
done
# podman's state on the tmpfs, nothing of the host's; --runtime-flag puts
# the wrapper's options among the runtime's global ones.
P=(podman --root "$T/root" --runroot "$T/runroot" --storage-driver vfs
	--cgroup-manager cgroupfs --events-backend none
	--runtime-flag "pag-address=$bus" --runtime-flag pag-runtime=/usr/bin/crun)
# /proc/keys, masked by default, lists the keyrings a process may see: a
# PAG's gives nothing to non-members, so a .pag. one is the session keyring.
RUN=(run --network none --security-opt unmask=/proc/keys)
# rootfs NAME: a root of its own for each container (podman writes in it)
rootfs() { cp -a "$T/rootfs" "$T/rootfs.$1" && echo "$T/rootfs.$1"; }
# the PAG keyrings and runc's or crun's own session keyrings it sees
keyrings='echo "pag $(grep -c "keyring *\.pag\." /proc/keys) ses $(grep -c "keyring *_ses\." /proc/keys)"'
pag_of='grep "keyring *\.pag\." /proc/keys | cut -d" " -f1'
# the PAG id in the record of container $1, as /proc/keys prints it (hex)
record_pag() { printf '%08x' "$(sed -n 's/^pag=\([0-9]*\) .*/\1/p' "/run/pag/oci/$1")"; }
# gone CMD...: wait until CMD fails (a PAG ends a moment after its last
# process; pagd drops its binding when it hears of it)
gone() { local _; for _ in $(seq 100); do "$@" >/dev/null 2>&1 || return 0; sleep 0.1; done; return 1; }

# Each podman command costs seconds under TCG: one exec asks a container
# everything its checks need.  (What podman run costs through the wrapper:
# tests/bench/oci_podman.sh.)

# --- a container in its own PAG, its tenant only --------------------------
run "${P[@]}" --runtime "$T/bin/oci-runtime@acme" "${RUN[@]}" --rm \
	--rootfs "$(rootfs a1)" sh -c \
	"$keyrings; getent passwd asmith | cut -d: -f3; getent passwd hsimpson || echo 'no hsimpson'"
check_eq "podman run (crun): the session keyring is a PAG, acme's asmith, no globex user" \
	"0|pag 1 ses 0|512|no hsimpson" "$rc|$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$err"
run "${P[@]}" --runtime "$T/bin/oci-runtime@globex" "${RUN[@]}" --rm \
	--rootfs "$(rootfs g1)" sh -c 'getent passwd asmith | cut -d: -f3; getent passwd hsimpson | cut -d: -f3'
check_eq "profile globex: globex's asmith and hsimpson" "0 87687 87688" "$rc $(xargs <<<"$out")"

# --- exec lands in the container's PAG; two profiles apart ---------------
# (podman run -d prints the container's id)
run "${P[@]}" --runtime "$T/bin/oci-runtime@acme" "${RUN[@]}" -d --name c1 \
	--rootfs "$(rootfs c1)" sleep 1000
check_eq "podman run -d c1" 0 "$rc"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$err"
c1=$out
run "${P[@]}" --runtime "$T/bin/oci-runtime@globex" "${RUN[@]}" -d --name c2 \
	--rootfs "$(rootfs c2)" sleep 1000
c2=$out
run stat -c %a /run/pag/oci
check_eq "the records' directory is root's alone" 700 "$out"
c1_pag=$(record_pag "$c1")
c2_pag=$(record_pag "$c2")
# asks PAG: in a container, the PAG it runs in, whether it sees PAG, its
# id of asmith, bjones and hsimpson (- for none), whether klist works
asks() { echo "$pag_of; grep -c '^$1 ' /proc/keys;"' for u in asmith bjones hsimpson; do getent passwd $u | cut -d: -f3 | grep . || echo -; done; klist >/dev/null 2>&1 && echo klist || echo no-klist'; }
run "${P[@]}" exec c1 sh -c "$(asks "$c2_pag")"
mapfile -t a1 <<<"$out"
run "${P[@]}" exec c2 sh -c "$(asks "$c1_pag")"
mapfile -t a2 <<<"$out"
check_eq "podman exec lands in the container's PAG, the recorded one" \
	"$c1_pag" "${a1[0]}"
check_eq "podman exec: acme's asmith" 512 "${a1[2]}"
id_c1=$((16#$c1_pag))
check "pagd binds c1's PAG to acme.example" \
	grep -qx "$id_c1 acme.example" <(pag_on_pagd bindings)
check "c2 (globex) has a PAG of its own" test -n "$c2_pag" -a "$c2_pag" != "$c1_pag" -a "${a2[0]}" = "$c2_pag"
check_eq "c1 does not see c2's PAG" 0 "${a1[1]}"
check_eq "c2 does not see c1's PAG" 0 "${a2[1]}"
check_eq "c2 does not see acme's bjones" - "${a2[3]}"
check_eq "c1 does not see globex's hsimpson" - "${a1[4]}"

# --- credentials: the container starts with them ----------------------------
# (podman's default seccomp profile allows keyctl, which klist reads a
# KEYRING ccache with)
run "${P[@]}" --runtime "$T/bin/oci-runtime@creds" "${RUN[@]}" --rm \
	--rootfs "$(rootfs k1)" sh -c 'echo $KRB5CCNAME; klist'
check_eq "profile creds: the container starts with alice's tickets in its PAG" \
	"0 KEYRING:session:pagd Default principal: alice@$KDC_REALM" \
	"$rc $(head -1 <<<"$out") $(grep 'Default principal' <<<"$out")"
run "${P[@]}" --runtime "$T/bin/oci-runtime@creds" "${RUN[@]}" -d --name k2 \
	--rootfs "$(rootfs k2)" sleep 1000
# podman builds an exec's environment from its own configuration: the
# wrapper adds the KRB5CCNAME it recorded
run "${P[@]}" exec k2 klist
check "podman exec k2 klist: the container's tickets" \
	grep -q "Default principal: alice@$KDC_REALM" <<<"$out"
[ "$rc" = 0 ] || sed "s/^/# /" <<<"$err"
check_eq "c2 (globex) has no tickets" no-klist "${a2[5]}"
"${P[@]}" rm -f -t 0 k2 >/dev/null 2>&1

# --- stop ends the PAG and the binding -------------------------------------
run "${P[@]}" stop -t 0 c1
check_eq "podman stop c1" 0 "$rc"
check "c1's PAG has ended" gone pag show "$id_c1"
check "pagd dropped c1's binding" gone grep -q "^$id_c1 " <(pag_on_pagd bindings)
run "${P[@]}" start c1
run "${P[@]}" exec c1 sh -c "$pag_of"
check "podman start c1 again: a new PAG, recorded" \
	test "$rc" = 0 -a -n "$out" -a "$out" = "$(record_pag "$c1")"
run "${P[@]}" rm -f -t 0 c1
check "podman rm c1: the record is gone" test ! -e "/run/pag/oci/$c1"
"${P[@]}" rm -f -t 0 c2 >/dev/null 2>&1

# --- refusals reach the engine, nothing starts ------------------------------
npags() { pag list | grep -c '^ *[0-9]'; }
# podman run PROFILE ARGS...: a container that must not start
refused() { local p=$1; shift; run "${P[@]}" --runtime "$T/bin/oci-runtime@$p" "${RUN[@]}" --rm "$@" --rootfs "$(rootfs r)" sh -c 'echo started'; rm -rf "$T/rootfs.r"; }
# settle N: the PAG a refused wrapper made ends with it, a moment later
settle() { local _; for _ in $(seq 100); do [ "$(npags)" = "$1" ] && break; sleep 0.1; done; npags; }
before=$(npags)
refused nosuch
check "unknown profile: the engine shows pagd's refusal" \
	grep -q "pag-oci-runtime: cannot bind the PAG within its profile: .*nosuch" <<<"$err"
check_eq "...and the container did not start, no PAG is left" "0 $before" \
	"$(grep -c started <<<"$out") $(settle "$before")"
refused acme --annotation org.pag.domains=globex.example
check "an annotation outside the profile: refused" \
	grep -q "pag-oci-runtime: cannot bind the PAG within its profile: .*globex.example" <<<"$err"
check_eq "...and the container did not start" 0 "$(grep -c started <<<"$out")"
refused acme --annotation org.pag.principal=
check "a malformed annotation: the wrapper's message" \
	grep -q 'pag-oci-runtime: .*config.json: annotation org.pag.principal is not a non-empty string' <<<"$err"

# --- runc as the real runtime ------------------------------------------------
if [ -x /usr/sbin/runc ]; then
	run "${P[@]}" --runtime "$T/bin/oci-runtime@acme" --runtime-flag pag-runtime=/usr/sbin/runc \
		"${RUN[@]}" --rm --rootfs "$(rootfs u1)" sh -c \
		"$keyrings; getent passwd asmith | cut -d: -f3"
	check_eq "podman run (runc): the session keyring is a PAG, acme's asmith" \
		"0 pag 1 ses 0 512" "$rc $(xargs <<<"$out")"
else
	skip "podman run (runc)" "runc not installed"
fi

# --- the wrapper as an engine drives crun: exec after the PAG ended -----------
b=$T/bundle
mkdir "$b" && cp -a "$T/rootfs" "$b/rootfs"
(cd "$b" && crun spec)
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's/"sh"$/"sh", "-c", "exit 0"/' "$b/config.json"
W=("$bin/pag-oci-runtime" --pag-address "$bus" --pag-profile acme --pag-runtime /usr/bin/crun)
# the container's stdio is a file: it outlives create, and would hold a pipe
"${W[@]}" create --bundle "$b" d1 </dev/null >"$T/d1.log" 2>&1
check_eq "crun create through the wrapper" 0 "$?"
d1_id=$(sed -n 's/^pag=\([0-9]*\) .*/\1/p' /run/pag/oci/d1)
d1_ns=$(sed -n 's/.* created_ns=\([0-9]*\)$/\1/p' /run/pag/oci/d1)
"${W[@]}" start d1 </dev/null >>"$T/d1.log" 2>&1
gone pag show "$d1_id"
run "${W[@]}" exec d1 true
check_eq "exec into a container whose PAG ended: refused, exact error" \
	"69 pag-oci-runtime: the PAG of container d1 (PAG $d1_id created at $d1_ns) has ended: no process runs outside it" \
	"$rc $err"
run "${W[@]}" delete -f d1
check "delete: passed through, the record removed" test "$rc" = 0 -a ! -e /run/pag/oci/d1
echo '{"ociVersion": "1.0.2", ' > "$b/config.json"
before=$(npags)
run "${W[@]}" create --bundle "$b" d2
check_eq "a config.json the wrapper cannot parse: exact error, 65, no container" \
	"65 pag-oci-runtime: cannot read the bundle's $b/config.json: string or '}' expected near end of file (line 2)|pag-oci-runtime: container d2 not created|no d2|$before" \
	"$rc $(tr '\n' '|' <<<"$err")$(crun state d2 >/dev/null 2>&1 || echo no d2)|$(npags)"

# --- last, as it stops pagd: a refusal with pagd down ------------------------
pagd_stop
refused acme
check "pagd down: the engine shows it" \
	grep -q "pag-oci-runtime: cannot reach pagd at $bus" <<<"$err"
check_eq "...and the container did not start" 0 "$(grep -c started <<<"$out")"
done_testing
