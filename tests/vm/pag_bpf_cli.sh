#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `pag bpf load | status | unload` in the VM (BPF LSM active): the exit
# codes of status (0 active, 3 not loaded), its --json form, the usage
# errors, which change nothing, and a map pinned by another version.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$bin:$PATH

plan 17

# jget JSON FILTER: the raw result of a jq filter over the JSON
jget() { jq -r "$2" <<<"$1"; }

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
check_eq "status --json: state, every link and map pinned" "active true true" \
	"$(jget "$out" '"\(.state) \((.links | length > 0) and all(.links[]; .)) \(all(.maps[]; .))"')"

pag bpf unload
check_eq "unload keeps the maps pinned" "not loaded false true" \
	"$(jget "$(pag bpf status --json)" '"\(.state) \(any(.links[]; .)) \(all(.maps[]; .))"')"
pag bpf unload --purge
check "unload --purge drops the maps" test ! -e /sys/fs/bpf/pag/tags

# A fence map of the layout before incarnations (4104-byte values) cannot
# be reused; load says which map, both sizes and what to do.  (bpftool
# cannot make sk_storage maps, which need BTF: an array stands in for it.)
mkdir -p /sys/fs/bpf/pag
bpftool map create /sys/fs/bpf/pag/fences type array key 4 value 4104 \
	entries 1 name pag_fences
out=$(pag bpf load 2>&1)
check_eq "load refuses a pinned map of another layout (EXIT_FAIL)" 71 "$?"
check "the refusal names the map and the sizes" grep -q \
	"pinned map /sys/fs/bpf/pag/fences was made by another version of pag (4104-byte values, this one needs 8200)" <<<"$out"
check "... and the way out" grep -q "'pag bpf unload --purge' drops it" <<<"$out"
check_eq "nothing was attached" 3 "$(pag bpf status > /dev/null; echo $?)"
pag bpf unload --purge
check "after a purge the load works" pag bpf load
pag bpf unload --purge
done_testing
