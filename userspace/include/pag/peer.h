/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpag: who is at the other end of a unix socket, by PAG.
 *
 * The pag BPF LSM program tags every socket with its creator's PAG when it
 * is made and carries the tag across connect/accept and socketpair(), so a
 * server learns its peer's PAG from the socket itself, with no pid to race
 * with.  Documentation/userspace-api/pag-bpf.rst has the guarantees.
 *
 * Every function returns 0 or a negative errno.  Reading tags and fences
 * needs a bpf() capable caller (CAP_BPF or CAP_SYS_ADMIN); writing a fence
 * needs CAP_SYS_ADMIN.  Those that read or write the maps return -ENOENT
 * when the programs are not loaded and -EOPNOTSUPP when BPF LSM cannot
 * work on this system (pag_bpf_probe() says why): then there is no peer
 * identity by PAG, and servers must fall back to per-subset socket
 * directories, never to SO_PEERCRED.
 */
#ifndef PAG_PEER_H
#define PAG_PEER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum pag_bpf_state - can PAG socket tags be had on this system
 * @PAG_BPF_ACTIVE: the programs are attached and the maps pinned
 * @PAG_BPF_NOT_LOADED: BPF LSM is usable but `pag bpf load` has not run
 *	(or was undone)
 * @PAG_BPF_NO_SECURITYFS: /sys/kernel/security is not mounted; the LSM
 *	list cannot be read
 * @PAG_BPF_NO_BPF_LSM: `bpf` is not in the active LSM list (boot with
 *	lsm=...,bpf)
 * @PAG_BPF_NO_BTF: the kernel has no BTF (/sys/kernel/btf/vmlinux)
 * @PAG_BPF_LOCKDOWN: kernel lockdown in confidentiality mode forbids the
 *	kernel reads the program makes
 * @PAG_BPF_NO_BPFFS: no bpf filesystem at /sys/fs/bpf to pin into
 */
enum pag_bpf_state {
	PAG_BPF_ACTIVE,
	PAG_BPF_NOT_LOADED,
	PAG_BPF_NO_SECURITYFS,
	PAG_BPF_NO_BPF_LSM,
	PAG_BPF_NO_BTF,
	PAG_BPF_LOCKDOWN,
	PAG_BPF_NO_BPFFS,
};

/**
 * pag_bpf_probe() - find out whether PAG socket tags work here
 * @why: if not NULL, receives one line explaining the state
 * @len: size of @why
 *
 * Return: an enum pag_bpf_state (never negative).
 */
int pag_bpf_probe(char *why, size_t len);

/**
 * enum pag_peer_flags - flags of &struct pag_peer
 * @PAG_PEER_F_CARRIED: the tag was carried from another socket (connect,
 *	accept, socketpair) rather than taken at this socket's creation
 */
enum pag_peer_flags {
	PAG_PEER_F_CARRIED = 1 << 0,
};

/**
 * struct pag_peer - a socket tag as libpag reports it
 * @pag: PAG id of the socket's creator, 0 when it was in no PAG
 * @flags: PAG_PEER_F_* flags
 * @tagged_ns: CLOCK_BOOTTIME nanoseconds when the tag was taken
 */
struct pag_peer {
	int32_t pag;
	uint32_t flags;
	uint64_t tagged_ns;
};

/**
 * pag_sock_tag() - the tag of the socket @fd itself: who created it
 * @fd: a socket
 * @tag: the tag, unverified (see pag_tag_check())
 *
 * Return: 0; -ENODATA when the socket has no tag (made while the program
 * was not attached); -ENOTSOCK; -ENOENT or -EOPNOTSUPP (see above).
 */
int pag_sock_tag(int fd, struct pag_peer *tag);

/**
 * pag_peer_tag() - the tag of the socket at the other end of @fd
 * @fd: a connected unix stream or seqpacket socket, an accepted one, or a
 *	socketpair() end
 * @tag: the peer's tag, unverified (see pag_tag_check())
 *
 * Return: 0; -ENOTCONN when @fd has no peer; -ENODATA when the connection
 * was made while the program was not attached, or the peer socket had no
 * tag; other errors as pag_sock_tag().
 */
int pag_peer_tag(int fd, struct pag_peer *tag);

/**
 * pag_tag_check() - may @tag be attributed to the PAG with its id
 * @tag: a tag from pag_sock_tag() or pag_peer_tag()
 * @pag_created_ns: the PAG's creation time (%PAG_A_PAG_CREATED_NS, from
 *	the registry of pag.ko, CLOCK_BOOTTIME nanoseconds)
 *
 * A PAG id is a keyring serial and can be reused once its keyring is gone;
 * a tag taken before the PAG that now has its id was created belongs to an
 * earlier holder of the id.
 *
 * Return: 0; -ESTALE when the tag predates the PAG.
 */
int pag_tag_check(const struct pag_peer *tag, uint64_t pag_created_ns);

/**
 * pag_peer_pag() - the PAG of the peer of @fd, checked against the registry
 * @fd: as for pag_peer_tag()
 * @pag: the peer's PAG id, 0 when the peer is in no PAG
 * @created_ns: if not NULL, that PAG's creation time (0 for no PAG):
 *	(*@pag, *@created_ns) names the peer's PAG for ever, the id alone
 *	only while that PAG lives
 *
 * Looks the tag's PAG up in pag.ko's registry (pag_get(), which needs
 * CAP_SYS_ADMIN for a PAG not the caller's own) and compares creation and
 * tag times.  A peer in no PAG needs no lookup.
 *
 * Return: 0; -ESTALE when the PAG of the tag has ended (its id is unknown,
 * or now names a PAG created after the tag); -ENOPKG when pag.ko is not
 * loaded; errors of pag_peer_tag() and of the registry lookup otherwise.
 */
int pag_peer_pag(int fd, int32_t *pag, uint64_t *created_ns);

struct pag_handle;

/**
 * pag_peer_pag_h() - pag_peer_pag() through an open libpag handle
 * @h: a handle of pag_open(), kernel backend (a server keeps one)
 * @fd: as for pag_peer_tag()
 * @pag: as for pag_peer_pag()
 * @created_ns: as for pag_peer_pag()
 *
 * Return: as pag_peer_pag(); -ENOPKG for a handle of the keyring backend.
 */
int pag_peer_pag_h(struct pag_handle *h, int fd, int32_t *pag,
		   uint64_t *created_ns);

/**
 * pag_fence_set() - serve only the given PAGs on the unix socket @fd
 * @fd: a listening stream or seqpacket socket, or a bound datagram socket
 * @pags: PAG ids admitted (any order; duplicates ignored)
 * @n: number of @pags, at most %PAG_FENCE_MAX
 * @no_pag: also admit sockets whose creator was in no PAG
 *
 * Connects and sends from sockets not admitted fail with EACCES; a socket
 * without a tag is never admitted.  Needs CAP_SYS_ADMIN.
 *
 * Return: 0; -EINVAL for a zero or negative id; -E2BIG when @n is too
 * large; -EACCES/-EPERM without the privilege; -ENOENT when not loaded.
 */
int pag_fence_set(int fd, const int32_t *pags, size_t n, int no_pag);

/**
 * pag_fence_clear() - remove the fence of @fd
 * @fd: a socket
 *
 * Return: 0 (also when @fd had no fence); errors as pag_fence_set().
 */
int pag_fence_clear(int fd);

/**
 * pag_fence_get() - the fence of @fd
 * @fd: a socket
 * @pags: receives up to @max admitted ids, ascending
 * @max: room in @pags
 * @n: receives the number of admitted ids (may exceed @max)
 * @no_pag: receives whether sockets in no PAG are admitted
 *
 * Return: 0; -ENODATA when @fd has no fence; errors as pag_sock_tag().
 */
int pag_fence_get(int fd, int32_t *pags, size_t max, size_t *n, int *no_pag);

/**
 * pag_fence_forget() - remove @pag from every fence
 * @pag: the id of a PAG that has ended
 *
 * PAG ids are reused; a fence that still listed an ended PAG's id would
 * admit the next PAG given that id.  pagd calls this for every PAG that
 * ends.  Fences are edited in place, safely while they are enforced: the id
 * is overwritten by a neighbour, so a fence may then hold an id more than once
 * (pag_fence_get() reports it once), and a fence of @pag alone admits no
 * PAG.  A pag_fence_set() that runs at the same time, listing @pag, may
 * put it back: callers that set fences should not list ended PAGs.  Needs
 * CAP_SYS_ADMIN (CAP_BPF and CAP_PERFMON may do).
 *
 * Return: the number of fences changed; -EINVAL for a zero or negative id;
 * -ENOENT when not loaded; -EOPNOTSUPP when BPF LSM is unavailable;
 * -EPERM without the privilege; other errors of libbpf.
 */
int pag_fence_forget(int32_t pag);

/**
 * pag_fence_pags() - every PAG id that some fence lists
 * @pags: receives a malloc'd array (the caller frees it), ascending, each
 *	id once
 * @n: receives the number of ids
 *
 * For a check after missed PAG ends (pagd's start-up): ids whose PAG is
 * gone are for pag_fence_forget().  Needs the privilege of
 * pag_fence_forget().
 *
 * Return: 0; errors as pag_fence_forget(); -EPROTO for an output that
 * does not parse.
 */
int pag_fence_pags(int32_t **pags, size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* PAG_PEER_H */
