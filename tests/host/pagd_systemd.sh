#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pagd under its real unit, in a VM booted with systemd as PID 1
# (tools/vmtest --systemd): install, start with pag-bpf, the system bus,
# reload, restart, kill -9 and the watchdog keep every binding, and no
# core dump.  The guest half, which prints the TAP, is
# tests/lib/pagd-systemd.

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
ko=$build/kernel/$("$top/tools/vmtest" --print-release)/pag.ko

if [ ! -x "$build/userspace/pagd/pagd" ] || [ ! -e "$ko" ]; then
	echo "1..1"
	echo "ok 1 pagd under systemd # SKIP pagd or pag.ko not built"
	exit 0
fi
cd "$top" && exec tools/vmtest --systemd -t 900 -M "$ko" \
	-e "BUILD=$build" -- tests/lib/pagd-systemd
