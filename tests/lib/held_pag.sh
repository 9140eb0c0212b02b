# SPDX-License-Identifier: GPL-2.0
#
# Held PAGs for shell tests: a PAG that lives until killed and runs, inside
# itself, the shell commands a test hands it.  Source after common.sh; the
# files live in $HELD_DIR (default $PAGD_TMP).
#
#   hold NAME           start one (from the test's shell); its pid in $held
#   hold_in PARENT NAME start one made by a member of PARENT's PAG
#   in_held NAME CMD    run CMD in NAME's PAG: its output, and its exit
#                       status as ours
#   id_of NAME, ns_of NAME
#                       the PAG's id and creation time (ns)
#   end NAME            kill its holder, so that the PAG ends
#   holder NAME         the command line that starts one (for in_held)

HELD_DIR=${HELD_DIR:-$PAGD_TMP}

# The holder: writes its PAG's creation time to NAME.ns, its pid to
# NAME.pid and then its id to NAME.id (the sign that it is ready), and runs
# each line written to the fifo NAME.cmd, leaving NAME.out and NAME.rc.
cat > "$HELD_DIR/holder" <<'SH'
cd "$(dirname "$0")"
mkfifo "$1.cmd"
echo $$ > "$1.pid"
pag show --json "$(pag id)" | jq -r .created_ns > "$1.ns"
pag id > "$1.id.tmp"; mv "$1.id.tmp" "$1.id"
while read -r c < "$1.cmd"; do
	sh -c "$c" > "$1.out" 2>&1; echo $? > "$1.rc.tmp"
	mv "$1.rc.tmp" "$1.rc"
done
SH

holder() { echo "pag new -- sh $HELD_DIR/holder $1 > /dev/null 2>&1"; }
held_wait() { for _ in $(seq 100); do [ -s "$HELD_DIR/$1.id" ] && break; sleep 0.05; done; }
hold() { pag new -- sh "$HELD_DIR/holder" "$1" > /dev/null 2>&1 & held=$!; held_wait "$1"; }
hold_in() { in_held "$1" "$(holder "$2") &" > /dev/null; held_wait "$2"; }
id_of() { cat "$HELD_DIR/$1.id"; }
ns_of() { cat "$HELD_DIR/$1.ns"; }
end() { kill "$(cat "$HELD_DIR/$1.pid")"; }

in_held()
{
	rm -f "$HELD_DIR/$1.rc"
	echo "$2" > "$HELD_DIR/$1.cmd"
	for _ in $(seq 200); do [ -s "$HELD_DIR/$1.rc" ] && break; sleep 0.05; done
	cat "$HELD_DIR/$1.out"
	return "$(cat "$HELD_DIR/$1.rc")"
}
