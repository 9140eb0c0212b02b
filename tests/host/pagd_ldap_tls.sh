#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd's LDAP provider over TLS and with GSSAPI binds, against the slapd
# fixture in its TLS and GSSAPI modes (a test CA; a KDC from tests/lib/kdc):
# lookups over StartTLS, ldaps:// and a GSSAPI bind with pagd's keytab
# succeed; a server certificate from a CA pagd does not trust, a missing
# keytab and a keytab whose keys the KDC no longer has are each refused
# with a message naming the cause, and the domain goes offline, serving
# its cache.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

N=18
plan $N

if ! pagd_can_unshare || { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   { ! command -v krb5kdc >/dev/null && [ ! -x /usr/sbin/krb5kdc ]; } ||
   [ ! -e /usr/lib/x86_64-linux-gnu/sasl2/libgssapiv2.so ]; then
	skip_all $N "pagd with LDAP over TLS and GSSAPI" \
		"needs root, unshare -m, libnss-sss, slapd, krb5-kdc, libsasl2-modules-gssapi-mit"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
pagd_setup
cleanup()
{
	"$lib/slapd" stop "$PAGD_TMP/ldap" 2>/dev/null
	"$lib/kdc" stop "$PAGD_TMP/kdc" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT

"$lib/kdc" start "$PAGD_TMP/kdc" > /dev/null || { fail "KDC starts"; exit 1; }
"$lib/slapd" start "$PAGD_TMP/ldap" --users 20 --groups 5 --tenants tenanta \
	--tls --gssapi "$PAGD_TMP/kdc" > /dev/null 2>&1 || { fail "slapd starts"; exit 1; }
. "$PAGD_TMP/kdc/env"
. "$PAGD_TMP/ldap/env"

# A keytab with keys the KDC no longer has: pagd's, before a new key.
cp "$LDAP_KRB5_KEYTAB" "$PAGD_TMP/old.keytab"
"$lib/kdc" addprinc "$PAGD_TMP/kdc" stale --keytab "$PAGD_TMP/stale.keytab" > /dev/null 2>&1
kadmin.local -q "cpw -randkey stale" > /dev/null 2>&1

# domain NAME URI [KEY = VALUE...]: an LDAP domain of tenant A.
domain()
{
	printf '[domain/%s]\nprovider = ldap\ntenant = tenanta\nldap_uri = %s\n' "$1" "$2"
	printf 'ldap_suffix = %s\noffline_timeout = 60\n' "$LDAP_BASE"
	shift 2
	printf '%s\n' "$@"
}
simple=("ldap_default_bind_dn = $LDAP_BIND_DN" "ldap_default_authtok = $LDAP_BIND_PW")
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d'
	domain starttls "$LDAP_URI" "${simple[@]}" "ldap_id_use_start_tls = true" \
		"ldap_tls_cacert = $LDAP_TLS_CACERT"
	domain ldaps "$LDAPS_URI" "${simple[@]}" "ldap_tls_cacert = $LDAP_TLS_CACERT"
	domain badca "$LDAP_URI" "${simple[@]}" "ldap_id_use_start_tls = true" \
		"ldap_tls_cacert = $LDAP_TLS_OTHER_CA"
	domain badcas "$LDAPS_URI" "${simple[@]}" "ldap_tls_cacert = $LDAP_TLS_OTHER_CA"
	domain gss "$LDAP_GSSAPI_URI" "ldap_sasl_mech = GSSAPI" \
		"ldap_krb5_keytab = $LDAP_KRB5_KEYTAB" "entry_cache_timeout = 1"
	domain nokt "$LDAP_GSSAPI_URI" "ldap_sasl_mech = GSSAPI" \
		"ldap_krb5_keytab = $PAGD_TMP/missing.keytab"
	domain stale "$LDAP_GSSAPI_URI" "ldap_sasl_mech = GSSAPI" \
		"ldap_krb5_keytab = $PAGD_TMP/stale.keytab"
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"

# No ccache or client keytab in the environment: only the keytab counts.
KRB5CCNAME=FILE:$PAGD_TMP/no-such-ccache KRB5_CLIENT_KTNAME=$PAGD_TMP/none \
	pagd_start -d || { fail "pagd starts"; exit 1; }
ok "pagd starts with TLS and GSSAPI domains"

get() { in_sockdir "$(pag_on_pagd sockets "$1")" getent -s sss "${@:2}"; }
logged() { grep -qxF -- "pagd: error: $1" "$PAGD_TMP/log"; }
gone() { get "$@" > /dev/null; [ $? = 2 ]; }

check_eq "StartTLS with the CA: getpwnam asmith" 512 "$(get starttls passwd asmith | cut -d: -f3)"
check_eq "StartTLS: domain online" online "$(domain_status starttls)"
check_eq "ldaps:// with the CA: getgrnam developers" 2000 \
	"$(get ldaps group developers | cut -d: -f3)"
check_eq "ldaps://: domain online" online "$(domain_status ldaps)"

wait_domain_status badca offline
check_eq "StartTLS, certificate from an unknown CA: offline" offline "$(domain_status badca)"
check "... the log names the certificate's problem" logged \
	"domain 'badca': TLS with $LDAP_URI failed: server certificate refused: The certificate is NOT trusted. The certificate issuer is unknown."
wait_domain_status badcas offline
check_eq "ldaps://, certificate from an unknown CA: offline" offline "$(domain_status badcas)"
check "... the log names the certificate's problem" logged \
	"domain 'badcas': TLS with $LDAPS_URI failed: server certificate refused: The certificate is NOT trusted. The certificate issuer is unknown."
check "... and nothing is read from it" gone badca passwd asmith

check_eq "GSSAPI bind with pagd's keytab: getpwnam asmith" 512 \
	"$(get gss passwd asmith | cut -d: -f3)"
check "... logged as a SASL connection" grep -qxF \
	"pagd: domain 'gss': connected to $LDAP_GSSAPI_URI (SASL GSSAPI)" "$PAGD_TMP/log"
wait_domain_status nokt offline
check "missing keytab: the log says which and why" logged \
	"domain 'nokt': ldap_krb5_keytab $PAGD_TMP/missing.keytab: cannot read it: Key table file '$PAGD_TMP/missing.keytab' not found"
check_eq "... and the domain is offline" offline "$(domain_status nokt)"
wait_domain_status stale offline
check "keytab with keys the KDC no longer has: the log says so" logged \
	"domain 'stale': ldap_krb5_keytab $PAGD_TMP/stale.keytab: cannot get a ticket for stale@$KDC_REALM: Decrypt integrity check failed"
check_eq "... and the domain is offline" offline "$(domain_status stale)"

# The KDC gone: an expired entry of the GSSAPI domain comes from the cache.
sleep 1.1 # entry_cache_timeout = 1
"$lib/slapd" stop "$PAGD_TMP/ldap"
check_eq "server down: GSSAPI domain serves its cache" 512 \
	"$(get gss passwd asmith | cut -d: -f3)"
check "the daemon survived it all" kill -0 "$pagd_pid"
done_testing
