#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `pag bpf load | status | unload` in the VM (BPF LSM active): the exit
# codes of status (0 active, 3 not loaded), its --json form, and the usage
# errors, which change nothing.

. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BUILD:-$top/build}/bin
export PATH=$bin:$PATH

plan 12

# jget JSON EXPR: evaluate a python expression over the parsed JSON "d"
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"; }

pag bpf unload --purge
out=$(pag bpf status)
check_eq "status exits 3 when not loaded" 3 "$?"
check "status says not loaded" grep -qx 'state: not loaded' <<<"$out"

out=$(pag bpf load --frobnicate 2>&1)
check_eq "load with an unknown option is a usage error" 64 "$?"
check "the usage error names the option" \
	grep -q "pag bpf: load: unknown option '--frobnicate'" <<<"$out"
check_eq "a usage error loads nothing" 3 "$(pag bpf status > /dev/null; echo $?)"
check_eq "an unknown subcommand is a usage error" 64 \
	"$(pag bpf reload 2> /dev/null; echo $?)"

check "load" pag bpf load
check "load again is a no-op" pag bpf load
out=$(pag bpf status --json)
check_eq "status exits 0 when active" 0 "$?"
check_eq "status --json: state, every link and map pinned" "active True True" \
	"$(jget "$out" 'd["state"], bool(d["links"]) and all(d["links"].values()), all(d["maps"].values())' | tr -d '(),')"

pag bpf unload
check_eq "unload keeps the maps pinned" "not loaded False True" \
	"$(jget "$(pag bpf status --json)" 'd["state"], any(d["links"].values()), all(d["maps"].values())' | tr -d '(),')"
pag bpf unload --purge
check "unload --purge drops the maps" test ! -e /sys/fs/bpf/pag/tags
done_testing
