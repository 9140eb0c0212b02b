#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag-oci-runtime's own part, on the host (no pag.ko: nothing here gets as
# far as a PAG): the wrapper's options taken from among the runtime's
# global ones and the rest passed through untouched, to a stand-in runtime
# that prints its arguments; and every refusal that comes before a PAG,
# with its exact message and exit status, on stderr and in the runtime's
# --log.  The containers themselves, under
# podman and crun: tests/vm/oci_runtime_podman.sh.

. "$(dirname "$0")/../lib/common.sh"

plan 22

T=$(mktemp -d /tmp/oci-runtime.XXXXXX)
trap 'rm -rf "$T"' EXIT
W=$bin/pag-oci-runtime
printf '#!/bin/sh\necho "$@"\n' > "$T/rt"
chmod +x "$T/rt"
ln -s "$W" "$T/oci-runtime@acme"
mkdir "$T/b"
echo '{"ociVersion": "1.0.2", "process": {"args": ["sh"]}}' > "$T/b/config.json"

# --- passed through ---------------------------------------------------------
run "$W" --root /r --pag-runtime "$T/rt" --log-format=json --pag-profile=acme state c1
check_eq "state: passed through, the wrapper's options removed from among the runtime's" \
	"0 --root /r --log-format=json state c1" "$rc $out"
run "$W" --pag-runtime "$T/rt" delete -f c1
check_eq "delete: passed through" "0 delete -f c1" "$rc $out"
run "$W" --pag-runtime "$T/rt" --version
check_eq "--version: the wrapper's, then the runtime's" \
	"0 pag-oci-runtime $(cat "$top/VERSION") --version" "$rc $(xargs <<<"$out")"
run "$W" --pag-help
check "--pag-help" grep -q -- '--pag-profile PROFILE' <<<"$out"

# --- refusals ---------------------------------------------------------------
refused() { local want=$1; shift; run "$@"; check_eq "refused: ${*#"$W"}" "$want" "$rc $err"; }
refused "64 pag-oci-runtime: unknown option, or no value: '--pag-bogus' (see --pag-help)" \
	"$W" --pag-bogus state c1
refused "64 pag-oci-runtime: bad timeout '0' (see --pag-help)" \
	"$W" --pag-timeout 0 state c1
refused "127 pag-oci-runtime: runtime $T/nonexistent not found (or not executable)" \
	"$W" --pag-runtime "$T/nonexistent" state c1
refused "64 pag-oci-runtime: no profile: configure the engine to run this runtime with --pag-profile NAME, or as oci-runtime@NAME" \
	"$W" --pag-runtime "$T/rt" create --bundle "$T/b" c1
refused "64 pag-oci-runtime: two profiles: 'acme' by name, 'globex' by --pag-profile" \
	"$T/oci-runtime@acme" --pag-profile globex --pag-runtime "$T/rt" create c1
refused "64 pag-oci-runtime: create: no container id in the arguments" \
	"$W" --pag-profile acme --pag-runtime "$T/rt" create --bundle "$T/b"
refused "64 pag-oci-runtime: exec: invalid container id '../c1'" \
	"$W" --pag-profile acme --pag-runtime "$T/rt" exec ../c1 true

echo '{"process": {' > "$T/b/config.json"
refused "65 pag-oci-runtime: cannot read the bundle's $T/b/config.json: string or '}' expected near end of file (line 2)
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create --bundle "$T/b" c1
echo '{"process": {}, "annotations": {"org.pag.domains": "acme.example,,globex.example"}}' > "$T/b/config.json"
refused "65 pag-oci-runtime: $T/b/config.json: malformed annotation org.pag.domains=\"acme.example,,globex.example\": want DOMAIN[,DOMAIN]...
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create -b "$T/b" c1
echo '{"process": {}, "annotations": {"org.pag.principal": 7}}' > "$T/b/config.json"
refused "65 pag-oci-runtime: $T/b/config.json: annotation org.pag.principal is not a non-empty string
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create --bundle="$T/b" c1
ann='"annotations": {"org.pag.afs-netns": '
echo "{\"process\": {}, $ann \"elsewhere\"}}" > "$T/b/config.json"
refused "65 pag-oci-runtime: $T/b/config.json: bad annotation org.pag.afs-netns=\"elsewhere\": want host or container
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create --bundle "$T/b" c1
echo "{\"process\": {}, $ann \"container\"}, \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}" > "$T/b/config.json"
refused "65 pag-oci-runtime: $T/b/config.json: org.pag.afs-netns=container, but the container has no network namespace of its own
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create --bundle "$T/b" c1
echo "{\"process\": {}, $ann \"container\"}, \"linux\": {\"namespaces\": [{\"type\": \"network\"}]}}" > "$T/b/config.json"
refused "65 pag-oci-runtime: $T/b/config.json: org.pag.afs-netns=container needs a network namespace the engine made (a path in linux.namespaces): one the runtime makes does not exist before the container starts
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" create --bundle "$T/b" c1
echo '{"process": {}}' > "$T/b/config.json"
refused "69 pag-oci-runtime: cannot reach pagd at unix:path=$T/nobus: No such file or directory
pag-oci-runtime: container c1 not created" \
	"$T/oci-runtime@acme" --pag-runtime "$T/rt" --pag-address "unix:path=$T/nobus" create --bundle "$T/b" c1

# --- the runtime log: where containerd's shim (docker) reads the error ------
run "$T/oci-runtime@acme" --root /r --log "$T/log.json" --pag-runtime "$T/rt" \
	--log-format json --pag-address "unix:path=$T/nobus" create --bundle "$T/b" c1
check_eq "--log-format json: the cause, one line of runc's JSON, in the runtime log" \
	"1 error|pag-oci-runtime: cannot reach pagd at unix:path=$T/nobus: No such file or directory" \
	"$(wc -l < "$T/log.json") $(sed -n 's/^{"level":"error","msg":"\(.*\)","time":"[0-9T:-]*Z"}$/\1/p' "$T/log.json" | sed 's/^/error|/')"
run "$W" --log="$T/log.txt" --pag-bogus state c1
check_eq "text log (logrus's format), a usage error too" \
	"time=\"X\" level=error msg=\"pag-oci-runtime: unknown option, or no value: '--pag-bogus' (see --pag-help)\"" \
	"$(sed 's/^time="[^"]*"/time="X"/' "$T/log.txt")"
run "$W" --log "$T/log.state" --pag-runtime "$T/rt" state c1
check "a command the runtime runs: the wrapper writes nothing to its log" test ! -e "$T/log.state"

if unshare -Ur true 2>/dev/null; then
	refused "77 pag-oci-runtime: create: rootless engines are not supported: a container's PAG is entered with CAP_SYS_ADMIN in the initial user namespace, and this runs in a user namespace" \
		unshare -Ur "$W" --pag-profile acme --pag-runtime "$T/rt" create --bundle "$T/b" c1
else
	skip "rootless refused" "no user namespaces here"
fi
done_testing
