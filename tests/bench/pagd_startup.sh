#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-where: host
#
# pagd's start-up with a large state: from exec to READY=1 (what systemd
# waits for before it calls pagd started) with BENCH_BINDINGS (10,000)
# bindings and BENCH_SOCKDIRS (1,000) socket directories in its LMDB state,
# against the same pagd and configuration with an empty state, in the same
# run.  Each start is cold, as after a reboot: the run directory (a tmpfs
# under systemd) is gone and every socket directory, its socket and its
# memory cache are made again.  The median of BENCH_RUNS (5) starts each;
# wall time and pagd's CPU time until READY=1.  Target: under 1 s with the
# large state, on the host.  The run directory is a fresh tmpfs for each
# start, as /run is under systemd (in a private mount namespace).

if [ -z "${PAGD_STARTUP_NS:-}" ]; then
	PAGD_STARTUP_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

lib=$(cd "$(dirname "$0")/../lib" && pwd)
PAGD_BUILD=${PAGD_BUILD:-${BUILD:-}}
[ -n "$PAGD_BUILD" ] || unset PAGD_BUILD
. "$lib/tap.sh"
. "$lib/pagd.sh"

n_bind=${BENCH_BINDINGS:-10000}
n_dirs=${BENCH_SOCKDIRS:-1000}
runs=${BENCH_RUNS:-5}
py=/usr/bin/python3

command -v mdb_load >/dev/null || { echo "pagd_startup: needs mdb_load (lmdb-utils)"; exit 1; }
pagd_setup

# Ten domains, d0.example ... d9.example, on the acme files: their 1,023
# non-empty subsets give the socket directories distinct keys.
files=$(sed -n 's/^files_directory = \(.*acme\)$/\1/p' "$PAGD_CONF")
for i in $(seq 0 9); do
	printf '\n[domain/d%d.example]\nprovider = files\ntenant = t%d\nfiles_directory = %s\n' \
		"$i" "$i" "$files" >> "$PAGD_CONF"
done

# start_times: "WALL_S CPU_S" of one cold start to READY=1
start_times()
{
	umount "$PAGD_RUN" 2>/dev/null
	mkdir -p "$PAGD_RUN" && mount -t tmpfs -o mode=0755 tmpfs "$PAGD_RUN" || return 1
	"$py" - "$PAGD_BIN" "$PAGD_CONF" "$PAGD_TMP/notify" <<'PY'
import os, socket, subprocess, sys, time
pagd, conf, path = sys.argv[1:4]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(120)
env = dict(os.environ, NOTIFY_SOCKET=path)
t0 = time.monotonic()
p = subprocess.Popen([pagd, "-c", conf], env=env, stderr=subprocess.DEVNULL)
while "READY=1" not in s.recv(4096).decode().split("\n"):
    pass
wall = time.monotonic() - t0
with open("/proc/%d/stat" % p.pid) as f:
    fields = f.read().rsplit(")", 1)[1].split()
cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
p.terminate()
p.wait(60)
print("%.4f %.4f" % (wall, cpu))
PY
}

# median_of RUNS: "WALL CPU", each the median of RUNS cold starts
median_of()
{
	local i out=()
	for i in $(seq "$1"); do
		out+=("$(start_times)") || return 1
	done
	printf '%s\n' "${out[@]}" | "$py" -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
print("%.4f %.4f" % (statistics.median(r[0] for r in rows),
                      statistics.median(r[1] for r in rows)))'
}

# fill_state: n_bind bindings (PAG ids from 100000, domain subsets in
# turn) and n_dirs socket directories, written as one mdb_load each
fill_state()
{
	"$py" - "$n_bind" "$n_dirs" "$PAGD_TMP/bindings.dump" "$PAGD_TMP/sockdirs.dump" "$PAGD_TMP/meta.dump" <<'PY'
import struct, sys
n_bind, n_dirs = int(sys.argv[1]), int(sys.argv[2])
subsets = [",".join("d%d.example" % i for i in range(10) if m >> i & 1)
           for m in range(1, 1024)]
head = "VERSION=3\nformat=bytevalue\ntype=btree\n%sHEADER=END\n"
with open(sys.argv[3], "w") as f:
    f.write(head % "integerkey=1\n")
    for i in range(n_bind):
        val = struct.pack("<Q", 10**12 + i) + subsets[i % len(subsets)].encode() + b"\0"
        f.write(" %s\n %s\n" % (struct.pack("<i", 100000 + i).hex(), val.hex()))
    f.write("DATA=END\n")
with open(sys.argv[4], "w") as f:
    f.write(head % "")
    for i in range(n_dirs):
        key = (subsets[i % len(subsets)] + ";nss").encode() + b"\0"
        f.write(" %s\n %s\n" % (key.hex(), struct.pack("<I", i + 1).hex()))
    f.write("DATA=END\n")
with open(sys.argv[5], "w") as f:
    f.write(head % "")
    f.write(" %s\n %s\n" % (b"next_sockdir\0".hex(), struct.pack("<I", n_dirs + 1).hex()))
    f.write("DATA=END\n")
PY
	mdb_load -n -s bindings.2 -f "$PAGD_TMP/bindings.dump" "$PAGD_TMP/state/pagd.lmdb" &&
	mdb_load -n -s sockdirs -f "$PAGD_TMP/sockdirs.dump" "$PAGD_TMP/state/pagd.lmdb" &&
	mdb_load -n -s meta -f "$PAGD_TMP/meta.dump" "$PAGD_TMP/state/pagd.lmdb"
}

empty=$(median_of "$runs") || { echo "pagd_startup: pagd did not start"; exit 1; }
fill_state || { echo "pagd_startup: cannot write the state"; exit 1; }
full=$(median_of "$runs") || { echo "pagd_startup: pagd did not start"; exit 1; }
dirs=$(find "$PAGD_RUN/sockets" -mindepth 1 -maxdepth 1 -type d | wc -l)
umount "$PAGD_RUN"

read -r ew ec <<<"$empty"
read -r fw fc <<<"$full"
echo "pagd start-up to READY=1, cold, median of $runs starts each"
echo "state: $n_bind bindings, $n_dirs socket directories ($dirs made again)"
printf '%-28s %10s %10s %7s  %s\n' measure ours baseline ratio target
printf '%-28s %9.3fs %9.3fs %6.2fx  %s\n' "wall to READY=1" "$fw" "$ew" \
	"$("$py" -c "print($fw / $ew)")" "< 1 s"
printf '%-28s %9.3fs %9.3fs %6.2fx  %s\n' "pagd CPU to READY=1" "$fc" "$ec" \
	"$("$py" -c "print($fc / max($ec, 0.01))")" "(reported)"
echo "(ours: the large state; baseline: an empty state)"
[ "$dirs" -ge "$n_dirs" ] || { echo "pagd_startup: only $dirs of $n_dirs socket directories came back"; exit 1; }
