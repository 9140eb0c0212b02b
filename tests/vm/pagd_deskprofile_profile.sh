#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipa_hostname per profile: a container started with pag-launch --profile
# ct, whose [profile/ct] names a host of its own (ipa_hostname), gets the
# desktop profiles of that host's rules at session open (the stock pam_sss
# through the container's socket directory, pamtester, a real slapd); a
# PAG made inside it (a login) inherits the profile with the binding; a
# container bound within a profile without ipa_hostname, or bound to
# domains alone, gets the domain's host's.  Needs PAGs: the profile is
# found from the binding of the connection's PAG.

. "$(dirname "$0")/../lib/common.sh"
PAGD_BUILD=$build
export PATH=$bin:$PATH
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
# shellcheck source=../lib/deskprofile.sh
. "$top/tests/lib/deskprofile.sh"
slapd=$top/tests/lib/slapd

N=8
plan $N
if ! command -v pamtester > /dev/null || ! pagd_can_unshare ||
   { ! command -v slapd > /dev/null && [ ! -x /usr/sbin/slapd ]; }; then
	skip_all $N "ipa_hostname per profile" "needs libpam-sss, pamtester, slapd, unshare -m"
fi
pag bpf load > /dev/null || skip_all $N "ipa_hostname per profile" "pag bpf load failed"

pagd_setup
cleanup()
{
	rm -f /etc/pam.d/pag-dp
	"$slapd" stop "$PAGD_TMP/ldap" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

T=cn=tenanta,cn=tenants,dc=example,dc=test
{
	dp_containers "$T" 1
	dp_hostgroup "$T" containers
	dp_host "$T" ws1.example.test
	dp_host "$T" ct1.example.test containers
	dp_profile "$T" p1 '{"on":"ws1"}'
	dp_profile "$T" p2 '{"on":"ct1"}'
	dp_profile "$T" p3 '{"on":"containers"}'
	dp_rule "$T" onws1 10 p1 usercat host:ws1.example.test
	dp_rule "$T" onct1 20 p2 usercat host:ct1.example.test
	dp_rule "$T" ctgroup 30 p3 usercat hostgroup:containers
} > "$PAGD_TMP/extra.ldif"
"$slapd" start "$PAGD_TMP/ldap" --users 5 --groups 2 --tenants tenanta \
	--extra-ldif "$PAGD_TMP/extra.ldif" --stats > /dev/null ||
	{ fail "slapd starts"; exit 1; }
. "$PAGD_TMP/ldap/env"

{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = debug/'
	printf '%s\n' "[domain/a]" "provider = ldap" "tenant = tenanta" \
		"ldap_uri = $LDAP_URI" "ldap_suffix = $LDAP_BASE" \
		"ldap_default_bind_dn = $LDAP_BIND_DN" \
		"ldap_default_authtok = $LDAP_BIND_PW" \
		"ipa_hostname = ws1.example.test" "ipa_deskprofile_refresh = 0" \
		"[profile/ct]" "domains = a" "ipa_hostname = ct1.example.test" \
		"[profile/plain]" "domains = a"
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
# no system bus in the VM: the FleetCommander call is a debug message
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$PAGD_TMP/nobus pagd_start ||
	{ fail "pagd starts"; exit 1; }
echo 'session required pam_sss.so' > /etc/pam.d/pag-dp
L=(pag-launch --address "unix:path=$PAGD_RUN/private/bus")
D=$PAGD_TMP/state/deskprofile/a/asmith

# rules: the rule names of the files in asmith's directory
rules() { ls "$D" | sed 's/^\([0-9]*_\)\{5\}//; s/\.json$//' | xargs; }
# session PAG-LAUNCH-OPTION... [-- CMD-PREFIX...]: open asmith's session
# in a container started so
session()
{
	local opts=() pre=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -eq 0 ] || { shift; pre=("$@"); }
	timeout 60 "${L[@]}" "${opts[@]}" -- "${pre[@]}" \
		pamtester pag-dp asmith open_session 2>&1
}

check_eq "a container of profile ct: the session opens" \
	"pamtester: successfully opened a session" "$(session --profile ct)"
check_eq "... with the rules of ct1 (by name and by its host group)" \
	"onct1 ctgroup" "$(rules)"
grep -q "pam: .*: PAG [0-9]* is bound within profile 'ct': the desktop profiles of host ct1.example.test apply" "$PAGD_TMP/log" &&
	grep -qF "deskprofile: session of asmith of 'a' opens on host ct1.example.test" "$PAGD_TMP/log"
check_eq "... logged" 0 $?

session --profile plain > /dev/null
check_eq "a profile without ipa_hostname: the domain's host's rules" \
	"onws1" "$(rules)"
session -d a > /dev/null
check_eq "bound to domains alone: the domain's host's rules" "onws1" "$(rules)"

check_eq "a login PAG made inside a ct container: the session opens" \
	"pamtester: successfully opened a session" \
	"$(session --profile ct -- pag new --)"
check_eq "... with ct1's rules, the profile inherited with the binding" \
	"onct1 ctgroup" "$(rules)"
grep -q "bound to 'a' within profile 'ct', inherited from PAG" "$PAGD_TMP/log"
check_eq "... the inheritance logged with the profile" 0 $?

pagd_stop
pag bpf unload --purge > /dev/null 2>&1
done_testing
