#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag domains|bind|unbind|bindings|sockets|reload|profiles against a
# throw-away pagd: the same answers as pag_on_pagd, and pag's exit codes
# (64 usage, 69 pagd not reachable, 71 refused).  Binding within a profile:
# every request outside it is refused with its exact error and leaves
# nothing bound, as does one whose credentials are refused.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

pag=$PAGD_BUILD/bin/pag

plan 45

pagd_setup
a="unix:path=$PAGD_RUN/private/bus"
# two profiles: one with principals whose keytab exists, one without any;
# a third whose keytab is missing
printf 'addent -password -p alice@TEST.PAG -k 1 -e aes256-cts-hmac-sha1-96\nsecret\naddent -password -p bob@TEST.PAG -k 1 -e aes256-cts-hmac-sha1-96\nsecret\nwkt %s\nquit\n' \
	"$PAGD_TMP/web.kt" | ktutil > /dev/null 2>&1
cat >> "$PAGD_CONF" <<EOF

[profile/web]
domains = acme.example, globex.example
principals = alice@TEST.PAG, bob@TEST.PAG
keytab = $PAGD_TMP/web.kt

[profile/plain]
domains = globex.example

[profile/lost]
domains = acme.example
principals = carol@TEST.PAG
keytab = $PAGD_TMP/none.kt
EOF

out=$("$pag" domains --address "$a" 2>&1)
check_eq "pagd not running: exit 69, naming the address" \
	"69 pag domains: cannot reach pagd at $a: No such file or directory" \
	"$? $out"

pagd_start || { fail "pagd starts"; done_testing; exit; }

check_eq "domains --json: the same as pag_on_pagd's" \
	"$(pag_on_pagd --json domains)" "$("$pag" domains --address "$a" --json)"
check_eq "domains: one line per domain" 2 \
	"$("$pag" domains --address="$a" | grep -c 'provider files')"

check_eq "bind exits 0" 0 \
	"$("$pag" bind --address "$a" 4242 acme.example >/dev/null; echo $?)"
check_eq "bindings --json shows it" "4242 acme.example" \
	"$("$pag" bindings --json --address "$a" |
	  jq -r '[.[] | "\(.pag) \(.domains | join(","))"] | join(" ")')"
out=$("$pag" bind --address "$a" 4243 nosuch.example 2>&1)
check_eq "bind to an unknown domain: exit 71, naming it" \
	"71 pag: bind: unknown domain 'nosuch.example'" "$? $out"
check_eq "unbind exits 0" 0 \
	"$("$pag" unbind --address "$a" 4242 >/dev/null; echo $?)"
out=$("$pag" unbind --address "$a" 4242 2>&1)
check_eq "unbind of an unbound PAG: exit 71" 71 "$?"

dir=$("$pag" sockets --address "$a" acme.example)
check "sockets gives a directory" test -d "$dir"
check_eq "sockets --list has it" "$dir acme.example nss,pam" \
	"$("$pag" sockets --address "$a" --list)"
out=$("$pag" sockets --address "$a" 2>&1)
check_eq "sockets without a domain: exit 64" 64 "$?"
check_eq "options may follow the arguments (getopt_long)" "$dir" \
	"$("$pag" sockets acme.example -r pam -r nss --address "$a")"
out=$("$pag" sockets --address "$a" --list acme.example 2>&1)
check_eq "sockets --list with a domain: exit 64" \
	"64 pag sockets: --list takes no domain or responder" "$? $(head -n1 <<<"$out")"
out=$("$pag" domains --address "$a" --list 2>&1)
check_eq "--list is sockets' own" \
	"64 pag domains: --list: only sockets has it" "$? $(head -n1 <<<"$out")"
out=$("$pag" bind --address 2>&1)
check_eq "--address without its argument: exit 64" \
	"64 pag bind: --address needs an argument" "$? $(head -n1 <<<"$out")"
check_eq "reload exits 0" 0 "$("$pag" reload --address "$a"; echo $?)"

# --- profiles ---------------------------------------------------------------
check_eq "profiles: a line each" \
	"web              domains acme.example,globex.example principals alice@TEST.PAG,bob@TEST.PAG keytab $PAGD_TMP/web.kt
plain            domains globex.example
lost             domains acme.example principals carol@TEST.PAG keytab $PAGD_TMP/none.kt" \
	"$("$pag" profiles --address "$a")"
check_eq "profiles --json" \
	"web acme.example,globex.example alice@TEST.PAG,bob@TEST.PAG $PAGD_TMP/web.kt|plain globex.example  null|lost acme.example carol@TEST.PAG $PAGD_TMP/none.kt" \
	"$("$pag" profiles --json --address "$a" | jq -r 'map("\(.name) \(.domains | join(",")) \(.principals | join(",")) \(.keytab)") | join("|")')"

# refused: each leaves nothing bound
bound() { "$pag" bindings --address "$a" | grep -w "^$1"; "$pag" creds --address "$a" | grep -w "^$1"; }
out=$("$pag" bind --address "$a" --profile nosuch 4300:1 2>&1)
check_eq "bind --profile: an unknown profile" \
	"71 pag: BindProfile: unknown profile 'nosuch'" "$? $out"
out=$("$pag" bind --address "$a" --profile plain 4300:1 globex.example acme.example 2>&1)
check_eq "bind --profile: a domain outside the profile" \
	"71 pag: BindProfile: domain 'acme.example' is not in profile 'plain'" "$? $out"
out=$("$pag" bind --address "$a" --profile plain 4300:1 nosuch.example 2>&1)
check_eq "bind --profile: an unknown domain is outside too" \
	"71 pag: BindProfile: domain 'nosuch.example' is not in profile 'plain'" "$? $out"
out=$("$pag" bind --address "$a" --profile web --principal carol@TEST.PAG 4300:1 2>&1)
check_eq "bind --profile: a principal of another profile" \
	"71 pag: BindProfile: principal 'carol@TEST.PAG' is not in profile 'web'" "$? $out"
out=$("$pag" bind --address "$a" --profile plain --principal alice@TEST.PAG 4300:1 2>&1)
check_eq "bind --profile: a principal for a profile without any" \
	"71 pag: BindProfile: principal 'alice@TEST.PAG' is not in profile 'plain'" "$? $out"
out=$("$pag" bind --address "$a" --profile web --principal alice 4300:1 2>&1)
check_eq "bind --profile: a principal is named with its realm" \
	"71 pag: BindProfile: principal 'alice' is not in profile 'web'" "$? $out"
out=$("$pag" bind --address "$a" --profile lost 4300:1 2>&1)
check_eq "bind --profile: the profile's keytab is missing" \
	"71 pag: BindProfile: cannot read keytab $PAGD_TMP/none.kt: No such file or directory" "$? $out"
check_eq "...all or nothing: no domain binding is left behind" "" "$(bound 4300)"
out=$("$pag" bind --address "$a" --profile web 0 2>&1)
check_eq "bind --profile: a bad PAG id" "64 pag: bad PAG id '0'" "$? $out"
check_eq "nothing was bound by the refused calls" "" "$(bound 4300)"
out=$("$pag" creds bind --address "$a" 4300:1 carol2@TEST.PAG 2>&1)
check_eq "creds bind: a principal in no profile" \
	"71 pag: BindCredentials: principal 'carol2@TEST.PAG' is in no profile" "$? $out"
out=$("$pag" creds bind --address "$a" 4300:1 alice@TEST.PAG /etc/krb5.keytab 2>&1)
check_eq "creds bind: no keytab argument any more" \
	"64 usage: pag creds bind PAG[:CREATED_NS] PRINCIPAL" "$? $out"

# accepted
creds_of() { "$pag" creds --json --address "$a" | jq -r ".[] | select(.pag == $1) | .principal"; }
check_eq "bind --profile plain: all its domains" "0 4301 globex.example" \
	"$("$pag" bind --address "$a" --profile plain 4301:1; echo "$? $(bound 4301)")"
check_eq "bind --profile web, narrowed to a domain: its first principal" \
	"0 4302 acme.example|alice@TEST.PAG" \
	"$("$pag" bind --address "$a" --profile web 4302:1 acme.example; echo "$? $(
		"$pag" bindings --address "$a" | grep -w ^4302)|$(creds_of 4302)")"
check_eq "bind --profile web --principal: that one" \
	"0 4303 acme.example,globex.example|bob@TEST.PAG" \
	"$("$pag" bind --address "$a" --profile web --principal bob@TEST.PAG 4303:1; echo "$? $(
		"$pag" bindings --address "$a" | grep -w ^4303)|$(creds_of 4303)")"
check_eq "creds bind: the keytab from the principal's profile" "0 alice@TEST.PAG" \
	"$("$pag" creds bind --address "$a" 4304:1 alice@TEST.PAG; echo "$? $(creds_of 4304)")"

out=$("$pag" bind --address "$a" --principal bob@TEST.PAG 4305 acme.example 2>&1)
check_eq "--principal needs --profile" \
	"64 pag bind: --principal needs --profile" "$? $(head -n1 <<<"$out")"
out=$("$pag" sockets --address "$a" --profile web acme.example 2>&1)
check_eq "--profile is bind's own" \
	"64 pag sockets: --profile: only bind has it" "$? $(head -n1 <<<"$out")"
out=$("$pag" bind --address "$a" --profile web 2>&1)
check_eq "bind --profile without a PAG: exit 64" 64 "$?"

# a reload that fails keeps the profiles; one that takes a principal out of
# every profile drops its credential bindings, and a new profile serves
cp "$PAGD_CONF" "$PAGD_TMP/good.conf"
printf '[profile/bad]\ndomains = nosuch.example\n' >> "$PAGD_CONF"
line=$(($(wc -l < "$PAGD_TMP/good.conf") + 2))
out=$("$pag" reload --address "$a" 2>&1)
check_eq "reload of a bad profile: refused, naming file and line" \
	"71 pag: Reload: $PAGD_CONF:$line: [profile/bad] names unknown domain 'nosuch.example'" \
	"$? $out"
check_eq "...and the running profiles stay" "web plain lost" \
	"$("$pag" profiles --address "$a" | awk '{ print $1 }' | xargs)"
sed -e '/^\[profile\/web\]/,/^keytab/d' "$PAGD_TMP/good.conf" > "$PAGD_CONF"
printf '[profile/web2]\ndomains = acme.example\nprincipals = bob@TEST.PAG\nkeytab = %s\n' \
	"$PAGD_TMP/web.kt" >> "$PAGD_CONF"
check_eq "reload with profile web gone, web2 with bob" 0 \
	"$("$pag" reload --address "$a"; echo $?)"
check_eq "...profiles now" "plain lost web2" \
	"$("$pag" profiles --address "$a" | awk '{ print $1 }' | xargs)"
check_eq "...alice's bindings are dropped, bob's stays" "4303 bob@TEST.PAG" \
	"$("$pag" creds --json --address "$a" | jq -r '.[] | "\(.pag) \(.principal)"' | sort | xargs)"
check "...and the log names them" grep -q \
	"PAG 4302: credential binding for alice@TEST.PAG (keytab $PAGD_TMP/web.kt) dropped: the principal is in no profile" \
	"$PAGD_TMP/log"
out=$("$pag" bind --address "$a" --profile web 4306:1 2>&1)
check_eq "...web is refused" \
	"71 pag: BindProfile: unknown profile 'web'" "$? $out"
check_eq "...web2 serves" "0 4306 acme.example" \
	"$("$pag" bind --address "$a" --profile web2 4306:1; echo "$? $(bound 4306 | head -1)")"

pagd_stop
done_testing
