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

/**
 * enum pag_tag_flags - what in a &struct pag_sock_tag is valid
 * @PAG_TAG_F_OWN: @pag and @tagged_ns describe the socket's creator
 * @PAG_TAG_F_PEER: @peer_pag and @peer_tagged_ns describe the socket at the
 *	other end (set on connect, accept and socketpair)
 * @PAG_TAG_F_PEER_UNTAGGED: the other end had no tag of its own (it was
 *	made while the program was not attached); @peer_pag means nothing
 */
enum pag_tag_flags {
	PAG_TAG_F_OWN		= 1 << 0,
	PAG_TAG_F_PEER		= 1 << 1,
	PAG_TAG_F_PEER_UNTAGGED	= 1 << 2,
};

/**
 * struct pag_sock_tag - who made a socket, and who is at its other end
 * @pag: PAG of the creating thread: the serial of its session keyring when
 *	that keyring's description starts with ".pag.", else 0 (no PAG).  For
 *	the server side of an accepted connection, the listener's tag.
 * @flags: PAG_TAG_F_* flags
 * @tagged_ns: CLOCK_BOOTTIME nanoseconds when @pag was taken; a tag is
 *	never attributed to a PAG created after this time
 * @peer_pag: @pag of the socket at the other end
 * @reserved: zero
 * @peer_tagged_ns: @tagged_ns of the socket at the other end
 */
struct pag_sock_tag {
	__s32 pag;
	__u32 flags;
	__u64 tagged_ns;
	__s32 peer_pag;
	__u32 reserved;
	__u64 peer_tagged_ns;
};

/* Most PAGs one fence can admit. */
#define PAG_FENCE_MAX		1024

/**
 * enum pag_fence_flags - values of &struct pag_fence.flags
 * @PAG_FENCE_F_NO_PAG: admit sockets whose creator was in no PAG
 */
enum pag_fence_flags {
	PAG_FENCE_F_NO_PAG	= 1 << 0,
};

/**
 * struct pag_fence - the PAGs a listening (or receiving) unix socket serves
 * @flags: PAG_FENCE_F_* flags
 * @count: number of valid entries in @pags (at most PAG_FENCE_MAX)
 * @pags: PAG ids admitted, in ascending order, no zero; pag_fence_forget()
 *	of libpag may leave an id more than once (an ended PAG's id overwritten in place
 *	by a neighbour), which a search must allow
 *
 * A socket with a fence refuses, with EACCES, connects (stream, seqpacket)
 * and sends (datagram) from sockets whose tag is not admitted; a socket
 * without a tag is never admitted.
 */
struct pag_fence {
	__u32 flags;
	__u32 count;
	__s32 pags[PAG_FENCE_MAX];
};

#endif /* _UAPI_LINUX_PAG_BPF_H */
