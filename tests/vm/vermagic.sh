#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag.ko built for another kernel of the matrix (build/kernel/KVER/pag.ko,
# `make` builds one per installed kernel): the running kernel refuses it,
# and with it installed where DKMS puts modules and the module unloaded,
# `pag status` names the reason: "pag.ko built for X, running Y".  At the
# end the module under test ($PAG_KO) is loaded again.

. "$(dirname "$0")/../lib/common.sh"
export PATH=$build/bin:$PATH

plan 6

running=$(uname -r)
other=
for ko in "$build"/kernel/*/pag.ko; do
	[ -e "$ko" ] || continue
	rel=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	if [ "$rel" != "$running" ]; then
		other=$ko
		break
	fi
done
[ -n "$other" ] ||
	skip_all 6 "vermagic" "pag.ko is built for $running only (make with another kernel of tools/vmtest --print-matrix installed)"

# The kernel checks the module before its name: pag.ko may stay loaded.
# With symbol versions (Debian's kernels) the version magic's release is
# not compared: 6.1 refuses 6.12's module for module_layout's version,
# 6.12 refuses 6.1's for the size of its struct module.
err=$(insmod "$other" 2>&1)
check_eq "insmod of pag.ko built for $rel fails: Invalid module format" \
	"Invalid module format" "$(grep -o 'Invalid module format' <<<"$err")"
why=$(dmesg | grep -E "pag: (version magic '|disagrees about version of symbol )|module pag: \.gnu\.linkonce\.this_module section size must match")
echo "$why" | sed 's/^/# /'
check_eq "the kernel log says which check refused it" yes \
	"$([ -n "$why" ] && echo yes || echo "no; dmesg: $(dmesg | tail -n 5)")"

dkms_dir=/lib/modules/$running/updates/dkms
cleanup()
{
	rm -f "$dkms_dir/pag.ko"
	if ! grep -qw '^pag' /proc/modules && [ -n "${PAG_KO:-}" ]; then
		insmod "$PAG_KO"
	fi
}
trap cleanup EXIT

if ! pag_unload; then
	skip "pag status: built for $rel, running $running" "pag.ko cannot be unloaded now (a PAG lives)"
	skip "pag status --json: the same in \"module\"" "pag.ko cannot be unloaded now"
	skip "pag bpf load (pag-bpf.service) warns" "pag.ko cannot be unloaded now"
else
	mkdir -p "$dkms_dir" && cp "$other" "$dkms_dir/pag.ko"
	out=$(pag status 2>&1)
	check_eq "pag status: built for $rel, running $running" \
		"module:   pag.ko built for $rel, running $running ($dkms_dir/pag.ko)" \
		"$(grep '^module:' <<<"$out")"
	out=$(pag status --json 2>&1)
	check_eq "pag status --json: the same in \"module\"" \
		"pag.ko built for $rel, running $running ($dkms_dir/pag.ko)" \
		"$(jq -r '.module' <<<"$out")"
	# pag-bpf.service's command: the journal says it too
	pag bpf status >/dev/null 2>&1
	bpf_was=$?
	out=$(pag bpf load 2>&1)
	[ "$bpf_was" = 0 ] || pag bpf unload --purge >/dev/null 2>&1
	check_eq "pag bpf load (pag-bpf.service) warns: built for $rel, running $running" \
		"pag bpf: warning: pag.ko built for $rel, running $running ($dkms_dir/pag.ko): sockets are tagged, but no PAG exists until a pag.ko for this kernel is loaded" \
		"$(grep '^pag bpf: warning:' <<<"$out")"
fi

cleanup
trap - EXIT
if [ -n "${PAG_KO:-}" ]; then
	check "build/kernel/KVER/pag.ko loaded again" grep -qw '^pag' /proc/modules
else
	fail "build/kernel/KVER/pag.ko loaded again" "PAG_KO is not set: later tests run without pag.ko"
fi
done_testing
