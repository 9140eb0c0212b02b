#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/slapd: a real slapd on loopback with the multi-tenant tree;
# tests/lib/slapd-mirror: two of them replicating each other.

. "$(dirname "$0")/../lib/common.sh"
slapd=$(cd "$(dirname "$0")/../lib" && pwd)/slapd
tmp=$(mktemp -d)
kdc=$(dirname "$slapd")/kdc
trap '"$slapd" stop "$tmp/ldap" 2>/dev/null; "$slapd" stop "$tmp/sec" 2>/dev/null
	"$slapd-mirror" stop "$tmp/pair" 2>/dev/null
	"$kdc" stop "$tmp/kdc" 2>/dev/null; rm -rf "$tmp"' EXIT

plan 21

check "start with 200 users and 30 groups per tenant" \
	"$slapd" start "$tmp/ldap" --users 200 --groups 30 --big-group 150
. "$tmp/ldap/env"

# search BASE FILTER ATTR: values of ATTR, one a line
search()
{
	ldapsearch -x -LLL -o ldif-wrap=no -H "$LDAP_URI" -D "$LDAP_BIND_DN" \
		-w "$LDAP_BIND_PW" -b "$1" "$2" "$3" | sed -n "s/^$3: //p"
}
ta="cn=tenanta,cn=tenants,$LDAP_BASE"
tb="cn=tenantb,cn=tenants,$LDAP_BASE"

check_eq "asmith is 512 in tenant A" 512 "$(search "$ta" '(uid=asmith)' uidNumber)"
check_eq "asmith is 87687 in tenant B" 87687 "$(search "$tb" '(uid=asmith)' uidNumber)"
check_eq "developers differ" "2000 91000" \
	"$(search "$ta" '(cn=developers)' gidNumber) $(search "$tb" '(cn=developers)' gidNumber)"
check_eq "group big has 150 members" 150 "$(search "$ta" '(cn=big)' memberUid | wc -l)"
check_eq "busy is in 30 groups" 30 \
	"$(search "$ta" '(&(objectClass=posixGroup)(memberUid=busy))' cn | wc -l)"

out=$(ldapsearch -x -LLL -H "$LDAP_URI" -b "$LDAP_BASE" '(uid=asmith)' 2>&1)
check_eq "anonymous clients read nothing" "No such object (32)" "$out"

"$slapd" stop "$tmp/ldap"
out=$(ldapsearch -x -LLL -H "$LDAP_URI" -b "$LDAP_BASE" 2>&1 | head -1)
check_eq "after stop the server is unreachable" \
	"ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)" "$out"

"$slapd" start "$tmp/ldap" > /dev/null
. "$tmp/ldap/env"
check_eq "a restart keeps the database" 512 "$(search "$ta" '(uid=asmith)' uidNumber)"

# TLS and GSSAPI modes.
"$kdc" start "$tmp/kdc" > /dev/null
check "start with --tls --gssapi" \
	"$slapd" start "$tmp/sec" --users 5 --groups 2 --tls --gssapi "$tmp/kdc"
. "$tmp/kdc/env"
. "$tmp/sec/env"
# tls CA URI [-ZZ]: uidNumber of the main tree's asmith over TLS
tls()
{
	LDAPTLS_CACERT=$1 ldapsearch -x -LLL $3 -H "$2" -D "$LDAP_BIND_DN" \
		-w "$LDAP_BIND_PW" -b "cn=users,cn=accounts,$LDAP_BASE" '(uid=asmith)' uidNumber 2>&1 |
		sed -n 's/^uidNumber: //p;/^ldap_/p'
}
check_eq "StartTLS with the test CA" 9512 "$(tls "$LDAP_TLS_CACERT" "$LDAP_URI" -ZZ)"
check_eq "ldaps:// with the test CA" 9512 "$(tls "$LDAP_TLS_CACERT" "$LDAPS_URI")"
check_eq "ldaps:// with another CA: refused" \
	"ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)" \
	"$(tls "$LDAP_TLS_OTHER_CA" "$LDAPS_URI")"
export KRB5CCNAME=FILE:$tmp/ccache
kinit -k -t "$LDAP_KRB5_KEYTAB" "$LDAP_SASL_PRINCIPAL"
check_eq "GSSAPI: pagd's principal is the bind DN" "dn:$LDAP_BIND_DN" \
	"$(ldapwhoami -N -Q -Y GSSAPI -H "$LDAP_GSSAPI_URI" 2>&1)"
"$slapd" stop "$tmp/sec"
"$slapd" start "$tmp/sec" --port "$LDAP_PORT" > /dev/null
check_eq "a restart keeps both modes and ports" "9512 dn:$LDAP_BIND_DN" \
	"$(tls "$LDAP_TLS_CACERT" "$LDAPS_URI") $(ldapwhoami -N -Q -Y GSSAPI -H "$LDAP_GSSAPI_URI" 2>&1)"
"$slapd" stop "$tmp/sec"

# The mirror-mode pair: the same tree on both, a change on either reaches
# the other, one stopped and started again catches up.
check "slapd-mirror: a pair starts" "$slapd-mirror" start "$tmp/pair" --users 20 --groups 5
. "$tmp/pair/env"
# on URI NAME: NAME's loginShell in tenant A as server URI has it
on()
{
	ldapsearch -x -LLL -H "$1" -D "$LDAP_BIND_DN" -w "$LDAP_BIND_PW" \
		-b "$ta" "(uid=$2)" loginShell | sed -n 's/^loginShell: //p'
}
shell()
{
	printf 'dn: uid=asmith,cn=users,cn=accounts,%s\nchangetype: modify\nreplace: loginShell\nloginShell: %s\n' \
		"$ta" "$2" | ldapmodify -x -H "$1" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" > /dev/null
}
check_eq "both servers hold the tree" "/bin/bash /bin/bash" \
	"$(on "$LDAP_URI_1" asmith) $(on "$LDAP_URI_2" asmith)"
shell "$LDAP_URI_1" /bin/one
"$slapd-mirror" wait-synced "$tmp/pair"
check_eq "a change on server 1 reaches server 2" /bin/one "$(on "$LDAP_URI_2" asmith)"
"$slapd-mirror" stop "$tmp/pair" 1
shell "$LDAP_URI_2" /bin/two
check_eq "server 1 stopped: server 2 takes a change" /bin/two "$(on "$LDAP_URI_2" asmith)"
"$slapd-mirror" start-one "$tmp/pair" 1
check "server 1 back on its port catches up" "$slapd-mirror" wait-synced "$tmp/pair"
check_eq "server 1 has server 2's change" /bin/two "$(on "$LDAP_URI_1" asmith)"

done_testing
