#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-launch against pag.ko and a pagd serving the shipped two-tenant
# example, in the VM as root: a PAG per command, the tenant's users through
# the stock libnss_sss, the namespaces asked for, the command's exit
# status, binding within a profile of pagd.conf, and every refusal with its
# exact message, exit status and no PAG or binding left behind.  Then the OCI wrapper, with a stand-in
# runtime that records its arguments and its session keyring.

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"

plan 49

npags() { pag list --json | jq length; }
# settle N: the registry drops a PAG when its keyring goes, a moment
# after its last process; wait for the count to come back to N.
settle()
{
	local i
	for i in $(seq 50); do [ "$(npags)" = "$1" ] && break; sleep 0.1; done
	npags
}

pagd_setup
# profile lost's keytab does not exist: its credentials are refused
cat >> "$PAGD_CONF" <<'EOF'

[profile/acme]
domains = acme.example

[profile/lost]
domains = acme.example
principals = app/acme@DEMO.TEST
keytab = /etc/krb5.keytab
EOF
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
bus="unix:path=$PAGD_RUN/private/bus"
L=(pag-launch --address "$bus")

# --- a PAG of its own --------------------------------------------------
run pagsh -c "pag id; ${L[*]} -- sh -c 'pag id; keyctl show @s'"
outer=$(sed -n 1p <<<"$out")
inner=$(sed -n 2p <<<"$out")
check "command runs in a new PAG (id $inner, caller's $outer)" \
	test -n "$inner" -a "$inner" != "$outer"
check "keyctl show @s inside shows the new PAG's keyring" \
	grep -Eq "^ *$inner .*keyring: \.pag\." <<<"$out"

# --- identity through the stock libnss_sss ------------------------------
run "${L[@]}" -d acme.example -- getent -s sss passwd asmith
check_eq "acme.example: asmith is 512" "512" "$(cut -d: -f3 <<<"$out")"
run "${L[@]}" -d globex.example -- getent -s sss passwd asmith
check_eq "globex.example: asmith is 87687" "87687" "$(cut -d: -f3 <<<"$out")"
run "${L[@]}" -d acme.example -- getent -s sss passwd hsimpson
check_eq "acme.example does not see globex's hsimpson" "2" "$rc"
run "${L[@]}" --profile acme -- getent -s sss passwd asmith
check_eq "--profile acme: its domain, acme.example's asmith" "512" "$(cut -d: -f3 <<<"$out")"
run "${L[@]}" -d acme.example -- sh -c 'ls /var/lib/sss/mc; ls /var/lib/sss/pipes
	touch /var/lib/sss/mc/x 2>/dev/null && echo writable || echo read-only'
check_eq "pagd's nss, pam and kcm sockets and memory cache at /var/lib/sss/{pipes,mc}, the cache read-only" \
	"group initgroups passwd kcm mc nss pam private read-only" "$(xargs <<<"$out")"
# In a user namespace the remount read-only must keep the locked flags.
run "${L[@]}" -d acme.example --user -- sh -c 'getent -s sss passwd asmith | cut -d: -f3
	ls /var/lib/sss/mc; touch /var/lib/sss/mc/x 2>/dev/null && echo writable || echo read-only'
check_eq "--user: memory cache mounted read-only too, lookups answer" \
	"512 group initgroups passwd read-only" "$(xargs <<<"$out")"
# Asked from inside: pagd drops the binding once the PAG has ended.
run "${L[@]}" -d acme.example -d globex.example -- sh -c \
	'pag id; pag bindings --address "$0"' "$bus"
check "bound in pagd to both domains while the PAG lives" \
	grep -qx "$(head -1 <<<"$out") acme.example,globex.example" <<<"$out"
id=$(head -1 <<<"$out")
for _ in $(seq 50); do pag_on_pagd bindings | grep -q "^$id " || break; sleep 0.1; done
check_eq "... and unbound once it has ended" "" "$(pag_on_pagd bindings | grep "^$id ")"

# --- namespaces ---------------------------------------------------------
show_ns='for n in user mnt pid uts net; do printf "%s " "$(readlink /proc/self/ns/$n)"; done'
host_ns=$(sh -c "$show_ns")
# differs WHICH...: each namespace in WHICH differs from the host's, the
# others are the host's
differs()
{
	local i=0 n want got="" want_all=""
	for n in user mnt pid uts net; do
		i=$((i + 1))
		want=same
		[[ " $* " == *" $n "* ]] && want=new
		if [ "$(cut -d' ' -f$i <<<"$ns_out")" = "$(cut -d' ' -f$i <<<"$host_ns")" ]; then
			got+="$n:same "
		else
			got+="$n:new "
		fi
		want_all+="$n:$want "
	done
	[ "$got" = "$want_all" ] || { echo "want $want_all got $got"; return 1; }
}
run "${L[@]}" -- sh -c "$show_ns"; ns_out=$out
check "no options: no new namespace" differs
run "${L[@]}" -d acme.example -- sh -c "$show_ns"; ns_out=$out
check "--domain: a new mount namespace only" differs mnt
run "${L[@]}" --user --mount --pid --uts --net -- sh -c "$show_ns"; ns_out=$out
check "--user --mount --pid --uts --net: all five new" differs user mnt pid uts net
run "${L[@]}" --uts --net -- sh -c "$show_ns"; ns_out=$out
check "--uts --net: those two only" differs uts net
run "${L[@]}" --user -- cat /proc/self/uid_map
check_eq "--user maps root to the caller" "0 0 1" "$(xargs <<<"$out")"
run "${L[@]}" --map-users 0:100000:65536 -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
check_eq "--map-users maps the range, the command is root inside" \
	"0 100000 65536 0 100000 65536 0" "$(xargs <<<"$out")"
run "${L[@]}" --hostname c1 -- hostname
check_eq "--hostname sets the name in a new UTS namespace" "c1" "$out"
run "${L[@]}" --net -- cat /sys/class/net/lo/operstate /proc/net/dev
check "--net: only lo" test "$(grep -c : <<<"$out")" = 1
run "${L[@]}" --pid --mount -- sh -c 'echo $$; cat /proc/1/comm'
check_eq "--pid: the command is pid 2 under pag-launch as init, /proc is the new one" \
	"2 pag-launch" "$(xargs <<<"$out")"

# --- exit status ----------------------------------------------------------
run "${L[@]}" -- sh -c 'exit 7'
check_eq "exit status passes through" 7 "$rc"
run "${L[@]}" --pid -- sh -c 'exit 9'
check_eq "exit status passes through --pid's init" 9 "$rc"
run "${L[@]}" --pid -- sh -c 'kill -TERM $$'
check_eq "death by signal passes through --pid's init" 143 "$rc"
run "${L[@]}" -- /nonexistent/cmd
check_eq "command not found: 127" \
	"127 pag-launch: cannot run /nonexistent/cmd: No such file or directory" "$rc $err"

# --- refusals: exact error, status, nothing left behind --------------------
before=$(settle "$(npags)")
run "${L[@]}" -d acme.example -d nosuch.example -- true
check_eq "unknown domain: exact error, 71" \
	"71 pag-launch: cannot bind the PAG to its domains: unknown domain 'nosuch.example'" "$rc $err"
check_eq "unknown domain: no PAG left behind" "$before" "$(settle "$before")"
pag_on_pagd bindings > "$PAGD_TMP/bindings.before"
# the same through BindCredentials: the keytab is the profile's
run "${L[@]}" -d acme.example -p app/acme@DEMO.TEST -- true
check_eq "keytab missing: pagd's exact error, 71" \
	"71 pag-launch: cannot bind the PAG to its credentials: cannot read keytab /etc/krb5.keytab: No such file or directory" "$rc $err"
check "...and the domain binding it made is undone" \
	cmp -s "$PAGD_TMP/bindings.before" <(pag_on_pagd bindings)
check_eq "...and no PAG left behind" "$before" "$(settle "$before")"
# within a profile: nothing outside it, and all or nothing
run "${L[@]}" --profile nosuch -- true
check_eq "--profile: an unknown profile, 71" \
	"71 pag-launch: cannot bind the PAG within its profile: unknown profile 'nosuch'" "$rc $err"
check_eq "...and no PAG left behind" "$before" "$(settle "$before")"
run "${L[@]}" --profile acme -d globex.example -- true
check_eq "--profile: a domain outside it, 77 (not permitted)" \
	"77 pag-launch: cannot bind the PAG within its profile: domain 'globex.example' is not in profile 'acme'" "$rc $err"
run "${L[@]}" --profile acme -p app/acme@DEMO.TEST -- true
check_eq "--profile: a principal outside it, 77" \
	"77 pag-launch: cannot bind the PAG within its profile: principal 'app/acme@DEMO.TEST' is not in profile 'acme'" "$rc $err"
run "${L[@]}" --profile lost -- true
check_eq "--profile: its keytab missing, 71" \
	"71 pag-launch: cannot bind the PAG within its profile: cannot read keytab /etc/krb5.keytab: No such file or directory" "$rc $err"
check "...and it bound no domain either" \
	cmp -s "$PAGD_TMP/bindings.before" <(pag_on_pagd bindings)
check_eq "...and no PAG left behind" "$before" "$(settle "$before")"
run pag-launch --address unix:path=/nonexistent -d acme.example -- true
check_eq "pagd not running: exact error, 69" \
	"69 pag-launch: cannot reach pagd at unix:path=/nonexistent: No such file or directory" "$rc $err"
check_eq "...and no PAG left behind" "$before" "$(settle "$before")"

usage() { local want=$1; shift; run pag-launch "$@"; check_eq "usage error: pag-launch $*" "64 $want" "$rc $(head -1 <<<"$err")"; }
usage "pag-launch: unknown option '--bogus'" --bogus true
usage "pag-launch: no command" -d acme.example
usage "pag-launch: unknown option '--keytab'" -p a@B --keytab /etc/krb5.keytab true
usage "pag-launch: bad map '0:1' (want INSIDE:OUTSIDE:COUNT)" --map-users 0:1 true
usage "pag-launch: with --oci-runtime the namespaces are the runtime's to make" \
	--oci-runtime /bin/true --pid run x
usage "pag-launch: bad timeout 'soon'" -t soon true
run pag-launch --help
check "--help: usage on stdout, status 0" test "$rc" = 0 -a -n "$(grep '^usage: pag-launch' <<<"$out")"

# --- OCI runtime wrapper (a stand-in that records argv and @s) ------------
fake=$PAGD_TMP/fake-runtime
cat > "$fake" <<'EOS'
#!/bin/sh
echo "$*" > "$FAKE_OUT"
keyctl rdescribe @s >> "$FAKE_OUT"
echo "${PAG_SOCKET_DIR:-}" >> "$FAKE_OUT"
EOS
chmod +x "$fake"
export FAKE_OUT=$PAGD_TMP/fake.out
oci() { run pagsh -c "pag id; ${L[*]} -d acme.example --oci-runtime $fake -- $*"; outer=$(head -1 <<<"$out"); }
oci --root /run/x run --bundle /b c1
check_eq "oci: --no-new-keyring inserted after 'run', global options skipped" \
	"--root /run/x run --no-new-keyring --bundle /b c1" "$(sed -n 1p "$FAKE_OUT")"
check "oci: the runtime runs in a new PAG" \
	sh -c "grep -q ';\.pag\.' $FAKE_OUT && [ \"\$(keyctl rdescribe @s)\" != \"\$(sed -n 2p $FAKE_OUT)\" ]"
check_eq "oci: PAG_SOCKET_DIR names the subset's socket directory" \
	"$(pag_on_pagd sockets acme.example)" "$(sed -n 3p "$FAKE_OUT")"
oci create --no-new-keyring c1
check_eq "oci: --no-new-keyring not doubled" "create --no-new-keyring c1" "$(sed -n 1p "$FAKE_OUT")"
oci --log=/l state c1
check_eq "oci: other commands pass through untouched, outside any new PAG" \
	"--log=/l state c1 $(pagsh -c 'keyctl rdescribe @s' | sed 's/.*/(caller)/')" \
	"$(sed -n 1p "$FAKE_OUT") $(sed -n 2p "$FAKE_OUT" | grep -q '\.pag\.' && echo '(caller)')"

pagd_stop
done_testing
