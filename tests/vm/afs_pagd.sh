#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's kafs tokens against a real OpenAFS cell (tests/lib/afscell):
# containers started by pag-launch with pagd's credential bindings, in
# network namespaces of their own, act as their principal on a host-made
# kafs mount (pagd makes their tokens in the mount's network namespace,
# the host's); with --afs-netns container the tokens are made in the
# container's own network namespace instead (pag-oci-runtime's
# org.pag.afs-netns=container with the engine's namespace likewise), where
# the host's mount never looks, and a restarted pagd finds that namespace
# again; a short-lived ticket is renewed by pagd while a container keeps
# writing with open/write/close per operation, and no operation fails; a
# token that is not renewed expires and its PAG loses the rights.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
afscell=$top/tests/lib/afscell
kdc=$top/tests/lib/kdc

plan 29

# 6.1's kafs oopses when unloaded (tests/lib/afscell stop), so there an
# earlier test's cell stays known to kafs with its file server, and a
# second cell at the same address is refused its ACL change: on 6.1 this
# test runs only in a boot of its own (tests/run --filter '*afs_pagd*').
if [ "$(wc -l 2> /dev/null < /proc/net/afs/cells || echo 0)" -gt 1 ]; then
	skip_all 29 "pagd's kafs tokens" \
		"kafs still holds an earlier test's cell (6.1: kafs cannot be unloaded); run alone"
fi

pagd_setup
tmp=$PAGD_TMP
holders=
cleanup()
{
	local p
	# by pid: pagd is a background job too
	for p in $holders; do kill "$p" 2> /dev/null; wait "$p" 2> /dev/null; done
	ip netns del pagafs 2> /dev/null
	ip link del pagafs-h 2> /dev/null
	umount "$tmp/own" 2> /dev/null
	umount "$tmp/afs/alice" "$tmp/afs/bob" 2> /dev/null
	"$afscell" stop "$tmp/cell"
	"$kdc" stop "$tmp/kdc"
	pagd_cleanup
}
trap cleanup EXIT
bail_out() { echo "Bail out! $*"; exit 1; }

# A cell of its own name: kafs keeps what it learnt of afs_cell.sh's
# (test.pag) while the VM runs.
"$kdc" start "$tmp/kdc" --realm PAGD.TEST --maxlife 1h > /dev/null
. "$tmp/kdc/env"
start=$SECONDS
# 10.123.0.1 on lo: reachable from a container's network namespace through
# a veth pair, which 127.1.0.1 (loopback) is not.
if ! "$afscell" start "$tmp/cell" --kdc "$tmp/kdc" --addr 10.123.0.1 > "$tmp/cell.log" 2>&1 ||
	! "$afscell" user "$tmp/cell" alice --maxlife 20s >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" user "$tmp/cell" bob >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" mount "$tmp/cell" user.alice "$tmp/afs/alice" >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" mount "$tmp/cell" user.bob "$tmp/afs/bob" >> "$tmp/cell.log" 2>&1; then
	sed 's/^/# /' "$tmp/cell.log" /var/log/openafs/*Log 2> /dev/null
	bail_out "the AFS cell did not start"
fi
echo "# cell and users ready in $((SECONDS - start)) s"
. "$tmp/cell/env"
A=$tmp/afs/alice
B=$tmp/afs/bob

# alice's tickets live 20 s and pagd renews them after about 6.
sed -i "s/^\[pagd\]\$/&\ncred_retry_min = 1\ncred_retry_max = 2\ncred_renew_percent = 30\nafs_cells = $AFS_CELL@$KDC_REALM/" "$PAGD_CONF"
for u in alice bob; do
	printf '\n[profile/%s]\ndomains = acme.example\nprincipals = %s@%s\nkeytab = %s/%s.kt\n' \
		"$u" "$u" "$KDC_REALM" "$tmp/cell" "$u"
done >> "$PAGD_CONF"
printf '\n[profile/noprinc]\ndomains = acme.example\n' >> "$PAGD_CONF"
pagd_start || bail_out "pagd did not start"
bus="unix:path=$PAGD_RUN/private/bus"
launch() { pag-launch --address "$bus" --no-sockets "$@"; }

# try WHAT PATH (after ". $tmp/try"): create-and-write (create) or read
# (read) PATH; print nothing or the error (create), ok or denied (read)
cat > "$tmp/try" << 'EOF'
try() {
	case $1 in
	create) (echo "$2" > "$2") 2>&1 | sed "s/.*: //" ;;
	read) cat "$2" > /dev/null 2>&1 && echo ok || echo denied ;;
	esac
}
EOF
try=". '$tmp/try'"

# --- two containers, each in its own network namespace, one host mount -----
launch --profile alice --net -- sh -c "$try
	touch '$tmp/a.ready'
	while [ ! -e '$tmp/b.ready' ]; do sleep 0.1; done
	try create '$A/c-a'; try create '$B/c-a'
	keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo token-here || echo no-token-here" \
	> "$tmp/c-a" 2>&1 &
pa=$!
launch --profile bob --net -- sh -c "$try
	touch '$tmp/b.ready'
	while [ ! -e '$tmp/a.ready' ]; do sleep 0.1; done
	try create '$B/c-b'; try create '$A/c-b'" > "$tmp/c-b" 2>&1 &
pb=$!
wait $pa $pb
check_eq "pag-launch --net --profile alice: writes alice's volume through the host's mount, not bob's; its token is in the host's network namespace, not its own" \
	"Permission denied
no-token-here" "$(cat "$tmp/c-a")"
check_eq "... bob's container at the same time: bob's volume only" \
	"Permission denied" "$(cat "$tmp/c-b")"
check "... each file made in its owner's volume" \
	test -s "$A/c-a" -a -s "$B/c-b" -a ! -e "$A/c-b" -a ! -e "$B/c-a"

# --- pag aklog and pag tokens in a container on the host's mount -----------
# The container's own network namespace does not know the cell the host's
# mount serves: pag aklog asks pagd to make the PAG's token anew where the
# mount looks, when the PAG has a credential binding; pag tokens names the
# binding's principal.
out=$(launch --profile alice --net -- sh -c "$try
	before=\$(pag tokens --json | jq -r '.[] | select(.type == \"rxrpc\") | .serial')
	pag aklog --address '$bus' $AFS_CELL; echo rc=\$?
	after=\$(pag tokens --json | jq -r '.[] | select(.type == \"rxrpc\") | .serial')
	[ \"\$before\" != \"\$after\" ] && echo new-token || echo same-token
	keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo token-here || echo no-token-here
	try create '$A/aklog1'
	pag tokens --address '$bus'
	pag tokens --address '$bus' --json | jq -c '.[] | select(.type == \"rxrpc\") | [.cell, .principal]'" 2>&1)
check "pag aklog in a --net container with alice's binding: pagd placed a token where the host's mount looks" \
	grep -Eq "^afs@$AFS_CELL: token placed by pagd \(credentials of alice@$KDC_REALM\) where $A looks, key [0-9]+, expires " <<< "$out"
check_eq "... exit 0, a new token (a new key), none in the container's namespace, and the create works" \
	"rc=0
new-token
no-token-here" "$(sed -n '2,4p' <<< "$out")"
check "... the file was made" test -s "$A/aklog1"
check_eq "pag tokens: OpenAFS's listing, the principal from pagd's binding (pagd's ccache keyring in a table after it)" \
	"
Tokens held by the Cache Manager:

User alice@$KDC_REALM's tokens for afs@$AFS_CELL [Expires DATE]
   --End of list--" \
	"$(sed -n '5,9p' <<< "$out" | sed -E 's/Expires [0-9T:+-]+\]/Expires DATE]/')"
check_eq "pag tokens --json: the cell and the principal" \
	"[\"$AFS_CELL\",\"alice@$KDC_REALM\"]" "$(tail -n 1 <<< "$out")"

# Without a credential binding pagd has nothing to place: the refusal
# says so, and no token is made anywhere.
out=$(launch --net -- sh -c "
	pag aklog --address '$bus' $AFS_CELL; echo rc=\$?
	pag tokens --json | jq length" 2>&1)
check_eq "pag aklog in a --net container without a credential binding: exit 78, saying why, no token" \
	"pag aklog: $AFS_CELL is mounted at $A from another network namespace, where kafs looks up its tokens; a token made in this one would never be used, and pagd did not place one: pagd: PAG N has no credential binding
rc=78
0" "$(sed -E 's/PAG [0-9]+ has/PAG N has/' <<< "$out")"

# --- --afs-netns container: the tokens go where the container mounts -------
out=$(launch --profile alice --net --afs-netns container -- sh -c "$try
	keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo token-here || echo no-token-here
	try create '$A/own1'
	pag aklog --address '$bus' $AFS_CELL; echo rc=\$?" 2>&1)
check_eq "--afs-netns container: the token is in the container's network namespace, which the host's mount never looks in" \
	"token-here
Permission denied" "$(head -2 <<< "$out")"
check_eq "... pag aklog there: pagd's binding puts the tokens in the container's namespace, not the mount's: exit 78, saying so" \
	"pag aklog: $AFS_CELL is mounted at $A from another network namespace, where kafs looks up its tokens; a token made in this one would never be used, and pagd did not place one: pagd made the credentials of alice@$KDC_REALM, but no token for $AFS_CELL in another network namespace (its binding puts them in this one, or $AFS_CELL is not in pagd's afs_cells)
rc=78" "$(tail -n +3 <<< "$out")"
check "... pagd says where it makes them" \
	grep -q "kafs tokens for alice@$KDC_REALM are made in its own network namespace" "$PAGD_TMP/log"

# A kafs mount made inside the container's own network namespace, which
# reaches the cell through a veth pair (the servers' address is on the
# VM's lo, outside 127/8, so that a route from another namespace gets
# there), finds the token pagd made there.
# 6.1's kafs times out mounting from a network namespace other than the
# initial one ("Timer expired", with the veth and the route in place and
# the same commands working on 6.12): skipped there, not yet understood.
own_skip="6.1's kafs: a mount from a container's network namespace times out"
case $(uname -r) in
6.1.*)
	skip "--afs-netns container, a kafs mount made in the container's network namespace" "$own_skip"
	skip "... the file is in alice's volume" "$own_skip"
	;;
*)
	launch --profile alice --net --afs-netns container -- sh -c "
		echo \$\$ > '$tmp/own.pid'
		while [ ! -e '$tmp/own.go' ]; do sleep 0.1; done
		echo 'add $AFS_CELL $AFS_ADDR' > /proc/net/afs/cells
		mkdir -p '$tmp/own'
		mount -t afs '#$AFS_CELL:user.alice' '$tmp/own' || exit 1
		$try
		try create '$tmp/own/own2'; echo +; try read '$tmp/own/own2'
		umount '$tmp/own'" > "$tmp/own.out" 2>&1 &
	po=$!
	holders="$holders $po"
	for _ in $(seq 150); do [ -s "$tmp/own.pid" ] && break; sleep 0.1; done
	own=$(cat "$tmp/own.pid")
	ip link add pagafs-h type veth peer name pagafs-c netns "$own" &&
		ip addr add 10.123.1.1/24 dev pagafs-h && ip link set pagafs-h up &&
		nsenter -t "$own" -n sh -c "ip addr add 10.123.1.2/24 dev pagafs-c &&
			ip link set pagafs-c up && ip route add $AFS_ADDR/32 via 10.123.1.1" ||
		echo "# cannot set up the container's veth pair"
	touch "$tmp/own.go"
	wait $po
	check_eq "--afs-netns container, a kafs mount made in the container's network namespace: alice's token there gives alice's rights" \
		"+
ok" "$(cat "$tmp/own.out")"
	check "... the file is in alice's volume, as the host's mount sees it" test -s "$A/own2"
	ip link del pagafs-h 2> /dev/null
	;;
esac

# --- pag-oci-runtime: the engine's network namespace ------------------------
# A stand-in runtime, run by the wrapper in the container's PAG as runc
# would be, looks for the token in the namespace config.json names and in
# the host's.
ip netns add pagafs
mkdir "$tmp/bundle"
cat > "$tmp/bundle/config.json" << END
{"ociVersion": "1.0.2", "process": {"args": ["sh"], "env": []},
 "annotations": {"org.pag.afs-netns": "container"},
 "linux": {"namespaces": [{"type": "network", "path": "/run/netns/pagafs"}]}}
END
cat > "$tmp/rt" << END
#!/bin/sh
ip netns exec pagafs keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo engine-netns || echo not-engine-netns
keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo host-netns || echo not-host-netns
END
chmod +x "$tmp/rt"
out=$(pag-oci-runtime --pag-address "$bus" --pag-profile alice --pag-runtime "$tmp/rt" \
	create --bundle "$tmp/bundle" pagafs1 2>&1)
check_eq "pag-oci-runtime, org.pag.afs-netns=container: the token is in the engine's network namespace of the container, not the host's" \
	"engine-netns
not-host-netns" "$out"

run pag-oci-runtime --pag-address "$bus" --pag-profile noprinc --pag-runtime "$tmp/rt" \
	create --bundle "$tmp/bundle" pagafs2
check_eq "... in a profile without a principal: refused, saying why, the runtime not run" \
	"77::pag-oci-runtime: org.pag.afs-netns=container, but the profile gives no principal whose kafs tokens pagd would make
pag-oci-runtime: container pagafs2 not created" "$rc:$out:$err"

# --- a restarted pagd finds the namespace again ------------------------------
launch --profile alice --net --afs-netns container -- sh -c "
	pag id > '$tmp/held.pag'
	while [ ! -e '$tmp/held.go' ]; do sleep 0.2; done
	keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo token-here || echo no-token-here
	pag tokens --json | jq '[.[] | select(.type == \"rxrpc\")] | length'" > "$tmp/held.out" 2>&1 &
ph=$!
holders="$holders $ph"
for _ in $(seq 150); do [ -s "$tmp/held.pag" ] && break; sleep 0.1; done
held=$(cat "$tmp/held.pag")
pinned() { grep -q " $PAGD_RUN/netns/$held-[0-9]* " /proc/self/mountinfo; }
check "pagd pins the container's network namespace under its run directory" pinned
pagd_kill9
pagd_start || bail_out "pagd did not restart"
# alice's tickets are renewed every few seconds: wait for one after the
# restart (its first attempt keeps what is not yet due)
renewed=0
for _ in $(seq 60); do
	if grep -q "PAG $held: credentials for alice@$KDC_REALM renewed" "$PAGD_TMP/log"; then
		renewed=1
		break
	fi
	sleep 0.5
done
check_eq "after kill -9 and a restart, pagd renews the container's credentials" 1 "$renewed"
touch "$tmp/held.go"
wait $ph
check_eq "... its token is in the container's network namespace, and the PAG holds no other" \
	"token-here
1" "$(cat "$tmp/held.out")"
gone=0
for _ in $(seq 100); do pinned || { gone=1; break; }; sleep 0.1; done
check_eq "the container ended: pagd dropped the binding and unpinned its namespace" 1 "$gone"

# --- refusals -------------------------------------------------------------
run pag-launch --address "$bus" --profile alice --afs-netns container -- true
check_eq "--afs-netns container without --net: usage error saying why" \
	"64:pag-launch: --afs-netns container needs --net: without it the container's network namespace is the host's" \
	"$rc:$(head -1 <<< "$err")"
run pag-launch --address "$bus" --no-sockets --profile noprinc --net --afs-netns container -- echo ran
check_eq "--afs-netns container in a profile without a principal: refused, saying why, the command not run" \
	"77::pag-launch: --afs-netns container, but profile 'noprinc' gives no principal whose kafs tokens pagd would make" \
	"$rc:$out:$err"
run pag-launch --address "$bus" --profile alice --net --afs-netns elsewhere -- true
check_eq "--afs-netns with another word: usage error naming it" \
	"64:pag-launch: bad --afs-netns 'elsewhere' (want host or container)" \
	"$rc:$(head -1 <<< "$err")"
run pag-launch --address "$bus" --net --afs-netns container -- true
check_eq "--afs-netns container without a principal: usage error saying why" \
	"64:pag-launch: --afs-netns container needs --principal or --profile: pagd makes the kafs tokens of a credential binding only" \
	"$rc:$(head -1 <<< "$err")"

# --- renewal and expiry ----------------------------------------------------
# One container writes through the host's mount with open/write/close per
# operation for 30 s, longer than the 20 s its first ticket lives, while
# pagd renews it; a PAG with a token made once from a 20 s ticket (and
# nobody to renew it) loses alice's rights when it expires.
KRB5CCNAME=FILE:$tmp/alice.cc kinit -k -t "$tmp/cell/alice.kt" alice ||
	bail_out "kinit alice failed"
KRB5CCNAME=FILE:$tmp/alice.cc pag new -- sh -c "$try
	pag aklog $AFS_CELL > /dev/null || exit 1
	try create '$A/x1'; echo +
	while [ ! -e '$tmp/renew.done' ]; do sleep 0.5; done
	try create '$A/x2'; try read '$A/x1'" > "$tmp/expire.out" 2>&1 &
px=$!
out=$(launch --profile alice -- sh -c "
	fails=0 n=0 first=\$(pag tokens --json | jq -r '.[] | select(.type == \"rxrpc\") | .expiry')
	end=\$((\$(date +%s) + 30))
	while [ \$(date +%s) -lt \$end ]; do
		n=\$((n + 1))
		echo \$n > '$A/w' || fails=\$((fails + 1))
		sleep 0.2
	done
	last=\$(pag tokens --json | jq -r '.[] | select(.type == \"rxrpc\") | .expiry')
	echo \"\$fails of \$n\"
	[ \"\$last\" -gt \"\$first\" ] && echo renewed || echo \"not renewed: \$first \$last\"" 2>&1)
touch "$tmp/renew.done"
check "a container writing open/write/close per operation across two renewals: no operation fails" \
	sh -c "printf '%s\n' '$out' | grep -qx '0 of [1-9][0-9]*'"
check_eq "... and the token the PAG holds was replaced by a later one" \
	renewed "$(tail -1 <<< "$out")"
check "... pagd renewed alice's tickets" grep -q "credentials for alice@$KDC_REALM renewed" "$PAGD_TMP/log"
wait $px
check_eq "a token nobody renews: rights while valid, anonymous once expired (anyuser's read only)" \
	"+
Permission denied
ok" "$(cat "$tmp/expire.out")"
check "... and the create after expiry made no file" test ! -e "$A/x2"

done_testing
