#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The systemd units as shipped: pagd.service's exposure by
# `systemd-analyze security --offline=yes` stays at 4.5 or below (systemd's
# "OK" band), and the settings pagd's guide promises are there.  A change
# that gives pagd a new need updates the unit, this test and the
# justification in Documentation/admin-guide/pagd.rst together.

. "$(dirname "$0")/../lib/common.sh"
unit=$top/etc/systemd/system/pagd.service
bpfunit=$top/etc/systemd/system/pag-bpf.service
threshold=45	# tenths: 4.5

plan 8

command -v systemd-analyze > /dev/null ||
	skip_all 8 "unit checks" "no systemd-analyze"

out=$(systemd-analyze security --offline=yes --threshold=$threshold "$unit" 2>&1)
rc=$?
score=$(sed -n 's/.*Overall exposure level for pagd.service: \([0-9.]*\).*/\1/p' <<<"$out")
echo "# pagd.service exposure: $score"
check_eq "pagd.service: exposure at most 4.5 (systemd-analyze exits 0)" \
	"0" "$rc"
check "pagd.service: the exposure was measured" test -n "$score"

# prop UNIT KEY: the value of KEY in UNIT (the last assignment)
prop() { sed -n "s/^$2=//p" "$1" | tail -1; }

check_eq "pagd.service: Type=notify with a watchdog" "notify 30s" \
	"$(prop "$unit" Type) $(prop "$unit" WatchdogSec)"
check_eq "pagd.service: no core dumps" "0" "$(prop "$unit" LimitCORE)"
check_eq "pagd.service: the capabilities the guide justifies" \
	"CAP_SYS_ADMIN CAP_CHOWN CAP_SETUID CAP_SETGID" "$(prop "$unit" CapabilityBoundingSet)"
# every capability kept has its paragraph in the guide
missing=
for cap in $(prop "$unit" CapabilityBoundingSet); do
	grep -q "^\`\`$cap\`\`" "$top/Documentation/admin-guide/pagd.rst" ||
		missing="$missing $cap"
done
check_eq "every capability kept is justified in pagd.rst" "" "$missing"
check_eq "pag-bpf.service: oneshot that stays active" "oneshot yes" \
	"$(prop "$bpfunit" Type) $(prop "$bpfunit" RemainAfterExit)"
check_eq "pag-bpf.service: BPF LSM unavailable (exit 4) does not fail it" \
	"4" "$(prop "$bpfunit" SuccessExitStatus)"

done_testing
