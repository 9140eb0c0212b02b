#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Credential bindings for a principal of a trusted realm (issue 16), end
# to end: the AD-like forest of tests/lib/adforest beside an IPA-like KDC,
# with the cross-realm keys between them.  A profile naming alice@AD.TEST,
# with a keytab made for her by the forest's KDC, lets `pag creds bind`
# put her TGT into a PAG, and the PAG's processes get an IPA-realm service
# ticket across the trust from it; principals of AD.TEST no profile names
# (the trust account among them) are refused with the exact error; a
# profile naming a keytab under STATE_DIR/keytabs (where pagd keeps the
# trust keytabs) is refused at load, at start and on a reload, and the
# reload keeps the running configuration and its bindings.

. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/pagd.sh
. "$top/tests/lib/pagd.sh"
export PATH=$bin:$PATH
lib=$top/tests/lib
cc=KEYRING:session:pagd

plan 14

pagd_setup
keys=$PAGD_TMP/keys
state=$PAGD_TMP/state
mkdir -m 700 "$keys"
cleanup()
{
	[ -z "${holder:-}" ] || kill "$holder" 2> /dev/null
	"$lib/adforest" stop "$PAGD_TMP/ad" 2> /dev/null
	"$lib/kdc" stop "$PAGD_TMP/ipakdc" 2> /dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$lib/kdc" start "$PAGD_TMP/ipakdc" --realm EXAMPLE.TEST > /dev/null &&
	"$lib/adforest" start "$PAGD_TMP/ad" --ipa-kdc "$PAGD_TMP/ipakdc" > /dev/null ||
	{ echo "Bail out! the KDCs and the forest did not start"; exit 1; }
# AD_*, and KRB5_CONFIG naming both realms: pagd's workers read it
. "$PAGD_TMP/ad/env"
export PAG_TEST_KDCS=$PAGD_TMP/ipakdc:$AD_KDC_DIR
"$lib/kdc" addprinc "$AD_KDC_DIR" alice --keytab "$keys/alice.kt" > /dev/null
"$lib/kdc" addprinc "$PAGD_TMP/ipakdc" svc/ipa.example.test > /dev/null
# The trust account's keytab where pagd keeps it (ipa/subdomains.h)
tk=$state/keytabs/ipa.example/ad.test.keytab
mkdir -m 700 "$state" "$state/keytabs" "${tk%/*}"
(umask 077; "$lib/ipa-getkeytab" -r -s ipa.example.test -p "$AD_TRUST_PRINCIPAL" -k "$tk" > /dev/null)

printf '\n[profile/adalice]\ndomains = acme.example\nprincipals = alice@AD.TEST\nkeytab = %s/alice.kt\n' \
	"$keys" >> "$PAGD_CONF"
cp "$PAGD_CONF" "$PAGD_TMP/good.conf"
printf '\n[profile/adtrust]\ndomains = acme.example\nprincipals = %s\nkeytab = %s\n' \
	"$AD_TRUST_PRINCIPAL" "$tk" >> "$PAGD_CONF"
line=$(grep -n "^keytab = $tk\$" "$PAGD_CONF" | cut -d: -f1)
refusal="$PAGD_CONF:$line: [profile/adtrust] keytab $tk is in $state/keytabs, where pagd keeps the IPA trusts' keytabs: the trust account's keys are not given to PAGs"

# --- a profile on the trust keytab: refused at load ------------------------
out=$("$PAGD_BIN" -t -c "$PAGD_CONF" 2>&1; echo "status $?")
check_eq "pagd -t: a profile naming the trust keytab is refused" \
	"pagd: error: $refusal
status 78" "$out"
out=$(timeout 10 "$PAGD_BIN" -c "$PAGD_CONF" 2>&1; echo "status $?")
check_eq "...and pagd does not start on it" "pagd: error: $refusal
status 78" "$out"

# --- alice@AD.TEST bound into a PAG ---------------------------------------
cp "$PAGD_TMP/good.conf" "$PAGD_CONF"
pagd_start || { echo "Bail out! pagd did not start"; exit 1; }
field() { pag_on_pagd --json creds "$1" 2> /dev/null | jq -r ".$2"; }
wait_state()
{
	for _ in $(seq 40); do
		[ "$(field "$1" state)" = "$2" ] && return 0
		sleep 0.25
	done
	return 1
}
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done; }
# A PAG whose member waits for "go", then looks at its tickets and asks
# for an IPA-realm service ticket with them.
pagsh -c "pag id > $PAGD_TMP/pag; while [ ! -e $PAGD_TMP/go ]; do sleep 0.1; done
	klist -c $cc > $PAGD_TMP/klist 2>&1
	kvno -c $cc svc/ipa.example.test@EXAMPLE.TEST > $PAGD_TMP/kvno 2>&1
	klist -c $cc > $PAGD_TMP/klist2 2>&1; exec sleep 300" &
holder=$!
wait_file "$PAGD_TMP/pag"
pag=$(cat "$PAGD_TMP/pag")

for p in bob@AD.TEST "$AD_TRUST_PRINCIPAL"; do
	out=$(pag_on_pagd creds bind "$pag" "$p" 2>&1)
	check_eq "an AD.TEST principal in no profile is refused ($p)" \
		"pag: BindCredentials: principal '$p' is in no profile" "$out"
done
out=$(pag_on_pagd creds "$pag" 2>&1)
check_eq "...and nothing was bound" \
	"pag: GetCredentials: PAG $pag has no credential binding" "$out"

pag_on_pagd creds bind "$pag" alice@AD.TEST > /dev/null
check "alice@AD.TEST from her profile: state ok" wait_state "$pag" ok
check_eq "...the binding names her" "alice@AD.TEST $cc" \
	"$(field "$pag" principal) $(field "$pag" ccache)"
touch "$PAGD_TMP/go"
wait_file "$PAGD_TMP/klist2"
check "klist inside the PAG: alice@AD.TEST" \
	grep -q "^Default principal: alice@AD.TEST$" "$PAGD_TMP/klist"
check "...with a TGT of her realm" grep -q "krbtgt/AD.TEST@AD.TEST" "$PAGD_TMP/klist"
check "a service ticket of the IPA realm across the trust" \
	grep -q "^svc/ipa.example.test@EXAMPLE.TEST: kvno = 1$" "$PAGD_TMP/kvno"
check "...through the cross-realm TGT" grep -q "krbtgt/EXAMPLE.TEST@AD.TEST" "$PAGD_TMP/klist2"
# The keys pagd made in the PAG are the possessors' only (the service
# tickets kvno stored there have libkrb5's default permissions: not pagd's).
out=$(grep -E "_krb_|krb_ccache|__krb5|krbtgt/AD.TEST@AD.TEST" /proc/keys)
check_eq "/proc/keys outside the PAG shows none of the keys pagd made" "" "$out"

# --- the same profile on a reload: refused, nothing lost ------------------
printf '\n[profile/adtrust]\ndomains = acme.example\nprincipals = %s\nkeytab = %s\n' \
	"$AD_TRUST_PRINCIPAL" "$tk" >> "$PAGD_CONF"
kill -HUP "$pagd_pid"
logged()
{
	for _ in $(seq 40); do
		grep -qF "reload: $refusal; keeping the running configuration" "$PAGD_TMP/log" &&
			return 0
		sleep 0.25
	done
	return 1
}
check "a reload with the trust keytab in a profile is refused, with the reason" logged
check_eq "...alice's binding is kept" "alice@AD.TEST ok" \
	"$(field "$pag" principal) $(field "$pag" state)"

kill "$holder"
wait "$holder" 2> /dev/null
holder=
pagd_stop
done_testing
