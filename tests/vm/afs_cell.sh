#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# AFS end to end: a real OpenAFS cell (tests/lib/afscell) in the VM, kafs
# mounting its volumes, and tokens in PAGs deciding what the file server
# lets each process do.  alice and bob each own a volume whose ACL gives
# its owner all rights and system:anyuser read and list.  Every process
# here is root: kafs and the file server judge by the token the process's
# PAG holds, never by its uid.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH
afscell=$top/tests/lib/afscell
tmp=$(mktemp -d)
cleanup()
{
	local p
	for p in $holders; do kill "$p" 2> /dev/null; done
	wait 2> /dev/null
	umount "$tmp/afs/alice" "$tmp/afs/bob" 2> /dev/null
	"$afscell" stop "$tmp/cell"
	"$top/tests/lib/kdc" stop "$tmp/kdc"
	rm -rf "$tmp"
}
holders=
trap cleanup EXIT
bail_out() { echo "Bail out! $*"; exit 1; }

plan 25

"$top/tests/lib/kdc" start "$tmp/kdc" --realm TEST.PAG --maxlife 1h > /dev/null
. "$tmp/kdc/env"
start=$SECONDS
if ! "$afscell" start "$tmp/cell" --kdc "$tmp/kdc" > "$tmp/cell.log" 2>&1 ||
	! "$afscell" user "$tmp/cell" alice >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" user "$tmp/cell" bob >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" mount "$tmp/cell" user.alice "$tmp/afs/alice" >> "$tmp/cell.log" 2>&1 ||
	! "$afscell" mount "$tmp/cell" user.bob "$tmp/afs/bob" >> "$tmp/cell.log" 2>&1; then
	sed 's/^/# /' "$tmp/cell.log" /var/log/openafs/*Log 2> /dev/null
	bail_out "the AFS cell did not start"
fi
ok "the cell started and kafs mounted user.alice and user.bob"
echo "# cell and users ready in $((SECONDS - start)) s"
. "$tmp/cell/env"
A=$tmp/afs/alice
B=$tmp/afs/bob

for u in alice bob; do
	KRB5CCNAME=FILE:$tmp/$u.cc kinit -k -t "$tmp/cell/$u.kt" "$u" ||
		bail_out "kinit $u failed"
done

# in_pag USER SCRIPT: run SCRIPT (sh) in a new PAG holding USER's token
# (none for USER "-"); its output, merged, on stdout
in_pag()
{
	local user=$1 script=$2
	if [ "$user" = - ]; then
		pag new -- sh -c "$script" 2>&1
	else
		KRB5CCNAME=FILE:$tmp/$user.cc pag new -- sh -c \
			"pag aklog $AFS_CELL > /dev/null || exit 99; $script" 2>&1
	fi
}

# try WHAT PATH (after ". $tmp/try"): create-and-write (create) or read
# (read) PATH; print nothing or the error (create), ok or denied (read)
cat > "$tmp/try" <<'EOF'
try() {
	case $1 in
	create) (echo "$2" > "$2") 2>&1 | sed "s/.*: //" ;;
	read) cat "$2" > /dev/null 2>&1 && echo ok || echo denied ;;
	esac
}
EOF
try=". '$tmp/try'"

# --- one PAG, one principal -------------------------------------------------
out=$(in_pag alice "$try
	try create '$A/a1'; echo +; cat '$A/a1'; try create '$B/a1'")
check_eq "alice's PAG: creates and reads in alice's volume, refused in bob's" \
	"+
$A/a1
Permission denied" "$out"

out=$(in_pag bob "$try
	try create '$B/b1'; echo +; try create '$A/b1'; echo +; try read '$A/a1'")
check_eq "bob's PAG: creates in bob's volume, refused in alice's, reads it (anyuser rl)" \
	"+
Permission denied
+
ok" "$out"

# --- no token: anonymous ----------------------------------------------------
out=$(in_pag - "$try
	try create '$A/anon'; try create '$B/anon'; try read '$A/a1'")
check_eq "a PAG with no token is anonymous: reads (system:anyuser rl), creates nothing" \
	"Permission denied
Permission denied
ok" "$out"

out=$(pag new -- pag leave -- sh -c "$try
	try create '$A/anon'; try read '$B/b1'" 2>&1)
check_eq "a process that left its PAG (no token in @us) is anonymous too" \
	"Permission denied
ok" "$out"

# --- two PAGs of the same uid, at the same time -----------------------------
in_pag alice "$try
	touch '$tmp/a.ready'
	while [ ! -e '$tmp/b.ready' ]; do sleep 0.1; done
	try create '$A/both-a'; try create '$B/both-a'" > "$tmp/both-a" &
pa=$!
in_pag bob "$try
	touch '$tmp/b.ready'
	while [ ! -e '$tmp/a.ready' ]; do sleep 0.1; done
	try create '$B/both-b'; try create '$A/both-b'" > "$tmp/both-b" &
pb=$!
wait $pa $pb
check_eq "two root PAGs at once: alice's writes alice's only" \
	"Permission denied" "$(cat "$tmp/both-a")"
check_eq "... and bob's writes bob's only" "Permission denied" "$(cat "$tmp/both-b")"
check "... both files made, each in its owner's volume" \
	test -s "$A/both-a" -a -s "$B/both-b" -a ! -e "$A/both-b" -a ! -e "$B/both-a"

# --- losing the token -------------------------------------------------------
out=$(in_pag alice "$try
	try create '$A/u1'; pag unlog $AFS_CELL; try create '$A/u2'; try read '$A/u1'")
check_eq "pag unlog: the next create is anonymous and refused, reads stay anyuser's" \
	"Permission denied
ok" "$out"

out=$(in_pag alice "$try
	keyctl revoke %rxrpc:afs@$AFS_CELL; try create '$A/r1'")
check_eq "a revoked token grants nothing: kafs fails the create with EKEYREVOKED" \
	"Key has been revoked" "$out"
check "... and no file was made" test ! -e "$A/r1"

out=$(in_pag alice "$try
	try create '$A/l1'; pag leave -- sh -c \"$try; try create '$A/l2'\"; try create '$A/l3'")
check_eq "pag leave -- cmd: cmd leaves the PAG's rights behind, the PAG keeps them" \
	"Permission denied" "$out"

# --- pag tokens, as OpenAFS's tokens prints them ----------------------------
# No pagd runs here: nobody can name the principal of a v1 rxkad token.
out=$(in_pag alice "pag tokens; pag token add --type user --name note --data x; pag tokens | tail -n 3
	pag tokens --json | jq -c '.[] | select(.type == \"rxrpc\") | [.cell, .principal]'")
check_eq "pag tokens: OpenAFS's listing; without pagd the principal is unknown; other tokens in a table after it" \
	"
Tokens held by the Cache Manager:

User's (unknown) tokens for afs@$AFS_CELL [Expires DATE]
 --End of list--

TYPE NAME SIZE EXPIRES
user note 1 never
[\"$AFS_CELL\",null]" \
	"$(sed -E 's/Expires [0-9T:+-]+\]/Expires DATE]/' <<< "$out" | tr -s ' ')"
out=$(pag new -- pag tokens)
check_eq "... a PAG with no token: the end of the list only" \
	"
Tokens held by the Cache Manager:

   --End of list--" "$out"

# --- the token of a PAG that lives, seen from another PAG -------------------
KRB5CCNAME=FILE:$tmp/alice.cc pag new -- sh -c "
	pag aklog $AFS_CELL > /dev/null || exit 1
	keyctl search @s rxrpc afs@$AFS_CELL > '$tmp/alice.key'
	pag id > '$tmp/alice.pag'
	exec sleep 600" &
holders="$holders $!"
for _ in $(seq 100); do [ -s "$tmp/alice.pag" ] && break; sleep 0.1; done
key=$(cat "$tmp/alice.key")
check "alice's PAG holds its token" test -n "$key"
out=$(in_pag - "$try
	try create '$A/root'
	keyctl pipe $key > /dev/null 2>&1 && echo read || echo unreadable
	keyctl link $key @s 2>&1 >/dev/null | sed 's/.*: //'")
check_eq "root in another PAG: alice's volume refuses it, her token is unreadable and unlinkable" \
	"Permission denied
unreadable
Permission denied" "$out"

# --- tokens placed from outside ---------------------------------------------
KRB5CCNAME=FILE:$tmp/alice.cc keyctl session - sh -c \
	"pag aklog $AFS_CELL > /dev/null && keyctl pipe %rxrpc:afs@$AFS_CELL > '$tmp/alice.token'" \
	> /dev/null 2>&1
check "a token made in a throw-away session keyring" test -s "$tmp/alice.token"
pag new -- sh -c "$try
	pag id > '$tmp/placed.pag'; try create '$A/p1'
	while [ ! -e '$tmp/placed.go' ]; do sleep 0.1; done
	try create '$A/p2'" > "$tmp/placed.out" 2>&1 &
pp=$!
for _ in $(seq 100); do [ -s "$tmp/placed.pag" ] && break; sleep 0.1; done
run pag token add --pag "$(cat "$tmp/placed.pag")" --type rxrpc \
	--name "afs@$AFS_CELL" --file "$tmp/alice.token"
check_eq "pag token add --pag places alice's token in a running PAG" "0" "$rc"
touch "$tmp/placed.go"
wait $pp
check_eq "... before it the PAG was anonymous; after it, its next create succeeds" \
	"Permission denied" "$(cat "$tmp/placed.out")"
check "... and made the file" test -s "$A/p2"

# --- the network namespace rule ---------------------------------------------
# kafs looks tokens up in the mount's network namespace: pag aklog in
# another one (a container's own, with the host's mount bind-mounted in)
# refuses rather than make a token nobody will find.
out=$(KRB5CCNAME=FILE:$tmp/alice.cc pag new -- sh -c "
	unshare -n pag aklog $AFS_CELL; echo rc=\$?
	keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 && echo token || echo none" 2>&1)
check_eq "pag aklog in another network namespace than the mount's: exit 78, saying why, no token" \
	"pag aklog: $AFS_CELL is mounted at $A from another network namespace, where kafs looks up its tokens; a token made in this one would never be used, and pagd did not place one: pagd is not reachable at unix:path=/run/pagd/private/bus: WHY
rc=78
none" "$(sed -E 's/(private\/bus): .*/\1: WHY/' <<< "$out")"

# --- a PAG that ends takes its token with it --------------------------------
pag_id=$(cat "$tmp/alice.pag")
for p in $holders; do kill "$p" 2> /dev/null; done
wait 2> /dev/null
holders=
gone=0
for _ in $(seq 100); do
	pag show "$pag_id" > /dev/null 2>&1 || { gone=1; break; }
	sleep 0.1
done
check_eq "alice's PAG ended when its last process did" 1 "$gone"
check "... and its token is no longer in any keyring a process can search" \
	sh -c "! keyctl search @s rxrpc afs@$AFS_CELL > /dev/null 2>&1 &&
		! keyctl search @us rxrpc afs@$AFS_CELL > /dev/null 2>&1"

out=$(pag new -- sh -c "$try; try create '$A/after'" 2>&1)
check_eq "a new PAG after it is anonymous" "Permission denied" "$out"

# The tests of one boot share the VM: stop gives back what start took.
umount "$A" "$B"
"$afscell" stop "$tmp/cell"
check "afscell stop: no bosserver, no $AFS_ADDR on lo, nor in /etc/hosts" \
	sh -c "! pgrep -x bosserver > /dev/null && ! ip -o addr show dev lo | grep -q ' $AFS_ADDR/' &&
		! grep -q '^${AFS_ADDR}[[:space:]]' /etc/hosts"

done_testing
