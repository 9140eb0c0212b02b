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

# le_hex BYTES VALUE: VALUE as a BYTES-byte little-endian integer, in hex
le_hex()
{
	local be
	be=$(printf "%0$(($1 * 2))x" "$2")
	while [ -n "$be" ]; do
		printf %s "${be: -2}"
		be=${be%??}
	done
}

pagd_state_put()
{
	local db=$1 pag=$2 ns=$3 val=
	shift 3
	[ "$ns" = - ] || val=$(le_hex 8 "$ns")
	[ $# = 0 ] ||
		val+=$(printf '%s\0' "$@" | od -An -v -tx1 | tr -d ' \n')
	printf '%s\n' VERSION=3 format=bytevalue type=btree integerkey=1 \
		HEADER=END " $(le_hex 4 "$pag")" " $val" DATA=END |
		mdb_load -n -s "$db" "$PAGD_TMP/state/pagd.lmdb"
}
