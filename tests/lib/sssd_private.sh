# SPDX-License-Identifier: GPL-2.0
#
# SSSD 2.8 as a baseline for benchmarks: one of its own, beside anything
# the host runs.  Source it; set "sssd" to the binary first.
#
#   sssd_private SDIR SOCKET CMD...
#       run CMD beside `sssd -i -c SDIR/sssd.conf` (its stderr to SDIR/log,
#       debug level $SSSD_DEBUG, default 0) in a private mount namespace:
#       tmpfs over /var/lib/sss (its databases, pipes, memory cache and a
#       1777 krb5cc directory for krb5_child's caches), /var/log/sssd and
#       /run (for /run/sssd.pid: another SSSD may run on the host).  CMD
#       starts once /var/lib/sss/pipes/SOCKET exists (10 s at most), with
#       SSSD_PID in its environment; SSSD is stopped after it.  Returns
#       CMD's status, 99 when the namespace cannot be set up.

sssd_private()
{
	unshare -m bash -c '
		sdir=$1 sssd=$2 sock=$3
		shift 3
		mount -t tmpfs tmpfs /var/lib/sss 2>/dev/null ||
			{ mkdir -p /var/lib/sss && mount -t tmpfs tmpfs /var/lib/sss; } ||
			exit 99
		mkdir -p /var/lib/sss/db /var/lib/sss/pipes/private /var/lib/sss/mc \
			/var/lib/sss/pubconf /var/lib/sss/gpo_cache /var/lib/sss/krb5cc
		chmod 1777 /var/lib/sss/krb5cc
		mkdir -p /var/log/sssd 2>/dev/null
		mount -t tmpfs tmpfs /var/log/sssd 2>/dev/null
		mount -t tmpfs tmpfs /run || exit 99
		"$sssd" -i -c "$sdir/sssd.conf" --logger=stderr \
			-d "${SSSD_DEBUG:-0}" 2>"$sdir/log" &
		pid=$!
		for _ in $(seq 200); do
			[ -S "/var/lib/sss/pipes/$sock" ] && break
			sleep 0.05
		done
		SSSD_PID=$pid "$@"
		rc=$?
		kill $pid
		wait $pid 2>/dev/null
		exit $rc' sh "$1" "$sssd" "$2" "${@:3}"
}

#   sssd_ldap_conf SDIR SERVICES URI TREE [LINE]...
#       write SDIR/sssd.conf (mode 0600): SSSD serving SERVICES (comma-
#       separated) for one domain "tenanta", id_provider = ldap on URI
#       under the IPA-like TREE with the fixture's bind DN and password
#       ($LDAP_BIND_DN, $LDAP_BIND_PW), no enumeration, no cached
#       credentials; each LINE is one more key of the domain.
sssd_ldap_conf()
{
	local sdir=$1 services=$2 uri=$3 tree=$4 s
	shift 4
	{
		printf '[sssd]\nservices = %s\ndomains = tenanta\n\n' "$services"
		for s in ${services//,/ }; do
			printf '[%s]\n\n' "$s"
		done
		cat <<-CONF
		[domain/tenanta]
		id_provider = ldap
		ldap_schema = rfc2307
		ldap_uri = $uri
		ldap_search_base = $tree
		ldap_user_search_base = cn=users,cn=accounts,$tree
		ldap_group_search_base = cn=groups,cn=accounts,$tree
		ldap_default_bind_dn = $LDAP_BIND_DN
		ldap_default_authtok = $LDAP_BIND_PW
		ldap_id_use_start_tls = false
		ldap_tls_reqcert = never
		enumerate = false
		cache_credentials = false
		CONF
		[ $# = 0 ] || printf '%s\n' "$@"
	} > "$sdir/sssd.conf"
	chmod 600 "$sdir/sssd.conf"
}
