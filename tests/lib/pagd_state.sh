# SPDX-License-Identifier: GPL-2.0
#
# Writing pagd's LMDB state behind its back, for tests: source after
# pagd.sh (and pagd_setup).  LMDB lets another process write while pagd
# runs; pagd's next read sees the entry.
#
#   pagd_state_put DB ID CREATED_NS STRING...
#       the entry ID -> (CREATED_NS as uint64, then each STRING
#       NUL-terminated) in the named database DB ("bindings.2", "creds.2");
#       CREATED_NS "-" writes no creation time, as a pagd before 2026-12
#       did in "bindings" and "creds".

pagd_state_put()
{
	python3 - "$@" <<'PY' | mdb_load -n -s "$1" "$PAGD_TMP/state/pagd.lmdb"
import struct, sys
db, pag, ns = sys.argv[1], int(sys.argv[2]), sys.argv[3]
val = b"" if ns == "-" else struct.pack("<Q", int(ns))
val += b"".join(s.encode() + b"\0" for s in sys.argv[4:])
print("VERSION=3\nformat=bytevalue\ntype=btree\nintegerkey=1\nHEADER=END")
print(" " + struct.pack("<i", pag).hex())
print(" " + val.hex())
print("DATA=END")
PY
}
