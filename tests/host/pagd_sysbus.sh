#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's management API on a system bus: a private dbus-daemon configured
# like a distribution's system bus (nothing may own a name or call a method
# unless a policy allows it) plus the shipped policy file
# etc/dbus-1/system.d/org.pag.Pagd1.conf, on a temporary socket that pagd
# and its callers find through DBUS_SYSTEM_BUS_ADDRESS.  Checks that pagd
# owns org.pag.Pagd1 there, that root can call it (pag --system and
# busctl), that the private socket still answers, that CredentialsChanged
# reaches listeners, and that a caller who is
# neither root nor in admin_group is refused by pagd (the policy lets the
# call through; pagd checks the caller) while one in admin_group is not.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=21
plan $N

if [ "$(id -u)" != 0 ] || ! command -v dbus-daemon >/dev/null ||
	! command -v busctl >/dev/null || ! command -v dbus-send >/dev/null ||
	! command -v setpriv >/dev/null; then
	skip_all $N "pagd on a system bus" "needs root, dbus-daemon, busctl, dbus-send, setpriv"
fi

pagd_setup
BUSDIR=$PAGD_TMP/bus
mkdir -p "$BUSDIR"
# the callers that must be refused run as nobody: let them reach the socket
chmod 755 "$PAGD_TMP" "$BUSDIR"
# bus_config FILE [INCLUDE]: the bus's configuration, with the policy
# file INCLUDE
bus_config()
{
	cat >"$1" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUSDIR/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <!-- as strict as a system bus: anyone may connect, but owning a name
       or calling a method needs a policy that allows it -->
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Peer"/>
  </policy>
  ${2:+<include>$2</include>}
</busconfig>
EOF
}

bus_start()
{
	rm -f "$BUSDIR/system_bus_socket"
	dbus-daemon --config-file="$1" --nofork --nopidfile 2>"$BUSDIR/log" &
	bus_pid=$!
	for i in $(seq 100); do
		[ -S "$BUSDIR/system_bus_socket" ] && break
		sleep 0.05
	done
	busctl --system list >/dev/null 2>&1
}

bus_stop() { kill "$bus_pid" && wait "$bus_pid" 2>/dev/null; }

bus_config "$BUSDIR/system.conf" \
	"$pagd_src/etc/dbus-1/system.d/org.pag.Pagd1.conf"
trap 'kill "$bus_pid" 2>/dev/null; pagd_cleanup' EXIT
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUSDIR/system_bus_socket
if ! bus_start "$BUSDIR/system.conf"; then
	fail "dbus-daemon starts" "$(cat "$BUSDIR/log")"
	exit 1
fi
ok "dbus-daemon starts"
if ! getent group adm >/dev/null; then
	fail "group adm exists (for admin_group)"
	exit 1
fi

# a group for the admin_group checks (adm exists on Debian: gid 4)
sed -i 's/^# admin_group = .*/admin_group = adm/' "$PAGD_CONF"
printf '\n[profile/sig]\ndomains = acme.example\nprincipals = sig@TEST.PAG\nkeytab = %s\n' \
	"$PAGD_TMP/sig.kt" >> "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }
ok "pagd starts"
check "pagd says it is on the system bus" \
	grep -q 'management API on the system bus as org.pag.Pagd1' \
	"$PAGD_TMP/log"
check_eq "org.pag.Pagd1 is owned by pagd" "$pagd_pid" \
	"$(busctl --system status org.pag.Pagd1 2>&1 |
		sed -n 's/^PID=//p')"

out=$("$PAG_BIN" domains --system 2>&1)
check_eq "root: pag domains --system" \
	"0 acme.example globex.example" "$? $(awk '{ print $1 }' <<<"$out" | xargs)"
out=$("$PAG_BIN" sockets --system acme.example 2>&1)
check_eq "root: pag sockets --system" "0 $PAGD_RUN/sockets/1" "$? $out"
out=$(busctl --system call org.pag.Pagd1 /org/pag/Pagd1 org.pag.Pagd1 \
	GetSocketDirectory asas 1 acme.example 0 2>&1)
check_eq "root: busctl call GetSocketDirectory" \
	"0 s \"$PAGD_RUN/sockets/1\"" "$? $out"
out=$(pag_on_pagd sockets acme.example 2>&1)
check_eq "the private socket still answers" "0 $PAGD_RUN/sockets/1" "$? $out"

# CredentialsChanged reaches system-bus listeners: a binding whose worker
# cannot work here (no pag.ko on the host) goes to "failing" and says so.
printf 'addent -password -p sig@TEST.PAG -k 1 -e aes256-cts-hmac-sha1-96\nsecret\nwkt %s\nquit\n' \
	"$PAGD_TMP/sig.kt" | ktutil > /dev/null 2>&1
dbus-monitor --system "type='signal',interface='org.pag.Pagd1',member='CredentialsChanged'" \
	> "$PAGD_TMP/signals" 2>&1 &
mon=$!
sleep 0.5
"$PAG_BIN" creds --system bind 4242 sig@TEST.PAG
for _ in $(seq 50); do grep -q '"failing"' "$PAGD_TMP/signals" && break; sleep 0.1; done
kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null
check_eq "CredentialsChanged on the system bus: PAG and state" "int32 4242 string \"failing\"" \
	"$(grep -m1 -A2 'member=CredentialsChanged' "$PAGD_TMP/signals" | sed -n '2,3s/^ *//p' | paste -sd' ')"
"$PAG_BIN" creds --system unbind 4242

# nobody may call (the policy lets the call reach pagd), pagd refuses;
# dbus-send shows the error's text, which busctl replaces by its own
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
out=$(as_nobody dbus-send --system --print-reply --dest=org.pag.Pagd1 \
	/org/pag/Pagd1 org.pag.Pagd1.ListDomains 2>&1)
check_eq "nobody: ListDomains refused by pagd" \
	"1 Error org.freedesktop.DBus.Error.AccessDenied: only root or the admin group may manage pagd" \
	"$? $out"
out=$(as_nobody "$PAG_BIN" bind --system 4242 acme.example 2>&1)
check_eq "nobody: pag bind --system refused" \
	"71 pag: bind: only root or the admin group may manage pagd" "$? $out"
out=$(as_nobody "$PAG_BIN" bind --system --profile sig 4242 2>&1)
check_eq "nobody: pag bind --profile refused" \
	"71 pag: BindProfile: only root or the admin group may manage pagd" "$? $out"
out=$(as_nobody "$PAG_BIN" creds --system bind 4242 sig@TEST.PAG 2>&1)
check_eq "nobody: pag creds bind refused" \
	"71 pag: BindCredentials: only root or the admin group may manage pagd" "$? $out"
out=$(as_nobody "$PAG_BIN" profiles --system 2>&1)
check_eq "nobody: pag profiles refused" \
	"71 pag: ListProfiles: only root or the admin group may manage pagd" "$? $out"
check_eq "nothing was bound" "" \
	"$("$PAG_BIN" bindings --system 2>&1 | grep -w 4242)"
adm=$(getent group adm | cut -d: -f3)
out=$(setpriv --reuid=65534 --regid=65534 --groups="$adm" \
	"$PAG_BIN" sockets --system acme.example 2>&1)
check_eq "nobody in admin_group: pag sockets --system" \
	"$PAGD_RUN/sockets/1" "$out"
out=$(setpriv --reuid=65534 --regid="$adm" --clear-groups \
	dbus-send --system --print-reply --dest=org.pag.Pagd1 \
	/org/pag/Pagd1 org.pag.Pagd1.ListDomains 2>&1)
check_eq "primary group admin_group: ListDomains allowed" "0" "$?"
# and nobody cannot take the name over
out=$(as_nobody dbus-send --system --print-reply --dest=org.freedesktop.DBus \
	/org/freedesktop/DBus org.freedesktop.DBus.RequestName \
	string:org.pag.Pagd1 uint32:2 2>&1)
check "nobody cannot own org.pag.Pagd1" \
	grep -q 'not allowed to own the service "org.pag.Pagd1"' <<<"$out"

pagd_stop
bus_stop

# without the policy file pagd cannot own the name: it says so and serves
# the private socket only
bus_config "$BUSDIR/nopolicy.conf"
bus_start "$BUSDIR/nopolicy.conf" || { fail "dbus-daemon restarts"; exit 1; }
: >"$PAGD_TMP/log"
pagd_start || { fail "pagd starts without the bus policy"; exit 1; }
check_eq "without the policy: pagd explains" \
	"pagd: warning: cannot own org.pag.Pagd1 on the system bus (Permission denied; is dbus-1/system.d/org.pag.Pagd1.conf installed?): management on the private socket only" \
	"$(grep 'system bus' "$PAGD_TMP/log")"
out=$(pag_on_pagd sockets acme.example 2>&1)
check_eq "without the policy: the private socket answers" \
	"0 $PAGD_RUN/sockets/1" "$? $out"
pagd_stop
bus_stop

# no bus at all: noted, not an error
rm -f "$BUSDIR/system_bus_socket"
: >"$PAGD_TMP/log"
pagd_start || { fail "pagd starts without a system bus"; exit 1; }
check_eq "without a system bus: noted" \
	"pagd: no system bus (No such file or directory): management on the private socket only" \
	"$(grep 'system bus' "$PAGD_TMP/log")"
pagd_stop
done_testing
