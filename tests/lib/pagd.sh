# SPDX-License-Identifier: GPL-2.0
#
# A throw-away pagd for tests: source after common.sh.
#
#   pagd_setup           temp dir, config from the shipped two-tenant example
#   pagd_start [ARGS]    start it, wait until the management socket answers
#   pagd_stop            SIGTERM and wait;  pagd_kill9: kill -9
#   pag_on_pagd [--json] CMD ARGS...
#                        the pag CLI's command CMD for pagd (domains, bind,
#                        sockets, creds...), on this pagd's private bus
#   in_sockdir DIR CMD   run CMD in a private mount namespace in which DIR
#                        is /var/lib/sss/pipes and no memory cache is seen,
#                        so the stock libnss_sss talks to this pagd
#   domain_status NAME   the status ListDomains gives domain NAME (online,
#                        offline; a trusted domain PARENT/NAME: active,
#                        inactive)
#   wait_domain_status NAME STATUS
#                        until it is STATUS (10 s at most; fails then)
#   pagd_start_for_peers PLAN WHAT
#                        for tests of what the main socket answers by PAG:
#                        the BPF programs loaded (or all PLAN tests of WHAT
#                        skipped), pagd set up and started (or a failure,
#                        and the test ends), PAGD_RUN exported, and
#                        $main_lookup set: a command printing asmith's uid
#                        as the main socket answers its caller's PAG
#
# PAGD_BUILD selects the build directory (default: build/ of the checkout).

pagd_src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PAGD_BUILD=${PAGD_BUILD:-$pagd_src/build}
PAGD_BIN=$PAGD_BUILD/userspace/pagd/pagd
PAG_BIN=$PAGD_BUILD/bin/pag
PAGD_EXAMPLE=$pagd_src/Documentation/admin-guide/examples/pagd
pagd_pid=

pagd_setup()
{
	PAGD_TMP=$(mktemp -d /tmp/pagd-test.XXXXXX)
	PAGD_CONF=$PAGD_TMP/pagd.conf
	PAGD_RUN=$PAGD_TMP/run
	sed -e "s|/etc/pag/domains|$PAGD_EXAMPLE|" \
	    -e "s|/var/lib/pagd|$PAGD_TMP/state|" \
	    -e "s|/run/pagd|$PAGD_RUN|" "$PAGD_EXAMPLE/pagd.conf" > "$PAGD_CONF"
	trap pagd_cleanup EXIT
}

pagd_cleanup()
{
	[ -z "$pagd_pid" ] || kill -9 "$pagd_pid" 2>/dev/null
	[ -z "$PAGD_TMP" ] || rm -rf "$PAGD_TMP"
}

# pag CMD [--json] --address THIS-PAGD ARGS...
pag_on_pagd()
{
	local json=
	[ "$1" != --json ] || { json=--json; shift; }
	"$PAG_BIN" "$1" $json --address "unix:path=$PAGD_RUN/private/bus" "${@:2}"
}

pagd_start()
{
	local i

	rm -f "$PAGD_RUN/private/bus"
	"$PAGD_BIN" -c "$PAGD_CONF" "$@" 2>>"$PAGD_TMP/log" &
	pagd_pid=$!
	for i in $(seq 100); do
		[ -S "$PAGD_RUN/private/bus" ] && pag_on_pagd domains >/dev/null 2>&1 && return 0
		kill -0 "$pagd_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "# pagd did not start:" >&2
	sed 's/^/#   /' "$PAGD_TMP/log" >&2
	return 1
}

pagd_stop()
{
	kill -TERM "$pagd_pid" && wait "$pagd_pid"
	local rc=$?
	pagd_pid=
	return $rc
}

pagd_kill9()
{
	kill -9 "$pagd_pid"
	wait "$pagd_pid" 2>/dev/null
	pagd_pid=
}

# in_sockdir DIR CMD...: see tests/lib/in-sockdir
in_sockdir() { "$pagd_src/tests/lib/in-sockdir" "$@"; }

domain_status() { pag_on_pagd domains | awk -v d="$1" '$1 == d { print $6 }'; }

wait_domain_status()
{
	for _ in $(seq 100); do
		[ "$(domain_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

pagd_start_for_peers()
{
	pag bpf load > /dev/null || skip_all "$1" "$2" "pag bpf load failed"
	pagd_setup
	pagd_start || { fail "pagd starts"; done_testing; exit; }
	export PAGD_RUN
	main_lookup="$pagd_src/tests/lib/in-sockdir $PAGD_RUN/pipes getent -s sss passwd asmith | cut -d: -f3"
}

# Whether this host can run the namespace tests at all.
pagd_can_unshare()
{
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null &&
		[ -e /lib/x86_64-linux-gnu/libnss_sss.so.2 -o -e /usr/lib/x86_64-linux-gnu/libnss_sss.so.2 ]
}
