/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpag: who is at the other end of a unix socket, by PAG.
 *
 * The pag BPF LSM program tells, when asked, the active PAG of the task
 * that connected a unix socket, listened on it or made it with
 * socketpair(), and of the task at the other end, from the credentials
 * the kernel recorded then (SO_PEERCRED's), so a server learns its peer's
 * PAG from the socket itself, with no pid to race with.
 * Documentation/userspace-api/pag-bpf.rst has the guarantees.
 *
 * Every function returns 0 or a negative errno.  Reading tags and fences
 * needs a bpf() capable caller (CAP_BPF or CAP_SYS_ADMIN); writing a fence
 * needs CAP_SYS_ADMIN.  Those that read or write the maps return -ENOENT
 * when the programs are not loaded and -EOPNOTSUPP when BPF LSM cannot
 * work on this system (pag_bpf_probe() says why): then there is no peer
 * identity by PAG, and servers must fall back to per-subset socket
 * directories, never to SO_PEERCRED.  They return -EPROTO when the pinned
 * maps were made by another version of pag with another layout (`pag bpf
 * load` says what to do).
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
 * @PAG_PEER_F_CARRIED: the tag was recorded on another socket: always so
 *	for a peer tag, and for the own tag of a connected socket (its
 *	peer's record of it); not for a listener's own tag
 */
enum pag_peer_flags {
	PAG_PEER_F_CARRIED = 1 << 0,
};

/**
 * struct pag_peer - a socket tag as libpag reports it
 * @pag: PAG id of the task the kernel recorded (that connected,
 *	listened, made the socketpair), 0 when it was in no PAG
 * @flags: PAG_PEER_F_* flags
 * @tagged_ns: CLOCK_BOOTTIME nanoseconds when the tag was computed (the
 *	query); the PAG was held by the recorded credentials until then
 * @created_ns: creation time of the PAG @pag when the tag was taken
 *	(CLOCK_BOOTTIME ns): (@pag, @created_ns) names that PAG for ever.  0
 *	for no PAG, and for a PAG whose creation time the program could not
 *	read (no usable PAG: pag_peer_pag() says -ESTALE, fences refuse it)
 */
struct pag_peer {
	int32_t pag;
	uint32_t flags;
	uint64_t tagged_ns;
	uint64_t created_ns;
};

/**
 * struct pag_incarnation - one PAG, for ever: its id and creation time
 * @pag: PAG id (a keyring serial, reused once the PAG has ended)
 * @created_ns: its creation time, CLOCK_BOOTTIME ns (%PAG_A_PAG_CREATED_NS,
 *	&struct pag_info.created_ns, &struct pag_event.pag.created_ns)
 */
struct pag_incarnation {
	int32_t pag;
	uint64_t created_ns;
};

/**
 * pag_sock_tag() - the tag of the socket @fd itself: who connected it
 * @fd: a socket
 * @tag: the tag, unverified (see pag_tag_check())
 *
 * Return: 0; -ENODATA when the socket has no tag (it never connected or
 * listened, is a datagram socket not made by socketpair(), is no unix
 * socket) or none could be had (the program is detached, the answer could
 * not be stored, or other threads kept asking at the same time);
 * -ENOTSOCK; an earlier LSM's refusal of the query (e.g. -EACCES);
 * -ENOENT or -EOPNOTSUPP (see above).
 */
int pag_sock_tag(int fd, struct pag_peer *tag);

/**
 * pag_peer_tag() - the tag of the socket at the other end of @fd
 * @fd: a connected unix stream or seqpacket socket, an accepted one, or a
 *	socketpair() end
 * @tag: the peer's tag, unverified (see pag_tag_check())
 *
 * Return: 0; -ENOTCONN when @fd has no peer; -ENODATA when the socket
 * has no peer tag (a datagram socket not made by socketpair()); other
 * errors as pag_sock_tag().
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
 * The tag carries its PAG's incarnation (id and creation time, read by the
 * BPF program when the tag was taken); this looks that incarnation up in
 * pag.ko's registry (pag_get(), which needs CAP_SYS_ADMIN for a PAG not
 * the caller's own) and checks that the tag is no older than the PAG.  A
 * peer in no PAG needs no lookup.
 *
 * Return: 0; -ESTALE when the PAG of the tag has ended (its id is unknown,
 * or now names a PAG created at another time) or the tag has no creation
 * time; -ENOPKG when pag.ko is not loaded; errors of pag_peer_tag() and
 * of the registry lookup otherwise.
 */
int pag_peer_pag(int fd, int32_t *pag, uint64_t *created_ns);

struct pag_handle;

/**
 * pag_peer_tag_h() - pag_peer_tag() through an open libpag handle
 * @h: a handle of pag_open()
 * @fd: as for pag_peer_tag()
 * @tag: as for pag_peer_tag()
 *
 * The handle keeps the pinned tags map open from its first call on (and
 * opens it again when `pag bpf load` has replaced it), which saves a
 * server three system calls per connection, one of them a path walk.  The tag
 * is unverified, as pag_peer_tag()'s: a server that acts on its incarnation
 * checks it, by pag_peer_pag_h() or by an operation that takes the
 * incarnation (pag_enter() with the creation time).
 *
 * Return: as pag_peer_tag().
 */
int pag_peer_tag_h(struct pag_handle *h, int fd, struct pag_peer *tag);

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
 * @fd: a stream or seqpacket socket, bound but not yet listening (see
 *	below), or a bound datagram socket
 * @pags: PAG incarnations admitted (any order; duplicates ignored; of two
 *	incarnations of one id only the newest is kept, the other has ended)
 * @n: number of @pags, at most %PAG_FENCE_MAX
 * @no_pag: also admit sockets tagged in no PAG
 *
 * Connects and sends from sockets not admitted fail with EACCES.  A socket
 * is admitted when its tag names one of @pags exactly (id and creation
 * time) and is no older than that PAG; a socket without a tag, or whose
 * PAG's creation time could not be read, never is.  Needs CAP_SYS_ADMIN.
 *
 * Set the fence before listen(): connections queued before it exist were
 * never checked, and fence writes cannot reach them.  On a listening
 * socket with connections queued, nothing is changed and -EBUSY returned
 * (pag_fence_errmsg() says why); a connection that arrives while the call
 * runs on an unfenced listening socket cannot be told apart, so only a
 * socket that is not yet listening (or a fenced one being refenced) is
 * safe.  Fence writes (this, pag_fence_clear(), pag_fence_forget()) are
 * serialized by a lock that only root can take.
 *
 * Return: 0; -EINVAL for a zero or negative id, or a creation time of 0 or
 * %PAG_FENCE_CREATED_BUSY and above; -E2BIG when @n is too large; -EBUSY
 * (above); -EACCES/-EPERM without the privilege; -ENOENT when not loaded.
 */
int pag_fence_set(int fd, const struct pag_incarnation *pags, size_t n,
		  int no_pag);

/**
 * pag_fence_errmsg() - why the calling thread's last fence call failed
 *
 * Return: a message in words, or "" when there is none (most errors are
 * said well enough by their errno).  Valid until the thread's next call.
 */
const char *pag_fence_errmsg(void);

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
 * @pags: receives up to @max admitted incarnations, ascending by id
 * @max: room in @pags
 * @n: receives the number of admitted incarnations (may exceed @max)
 * @no_pag: receives whether sockets in no PAG are admitted
 *
 * Return: 0; -ENODATA when @fd has no fence; errors as pag_sock_tag().
 */
int pag_fence_get(int fd, struct pag_incarnation *pags, size_t max, size_t *n,
		  int *no_pag);

/**
 * pag_fence_forget() - remove a PAG from every fence
 * @pag: the id of a PAG that has ended
 * @created_ns: its creation time; 0 removes every incarnation of @pag
 *	(for a caller that lost track of it)
 *
 * A fence admits an incarnation, so a later PAG with the same id is not
 * admitted anyway; forgetting keeps fences small and says the PAG is gone.
 * pagd calls this for every PAG that ends.  Fences are edited in place,
 * safely while they are enforced: the entry is overwritten by a neighbour,
 * so a fence may then hold an entry more than once (pag_fence_get()
 * reports it once), and a fence of that PAG alone admits no PAG.  Holds
 * the fence lock of pag_fence_set() for the edit: two forgets, or a forget
 * and a set, never interleave.  A pag_fence_set() that lists an ended PAG
 * puts it back: set fences from the registry's live PAGs.  Needs
 * CAP_SYS_ADMIN (CAP_BPF and CAP_PERFMON may do) and root for the lock.
 *
 * Return: the number of fences changed; -EINVAL for a zero or negative id
 * or a creation time of %PAG_FENCE_CREATED_BUSY and above; -ENOENT when
 * not loaded; -EOPNOTSUPP when BPF LSM is unavailable; -EPERM/-EACCES
 * without the privilege; other errors of libbpf.
 */
int pag_fence_forget(int32_t pag, uint64_t created_ns);

/**
 * pag_fence_pags() - every PAG incarnation that some fence lists
 * @pags: receives a malloc'd array (the caller frees it), ascending by id
 *	then creation time, each incarnation once
 * @n: receives the number of incarnations
 *
 * For a check after missed PAG ends (pagd's start-up): incarnations the
 * registry no longer knows (pag_get() with the creation time fails with
 * -ENOENT or -ESTALE) are for pag_fence_forget().  Needs the privilege of
 * pag_fence_forget().
 *
 * Return: 0; errors as pag_fence_forget(); -EPROTO for an output that
 * does not parse.
 */
int pag_fence_pags(struct pag_incarnation **pags, size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* PAG_PEER_H */
