#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the libFuzzer target of pagd's KCM request decoding for a bounded
# time (FUZZ_SECONDS, default 10) from a corpus kept in the build directory.

. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pagd.sh"

fuzz=$PAGD_BUILD/fuzz/pagd_kcm_fuzz
plan 1
if [ ! -x "$fuzz" ]; then
	skip "KCM request decoding survives fuzzing" "$fuzz not built (make tests)"
	exit 0
fi
mkdir -p "$PAGD_BUILD/fuzz/kcm-corpus"
log=$(mktemp)
if "$fuzz" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=8192 \
	-rss_limit_mb=1024 -artifact_prefix="$PAGD_BUILD/fuzz/kcm-" \
	-print_final_stats=1 "$PAGD_BUILD/fuzz/kcm-corpus" >"$log" 2>&1; then
	ok "KCM request decoding survives $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs"
else
	fail "KCM request decoding survives fuzzing" "$(tail -n 30 "$log")"
fi
rm -f "$log"
done_testing
