#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's KCM responder against a real KDC: a process that cannot make key
# system calls (tests/lib/nokeys: Docker's default seccomp profile's
# effect) uses its PAG's tickets with KRB5CCNAME=KCM: through pagd's kcm
# socket; what it stores lands in the PAG's "_krb_kcm" collection, seen
# through KEYRING:session:kcm in that PAG and in no other; pagd's own
# cache is shown but not destroyed; two PAGs of one domain subset, on one
# socket directory's kcm socket, see only their own caches; without BPF LSM
# the socket refuses; bad frames are refused without harm to any keyring
# and pagd keeps serving; a connection keeps the PAG it was made from
# alive, and the PAG ends with it, its KCM collection destroyed.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
kdc=$top/tests/lib/kdc
nokeys=$PAGD_BUILD/tests/lib/nokeys
probe=$PAGD_BUILD/tests/lib/kcm_probe

plan 53

pagd_setup
kdir=$PAGD_TMP/kdc
keys=$PAGD_TMP/keys
mkdir -m 700 "$keys"
# The PAGs' members go first: every VM test shares pag.ko, and a PAG left
# alive makes the later tests that reload it skip.
cleanup()
{
	kill ${early_pid:-} ${a_pid:-} ${b_pid:-} ${c_pid:-} ${d_pid:-} ${e_pid:-} 2> /dev/null
	pag bpf unload --purge > /dev/null 2>&1
	"$kdc" stop "$kdir" 2> /dev/null
	pagd_cleanup
	# pagd's KCM workers die with it, a moment later
	for _ in $(seq 50); do
		[ "$(cat /sys/module/pag/refcnt 2> /dev/null)" != 0 ] || break
		sleep 0.1
	done
}
trap cleanup EXIT
"$kdc" start "$kdir" --maxlife 1h > /dev/null
. "$kdir/env"
"$kdc" addprinc "$kdir" alice --keytab "$keys/alice.kt"
"$kdc" addprinc "$kdir" bob --keytab "$keys/bob.kt"
"$kdc" addprinc "$kdir" svc1
printf '\n[profile/alice]\ndomains = acme.example\nprincipals = alice@TEST.PAG\nkeytab = %s/alice.kt\n' \
	"$keys" >> "$PAGD_CONF"
# carol's tickets live 20 s: pagd renews them after about 6
"$kdc" addprinc "$kdir" carol --keytab "$keys/carol.kt" --maxlife 20s --maxrenew 10m
printf '\n[profile/carol]\ndomains = acme.example\nprincipals = carol@TEST.PAG\nkeytab = %s/carol.kt\n' \
	"$keys" >> "$PAGD_CONF"
sed -i 's/^\[pagd\]$/&\ncred_renew_percent = 30/' "$PAGD_CONF"
# krb5.conf for KCM clients: the realm's, and pagd's main kcm socket
printf '[libdefaults]\n\tkcm_socket = %s/pipes/kcm\n' "$PAGD_RUN" > "$PAGD_TMP/kcm.conf"
export KRB5_CONFIG=$PAGD_TMP/kcm.conf:$KRB5_CONFIG

# serve NAME: a PAG whose member runs the commands given with run_in;
# its id in $NAME
serve()
{
	mkfifo "$PAGD_TMP/$1.in"
	pagsh -c "pag id > $PAGD_TMP/$1.id; exec 3<>$PAGD_TMP/$1.in
		while read -r cmd <&3; do
			sh -c \"\$cmd\" > $PAGD_TMP/$1.out 2>&1; echo \$? > $PAGD_TMP/$1.rc
		done" &
	printf -v "$1_pid" %s "$!"
	for _ in $(seq 50); do [ -s "$PAGD_TMP/$1.id" ] && break; sleep 0.1; done
	printf -v "$1" %s "$(cat "$PAGD_TMP/$1.id")"
}
# run_in NAME CMD: run CMD (a shell line) in NAME's PAG; its output, its status
run_in()
{
	rm -f "$PAGD_TMP/$1.rc"
	echo "$2" > "$PAGD_TMP/$1.in"
	for _ in $(seq 300); do [ -s "$PAGD_TMP/$1.rc" ] && break; sleep 0.05; done
	cat "$PAGD_TMP/$1.out"
	return "$(cat "$PAGD_TMP/$1.rc")"
}
kcm="KRB5CCNAME=KCM: $nokeys"

# --- without BPF LSM ------------------------------------------------------
# (an earlier test may have left the programs loaded)
pag bpf unload --purge > /dev/null 2>&1
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
check "a kcm socket in the main socket directory" test -S "$PAGD_RUN/pipes/kcm"
serve early
out=$(run_in early "$kcm klist")
check_eq "without BPF LSM: klist through KCM is refused" \
	"klist: No KCM server found while resolving ccache" "$out"
check "...and pagd says why" grep -q "KCM client (pid [0-9]*) on $PAGD_RUN/pipes/kcm: no provable PAG" "$PAGD_TMP/log"
pagd_stop

pag bpf load > /dev/null || { echo "Bail out! pag bpf load failed"; exit 1; }
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }

# --- a PAG with pagd's tickets -------------------------------------------
serve a
pag_on_pagd creds bind "$a" alice@TEST.PAG > /dev/null
for _ in $(seq 100); do
	pag_on_pagd --json creds "$a" 2>/dev/null | grep -q '"state": *"ok"' && break
	sleep 0.1
done
out=$(run_in a "$nokeys keyctl show @s")
check "the filter works: no keyctl" test $? -ne 0
out=$(run_in a "$kcm klist")
check "klist through KCM shows pagd's cache" grep -q "^Ticket cache: KCM:pagd$" <<< "$out"
check "...with alice's TGT" grep -q "krbtgt/TEST.PAG@TEST.PAG" <<< "$out"
out=$(run_in a "$kcm kvno svc1@TEST.PAG")
check_eq "kvno stores a service ticket through KCM" "svc1@TEST.PAG: kvno = 1" "$out"
out=$(run_in a "klist -c KEYRING:session:pagd")
check "...which KEYRING:session:pagd shows" grep -q "svc1@TEST.PAG" <<< "$out"
out=$(run_in a "$kcm kdestroy")
check_eq "kdestroy of pagd's cache is refused" \
	"kdestroy: Permission denied while destroying cache" "$(head -1 <<< "$out")"
out=$(run_in a "klist -c KEYRING:session:pagd")
check "...and it is still there" grep -q "krbtgt/TEST.PAG@TEST.PAG" <<< "$out"

# --- a cache of the client's own ------------------------------------------
out=$(run_in a "$kcm kinit -k -t $keys/bob.kt bob@TEST.PAG")
check "kinit of bob through KCM" test $? = 0
out=$(run_in a "$kcm klist")
check "...is now the default" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
out=$(run_in a "$kcm klist -l")
check "klist -l lists bob's cache and pagd's" \
	test "$(grep -c 'alice@TEST.PAG\|bob@TEST.PAG' <<< "$out")" = 2
out=$(run_in a "klist -c KEYRING:session:kcm")
check "KEYRING:session:kcm shows bob's cache" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
out=$(run_in a "$kcm kvno svc1@TEST.PAG && klist -c KEYRING:session:kcm")
check "kvno as bob lands in bob's cache" grep -q "svc1@TEST.PAG" <<< "$out"
out=$(run_in a "$kcm kswitch -p alice@TEST.PAG && $kcm klist")
check "kswitch to alice" grep -q "^Default principal: alice@TEST.PAG$" <<< "$out"
out=$(run_in a "$kcm kswitch -p bob@TEST.PAG && $kcm klist")
check "kswitch back to bob" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
out=$(grep -E '_krb_kcm|krb_ccache_|bob@TEST' /proc/keys)
check_eq "/proc/keys outside the PAG shows none of KCM's keys" "" "$out"

# --- another PAG of the same domain subset --------------------------------
serve b
pag_on_pagd bind "$b" acme.example > /dev/null
dir=$(pag_on_pagd sockets acme.example 2>/dev/null | head -1)
check "a kcm socket in the socket directory" test -S "$dir/kcm"
printf '[libdefaults]\n\tkcm_socket = %s/kcm\n' "$dir" > "$PAGD_TMP/kcm-dir.conf"
out=$(run_in b "KRB5_CONFIG=$PAGD_TMP/kcm-dir.conf:$KRB5_CONFIG $kcm klist")
check_eq "another PAG sees no cache" \
	"klist: Credentials cache 'KCM:kcm' not found" "$out"
out=$(run_in b "klist -c KEYRING:session:kcm 2>&1")
check "...nor through KEYRING" test $? -ne 0

# --- two PAGs of that subset, one socket ------------------------------------
# The socket directory is the same for both: only the peer's PAG tells
# their caches apart.
serve e
pag_on_pagd bind "$e" acme.example > /dev/null
dkcm="KRB5_CONFIG=$PAGD_TMP/kcm-dir.conf:$KRB5_CONFIG $kcm"
out=$(run_in b "$dkcm kinit -k -t $keys/bob.kt bob@TEST.PAG && $dkcm klist")
check "PAG b: kinit of bob on the directory's socket" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
out=$(run_in e "$dkcm klist")
check_eq "PAG e, same subset, same socket: none of b's caches" \
	"klist: Credentials cache 'KCM:kcm' not found" "$out"
out=$(run_in e "$dkcm kinit -k -t $keys/carol.kt carol@TEST.PAG && $dkcm klist -l | grep -o '^[a-z]*@TEST.PAG' | xargs")
check_eq "...e's kinit of carol: e lists carol's cache alone" carol@TEST.PAG "$out"
out=$(run_in e "klist -c KEYRING:session:kcm")
check "...which e's KEYRING:session:kcm shows" grep -q "^Default principal: carol@TEST.PAG$" <<< "$out"
out=$(run_in b "$dkcm klist -l | grep -o '^[a-z]*@TEST.PAG' | xargs")
check_eq "...and b lists bob's alone" bob@TEST.PAG "$out"

# --- bad input -------------------------------------------------------------
# The keyrings of a and b (serials included: a key made anew would differ)
# and what root outside every PAG sees, before and after.
keys_of() { run_in "$1" "keyctl show @s; for k in \$(keyctl rlist @s); do keyctl rlist \$k 2>/dev/null; done"; }
before=$(keys_of a)
before_b=$(keys_of b)
# (the use count and the time left of /proc/keys change by themselves)
root_keys() { awk '{ $3 = $5 = ""; print }' /proc/keys; }
before_root=$(root_keys)
check_eq "unknown opcode: not supported" "status -1765328137" "$(run_in a "$probe $PAGD_RUN/pipes/kcm unknown")"
check_eq "bad version: malformed" "status -1765328185" "$(run_in a "$probe $PAGD_RUN/pipes/kcm version")"
check_eq "frame too short: malformed" "status -1765328185" "$(run_in a "$probe $PAGD_RUN/pipes/kcm short")"
check_eq "16 MiB frame: too long" "status 90" "$(run_in a "$probe $PAGD_RUN/pipes/kcm huge")"
check_eq "1 MiB credential: too long" "status 90" "$(run_in a "$probe $PAGD_RUN/pipes/kcm bigcred")"
check_eq "truncated credential: malformed" "status -1765328185" "$(run_in a "$probe $PAGD_RUN/pipes/kcm badcred")"
check_eq "40,000-byte ticket, more than a key holds: too long" "status 90" "$(run_in a "$probe $PAGD_RUN/pipes/kcm keycred")"
check_eq "half a frame, then the client hangs up" sent "$(run_in a "$probe $PAGD_RUN/pipes/kcm hangup")"
check_eq "...nothing changed in the PAG's keyrings" "$before" "$(keys_of a)"
check_eq "...nor in another PAG's" "$before_b" "$(keys_of b)"
check_eq "...nor in any root sees outside the PAGs" "$before_root" "$(root_keys)"
out=$(run_in a "$kcm klist")
check "...and pagd keeps serving" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
out=$(run_in a "$kcm kdestroy && $kcm klist")
check "kdestroy of bob's cache: alice's is the default again" \
	grep -q "^Default principal: alice@TEST.PAG$" <<< "$out"

# --- a connection and the PAG it came from ---------------------------------
# The kernel keeps the connecting process's credentials with a unix socket
# (SO_PEERCRED), session keyring included: a process that connected from PAG
# c and then left c keeps c alive through its connection, after c's last
# member is gone, and is still served c's caches on it; c ends with the
# connection.
serve c
out=$(run_in c "$kcm kinit -k -t $keys/bob.kt bob@TEST.PAG && $kcm klist")
check "PAG c: kinit of bob through KCM" grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
c_ring=$(run_in c "keyctl search @s keyring _krb_kcm")
run_in c "$probe $PAGD_RUN/pipes/kcm later $PAGD_TMP/c.ended > $PAGD_TMP/c.later 2>&1 &" > /dev/null
for _ in $(seq 100); do grep -q left "$PAGD_TMP/c.later" 2>/dev/null && break; sleep 0.1; done
kill "$c_pid"
sleep 2
check "c lives on with the connection, without members" pag show "$c"
touch "$PAGD_TMP/c.ended"
for _ in $(seq 300); do grep -q status "$PAGD_TMP/c.later" && break; sleep 0.1; done
check_eq "...which is still served c's caches" "left
status 0" "$(cat "$PAGD_TMP/c.later")"
for _ in $(seq 300); do pag show "$c" > /dev/null 2>&1 || break; sleep 0.1; done
check "c ends once the connection is closed" test "$(pag show "$c" > /dev/null 2>&1; echo $?)" != 0
# Its collection is destroyed with it (not merely out of sight: root would
# get "Permission denied" for a key that exists).  A later PAG that gets
# c's id (ids are keyring serials, reused once free) is a new keyring
# with its own creation time: it has no such collection, and a worker
# enters only the incarnation the tag names (pag.ko refuses another with
# ESTALE, tests/kernel/pag_enter_test), so nothing of c's reaches it.
for _ in $(seq 50); do keyctl describe "$c_ring" > /dev/null 2>&1 || break; sleep 0.1; done
check_eq "...and its KCM collection is destroyed" \
	"keyctl_describe_alloc: Required key not available" "$(keyctl describe "$c_ring" 2>&1)"

# --- pag-launch: KCM at MIT's default socket path ----------------------------
# The container's krb5.conf is the realm's alone (no kcm_socket): pag-launch
# mounts the socket directory's kcm socket where MIT looks by default and
# sets KRB5CCNAME=KCM:, inherited by whatever the command runs.
realm_conf=${KRB5_CONFIG##*:}
L=(pag-launch --address "unix:path=$PAGD_RUN/private/bus" --profile alice)
out=$(KRB5_CONFIG=$realm_conf "${L[@]}" -- $nokeys sh -c "echo \$KRB5CCNAME
	test -S /var/run/.heim_org.h5l.kcm-socket && echo socket
	klist; kinit -k -t $keys/bob.kt bob@TEST.PAG && kvno svc1@TEST.PAG && klist" 2>&1)
check_eq "pag-launch: KRB5CCNAME=KCM:, pagd's kcm socket at MIT's default path" \
	"KCM: socket" "$(head -2 <<< "$out" | xargs)"
check "...klist under the filter shows the profile's tickets" \
	grep -q "^Default principal: alice@TEST.PAG$" <<< "$out"
check "...kinit of bob and kvno through KCM" \
	test "$(grep -c "^Default principal: bob@TEST.PAG$\|svc1@TEST.PAG" <<< "$out")" -ge 3
printf '# the --krb5-conf test\n' | cat - "$realm_conf" > "$PAGD_TMP/launch-krb5.conf"
out=$(env -u KRB5_CONFIG "${L[@]}" --krb5-conf "$PAGD_TMP/launch-krb5.conf" -- \
	sh -c "cmp /etc/krb5.conf $PAGD_TMP/launch-krb5.conf && $nokeys klist" 2>&1)
check "--krb5-conf: that file at /etc/krb5.conf, KCM works with it" \
	grep -q "^Default principal: alice@TEST.PAG$" <<< "$out"
out=$(KRB5_CONFIG=$realm_conf "${L[@]}" --no-kcm -- sh -c 'echo $KRB5CCNAME' 2>&1)
check_eq "--no-kcm: KRB5CCNAME is the PAG's keyring cache" "KEYRING:session:pagd" "$out"

# --- pagd's renewal, seen through KCM ---------------------------------------
# Renewals write pagd's own cache only: KCM shows the renewed TGT, and the
# cache the client stored stays its default, untouched.
field() { pag_on_pagd --json creds "$1" 2> /dev/null | jq -r ".$2"; }
serve d
pag_on_pagd creds bind "$d" carol@TEST.PAG > /dev/null
for _ in $(seq 100); do [ "$(field "$d" state)" = ok ] && break; sleep 0.1; done
run_in d "$kcm kinit -k -t $keys/bob.kt bob@TEST.PAG" > /dev/null
tgt0=$(run_in d "$kcm klist -c KCM:pagd" | grep "krbtgt/TEST.PAG@TEST.PAG")
check "PAG d: KCM shows carol's TGT in pagd's cache" test -n "$tgt0"
# pagd renews every 6 s or so: wait for the next renewal to show
renewed=no
for _ in $(seq 60); do
	sleep 0.5
	tgt1=$(run_in d "$kcm klist -c KCM:pagd" | grep "krbtgt/TEST.PAG@TEST.PAG")
	[ -n "$tgt1" ] && [ "$tgt1" != "$tgt0" ] && { renewed=yes; break; }
done
check_eq "...and the TGT pagd renewed there" yes "$renewed"
out=$(run_in d "$kcm klist")
check "...the client's own cache is still the default" \
	grep -q "^Default principal: bob@TEST.PAG$" <<< "$out"
check "...with its TGT" grep -q "krbtgt/TEST.PAG@TEST.PAG" <<< "$out"
