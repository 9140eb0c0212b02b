#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Degraded mode of the pag BPF LSM: boot the VM without `bpf` in the LSM
# list and check that the loader and libpag say so and nothing else breaks,
# on every kernel of the matrix (tools/vmtest --print-matrix).

. "$(dirname "$0")/../lib/common.sh"
vmtest=$top/tools/vmtest
nobpf='lsm=landlock,lockdown,yama,apparmor'
mapfile -t kernels < <("$vmtest" --print-matrix)

plan $((3 * ${#kernels[@]}))

for k in "${kernels[@]}"; do
	t1="$k: pag bpf status exits 4 without BPF LSM"
	t2="$k: pag bpf load refuses and names the reason"
	t3="$k: bpf_degraded_test passes without BPF LSM"
	if [ ! -x "$build/bin/pag" ] || [ ! -x "$build/tests/vm/bpf_degraded_test" ]; then
		skip "$t1" "not built"
		skip "$t2" "not built"
		skip "$t3" "not built"
		continue
	fi
	if ! release=$("$vmtest" -r "$k" --print-release 2>&1); then
		fail "$t1" "$release"
		fail "$t2" "$release"
		fail "$t3" "$release"
		continue
	fi

	# One line: vmtest passes CMD on through the guest's init.
	cmd="$build/bin/pag bpf status; echo status=\$?;"
	cmd+=" $build/bin/pag bpf load 2>&1; echo load=\$?;"
	cmd+=" $build/tests/vm/bpf_degraded_test > /tmp/t.out 2>&1; echo degraded=\$?;"
	cmd+=" echo passed=\$(grep -c '^ok ' /tmp/t.out)"
	out=$(cd "$top" && "$vmtest" -t 120 -r "$release" \
		-M "$build/kernel/$release/pag.ko" -a "$nobpf" -- sh -c "$cmd" 2>&1)
	echo "$out" | sed 's/^/# /'
	check_eq "$t1" 1 "$(echo "$out" | grep -c -x 'status=4')"
	check_eq "$t2" 2 \
		"$(echo "$out" | grep -c -e "^pag bpf: cannot load: BPF LSM is not active" -e '^load=4$')"
	check_eq "$t3" "degraded=0 passed=3" \
		"$(echo "$out" | grep -e '^degraded=' -e '^passed=' | tr '\n' ' ' | sed 's/ $//')"
done
done_testing
