#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Password authentication through the stock pam_sss: pagd against SSSD 2.8
# with auth_provider = krb5 (Debian's sssd-krb5), on the same slapd (the
# users) and the same krb5kdc (their passwords), in the same run.  The
# client (tests/bench/clients/pam_auth_bench) does what login does:
# pam_start, pam_authenticate, pam_end, as root (pam_sss's private/pam),
# the users in turn.  Printed: latency p50 and p99, and the CPU per
# authentication of the daemon (all its processes, with the children it
# reaped: pagd's password workers, SSSD's krb5_child) and of the client;
# then the ratios pagd/SSSD (the issue's target: latency at most 0.5x).
# The KDC's own CPU is the same work for both and is left out.
#
# Both daemons start afresh, warmed by one authentication of each user
# (so the identity lookup that precedes an authentication is cached for
# both); SSSD keeps no credentials (cache_credentials = false) and, as
# its krb5 provider does, stores each TGT in a ccache at authentication,
# here FILE: on a tmpfs; pagd holds it in memory until open_session.
# Each daemon runs in a private mount namespace with its own
# /var/lib/sss, so nothing collides with the host.  Runs on the host, as
# root (SSSD cannot run inside the VM, and PAM authentication needs no
# PAG):
# bench-where: host
# BENCH_AUTHS / BENCH_PAM_USERS scale it.

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"
. "$lib/sssd_private.sh"

auths=${BENCH_AUTHS:-200}
nusers=${BENCH_PAM_USERS:-20}
pw=Bench-pw1
sssd=$(command -v sssd || echo /usr/sbin/sssd)
krb5_child=/usr/libexec/sssd/krb5_child
if ! pagd_can_unshare || [ ! -x "$sssd" ] || [ ! -x "$krb5_child" ] ||
   { ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; } ||
   { ! command -v krb5kdc >/dev/null && [ ! -x /usr/sbin/krb5kdc ]; } ||
   { [ ! -e /lib/x86_64-linux-gnu/security/pam_sss.so ] &&
     [ ! -e /usr/lib/x86_64-linux-gnu/security/pam_sss.so ]; }; then
	echo "pam_auth_sssd: skipped (needs root, unshare -m, libpam-sss, sssd-ldap, sssd-krb5, slapd, krb5-kdc)"
	exit 0
fi
bench=$PAGD_BUILD/tests/bench/clients/pam_auth_bench

pagd_setup
ldapdir=$PAGD_TMP/ldap
cleanup()
{
	"$lib/slapd" stop "$ldapdir" 2>/dev/null
	"$lib/kdc" stop "$PAGD_TMP/kdc" 2>/dev/null
	pagd_cleanup
}
trap cleanup EXIT
"$lib/kdc" start "$PAGD_TMP/kdc" --realm TEST.PAG > /dev/null || exit 1
"$lib/slapd" start "$ldapdir" --tenants tenanta --users "$nusers" \
	--groups 5 > /dev/null || exit 1
. "$PAGD_TMP/kdc/env"
. "$ldapdir/env"
export KRB5_CONFIG
for i in $(seq -f %05g "$nusers"); do
	"$lib/kdc" addprinc "$PAGD_TMP/kdc" "u$i" --password "$pw" > /dev/null ||
		exit 1
done
# krb5_child reads KRB5_CONFIG as the user it authenticates
chmod 711 "$PAGD_TMP"
tree="cn=tenanta,cn=tenants,$LDAP_BASE"

mkdir "$PAGD_TMP/pam.d"
echo 'auth required pam_sss.so' > "$PAGD_TMP/pam.d/pag-bench"
# The client, inside the daemon's namespace: one warming authentication
# per user, then the measured ones.
client=$PAGD_TMP/client.sh
cat > "$client" <<EOF
#!/bin/sh
mount --bind "$PAGD_TMP/pam.d" /etc/pam.d || exit 99
"$bench" pag-bench u "$nusers" "$nusers" "$pw" > /dev/null || exit 1
. "$PAGD_TMP/cpu_before"
"$bench" pag-bench u "$nusers" "$auths" "$pw" || exit 1
. "$PAGD_TMP/cpu_after"
EOF
chmod +x "$client"

# tree_cpu PID: the CPU (microseconds) of PID and its descendants so far,
# with the children each has reaped
tree_cpu()
{
	local pids p hz
	hz=$(getconf CLK_TCK)
	pids="$1 $(pgrep -d ' ' -P "$1")"
	for p in $(pgrep -d ' ' -P "$1"); do
		pids="$pids $(pgrep -d ' ' -P "$p")"
	done
	for p in $pids; do
		# utime stime cutime cstime: fields 14-17, after the "(comm)"
		sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null |
			awk '{ print $12 + $13 + $14 + $15 }'
	done | awk -v hz="$hz" '{ s += $1 } END { printf "%.0f", s * 1e6 / hz }'
}
# cpu_hooks PID: the client's hooks record PID's tree CPU before and after
cpu_hooks()
{
	printf 'echo "daemon_cpu_before $(%s)"\n' "'$PAGD_TMP/tree_cpu' $1" \
		> "$PAGD_TMP/cpu_before"
	printf 'echo "daemon_cpu_after $(%s)"\n' "'$PAGD_TMP/tree_cpu' $1" \
		> "$PAGD_TMP/cpu_after"
}
{
	echo '#!/bin/bash'
	declare -f tree_cpu
	echo 'tree_cpu "$1"'
} > "$PAGD_TMP/tree_cpu"
chmod +x "$PAGD_TMP/tree_cpu"

# --- the KDC's share: the client's own AS exchanges, no daemon ---
"$bench" --krb5 u "$nusers" "$nusers" "$pw" > /dev/null || exit 1
kdc_out=$("$bench" --krb5 u "$nusers" "$auths" "$pw") ||
	{ echo "pam_auth_sssd: kinit run failed"; exit 1; }

# --- pagd ---
{
	sed -n '/^\[pagd\]/,/^\[domain/p' "$PAGD_CONF" | sed '$d' |
		sed 's/^log_level = .*/log_level = warning/'
	cat <<-EOF
	[domain/a]
	provider = ldap
	tenant = tenanta
	ldap_uri = $LDAP_URI
	ldap_suffix = $LDAP_BASE
	ldap_default_bind_dn = $LDAP_BIND_DN
	ldap_default_authtok = $LDAP_BIND_PW
	krb5_realm = TEST.PAG
	cache_credentials = false
	EOF
} > "$PAGD_TMP/c" && mv "$PAGD_TMP/c" "$PAGD_CONF"
pagd_start || exit 1
A=$(pag_on_pagd sockets a)
cpu_hooks "$pagd_pid"
pagd_out=$(in_sockdir "$A" "$client") ||
	{ echo "pam_auth_sssd: pagd run failed"; tail "$PAGD_TMP/log"; exit 1; }
pagd_stop

# --- SSSD, in its own namespace with a private /var/lib/sss ---
sdir=$PAGD_TMP/sssd
mkdir -p "$sdir"
sssd_ldap_conf "$sdir" nss,pam "$LDAP_URI" "$tree" \
	"auth_provider = krb5" "chpass_provider = none" \
	"krb5_realm = TEST.PAG" "krb5_server = 127.0.0.1:$KDC_PORT" \
	"krb5_ccachedir = /var/lib/sss/krb5cc" \
	"krb5_ccname_template = FILE:/var/lib/sss/krb5cc/krb5cc_%U_XXXXXX" \
	"krb5_validate = false" "krb5_store_password_if_offline = false"

sssd_out=$(sssd_private "$sdir" private/pam bash -c "$(declare -f cpu_hooks)"'
	PAGD_TMP=$1 cpu_hooks "$SSSD_PID" && exec "$0"' "$client" "$PAGD_TMP") ||
	{ echo "pam_auth_sssd: sssd run failed"; sed 's/^/# /' "$sdir/log" | tail -20; exit 1; }

# val OUTPUT KEY
val() { echo "$1" | awk -v k="$2" '$1 == k { print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
dcpu()
{
	awk -v a="$(val "$1" daemon_cpu_after)" -v b="$(val "$1" daemon_cpu_before)" \
		-v n="$auths" 'BEGIN { printf "%.0f", (a - b) / n }'
}
echo "# $auths password authentications through pam_sss (pam_start, pam_authenticate,"
echo "# pam_end), $nusers users in turn, as root; the same slapd and krb5kdc."
echo "# kdc: the same AS exchanges made by the client itself (libkrb5, no"
echo "# daemon), the KDC's share that neither daemon can go below"
printf '%-26s %9s %9s %9s %9s %8s\n' "" pagd sssd kdc pagd/sssd target
row()
{
	printf '%-26s %9s %9s %9s %9s %8s\n' "$1" "$2" "$3" "$4" "$(ratio "$2" "$3")" "$5"
}
row "latency p50, us" "$(val "$pagd_out" p50_us)" "$(val "$sssd_out" p50_us)" \
	"$(val "$kdc_out" p50_us)" "<= 0.5"
row "latency p99, us" "$(val "$pagd_out" p99_us)" "$(val "$sssd_out" p99_us)" \
	"$(val "$kdc_out" p99_us)" "<= 0.5"
row "latency mean, us" "$(val "$pagd_out" mean_us)" "$(val "$sssd_out" mean_us)" \
	"$(val "$kdc_out" mean_us)" ""
row "daemon CPU per auth, us" "$(dcpu "$pagd_out")" "$(dcpu "$sssd_out")" "" ""
row "client CPU per auth, us" "$(val "$pagd_out" client_cpu_us)" \
	"$(val "$sssd_out" client_cpu_us)" "$(val "$kdc_out" client_cpu_us)" ""
# above KEY: pagd's and SSSD's KEY less the KDC's, as a ratio
above()
{
	awk -v p="$(val "$pagd_out" "$1")" -v s="$(val "$sssd_out" "$1")" \
		-v k="$(val "$kdc_out" "$1")" \
		'BEGIN { if (s > k) printf "%.2f", (p - k) / (s - k); else print "n/a" }'
}
echo "ratio pagd/sssd of the time above the KDC's share: p50 $(above p50_us)," \
	"p99 $(above p99_us), mean $(above mean_us)"
