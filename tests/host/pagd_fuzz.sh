#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the libFuzzer targets of pagd's NSS and PAM request parsers, each for
# a bounded time (FUZZ_SECONDS, default 20) from a corpus of its own kept in
# the build directory.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

plan 2
# fuzz NAME WHAT: run target pagd_NAME_fuzz
fuzz()
{
	local bin=$PAGD_BUILD/fuzz/pagd_$1_fuzz corpus=$PAGD_BUILD/fuzz/corpus log

	[ "$1" = nss ] || corpus=$PAGD_BUILD/fuzz/corpus-$1
	if [ ! -x "$bin" ]; then
		skip "$2 survives fuzzing" "$bin not built (make tests)"
		return
	fi
	mkdir -p "$corpus"
	log=$(mktemp)
	if "$bin" -max_total_time="${FUZZ_SECONDS:-20}" -max_len=4096 \
		-rss_limit_mb=1024 -artifact_prefix="$PAGD_BUILD/fuzz/" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1; then
		ok "$2 survives $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs"
	else
		fail "$2 survives fuzzing" "$(tail -n 30 "$log")"
	fi
	rm -f "$log"
}
fuzz nss "NSS request parser"
fuzz pam "PAM request parser"
done_testing
