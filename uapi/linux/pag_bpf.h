/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Process Authentication Groups: what the pag BPF LSM program keeps about
 * sockets.  Both maps are BPF_MAP_TYPE_SK_STORAGE maps pinned under
 * PAG_BPF_PIN_DIR; userspace reads and writes them with the socket's file
 * descriptor as the key.  Documentation/userspace-api/pag-bpf.rst describes
 * the guarantees.
 */
#ifndef _UAPI_LINUX_PAG_BPF_H
#define _UAPI_LINUX_PAG_BPF_H

/* BPF programs get the kernel's types from vmlinux.h instead. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Where the loader pins the maps and links (a directory of bpffs). */
#define PAG_BPF_PIN_DIR		"/sys/fs/bpf/pag"
#define PAG_BPF_PIN_TAGS	PAG_BPF_PIN_DIR "/tags"
#define PAG_BPF_PIN_FENCES	PAG_BPF_PIN_DIR "/fences"
/* One pinned link per program, named after the program. */
#define PAG_BPF_PIN_LINKS	PAG_BPF_PIN_DIR "/links"
/*
 * An empty directory (0700, so only root can open it) whose flock
 * serializes loads, unloads and every fence write of libpag.
 */
#define PAG_BPF_PIN_LOCK	PAG_BPF_PIN_DIR "/lock"

/*
 * The tag query: getsockopt(fd, PAG_BPF_SOL_QUERY, nonce, buf, &len) on a
 * unix socket makes the program compute the socket's tags from the
 * credentials the kernel recorded for SO_PEERCRED and write them, with
 * @query = nonce, into the socket's entry of the tag map; the call itself
 * then fails as the kernel fails every level unix sockets do not have
 * (EOPNOTSUPP).  No kernel protocol uses this level ("PAG" in ASCII).
 */
#define PAG_BPF_SOL_QUERY	0x504147

/**
 * enum pag_tag_flags - what in a &struct pag_sock_tag is valid
 * @PAG_TAG_F_OWN: @pag, @tagged_ns and @created_ns describe the task that
 *	recorded the tag (Documentation/userspace-api/pag-bpf.rst, "The rule")
 * @PAG_TAG_F_PEER: @peer_pag, @peer_tagged_ns and @peer_created_ns
 *	describe the socket at the other end (set on connect, accept and
 *	socketpair)
 * @PAG_TAG_F_PEER_UNTAGGED: no longer set (versions that stored tags at
 *	connect set it for a peer connected while the program was detached)
 */
enum pag_tag_flags {
	PAG_TAG_F_OWN		= 1 << 0,
	PAG_TAG_F_PEER		= 1 << 1,
	PAG_TAG_F_PEER_UNTAGGED	= 1 << 2,
};

/**
 * struct pag_sock_tag - who is at each end of a socket, by PAG
 * @pag: active PAG of the task whose credentials the kernel recorded for
 *	this end (Documentation/userspace-api/pag-bpf.rst, "The rule"): the
 *	serial of its session keyring when that keyring's description starts
 *	with ".pag.", else 0 (no PAG)
 * @flags: PAG_TAG_F_* flags
 * @tagged_ns: CLOCK_BOOTTIME nanoseconds when the tag was computed (by the
 *	query that wrote it); the recorded credentials held the PAG from
 *	the recording until then, so a tag is never attributed to a PAG
 *	created after this time
 * @created_ns: creation time of the PAG @pag (CLOCK_BOOTTIME ns, as
 *	PAG_A_PAG_CREATED_NS), read from the PAG's marker key:
 *	(@pag, @created_ns) names that PAG for ever, the id alone only while
 *	that PAG lives.  0 when @pag is 0, and also when the keyring named
 *	a PAG whose creation time could not be read (no link restriction or
 *	no marker: not a usable PAG; fences admit such a tag never, not even
 *	as "no PAG")
 * @peer_pag: @pag of the other end: the task the kernel recorded for
 *	SO_PEERCRED of this socket
 * @query: the nonce of the PAG_BPF_SOL_QUERY getsockopt that wrote this
 *	value (0 in values of versions before the query)
 * @peer_tagged_ns: @tagged_ns of the other end's tag
 * @peer_created_ns: @created_ns of the other end's tag
 *
 * 48 bytes, no implicit padding: the own tag in the first 24 bytes, the
 * peer's in the next 24, every field naturally aligned.  (The layout of
 * versions before incarnations was 32 bytes, without the two creation
 * times; `pag bpf load` refuses to reuse a map pinned with it.)  The
 * program writes a value only when asked, by PAG_BPF_SOL_QUERY; a value
 * whose @query is not the asker's nonce is not an answer.
 */
struct pag_sock_tag {
	__s32 pag;
	__u32 flags;
	__u64 tagged_ns;
	__u64 created_ns;
	__s32 peer_pag;
	__u32 query;
	__u64 peer_tagged_ns;
	__u64 peer_created_ns;
};

/*
 * Most PAGs one fence can admit.  A fence is socket storage, charged to the
 * socket's option memory (net.core.optmem_max, 20 KiB by default), and
 * replacing it holds the old and the new value at once: two fences of
 * 8 KiB and a tag fit, two of 16 KiB would not.
 */
#define PAG_FENCE_MAX		512

/**
 * enum pag_fence_flags - values of &struct pag_fence.flags
 * @PAG_FENCE_F_NO_PAG: admit sockets whose creator was in no PAG
 */
enum pag_fence_flags {
	PAG_FENCE_F_NO_PAG	= 1 << 0,
};

/*
 * A creation time no PAG has (2^63 - 1 ns is 292 years of uptime): what an
 * entry holds for a moment while it is rewritten.
 */
#define PAG_FENCE_CREATED_BUSY	0x7fffffffffffffffULL

/**
 * struct pag_fence_entry - one PAG incarnation a fence admits
 * @pag: PAG id, positive
 * @reserved: zero
 * @created_ns: the PAG's creation time (CLOCK_BOOTTIME ns), never 0 in a
 *	complete entry; 0 and %PAG_FENCE_CREATED_BUSY only appear for a
 *	moment while pag_fence_forget() of libpag rewrites the entry, and
 *	admit nothing
 *
 * 16 bytes, naturally aligned: a reader racing a writer may see @pag and
 * @created_ns from different moments, which the writer accounts for (see
 * bpf/pag_fence_forget.bpf.c).
 */
struct pag_fence_entry {
	__s32 pag;
	__u32 reserved;
	__u64 created_ns;
};

/**
 * struct pag_fence - the PAGs a listening (or receiving) unix socket serves
 * @flags: PAG_FENCE_F_* flags
 * @count: number of valid entries in @pags (at most PAG_FENCE_MAX)
 * @pags: PAG incarnations admitted, in ascending order of (@pag,
 *	@created_ns), at most one incarnation per id (only one can be live);
 *	pag_fence_forget() of libpag may leave an entry more than once (an
 *	ended PAG's entry overwritten in place by a neighbour), which a search
 *	must allow
 *
 * A socket with a fence refuses, with EACCES, connects (stream, seqpacket)
 * and sends (datagram) from sockets whose tag is not admitted: the tag's
 * (pag, created_ns) must be an entry, and the tag must not be older than
 * that PAG's creation; a socket without a tag, or with a tag whose PAG has
 * no usable creation time, is never admitted.  8 + 16 * PAG_FENCE_MAX
 * bytes (8200).
 */
struct pag_fence {
	__u32 flags;
	__u32 count;
	struct pag_fence_entry pags[PAG_FENCE_MAX];
};

#endif /* _UAPI_LINUX_PAG_BPF_H */
