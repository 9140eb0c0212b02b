# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# pagd as the container engine tests and the podman benchmark need it
# (sourced after tests/lib/pagd.sh): a KDC on loopback with alice and her
# keytab, and three host profiles:
#   acme    acme.example, no credentials
#   globex  globex.example, no credentials
#   creds   acme.example, alice's tickets from her keytab (pagd puts them
#           in the container's PAG, KEYRING:session:pagd)
# oci_pagd_start sets OCI_KDC (the KDC fixture) and OCI_KDC_DIR (its
# state, for oci_pagd_stop), and loads the KDC's env (KDC_REALM...).

# oci_pagd_start: returns non-zero if the KDC or pagd did not start
oci_pagd_start()
{
	OCI_KDC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kdc
	pagd_setup
	OCI_KDC_DIR=$PAGD_TMP/kdc
	"$OCI_KDC" start "$OCI_KDC_DIR" > /dev/null || return 1
	# shellcheck disable=SC1091 # written by the KDC fixture
	. "$OCI_KDC_DIR/env"
	mkdir -m 700 "$PAGD_TMP/keys"
	"$OCI_KDC" addprinc "$OCI_KDC_DIR" alice \
		--keytab "$PAGD_TMP/keys/alice.kt" > /dev/null || return 1
	cat >> "$PAGD_CONF" <<EOC

[profile/acme]
domains = acme.example

[profile/globex]
domains = globex.example

[profile/creds]
domains = acme.example
principals = alice@$KDC_REALM
keytab = $PAGD_TMP/keys/alice.kt
EOC
	pagd_start
}

# oci_pagd_stop: stops the KDC and pagd (safe to call whatever started)
oci_pagd_stop()
{
	[ -z "${OCI_KDC_DIR:-}" ] || "$OCI_KDC" stop "$OCI_KDC_DIR" 2> /dev/null
	pagd_cleanup
}
