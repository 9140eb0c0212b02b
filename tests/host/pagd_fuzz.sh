#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the libFuzzer target of pagd's NSS request parser for a bounded time
# (FUZZ_SECONDS, default 20) from a corpus kept in the build directory.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

fuzz=$PAGD_BUILD/fuzz/pagd_nss_fuzz
plan 1
if [ ! -x "$fuzz" ]; then
	skip "NSS request parser survives fuzzing" "$fuzz not built (make tests)"
	exit 0
fi
mkdir -p "$PAGD_BUILD/fuzz/corpus"
log=$(mktemp)
if "$fuzz" -max_total_time="${FUZZ_SECONDS:-20}" -max_len=4096 \
	-rss_limit_mb=1024 -artifact_prefix="$PAGD_BUILD/fuzz/" \
	-print_final_stats=1 "$PAGD_BUILD/fuzz/corpus" >"$log" 2>&1; then
	ok "NSS request parser survives $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs"
else
	fail "NSS request parser survives fuzzing" "$(tail -n 30 "$log")"
fi
rm -f "$log"
done_testing
