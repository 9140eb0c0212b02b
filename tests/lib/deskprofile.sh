# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# LDIF for IPA hosts, host groups and desktop profiles in a tenant's tree
# TREE (cn=TENANT,cn=tenants,SUFFIX), for tests/lib/slapd --extra-ldif:
# source it and write with
#
#   dp_containers TREE POLICY      cn=computers, cn=hostgroups and
#                                  cn=desktop-profile (the policy, 1-24)
#   dp_hostgroup TREE NAME
#   dp_host TREE FQDN [HOSTGROUP...]
#   dp_profile TREE NAME JSON      cn=NAME,cn=desktop-profile,TREE
#   dp_rule TREE NAME PRIORITY PROFILE [MEMBER...] [--disabled]
#       a rule under cn=rules,cn=desktop-profile naming profile PROFILE;
#       MEMBER: user:NAME group:NAME host:FQDN hostgroup:NAME
#       usercat hostcat (category all); PRIORITY is written as given

dp_containers()
{
	local t=$1 c
	for c in computers hostgroups; do
		printf 'dn: cn=%s,cn=accounts,%s\nobjectClass: top\nobjectClass: nsContainer\ncn: %s\n\n' \
			"$c" "$t" "$c"
	done
	printf 'dn: cn=desktop-profile,%s\nobjectClass: top\nobjectClass: nsContainer\nobjectClass: ipaDeskProfileConfig\ncn: desktop-profile\nipaDeskProfilePriority: %s\n\n' \
		"$t" "$2"
	printf 'dn: cn=rules,cn=desktop-profile,%s\nobjectClass: top\nobjectClass: nsContainer\ncn: rules\n\n' "$t"
}

dp_hostgroup()
{
	printf 'dn: cn=%s,cn=hostgroups,cn=accounts,%s\nobjectClass: top\nobjectClass: ipaHostGroup\ncn: %s\n\n' \
		"$2" "$1" "$2"
}

dp_host()
{
	local t=$1 fqdn=$2 hg
	shift 2
	printf 'dn: fqdn=%s,cn=computers,cn=accounts,%s\nobjectClass: top\nobjectClass: ipaHost\nfqdn: %s\n' \
		"$fqdn" "$t" "$fqdn"
	for hg; do
		printf 'memberOf: cn=%s,cn=hostgroups,cn=accounts,%s\n' "$hg" "$t"
	done
	echo
}

dp_profile()
{
	printf 'dn: cn=%s,cn=desktop-profile,%s\nobjectClass: top\nobjectClass: ipaDeskProfile\ncn: %s\nipaDeskData: %s\n\n' \
		"$2" "$1" "$2" "$3"
}

dp_rule()
{
	local t=$1 name=$2 prio=$3 prof=$4 m enabled=TRUE
	shift 4
	printf 'dn: cn=%s,cn=rules,cn=desktop-profile,%s\nobjectClass: top\nobjectClass: ipaDeskProfileRule\ncn: %s\n' \
		"$name" "$t" "$name"
	[ -z "$prio" ] || printf 'ipaDeskProfilePriority: %s\n' "$prio"
	printf 'ipaDeskProfileTarget: cn=%s,cn=desktop-profile,%s\n' "$prof" "$t"
	for m; do
		case $m in
		user:*) printf 'memberUser: uid=%s,cn=users,cn=accounts,%s\n' "${m#user:}" "$t" ;;
		group:*) printf 'memberUser: cn=%s,cn=groups,cn=accounts,%s\n' "${m#group:}" "$t" ;;
		host:*) printf 'memberHost: fqdn=%s,cn=computers,cn=accounts,%s\n' "${m#host:}" "$t" ;;
		hostgroup:*) printf 'memberHost: cn=%s,cn=hostgroups,cn=accounts,%s\n' "${m#hostgroup:}" "$t" ;;
		usercat) echo "userCategory: all" ;;
		hostcat) echo "hostCategory: all" ;;
		--disabled) enabled=FALSE ;;
		esac
	done
	printf 'ipaEnabledFlag: %s\n\n' "$enabled"
}
