#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The FleetCommander session provider (session_provider = ipa) through the
# STOCK pam_sss.so: pamtester opens sessions against pagd, whose domains
# read a real slapd holding IPA hosts, host groups and desktop-profile
# rules (tests/lib/deskprofile.sh).  Rules by user, group, host group,
# host and the categories; policy 22's names; owners and modes; a planted
# symlink; rules that stop applying; a profile left alone while unchanged;
# offline reuse; session_provider = none; one desktop-profile search per
# login (slapd's stats log); ipa_deskprofile_request_interval's pause after
# a search that found no rule; a stand-in FleetCommander client activated by
# a real dbus-daemon; malformed directory data and bad configuration.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"
. "$(dirname "$0")/../lib/deskprofile.sh"

N=58
plan $N

if ! pagd_can_unshare || ! command -v pamtester > /dev/null ||
   ! command -v dbus-daemon > /dev/null || ! command -v ldapmodify > /dev/null ||
   { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   { [ ! -e /lib/x86_64-linux-gnu/security/pam_sss.so ] &&
     [ ! -e /usr/lib/x86_64-linux-gnu/security/pam_sss.so ]; }; then
	skip_all $N "pagd's FleetCommander session provider" \
		"needs root, unshare -m, libpam-sss, pamtester, slapd, ldap-utils, dbus-daemon"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
bus_pid=
cleanup()
{
	[ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null
	"$lib/slapd" stop "$PAGD_TMP/ldap" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

SUFFIX=dc=example,dc=test
TA=cn=tenanta,cn=tenants,$SUFFIX
TB=cn=tenantb,cn=tenants,$SUFFIX
TC=cn=tenantc,cn=tenants,$SUFFIX
TD=cn=tenantd,cn=tenants,$SUFFIX
TE=cn=tenante,cn=tenants,$SUFFIX
TF=cn=tenantf,cn=tenants,$SUFFIX
HOST=ws1.example.test
{
	dp_containers "$TA" 1
	dp_hostgroup "$TA" workstations
	dp_hostgroup "$TA" servers
	dp_host "$TA" "$HOST" workstations
	dp_host "$TA" ws2.example.test servers
	dp_profile "$TA" p1 '{"org.gnome.desktop.background":{"picture-uri":"one"}}'
	dp_profile "$TA" p2 '{"p":2}'
	dp_profile "$TA" broken '{"not json'
	dp_rule "$TA" byuser 10 p1 user:asmith host:"$HOST"
	dp_rule "$TA" 'By Group!' 20 p2 group:developers hostgroup:workstations
	dp_rule "$TA" 'all users' 30 p1 usercat host:"$HOST"
	dp_rule "$TA" everywhere 40 p2 user:asmith hostcat
	dp_rule "$TA" otherhost 50 p1 user:asmith host:ws2.example.test
	dp_rule "$TA" otherhostgroup 55 p1 user:asmith hostgroup:servers
	dp_rule "$TA" otheruser 60 p1 user:u00004 hostcat
	dp_rule "$TA" disabled 70 p1 user:asmith hostcat --disabled
	dp_rule "$TA" badprio high p1 user:asmith hostcat
	dp_rule "$TA" noprofile 80 missing user:asmith hostcat
	dp_rule "$TA" badjson 90 broken user:asmith hostcat
	# tenantb has rules too: its domain's session_provider = none
	dp_containers "$TB" 1
	dp_profile "$TB" p1 '{"b":1}'
	dp_rule "$TB" all 10 p1 usercat hostcat
	# SSSD's own example: policy 22, a match by group and host
	dp_containers "$TC" 22
	dp_host "$TC" "$HOST"
	dp_profile "$TC" p '{"c":22}'
	dp_rule "$TC" testrule 420 p group:developers host:"$HOST"
	# a policy out of 1-24: no profiles at all
	dp_containers "$TD" 25
	dp_profile "$TD" p '{"d":1}'
	dp_rule "$TD" all 10 p usercat hostcat
	# desktop profiles but no rule yet (ipa_deskprofile_request_interval)
	dp_containers "$TE" 1
	dp_profile "$TE" p '{"e":1}'
	dp_containers "$TF" 1
} > "$PAGD_TMP/extra.ldif"

"$lib/slapd" start "$PAGD_TMP/ldap" --users 5 --groups 2 --big-group 2 \
	--tenants tenanta,tenantb,tenantc,tenantd,tenante,tenantf --extra-ldif "$PAGD_TMP/extra.ldif" \
	--stats > /dev/null || { fail "slapd starts"; exit 1; }
. "$PAGD_TMP/ldap/env"

# A private system bus, whose services directory gets the stand-in later.
BUSDIR=$PAGD_TMP/bus
mkdir -p "$BUSDIR/services"
printf '%s\n' \
	'<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"' \
	' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">' \
	'<busconfig>' '  <type>system</type>' \
	"  <listen>unix:path=$BUSDIR/socket</listen>" '  <auth>EXTERNAL</auth>' \
	"  <servicedir>$BUSDIR/services</servicedir>" \
	'  <policy context="default">' '    <allow user="*"/>' \
	'    <allow own="*"/>' '    <allow send_destination="*"/>' \
	'    <allow receive_sender="*"/>' '  </policy>' '</busconfig>' \
	> "$BUSDIR/bus.conf"
dbus-daemon --config-file="$BUSDIR/bus.conf" --nofork --nopidfile 2>"$BUSDIR/log" &
bus_pid=$!
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUSDIR/socket
for _ in $(seq 100); do [ -S "$BUSDIR/socket" ] && break; sleep 0.05; done

ldap_domain()
{
	printf '%s\n' "[domain/$1]" "provider = ldap" "tenant = $2" \
		"ldap_uri = $LDAP_URI" "ldap_suffix = $LDAP_BASE" \
		"ldap_default_bind_dn = $LDAP_BIND_DN" \
		"ldap_default_authtok = $LDAP_BIND_PW" \
		"offline_timeout = 1" "offline_timeout_max = 2"
	[ "${3:-}" = nohost ] || echo "ipa_hostname = $HOST"
}
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = debug/'
	echo "bus = none"
	ldap_domain a tenanta
	echo "ipa_deskprofile_refresh = 0"
	ldap_domain b tenantb
	echo "session_provider = none"
	ldap_domain c tenantc
	echo "session_provider = ipa"
	ldap_domain d tenantd nohost
	ldap_domain e tenante
	echo "ipa_deskprofile_refresh = 0"
	ldap_domain g tenantf
	printf '%s\n' "ipa_deskprofile_refresh = 0" \
		"ipa_deskprofile_request_interval = 0"
} > "$PAGD_TMP/conf"
cp "$PAGD_TMP/conf" "$PAGD_CONF"
pagd_start || { fail "pagd starts"; exit 1; }

mkdir "$PAGD_TMP/pam.d"
echo 'session required pam_sss.so' > "$PAGD_TMP/pam.d/pag-test"
# session DIR USER: pamtester opens a session of USER through DIR's sockets
session()
{
	timeout 30 "$lib/in-sockdir" "$1" sh -c \
		'mount --bind "$0" /etc/pam.d || exit 99; exec "$@"' \
		"$PAGD_TMP/pam.d" pamtester pag-test "$2" open_session 2>&1
}
# searches BASE: how many searches slapd's stats log has under BASE
searches() { grep -ci "SRCH base=\"$1\"" "$PAGD_TMP/ldap/stats.log"; }
exists() { if [ -e "$1" ] || [ -L "$1" ]; then echo yes; else echo no; fi; }
F1=000010_000010_000000_000010_000000_byuser.json
F2=000020_000000_000020_000000_000020_By_Group.json
F3=000030_000030_000030_000030_000000_all_users.json
F4=000040_000040_000000_000040_000040_everywhere.json

A=$(pag_on_pagd sockets a)
STATE=$PAGD_TMP/state
D=$STATE/deskprofile/a/asmith
check_eq "open_session through pam_sss succeeds" \
	"pamtester: successfully opened a session" "$(session "$A" asmith)"
check_eq "the applying rules' files, SSSD's names (policy 1)" \
	"$(printf '%s\n' $F1 $F2 $F3 $F4)" "$(ls "$D")"
check_eq "a file holds its profile's JSON" \
	'{"org.gnome.desktop.background":{"picture-uri":"one"}}' "$(cat "$D/$F1")"
check_eq "deskprofile/ root's, 0751" "0:0 751 directory" \
	"$(stat -c '%u:%g %a %F' "$STATE/deskprofile")"
check_eq "deskprofile/a/ root's, 0751" "0:0 751 directory" \
	"$(stat -c '%u:%g %a %F' "$STATE/deskprofile/a")"
check_eq "deskprofile/a/asmith/ the user's and the user's group's, 0700" \
	"512:2000 700 directory" "$(stat -c '%u:%g %a %F' "$D")"
check_eq "every file the user's, 0400" "512:2000 400 regular file" \
	"$(stat -c '%u:%g %a %F' "$D"/* | sort -u)"
check_eq "one desktop-profile search for the cold login" 1 \
	"$(searches "cn=desktop-profile,$TA")"
check_eq "one host search (then cached)" 1 \
	"$(searches "cn=computers,cn=accounts,$TA")"
grep -qF "skipping cn=badprio,cn=rules,cn=desktop-profile,$TA: ipaDeskProfilePriority is not a number in 0-999999" "$PAGD_TMP/log"
check_eq "a malformed priority: the rule skipped, its DN named" 0 $?
grep -qF "skipping cn=broken,cn=desktop-profile,$TA: ipaDeskData is not JSON" "$PAGD_TMP/log"
check_eq "a profile that is not JSON: skipped, its DN named" 0 $?
grep -qF "rule cn=noprofile,cn=rules,cn=desktop-profile,$TA names profile cn=missing,cn=desktop-profile,$TA, which is not in the directory" "$PAGD_TMP/log"
check_eq "a rule naming a missing profile: skipped, named" 0 $?
# the bus's answer comes after the session's
for _ in $(seq 100); do
	grep -qF "deskprofile: no FleetCommander client on the system bus" "$PAGD_TMP/log" && break
	sleep 0.05
done
grep -qF "deskprofile: no FleetCommander client on the system bus" "$PAGD_TMP/log"
check_eq "no client on the bus: a debug message" 0 $?
grep -E "(error|warning|notice).*FleetCommander" "$PAGD_TMP/log"
check_eq "... and nothing louder" 1 $?
for step in "searching cn=desktop-profile,$TA" "rule 'byuser' applies to asmith" \
	"rule 'otherhost' does not apply" "rule 'otherhostgroup' does not apply" \
	"rule 'otheruser' does not apply" "wrote $D/$F1" \
	"called org.freedesktop.FleetCommanderClient.ProcessSSSDFiles(512, $D, 1)"; do
	grep -qF "$step" "$PAGD_TMP/log"
	check_eq "debug trace: $step" 0 $?
done

# A second login: nothing changed, nothing rewritten; no host search.
ino=$(stat -c %i "$D/$F1")
session "$A" asmith > /dev/null
check_eq "second login: one more desktop-profile search, no host search" "2 1" \
	"$(searches "cn=desktop-profile,$TA") $(searches "cn=computers,cn=accounts,$TA")"
check_eq "an unchanged profile is not rewritten" "$ino" "$(stat -c %i "$D/$F1")"

# The stand-in FleetCommander client, activated by the bus.
printf '%s\n' "[D-BUS Service]" "Name=org.freedesktop.FleetCommanderClient" \
	"Exec=$PAGD_BUILD/tests/lib/fc_standin $BUSDIR/calls" \
	> "$BUSDIR/services/org.freedesktop.FleetCommanderClient.service"
dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
	org.freedesktop.DBus.ReloadConfig > /dev/null
# A planted symlink with a profile's name, another with a name of its own.
echo precious > "$PAGD_TMP/victim"
ln -sf "$PAGD_TMP/victim" "$D/$F1"
ln -s "$PAGD_TMP/victim" "$D/planted"
printf '%s\n' "dn: cn=everywhere,cn=rules,cn=desktop-profile,$TA" \
	"changetype: modify" "replace: ipaEnabledFlag" "ipaEnabledFlag: FALSE" "" \
	"dn: cn=p2,cn=desktop-profile,$TA" "changetype: modify" \
	"replace: ipaDeskData" 'ipaDeskData: {"p":"two, changed"}' |
	ldapmodify -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" > /dev/null
session "$A" asmith > /dev/null
for _ in $(seq 100); do [ -s "$BUSDIR/calls" ] && break; sleep 0.05; done
check_eq "the client, activated by dbus-daemon, got (uid, directory, policy)" \
	"512 $D 1" "$(cat "$BUSDIR/calls" 2>/dev/null)"
check_eq "the planted symlink was not followed" precious "$(cat "$PAGD_TMP/victim")"
check_eq "... and the profile is a regular file again" "regular file 400" \
	"$(stat -c '%F %a' "$D/$F1")"
check_eq "the other planted symlink is gone" no "$(exists "$D/planted")"
check_eq "a rule that stopped applying: its file removed" \
	"$(printf '%s\n' $F1 $F2 $F3)" "$(ls "$D")"
check_eq "a changed profile is rewritten" '{"p":"two, changed"}' "$(cat "$D/$F2")"

# Policy 22, SSSD's example (group and host matched, priority 420).
C=$(pag_on_pagd sockets c)
session "$C" asmith > /dev/null
check_eq "policy 22: SSSD's name for a group and host match" \
	"000420_000000_000420_000420_000000_testrule.json" \
	"$(ls "$STATE/deskprofile/c/asmith")"
session "$C" asmith > /dev/null
check_eq "ipa_deskprofile_refresh (default 5s): a second session, no search" 1 \
	"$(searches "cn=desktop-profile,$TC")"
grep -qF "deskprofile: domain 'c': rules fetched less than ipa_deskprofile_refresh (5s) ago apply" "$PAGD_TMP/log"
check_eq "... the cached rules applied, logged" 0 $?
for _ in $(seq 100); do [ "$(wc -l < "$BUSDIR/calls")" = 3 ] && break; sleep 0.05; done
check_eq "... and the client is told policy 22" \
	"$(stat -c %u "$STATE/deskprofile/c/asmith") $STATE/deskprofile/c/asmith 22" \
	"$(sed -n 2p "$BUSDIR/calls")"

# A policy out of range: the entry named, nothing written.
E=$(pag_on_pagd sockets d)
check_eq "a bad policy: the session opens" \
	"pamtester: successfully opened a session" "$(session "$E" asmith)"
grep -qF "skipping cn=desktop-profile,$TD: the policy (ipaDeskProfilePriority) is not a number in 1-24" "$PAGD_TMP/log" &&
	grep -qF "domain 'd' has rules but no usable policy" "$PAGD_TMP/log"
check_eq "... the policy entry named, the rules not used" 0 $?
check_eq "... nothing written" no "$(exists "$STATE/deskprofile/d")"
# its name when it has a dot, else the resolver's canonical name
fqdn=$(hostname)
case $fqdn in *.*) ;; *) fqdn=$(hostname -f) ;; esac
grep -qF "deskprofile: session of asmith of 'd' opens on host $fqdn" "$PAGD_TMP/log"
check_eq "without ipa_hostname, this host's FQDN ($fqdn)" 0 $?

# ipa_deskprofile_request_interval (SSSD's default, 60 min): after a search
# that found no rule in the tenant, no search until it has passed, even
# with ipa_deskprofile_refresh = 0.
E=$(pag_on_pagd sockets e)
session "$E" asmith > /dev/null
session "$E" asmith > /dev/null
check_eq "no rule found: the next session makes no search" 1 \
	"$(searches "cn=desktop-profile,$TE")"
grep -qF "deskprofile: domain 'e': the last search found no rule: the next is made after ipa_deskprofile_request_interval (60 min), in " "$PAGD_TMP/log"
check_eq "... logged with the time left" 0 $?
dp_rule "$TE" new 10 p usercat hostcat |
	ldapadd -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" > /dev/null
session "$E" asmith > /dev/null
check_eq "a rule added meanwhile: still no search within the interval" \
	"1 no" "$(searches "cn=desktop-profile,$TE") $(exists "$STATE/deskprofile/e/asmith/000010_000010_000010_000010_000010_new.json")"
# the interval passed: the record's search time set back 61 minutes
rec=$STATE/deskprofile-cache/e.json
jq -c '.fetched -= 3660' "$rec" > "$rec.new" && mv "$rec.new" "$rec"
check_eq "the interval passed: a search, the new rule applies" \
	"pamtester: successfully opened a session 2 000010_000010_000010_000010_000010_new.json" \
	"$(session "$E" asmith) $(searches "cn=desktop-profile,$TE") $(ls "$STATE/deskprofile/e/asmith")"
session "$E" asmith > /dev/null
check_eq "rules found: every session searches again (refresh 0)" 3 \
	"$(searches "cn=desktop-profile,$TE")"
G=$(pag_on_pagd sockets g)
session "$G" asmith > /dev/null
session "$G" asmith > /dev/null
check_eq "ipa_deskprofile_request_interval = 0: no pause" 2 \
	"$(searches "cn=desktop-profile,$TF")"

# session_provider = none: no search, nothing written.
B=$(pag_on_pagd sockets b)
check_eq "session_provider = none: the session opens" \
	"pamtester: successfully opened a session" "$(session "$B" asmith)"
check_eq "... no desktop-profile search" 0 "$(searches "cn=desktop-profile,$TB")"
check_eq "... nothing written" no "$(exists "$STATE/deskprofile/b")"

# Offline: the last known rules apply.
"$lib/slapd" stop "$PAGD_TMP/ldap"
rm -f "$D"/*
check_eq "offline: the session opens" \
	"pamtester: successfully opened a session" "$(session "$A" asmith)"
check_eq "offline: the last known profiles are written" \
	"$(printf '%s\n' $F1 $F2 $F3)" "$(ls "$D")"
grep -q "deskprofile: domain 'a' .*: the last known rules apply" "$PAGD_TMP/log"
check_eq "offline: logged" 0 $?
pagd_stop

# Bad configuration: refused at start, FILE:LINE.
badconf()
{
	{ cat "$PAGD_TMP/conf"; printf '%s\n' "$@"; } > "$PAGD_CONF"
	"$PAGD_BIN" -t -c "$PAGD_CONF" 2>&1
}
n=$(($(wc -l < "$PAGD_TMP/conf") + 5))
fdom=("[domain/f]" "provider = files" "tenant = f" "files_directory = /nonexistent")
check_eq "session_provider = bogus refused" \
	"pagd: error: $PAGD_CONF:$n: bad value 'bogus' for session_provider: expected ipa or none" \
	"$(badconf "${fdom[@]}" "session_provider = bogus")"
check_eq "ipa_hostname not a host name refused" \
	"pagd: error: $PAGD_CONF:$n: bad value 'ws 1' for ipa_hostname: expected a fully qualified host name such as ws1.example.com" \
	"$(badconf "${fdom[@]}" "ipa_hostname = ws 1")"
check_eq "ipa_deskprofile_refresh out of range refused" \
	"pagd: error: $PAGD_CONF:$n: bad value '-1' for ipa_deskprofile_refresh: expected seconds, 0 (search at every session) to 86400" \
	"$(badconf "${fdom[@]}" "ipa_deskprofile_refresh = -1")"
check_eq "ipa_deskprofile_request_interval out of range refused" \
	"pagd: error: $PAGD_CONF:$n: bad value '10081' for ipa_deskprofile_request_interval: expected minutes, 0 (no pause) to 10080" \
	"$(badconf "${fdom[@]}" "ipa_deskprofile_request_interval = 10081")"
check_eq "ipa_deskprofile_request_interval set twice refused" \
	"pagd: error: $PAGD_CONF:$((n + 1)): 'ipa_deskprofile_request_interval' set twice (first on line $n)" \
	"$(badconf "${fdom[@]}" "ipa_deskprofile_request_interval = 1" "ipa_deskprofile_request_interval = 2")"
check_eq "a profile's ipa_hostname not a host name refused" \
	"pagd: error: $PAGD_CONF:$((n - 2)): bad value 'ct_1.example.test' for ipa_hostname in [profile/ct]: expected a fully qualified host name such as ws1.example.com" \
	"$(badconf "[profile/ct]" "domains = a" "ipa_hostname = ct_1.example.test")"
check_eq "a profile's ipa_hostname set twice refused" \
	"pagd: error: $PAGD_CONF:$((n - 1)): 'ipa_hostname' set twice (first on line $((n - 2)))" \
	"$(badconf "[profile/ct]" "domains = a" "ipa_hostname = ct1.example.test" "ipa_hostname = ct2.example.test")"
check_eq "session_provider = ipa on a files domain refused" \
	"pagd: error: $PAGD_CONF:$n: [domain/f]: session_provider = ipa needs provider = ldap (desktop profiles are read from the tenant's directory)" \
	"$(badconf "${fdom[@]}" "session_provider = ipa")"
badconf "[domain/f]" "provider = files" "tenant = f" \
	"files_directory = $PAGD_EXAMPLE/acme" "session_provider = none" > /dev/null
check_eq "session_provider = none on a files domain taken" 0 $?

done_testing
