#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd refuses to start on a bad configuration or domain file, naming the
# file and line; `pagd -t` checks without starting.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

T=$(mktemp -d /tmp/pagd-config.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/d"

# reject DESCRIPTION EXPECTED-MESSAGE: the config on stdin must be refused
reject()
{
	local out rc
	cat > "$T/c.conf"
	out=$("$PAGD_BIN" -t -c "$T/c.conf" 2>&1)
	rc=$?
	check_eq "$1" "78 pagd: error: $2" "$rc $out"
}

# reject_files DESCRIPTION PASSWD GROUP EXPECTED: bad domain files
reject_files()
{
	printf '%b' "$2" > "$T/d/passwd"
	printf '%b' "$3" > "$T/d/group"
	printf '%s\n' "$good" | reject "$1" "$4"
}

good="[domain/d]
provider = files
tenant = t
files_directory = $T/d"
printf 'u:x:1:1::/:/bin/sh\n' > "$T/d/passwd"
printf 'g:x:1:u\n' > "$T/d/group"

plan 67

printf '%s\n' "$good" > "$T/ok.conf"
check_eq "a good config passes" "$T/ok.conf: OK, 1 domains" \
	"$("$PAGD_BIN" -t -c "$T/ok.conf" 2>&1)"

# default_domains is what a process that left its PAG gets: pagd -t warns.
printf '[pagd]\ndefault_domains = d\n%s\n' "$good" > "$T/def.conf"
check_eq "default_domains set: pagd -t passes with a warning" \
	"pagd: warning: default_domains = d: every process in no bound PAG, also one that left its PAG, sees these domains on the main socket; keep it empty on hosts shared by tenants
$T/def.conf: OK, 1 domains
rc 0" \
	"$("$PAGD_BIN" -t -c "$T/def.conf" 2>&1; echo "rc $?")"
out=$("$PAGD_BIN" -t -c "$T/missing.conf" 2>&1)
check_eq "missing file" "78 pagd: error: $T/missing.conf: No such file or directory" "$? $out"

reject "unknown key in [pagd]" "$T/c.conf:2: unknown key 'colour' in section [pagd]" <<EOF
[pagd]
colour = blue
EOF
reject "unknown key in a domain" "$T/c.conf:5: unknown key 'uri' in section [domain/d]" <<EOF
$good
uri = ldap://x
EOF
reject "unknown section" "$T/c.conf:1: unknown section [nss]" <<EOF
[nss]
EOF
reject "key outside a section" "$T/c.conf:1: 'log_level' outside of any section" <<EOF
log_level = info
EOF
reject "syntax error" "$T/c.conf:2: syntax error: expected [section] or key = value" <<EOF
[pagd]
this is not a key
EOF
reject "bad log_level" "$T/c.conf:2: bad value 'loud' for log_level: expected err, warning, notice, info or debug" <<EOF
[pagd]
log_level = loud
EOF
reject "relative state_dir" "$T/c.conf:2: bad value 'var/lib' for state_dir: expected an absolute path" <<EOF
[pagd]
state_dir = var/lib
EOF
reject "bad bus" "$T/c.conf:2: bad value 'session' for bus: expected auto or none" <<EOF
[pagd]
bus = session
EOF
reject "bad client_idle_timeout" "$T/c.conf:2: bad value '0' for client_idle_timeout: expected seconds, 1 to 86400" <<EOF
[pagd]
client_idle_timeout = 0
EOF
reject "bad max_clients" "$T/c.conf:2: bad value 'lots' for max_clients: expected 1 to 1000000" <<EOF
[pagd]
max_clients = lots
EOF
reject "bad memcache_timeout" "$T/c.conf:2: bad value '-1' for memcache_timeout: expected seconds, 0 (off) to 86400" <<EOF
[pagd]
memcache_timeout = -1
EOF
reject "memcache_timeout too large" "$T/c.conf:2: bad value '86401' for memcache_timeout: expected seconds, 0 (off) to 86400" <<EOF
[pagd]
memcache_timeout = 86401
EOF
reject "pam_tgt_hold above 120 s" "$T/c.conf:2: bad value '121' for pam_tgt_hold: expected seconds, 1 to 120" <<EOF
[pagd]
pam_tgt_hold = 121
EOF
reject "bad pam_verbosity" "$T/c.conf:2: bad value '4' for pam_verbosity: expected 0 to 3" <<EOF
[pagd]
pam_verbosity = 4
EOF
reject "bad afs_cells" "$T/c.conf:2: bad value 'ex!ample@' in afs_cells: not an AFS cell (CELL or CELL@REALM)" <<EOF
[pagd]
afs_cells = example.test, ex!ample@
EOF
reject "unknown admin_group" "$T/c.conf:2: bad value 'no-such-group-x' for admin_group: no such group" <<EOF
[pagd]
admin_group = no-such-group-x
EOF
reject "key set twice" "$T/c.conf:3: 'log_level' set twice (first on line 2)" <<EOF
[pagd]
log_level = info
log_level = debug
EOF
reject "section twice" "$T/c.conf:2: section [pagd] appears twice" <<EOF
[pagd]
[pagd]
EOF
reject "default_domains names an unknown domain" "$T/c.conf:2: default_domains names unknown domain 'e'" <<EOF
[pagd]
default_domains = d, e
$good
EOF
reject "bad provider" "$T/c.conf:2: bad value 'nis' for provider: expected files or ldap" <<EOF
[domain/d]
provider = nis
EOF
reject "bad cache_credentials" "$T/c.conf:3: bad value 'maybe' for cache_credentials: expected true or false" <<EOF
[domain/d]
provider = files
cache_credentials = maybe
EOF
reject "bad offline_credentials_expiration" "$T/c.conf:3: bad value '-1' for offline_credentials_expiration: expected a number from 0 to 36500" <<EOF
[domain/d]
provider = files
offline_credentials_expiration = -1
EOF
reject "bad offline_failed_login_delay" "$T/c.conf:3: bad value '5m' for offline_failed_login_delay: expected a number from 0 to 36500" <<EOF
[domain/d]
provider = files
offline_failed_login_delay = 5m
EOF
reject "missing provider" "$T/c.conf:1: [domain/d] has no 'provider'" <<EOF
[domain/d]
tenant = t
EOF
reject "missing tenant" "$T/c.conf:1: [domain/d] has no 'tenant'" <<EOF
[domain/d]
provider = files
EOF
reject "missing files_directory" "$T/c.conf:1: [domain/d] has no 'files_directory' (needed by provider files)" <<EOF
[domain/d]
provider = files
tenant = t
[pagd]
EOF
reject "bad domain name" "$T/c.conf:1: bad domain name 'a b': use 1-64 letters, digits, '.', '_' or '-'" <<EOF
[domain/a b]
EOF
reject "domain defined twice" "$T/c.conf:5: domain 'd' defined twice (first on line 1)" <<EOF
$good
[domain/d]
EOF
reject "line too long" "$T/c.conf:2: line too long (at most 198 characters)" <<EOF
[pagd]
state_dir = /$(printf 'x%.0s' $(seq 250))
EOF

# Domain files are checked as strictly: a typo never silently drops a user.
reject_files "bad uid" 'u:x:1:1::/:/bin/sh\nv:x:two:1::/:/bin/sh\n' 'g:x:1:\n' \
	"$T/d/passwd:2: bad uid 'two' for user 'v'"
reject_files "short passwd line" '# users\nu:x:1:1::/\n' 'g:x:1:\n' \
	"$T/d/passwd:2: expected 7 fields separated by ':'"
reject_files "duplicate user" 'u:x:1:1::/:/bin/sh\nu:x:2:1::/:/bin/sh\n' 'g:x:1:\n' \
	"$T/d/passwd:2: duplicate user 'u' (first on line 1)"
reject_files "name with @" 'u@x:x:1:1::/:/bin/sh\n' 'g:x:1:\n' \
	"$T/d/passwd:1: bad user name 'u@x'"
reject_files "bad gid in group" 'u:x:1:1::/:/bin/sh\n' 'g:x:-1:\n' \
	"$T/d/group:1: bad gid '-1' for group 'g'"
rm -f "$T/d/group"
printf '%s\n' "$good" > "$T/c.conf"
out=$("$PAGD_BIN" -t -c "$T/c.conf" 2>&1)
check_eq "missing group file" "78 pagd: error: [domain/d]: $T/d/group: No such file or directory" "$? $out"

# provider = ldap: the same strictness.
lgood="[domain/l]
provider = ldap
tenant = t
ldap_uri = ldap://127.0.0.1:1
ldap_suffix = dc=example,dc=test"
printf '%s\n' "$lgood" > "$T/l.conf"
check_eq "a good LDAP domain passes (nothing contacted)" "$T/l.conf: OK, 1 domains" \
	"$("$PAGD_BIN" -t -c "$T/l.conf" 2>&1)"
reject "ldap: no ldap_uri" "$T/c.conf:1: [domain/l] has no 'ldap_uri' (needed by provider ldap)" <<EOF
[domain/l]
provider = ldap
tenant = t
ldap_suffix = dc=x
EOF
reject "ldap: bad URI scheme" "$T/c.conf:4: bad value 'http://x' in ldap_uri: expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]" <<EOF
[domain/l]
provider = ldap
tenant = t
ldap_uri = ldap://a, http://x
EOF
reject "ldap: no base" "$T/c.conf:1: [domain/l] has neither 'ldap_suffix' nor 'ldap_search_base'" <<EOF
[domain/l]
provider = ldap
tenant = t
ldap_uri = ldap://a
EOF
reject "ldap: suffix and search base" "$T/c.conf:6: [domain/l]: set ldap_suffix or ldap_search_base, not both" <<EOF
$lgood
ldap_search_base = dc=example,dc=test
EOF
reject "ldap: bad DN" "$T/c.conf:6: bad value 'example' for ldap_default_bind_dn: expected a DN such as dc=example,dc=com" <<EOF
$lgood
ldap_default_bind_dn = example
EOF
reject "ldap: authtok without bind DN" "$T/c.conf:6: [domain/l]: ldap_default_authtok without ldap_default_bind_dn" <<EOF
$lgood
ldap_default_authtok = secret
EOF
reject "ldap: bind DN without authtok" "$T/c.conf:6: [domain/l]: ldap_default_bind_dn without ldap_default_authtok" <<EOF
$lgood
ldap_default_bind_dn = uid=pagd,dc=x
EOF
reject "ldap: bad SASL mechanism" "$T/c.conf:6: bad value 'PLAIN' for ldap_sasl_mech: expected GSSAPI" <<EOF
$lgood
ldap_sasl_mech = PLAIN
EOF
reject "ldap: bad ldap_tls_reqcert" "$T/c.conf:6: bad value 'maybe' for ldap_tls_reqcert: expected demand, allow or never" <<EOF
$lgood
ldap_tls_reqcert = maybe
EOF
reject "ldap: bad boolean" "$T/c.conf:6: bad value 'on' for ldap_id_use_start_tls: expected true or false" <<EOF
$lgood
ldap_id_use_start_tls = on
EOF
reject "ldap: bad entry_cache_timeout" "$T/c.conf:6: bad value '-1' for entry_cache_timeout: expected seconds, 0 to 100000000" <<EOF
$lgood
entry_cache_timeout = -1
EOF
reject "ldap: bad offline_timeout" "$T/c.conf:6: bad value '0' for offline_timeout: expected seconds, 1 to 86400" <<EOF
$lgood
offline_timeout = 0
EOF
reject "ldap: offline_timeout_max below offline_timeout" "$T/c.conf:7: [domain/l]: offline_timeout_max (10) is below offline_timeout (60)" <<EOF
$lgood
offline_timeout = 60
offline_timeout_max = 10
EOF
reject "ldap: bad ldap_page_size" "$T/c.conf:6: bad value 'big' for ldap_page_size: expected entries per page, 0 (no paging) to 1000000" <<EOF
$lgood
ldap_page_size = big
EOF
reject "LDAP key in a files domain" "$T/c.conf:5: [domain/d]: LDAP options need provider = ldap" <<EOF
$good
ldap_uri = ldap://x
EOF

# --- [profile/NAME]: what a PAG may be given (issue 13) --------------------
printf 'u:x:1:1::/:/bin/sh\n' > "$T/d/passwd"
printf 'g:x:1:u\n' > "$T/d/group"
printf '[profile/p]\ndomains = d\nprincipals = a@R, b@R\nkeytab = /k/p.kt\n[profile/q]\ndomains = d\nprincipals = b@R\nkeytab = /k/p.kt\n%s\n' "$good" > "$T/prof.conf"
check_eq "profiles pass, also sharing a principal with one keytab, before their domain" \
	"$T/prof.conf: OK, 1 domains" "$("$PAGD_BIN" -t -c "$T/prof.conf" 2>&1)"
reject "profile: unknown domain" "$T/c.conf:6: [profile/p] names unknown domain 'e'" <<EOF
$good
[profile/p]
domains = d, e
EOF
reject "profile: no domains" "$T/c.conf:5: [profile/p] has no 'domains'" <<EOF
$good
[profile/p]
principals = a@R
keytab = /k/a.kt
EOF
reject "profile: empty domains" "$T/c.conf:5: [profile/p] has no 'domains'" <<EOF
$good
[profile/p]
domains =
EOF
reject "profile: relative keytab" "$T/c.conf:8: bad value 'k/a.kt' for keytab: expected an absolute path" <<EOF
$good
[profile/p]
domains = d
principals = a@R
keytab = k/a.kt
EOF
reject "profile: principals without keytab" "$T/c.conf:7: [profile/p] has 'principals' but no 'keytab'" <<EOF
$good
[profile/p]
domains = d
principals = a@R
EOF
reject "profile: keytab without principals" "$T/c.conf:7: [profile/p] has a 'keytab' but no 'principals'" <<EOF
$good
[profile/p]
domains = d
keytab = /k/a.kt
EOF
reject "profile: a principal without its realm" "$T/c.conf:7: bad value 'alice' in principals: not a principal with its realm (NAME@REALM)" <<EOF
$good
[profile/p]
domains = d
principals = alice
EOF
reject "profile: one principal, two keytabs" "$T/c.conf:12: principal 'b@R' of [profile/q] has keytab /k/p.kt in [profile/p] (line 5): one principal, one keytab" <<EOF
$good
[profile/p]
domains = d
principals = a@R, b@R
keytab = /k/p.kt

[profile/q]
domains = d
principals = b@R
keytab = /k/q.kt
EOF
# pagd's own IPA trust keytabs (STATE_DIR/keytabs) are never a profile's
mkdir -p "$T/state/keytabs/a" "$T/state/x"
touch "$T/state/keytabs/a/ad.test.keytab"
for kt in "$T/state/keytabs/a/ad.test.keytab" "$T/state/x/../keytabs/a/ad.test.keytab"; do
	reject "profile: a trust keytab of pagd's is refused (${kt#"$T"/state/})" \
		"$T/c.conf:10: [profile/p] keytab $kt is in $T/state/keytabs, where pagd keeps the IPA trusts' keytabs: the trust account's keys are not given to PAGs" <<EOF
[pagd]
state_dir = $T/state
$good
[profile/p]
domains = d
principals = svc@AD.TEST
keytab = $kt
EOF
done
reject "profile: bad name" "$T/c.conf:5: bad profile name 'a b': use 1-64 letters, digits, '.', '_' or '-'" <<EOF
$good
[profile/a b]
domains = d
EOF
reject "profile: empty name" "$T/c.conf:5: bad profile name '': use 1-64 letters, digits, '.', '_' or '-'" <<EOF
$good
[profile/]
domains = d
EOF
reject "profile: unknown key" "$T/c.conf:7: unknown key 'keytabs' in section [profile/p]" <<EOF
$good
[profile/p]
domains = d
keytabs = /k/a.kt
EOF
reject "profile: defined twice" "$T/c.conf:7: profile 'p' defined twice (first on line 5)" <<EOF
$good
[profile/p]
domains = d
[profile/p]
domains = d
EOF

done_testing
