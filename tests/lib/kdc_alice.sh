# SPDX-License-Identifier: GPL-2.0
#
# A KDC of realm TEST.PAG for one test, with alice in it, gone at the
# test's exit: source after common.sh.
#
#   $tmp                a temporary directory, removed at exit
#   $tmp/kdc            the KDC (tests/lib/kdc), its env sourced
#                       (KRB5_CONFIG and the realm's names)
#   $tmp/alice.kt       alice's keytab
#   kdc_addprinc ARGS   tests/lib/kdc addprinc on this KDC

tmp=$(mktemp -d)
trap '"$top/tests/lib/kdc" stop "$tmp/kdc"; rm -rf "$tmp"' EXIT

kdc_addprinc() { "$top/tests/lib/kdc" addprinc "$tmp/kdc" "$@"; }

"$top/tests/lib/kdc" start "$tmp/kdc" --realm TEST.PAG --maxlife 1h > /dev/null
. "$tmp/kdc/env"
kdc_addprinc alice --keytab "$tmp/alice.kt"
