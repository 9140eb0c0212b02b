// SPDX-License-Identifier: GPL-2.0
/*
 * pag_lsm - BPF LSM program for Process Authentication Groups.
 *
 * A unix socket's tags are the active PAGs of the tasks whose credentials
 * the kernel records for SO_PEERCRED (the connecting task's on the
 * accepted socket, the listener's on the client, the caller's after
 * socketpair()): each is the serial of the session keyring of those
 * credentials when pag.ko made it, with that PAG's creation time (ids are
 * reused, the pair is not).  Nothing is stored at connect: libpag asks
 * with a getsockopt at level PAG_BPF_SOL_QUERY, and the program computes
 * both tags from the recorded credentials, which hold the keyring, and
 * writes them into the socket's storage.  A server so reads its peer's
 * PAG from the accepted socket itself: there is no pid to race with.  A
 * socket can be fenced to a set of PAGs; connects and datagrams from
 * tasks in any other fail with EACCES before the server sees them.
 * The same object keeps a tracer out of a PAG it is not in: ptrace attach,
 * /proc/PID/mem, process_vm_* and pidfd_getfd of a PAG member need the
 * member's PAG or CAP_SYS_PTRACE in the initial user namespace.
 *
 * Every hook passes an earlier LSM's denial through unchanged.  The tag and
 * fence formats are in uapi/linux/pag_bpf.h; the guarantees are in
 * Documentation/userspace-api/pag-bpf.rst.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include <linux/pag_bpf.h>

#include "pag_fences.h"

char LICENSE[] SEC("license") = "GPL";

/* Not in vmlinux.h: macros of the kernel headers. */
#define EPERM		1
#define EACCES		13
#define AF_UNIX		1
#define FMODE_WRITE	0x2
#define CAP_SYS_PTRACE	19
#define CAP_SYS_ADMIN	21
#define PTRACE_MODE_ATTACH	0x02

/* ".pag." (PAG_KEYRING_PREFIX of linux/pag.h) without its NUL. */
#define PAG_PREFIX_LEN	5

/* log2(PAG_FENCE_MAX) + 1 halvings find any entry of a fence. */
#define FENCE_SEARCH_STEPS	10

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pag_sock_tag);
} pag_sock_tags SEC(".maps");

/*
 * Description prefix of PAG keyrings, PAG_KEYRING_PREFIX of linux/pag.h.
 * Userspace cannot make a keyring whose name starts with '.' (add_key and
 * join-by-name refuse it), so only pag.ko makes these.  The loader writes
 * the prefix (tests that run without pag.ko use one of their own) and
 * freezes the map before attaching: nothing can change it afterwards.
 */
struct pag_config {
	char prefix[PAG_PREFIX_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pag_config);
} pag_config SEC(".maps");

/*
 * The PAG keyring of @cred: its session keyring if pag.ko made it, else
 * NULL.  The keyring's index key holds the first bytes of its description
 * inline, so this is a chain of plain loads: the one helper call is the
 * config lookup.
 */
static __always_inline struct key *pag_keyring(const struct cred *cred)
{
	struct pag_config *config;
	struct key *keyring;
	__u32 zero = 0;
	int i;

	keyring = cred->session_keyring;
	if (!keyring)
		return NULL;
	config = bpf_map_lookup_elem(&pag_config, &zero);
	if (!config || keyring->index_key.desc_len < PAG_PREFIX_LEN)
		return NULL;
	for (i = 0; i < PAG_PREFIX_LEN; i++)
		if (keyring->index_key.desc[i] != config->prefix[i])
			return NULL;
	return keyring;
}

/*
 * The creation time of the PAG @keyring, which pag.ko keeps in its marker,
 * the key of the keyring's link restriction (payload.data[1], kernel/pag.h
 * PAG_MARKER_CREATED_NS); plain CO-RE loads.  0 when there is no
 * restriction or no marker (the key GC drops the marker of a keyring whose
 * marker type went away): then the keyring is no usable PAG, and a tag
 * with a creation time of 0 passes no fence.
 */
static __always_inline __u64 pag_created(struct key *keyring)
{
	struct key_restriction *restriction = keyring->restrict_link;
	struct key *marker;

	if (!restriction)
		return 0;
	marker = restriction->key;
	if (!marker)
		return 0;
	return (__u64)marker->payload.data[1];
}

/*
 * Tag @tag with the active PAG of the current thread, now.  Credentials
 * are per thread, so a thread acting in its own PAG tags with it.
 */
static __always_inline void tag_current(struct pag_sock_tag *tag)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct key *keyring = pag_keyring(task->cred);

	if (keyring) {
		tag->pag = keyring->serial;
		tag->created_ns = pag_created(keyring);
	} else {
		tag->pag = 0;
		tag->created_ns = 0;
	}
	tag->tagged_ns = bpf_ktime_get_boot_ns();
	tag->flags = PAG_TAG_F_OWN;
}

/*
 * Does @fence admit a socket tagged @tag?  Untagged sockets never pass,
 * nor tags whose PAG has no creation time.  The fence is sorted by (id,
 * creation time); the search finds the last entry not above the tag's and
 * admits the tag if that entry is the tag's exact incarnation and the tag
 * is no older than the PAG.  It is branch-free (the base moves by a mask
 * computed from the signs of differences), so the verifier walks one path
 * instead of every outcome of every comparison.  Creation times are below
 * 2^63 (boot-time nanoseconds), so they compare as signed numbers.
 *
 * pag_fence_forget rewrites entries while this reads them; its comment
 * says why every state it leaves is searchable.  The final check reads the
 * entry's time, its id, then its time again, and believes the pair only
 * if both times agree: an entry's time never returns to a value it left
 * (except when the new value is equal, which names the same pair), so the
 * id read in between belongs to that time.
 */
static __always_inline bool fence_admits(const struct pag_fence *fence,
					 const struct pag_sock_tag *tag)
{
	__u32 n = fence->count, base = 0, half, i;
	const struct pag_fence_entry *e;
	__s64 pag, created, d, above, ne;
	__u64 t1, t2;

	if (!tag || !(tag->flags & PAG_TAG_F_OWN))
		return false;
	if (!tag->pag)
		return fence->flags & PAG_FENCE_F_NO_PAG;
	created = tag->created_ns;
	/* No usable PAG (0), or a time no fence entry may hold. */
	if (created <= 0 || created == PAG_FENCE_CREATED_BUSY)
		return false;
	if (n > PAG_FENCE_MAX)
		n = PAG_FENCE_MAX;
	if (!n)
		return false;
	pag = tag->pag;
	for (i = 0; i < FENCE_SEARCH_STEPS; i++) {
		half = n / 2;
		e = &fence->pags[(base + half) & (PAG_FENCE_MAX - 1)];
		d = pag - e->pag;
		/* All ones when the probed id is above pag ... */
		above = d >> 63;
		/* ... or equal to it with a later creation time. */
		ne = (d | -d) >> 63;
		above |= ~ne & ((created - (__s64)e->created_ns) >> 63);
		base += half & ~(__u32)above;
		n -= half;
	}
	e = &fence->pags[base & (PAG_FENCE_MAX - 1)];
	/* The compiler barriers keep the three loads apart and in order. */
	t1 = e->created_ns;
	barrier();
	if (e->pag != pag)
		return false;
	barrier();
	t2 = e->created_ns;
	return t1 == (__u64)created && t2 == t1 && tag->tagged_ns >= t1;
}

static __always_inline struct pag_fence *fence_of(struct sock *sk)
{
	if (!sk)
		return NULL;
	return bpf_sk_storage_get(&pag_fences, sk, NULL, 0);
}

/*
 * Stream and seqpacket connect, with both sockets' state locks held,
 * before the server can see anything: a fenced listener admits only a
 * connecting task whose active PAG it lists.  Nothing is stored: the
 * kernel records the connecting task's credentials on the accepted socket
 * (SO_PEERCRED) right after this hook, in the same call, and the tags are
 * computed from those when asked (pag_socket_getsockopt).
 */
SEC("lsm/unix_stream_connect")
int BPF_PROG(pag_unix_stream_connect, struct sock *sk, struct sock *other,
	     struct sock *newsk, int ret)
{
	struct pag_sock_tag now;
	struct pag_fence *fence;

	if (ret)
		return ret;
	fence = fence_of(other);
	if (!fence)
		return 0;
	tag_current(&now);
	return fence_admits(fence, &now) ? 0 : -EACCES;
}

/*
 * Datagram connect and every datagram sent: a fenced receiver admits only
 * a sending task whose active PAG it lists, at each send (a datagram's
 * credentials are the sender's at the send, as SCM_CREDENTIALS says).
 */
SEC("lsm/unix_may_send")
int BPF_PROG(pag_unix_may_send, struct socket *sock, struct socket *other,
	     int ret)
{
	struct pag_sock_tag now;
	struct pag_fence *fence;

	if (ret)
		return ret;
	if (!other)
		return 0;
	fence = fence_of(other->sk);
	if (!fence)
		return 0;
	tag_current(&now);
	return fence_admits(fence, &now) ? 0 : -EACCES;
}

/* @tag's own (@peer false) or peer fields from the credentials @cred. */
static __always_inline void tag_cred(struct pag_sock_tag *tag,
				     const struct cred *cred, bool peer)
{
	struct key *keyring = pag_keyring(cred);
	__s32 pag = 0;
	__u64 created = 0;

	if (keyring) {
		pag = keyring->serial;
		created = pag_created(keyring);
	}
	if (peer) {
		tag->peer_pag = pag;
		tag->peer_tagged_ns = tag->tagged_ns;
		tag->peer_created_ns = created;
		tag->flags |= PAG_TAG_F_PEER;
	} else {
		tag->pag = pag;
		tag->created_ns = created;
		tag->flags |= PAG_TAG_F_OWN;
	}
}

/*
 * The tag query: getsockopt(fd, PAG_BPF_SOL_QUERY, nonce, ...) on a unix
 * socket writes the socket's tags, computed now from the credentials the
 * kernel recorded for SO_PEERCRED, into its storage in pag_sock_tags,
 * with @optname as the answer's nonce; the kernel then fails the call as
 * for any level unix sockets do not know.  Those credentials are:
 *
 *  - on a listener, the task's that called listen() (the last one);
 *  - on a connected stream or seqpacket socket, the other end's: the
 *    connecting task's at connect() on the accepted socket, the
 *    listener's (copied at connect()) on the client, the caller's of
 *    socketpair() on both ends;
 *  - on a datagram socket, the caller's of socketpair(), else none.
 *
 * So a connected stream socket's own tag is its peer's record of it, and
 * its peer tag its own record.  Recorded credentials hold their session
 * keyring, hence the PAG: while the socket lives that PAG cannot end, and
 * its marker's creation time is the incarnation the tag names.
 */
SEC("lsm/socket_getsockopt")
int BPF_PROG(pag_socket_getsockopt, struct socket *sock, int level,
	     int optname, int ret)
{
	const struct cred *mine = NULL, *theirs = NULL;
	struct pag_sock_tag *tag;
	struct unix_sock *u;
	struct sock *sk, *peer;

	if (ret || level != PAG_BPF_SOL_QUERY)
		return ret;
	sk = sock->sk;
	if (!sk || sk->__sk_common.skc_family != AF_UNIX)
		return 0;
	u = bpf_skc_to_unix_sock(sk);
	if (!u)
		return 0;
	tag = bpf_sk_storage_get(&pag_sock_tags, sk, NULL,
				 BPF_SK_STORAGE_GET_F_CREATE);
	if (!tag)
		return 0;
	if (sk->sk_type == SOCK_DGRAM) {
		/* Only socketpair() records on a datagram socket. */
		mine = sk->sk_peer_cred;
		theirs = mine;
	} else if (sk->__sk_common.skc_state == TCP_LISTEN) {
		mine = sk->sk_peer_cred;
	} else {
		peer = u->peer;
		if (peer) {
			mine = peer->sk_peer_cred;
			theirs = sk->sk_peer_cred;
		}
	}
	tag->flags = 0;
	tag->tagged_ns = bpf_ktime_get_boot_ns();
	if (mine)
		tag_cred(tag, mine, false);
	if (theirs)
		tag_cred(tag, theirs, true);
	tag->query = optname;
	return 0;
}

/* Does @cred hold @cap (below 32) in the initial user namespace? */
static __always_inline bool cred_capable(const struct cred *cred, int cap)
{
	__u32 caps = 0;

	/* Only the initial user namespace is at level 0. */
	if (BPF_CORE_READ(cred, user_ns, level) != 0)
		return false;
	/*
	 * kernel_cap_t is u32[2] up to 6.2 and one u64 since; on a
	 * little-endian machine the low word holds caps 0-31 in both.
	 */
	bpf_probe_read_kernel(&caps, sizeof(caps), &cred->cap_effective);
	return caps & (1U << cap);
}

static __always_inline bool current_is_admin(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return cred_capable(task->cred, CAP_SYS_ADMIN);
}

/*
 * Guard the maps the way the kernel cannot by file modes alone: nobody gets
 * a writable descriptor of the tag map (tags come from this program only),
 * and only CAP_SYS_ADMIN in the initial user namespace may write fences.
 * Read-only descriptors are open to whoever may use bpf() at all.
 */
SEC("lsm/bpf_map")
int BPF_PROG(pag_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	if (ret)
		return ret;
	if (!(fmode & FMODE_WRITE))
		return 0;
	if (map == (struct bpf_map *)&pag_sock_tags)
		return -EACCES;
	if (map == (struct bpf_map *)&pag_fences && !current_is_admin())
		return -EACCES;
	return 0;
}

/*
 * May @tracer act on a task whose objective credentials are @target?  A
 * target in a PAG admits tracers of the same PAG (the same keyring) and
 * tracers with CAP_SYS_PTRACE in the initial user namespace; a target in
 * no PAG is left to the kernel's usual rules.  Only the bpf LSM's own
 * program decides this: an earlier LSM's refusal has already been passed
 * through by the callers.
 */
static __always_inline int ptrace_check(const struct cred *tracer,
					const struct cred *target)
{
	struct key *theirs = pag_keyring(target);

	if (!theirs || tracer->session_keyring == theirs)
		return 0;
	return cred_capable(tracer, CAP_SYS_PTRACE) ? 0 : -EPERM;
}

/*
 * ptrace attach and everything else that checks PTRACE_MODE_ATTACH
 * (/proc/PID/mem, process_vm_readv/writev, pidfd_getfd, kcmp ...): the
 * current task is the tracer, @child the target thread.  Read-mode checks
 * (/proc/PID/stat, /proc/PID/ns, ps) keep the kernel's rules.
 */
SEC("lsm/ptrace_access_check")
int BPF_PROG(pag_ptrace_access_check, struct task_struct *child,
	     unsigned int mode, int ret)
{
	struct task_struct *task;

	if (ret)
		return ret;
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	task = bpf_get_current_task_btf();
	return ptrace_check(task->cred, child->real_cred);
}

/* PTRACE_TRACEME: @parent is to trace the current task. */
SEC("lsm/ptrace_traceme")
int BPF_PROG(pag_ptrace_traceme, struct task_struct *parent, int ret)
{
	struct task_struct *task;

	if (ret)
		return ret;
	task = bpf_get_current_task_btf();
	return ptrace_check(parent->real_cred, task->real_cred);
}
