#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Degraded mode of the pag BPF LSM: boot the VM without `bpf` in the LSM
# list and check that the loader and libpag say so and nothing else breaks.

. "$(dirname "$0")/../lib/common.sh"
vmtest=$top/tools/vmtest
nobpf='lsm=landlock,lockdown,yama,apparmor'

plan 3

if [ ! -x "$build/bin/pag" ] || [ ! -x "$build/tests/vm/bpf_degraded_test" ]; then
	skip "pag bpf status exits 4 without BPF LSM" "not built"
	skip "pag bpf load refuses and names the reason" "not built"
	skip "bpf_degraded_test passes without BPF LSM" "not built"
	done_testing
	exit 0
fi

# One line: vmtest passes CMD on through the guest's init.
cmd="$build/bin/pag bpf status; echo status=\$?;"
cmd+=" $build/bin/pag bpf load 2>&1; echo load=\$?;"
cmd+=" $build/tests/vm/bpf_degraded_test > /tmp/t.out 2>&1; echo degraded=\$?;"
cmd+=" echo passed=\$(grep -c '^ok ' /tmp/t.out)"
out=$(cd "$top" && "$vmtest" -t 120 -a "$nobpf" -- sh -c "$cmd" 2>&1)
echo "$out" | sed 's/^/# /'
check_eq "pag bpf status exits 4 without BPF LSM" 1 \
	"$(echo "$out" | grep -c -x 'status=4')"
check_eq "pag bpf load refuses and names the reason" 2 \
	"$(echo "$out" | grep -c -e "^pag bpf: cannot load: BPF LSM is not active" -e '^load=4$')"
check_eq "bpf_degraded_test passes without BPF LSM" "degraded=0 passed=3" \
	"$(echo "$out" | grep -e '^degraded=' -e '^passed=' | tr '\n' ' ' | sed 's/ $//')"
done_testing
