#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag domains|bind|unbind|bindings|sockets|reload against a throw-away
# pagd: the same answers as pag_on_pagd, and pag's exit codes (64 usage,
# 69 pagd not reachable, 71 refused).

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

pag=$PAGD_BUILD/bin/pag

plan 16

pagd_setup
a="unix:path=$PAGD_RUN/private/bus"

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
	"$("$pag" bindings --json --address "$a" | python3 -c '
import json, sys
print(" ".join("%d %s" % (b["pag"], ",".join(b["domains"])) for b in json.load(sys.stdin)))')"
out=$("$pag" bind --address "$a" 4243 nosuch.example 2>&1)
check_eq "bind to an unknown domain: exit 71, naming it" \
	"71 pag: bind: unknown domain 'nosuch.example'" "$? $out"
check_eq "unbind exits 0" 0 \
	"$("$pag" unbind --address "$a" 4242 >/dev/null; echo $?)"
out=$("$pag" unbind --address "$a" 4242 2>&1)
check_eq "unbind of an unbound PAG: exit 71" 71 "$?"

dir=$("$pag" sockets --address "$a" acme.example)
check "sockets gives a directory" test -d "$dir"
check_eq "sockets --list has it" "$dir acme.example nss" \
	"$("$pag" sockets --address "$a" --list)"
out=$("$pag" sockets --address "$a" 2>&1)
check_eq "sockets without a domain: exit 64" 64 "$?"
check_eq "options may follow the arguments (getopt_long)" "$dir" \
	"$("$pag" sockets acme.example -r nss --address "$a")"
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

pagd_stop
done_testing
