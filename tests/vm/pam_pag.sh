#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pam_pag.so's session, driven by pamtester through service files written
# into the VM's /etc/pam.d (a tmpfs overlay): a session gets a PAG of its
# own, owned by the user, left at close; nested=new and nested=keep inside
# and outside a PAG; a bad option, an unknown user; without pag.ko the
# session fails, or is ignored with ignore_missing.  What the module logs
# is read from a listener on /dev/log.

. "$(dirname "$0")/../lib/common.sh"
mod=$build/lib/security/pam_pag.so
export PATH=$build/bin:$PATH

plan 16

command -v pamtester > /dev/null ||
	skip_all 16 "pam_pag" "pamtester is not installed (tools/install-deps)"
[ -e /dev/log ] && skip_all 16 "pam_pag" "/dev/log exists: its messages cannot be read here"

T=$(mktemp -d /tmp/pam-pag.XXXXXX)
services="pag-new pag-keep pag-optional pag-bad"
cleanup()
{
	[ -z "$logger" ] || kill "$logger" 2>/dev/null
	rm -f /dev/log
	for s in $services; do rm -f "/etc/pam.d/$s"; done
	rm -rf "$T"
}
trap cleanup EXIT

# every datagram sent to /dev/log, one a line, in $T/log
"$build/tests/lib/devlog_sink" /dev/log "$T/log" &
logger=$!
for _ in $(seq 100); do [ -e "$T/log.ready" ] && break; sleep 0.05; done

printf 'session required %s debug\n' "$mod" > /etc/pam.d/pag-new
printf 'session required %s nested=keep debug\n' "$mod" > /etc/pam.d/pag-keep
printf 'session required %s ignore_missing\nsession required pam_permit.so\n' \
	"$mod" > /etc/pam.d/pag-optional
printf 'session required %s nested=maybe\n' "$mod" > /etc/pam.d/pag-bad

# logged TEXT: whether the module logged TEXT (after "pam_pag(SERVICE:session): ")
logged()
{
	for _ in $(seq 100); do
		grep -qF -- "$1" "$T/log" && return 0
		sleep 0.05
	done
	echo "not logged: $1"
	cat "$T/log"
	return 1
}
# events CMD...: the first two PAG events while CMD runs, as
# "EVENT ID COMM UID" lines
events()
{
	timeout 60 pag monitor --json --count 2 -- "$@" 2>/dev/null | grep '^{' |
		jq -r '"\(.event) \(.pag.id) \(.pag.creator_comm) \(.pag.owner_uid)"'
}

# --- a session of its own --------------------------------------------------
ev=$(events pamtester pag-new nobody open_session close_session)
id=$(sed -n '1s/^created \([0-9]*\) .*/\1/p' <<<"$ev")
check_eq "open_session: a new PAG made by pamtester, owned by nobody" \
	"created $id pamtester 65534" "$(sed -n 1p <<<"$ev")"
check_eq "close_session: the PAG ends with its last process" \
	"ended $id" "$(sed -n '2s/^\(ended [0-9]*\) .*/\1/p' <<<"$ev")"
check "... logged with debug" \
	logged "pam_pag(pag-new:session): nobody: new PAG $id (created at "
check "... and left at close" \
	logged "pam_pag(pag-new:session): left PAG $id: it ends with the session's last process"

# --- nested ---------------------------------------------------------------
ev=$(events pag new -- pamtester pag-new nobody open_session)
outer=$(sed -n '1s/^created \([0-9]*\) pag .*/\1/p' <<<"$ev")
inner=$(sed -n '2s/^created \([0-9]*\) pamtester .*/\1/p' <<<"$ev")
check "nested=new inside a PAG: a new PAG all the same" \
	test -n "$outer" -a -n "$inner" -a "$outer" != "$inner"

ev=$(events pag new -- pamtester pag-keep nobody open_session close_session)
outer=$(sed -n '1s/^created \([0-9]*\) pag .*/\1/p' <<<"$ev")
check_eq "nested=keep inside a PAG: no PAG made, the caller's kept" \
	"created $outer ended $outer" \
	"$(cut -d' ' -f1,2 <<<"$ev" | tr '\n' ' ' | sed 's/ $//')"
check "... logged with debug" \
	logged "pam_pag(pag-keep:session): nobody stays in PAG $outer (nested=keep)"

ev=$(events pamtester pag-keep nobody open_session close_session)
check_eq "nested=keep outside any PAG: a new PAG" \
	"created pamtester 65534" "$(sed -n 1p <<<"$ev" | cut -d' ' -f1,3,4)"

# --- errors -----------------------------------------------------------------
out=$(pamtester pag-bad nobody open_session 2>&1)
check_eq "an unknown option fails the session" \
	"1 pamtester: Error in service module" "$? $out"
check "... naming the option and those known" \
	logged "pam_pag(pag-bad:session): unknown option 'nested=maybe' (known: nested=new, nested=keep, ignore_missing, debug, use_first_pass, realm=REALM, principal=PATTERN, pagd_bus=ADDRESS)"

out=$(pamtester pag-new no-such-user-pag open_session 2>&1)
check "an unknown user: no PAG, logged" \
	logged "pam_pag(pag-new:session): unknown user no-such-user-pag: no PAG made"

# --- without pag.ko -----------------------------------------------------------
if ! pag_unload; then
	for t in "no pag.ko: the session fails" "... logged as an error" \
		"no pag.ko, ignore_missing: the session goes on" \
		"... noted in the log" "module reloaded"; do
		skip "$t" "pag.ko cannot be unloaded now"
	done
	done_testing
	exit
fi
out=$(pamtester pag-new nobody open_session 2>&1)
check_eq "no pag.ko: the session fails" \
	"1 pamtester: Cannot make/remove an entry for the specified session" "$? $out"
check "... logged as an error" \
	logged "pam_pag(pag-new:session): pag.ko is not loaded: cannot give the session of nobody a PAG (modprobe pag; or ignore_missing to go on without)"
out=$(pamtester pag-optional nobody open_session close_session 2>&1)
check_eq "no pag.ko, ignore_missing: the session goes on" 0 "$?"
check "... noted in the log" \
	logged "pam_pag(pag-optional:session): pag.ko is not loaded: the session of nobody gets no PAG (ignore_missing)"

if [ -n "${PAG_KO:-}" ]; then
	check "module reloaded" insmod "$PAG_KO"
else
	fail "module reloaded" "PAG_KO is not set: later tests run without pag.ko"
fi

done_testing
