/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Process Authentication Groups: the "pag" generic netlink family, and the
 * character device /dev/pag (at the end), a one-syscall path for the
 * calling thread's own PAG.
 *
 * A PAG is a session keyring made by pag.ko; its id is that keyring's
 * serial (what `keyctl show @s` prints).  This header is the one
 * description of the protocol shared by the kernel module, the BPF
 * programs and userspace; Documentation/netlink/specs/pag.yaml describes
 * the same protocol in YAML.
 */
#ifndef _UAPI_LINUX_PAG_H
#define _UAPI_LINUX_PAG_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PAG_FAMILY_NAME		"pag"
/*
 * The family's version grows when a request keeps its name but changes
 * meaning in a way an older peer could get wrong; a library refuses a
 * family older than the semantics it relies on (libpag names both
 * versions).  1: development builds whose requests did not name a PAG's
 * incarnation (an ENTER by id alone); 2: requests checked against a PAG's
 * creation time, the creator's PAG in CREATED events.
 */
#define PAG_FAMILY_VERSION	2
#define PAG_MCGRP_EVENTS	"events"

/* Description prefix of PAG keyrings: ".pag.<n>" ('.': never joinable by name). */
#define PAG_KEYRING_PREFIX	".pag."

/**
 * enum pag_cmd - commands of the "pag" family
 * @PAG_CMD_NEW: create a PAG and make it the calling thread's session
 *	keyring; the reply is a @PAG_CMD_NEW message with the PAG's attributes
 * @PAG_CMD_GET: do: the caller's PAG, or the PAG named by %PAG_A_PAG_ID
 *	(another PAG than one's own needs CAP_SYS_ADMIN in the initial user
 *	namespace), and with %PAG_A_PAG_CREATED_NS only if it is that
 *	incarnation (else ESTALE); dump: every live PAG (same privilege)
 * @PAG_CMD_LEAVE: take the calling thread out of its PAG (it then has no
 *	session keyring of its own, as after a fresh login without one)
 * @PAG_CMD_ENTER: privileged: move the calling single-threaded process into
 *	the PAG %PAG_A_PAG_ID created at %PAG_A_PAG_CREATED_NS, both required
 *	(for the host's short-lived renewal workers); ESTALE when that id now
 *	belongs to a later PAG
 * @PAG_CMD_TOKEN_ADD: add or replace a token (set "token")
 * @PAG_CMD_TOKEN_DEL: delete a token by type and name (set "token")
 * @PAG_CMD_TOKEN_GET: dump the tokens of a PAG: metadata only (set "token")
 * @PAG_CMD_CREATED_NTF: event: a PAG was created (set "pag"); with
 *	%PAG_A_PAG_PARENT_ID and %PAG_A_PAG_PARENT_CREATED_NS when its creator
 *	was then in a PAG (a login or ``pag new`` inside a container's PAG),
 *	so that a listener can carry what it knows of the parent over to the
 *	child
 * @PAG_CMD_ENDED_NTF: event: a PAG ended (set "pag")
 * @PAG_CMD_TOKENS_NTF: event: the tokens of a PAG changed (set "pag");
 *	coalesced per PAG: the first change after a quiet interval is sent at
 *	once, later ones at most once per %PAG_TOKENS_NTF_INTERVAL_MS, and a
 *	change after the last event always gets one more event (or the PAG's
 *	%PAG_CMD_ENDED_NTF)
 *
 * Events are delivered in this sense: a listener whose receive buffer does
 * not overflow gets, for each PAG, an event after the PAG's last change.
 * On overflow (recv() fails with ENOBUFS) events were lost: resynchronise
 * with a dump.
 */
enum pag_cmd {
	PAG_CMD_UNSPEC,
	PAG_CMD_NEW,
	PAG_CMD_GET,
	PAG_CMD_LEAVE,
	PAG_CMD_ENTER,
	PAG_CMD_TOKEN_ADD,
	PAG_CMD_TOKEN_DEL,
	PAG_CMD_TOKEN_GET,
	PAG_CMD_CREATED_NTF,
	PAG_CMD_ENDED_NTF,
	PAG_CMD_TOKENS_NTF,

	__PAG_CMD_MAX,
	PAG_CMD_MAX = __PAG_CMD_MAX - 1
};

/**
 * enum pag_a_pag - attribute set "pag": one PAG
 * @PAG_A_PAG_ID: s32, the PAG id (serial of its keyring)
 * @PAG_A_PAG_OWNER_UID: u32, owner uid, in the receiver's user namespace
 * @PAG_A_PAG_CREATOR_PID: u32, pid of the creating thread, in the
 *	receiver's pid namespace (0 when not visible there)
 * @PAG_A_PAG_CREATOR_COMM: string, command name of the creator
 * @PAG_A_PAG_CREATED_NS: u64, creation time, CLOCK_BOOTTIME nanoseconds,
 *	taken once the id was assigned.  Ids are reused; (id, creation time)
 *	names one PAG for ever.  In requests: the incarnation the request is
 *	about (required by %PAG_CMD_ENTER, optional for %PAG_CMD_GET)
 * @PAG_A_PAG_FLAGS: u32, PAG_F_* flags
 * @PAG_A_PAG_TOKEN_COUNT: u32, number of tokens in the PAG; absent when it
 *	could not be taken (%PAG_F_TOKEN_COUNT_UNKNOWN) and from events
 * @PAG_A_PAG_PAD: padding for 64-bit attributes
 * @PAG_A_PAG_PARENT_ID: s32, %PAG_CMD_CREATED_NTF only: the PAG the
 *	creating thread was in when it made this one (its "parent"); absent
 *	when it was in none
 * @PAG_A_PAG_PARENT_CREATED_NS: u64, with %PAG_A_PAG_PARENT_ID: the
 *	parent's creation time, so (id, creation time) names the parent's
 *	incarnation even if it has ended and its id was reused by the time
 *	the event is read
 * @PAG_A_PAG_HOLDERS: u32, in replies and dumps (not events): how many
 *	processes are members of the PAG by holding a PAG handle to it (made
 *	by them, still open anywhere, and from their current execve()),
 *	whether or not any of their threads is in it.  Threads in the PAG
 *	(its classic members) are not counted: the module does not track
 *	them
 * @PAG_A_PAG_HOLDER_PID: u32, repeated, with %PAG_A_PAG_HOLDERS: the pid
 *	of each such process in the receiver's pid namespace, at most
 *	%PAG_HOLDER_PIDS_MAX of them; processes not visible there are counted
 *	but not named
 */
enum pag_a_pag {
	PAG_A_PAG_UNSPEC,
	PAG_A_PAG_ID,
	PAG_A_PAG_OWNER_UID,
	PAG_A_PAG_CREATOR_PID,
	PAG_A_PAG_CREATOR_COMM,
	PAG_A_PAG_CREATED_NS,
	PAG_A_PAG_FLAGS,
	PAG_A_PAG_TOKEN_COUNT,
	PAG_A_PAG_PAD,
	PAG_A_PAG_PARENT_ID,
	PAG_A_PAG_PARENT_CREATED_NS,
	PAG_A_PAG_HOLDERS,
	PAG_A_PAG_HOLDER_PID,

	__PAG_A_PAG_MAX,
	PAG_A_PAG_MAX = __PAG_A_PAG_MAX - 1
};

/**
 * enum pag_flags - values of %PAG_A_PAG_FLAGS
 * @PAG_F_SELF: the PAG is the receiver's own
 * @PAG_F_ADMIN_ENTERED: a privileged worker has entered the PAG at least once
 * @PAG_F_TOKEN_COUNT_UNKNOWN: the token count could not be taken: the PAG
 *	keyring holds more than %PAG_TOKEN_LINKS_MAX links (or memory ran
 *	out); %PAG_A_PAG_TOKEN_COUNT is absent, pag_ioc_info.token_count is 0
 * @PAG_F_SWITCHED: with %PAG_F_SELF: the receiver's thread made this PAG
 *	its active PAG with %PAG_IOC_SWITCH, away from its process default
 *	(see the extended model below); absent when the PAG is the default,
 *	and always in a process that holds no PAG handle
 */
enum pag_flags {
	PAG_F_SELF			= 1 << 0,
	PAG_F_ADMIN_ENTERED		= 1 << 1,
	PAG_F_TOKEN_COUNT_UNKNOWN	= 1 << 2,
	PAG_F_SWITCHED			= 1 << 3,
};

/*
 * Most links (keys of any type, tokens or not) a PAG keyring may hold for
 * its tokens to be listed: PAG_CMD_TOKEN_GET and PAG_CMD_TOKEN_DEL fail
 * with EOVERFLOW on a keyring holding more, and the token count of the PAG
 * is then unknown (PAG_F_TOKEN_COUNT_UNKNOWN).  PAG_CMD_TOKEN_ADD still
 * adds and replaces.
 */
#define PAG_TOKEN_LINKS_MAX	512

/* Most %PAG_A_PAG_HOLDER_PID attributes in one message. */
#define PAG_HOLDER_PIDS_MAX	16

/* Shortest interval between two PAG_CMD_TOKENS_NTF events of one PAG. */
#define PAG_TOKENS_NTF_INTERVAL_MS	100

/* Largest token payload PAG_CMD_TOKEN_ADD takes (that of a "user" key). */
#define PAG_TOKEN_DATA_MAX	32767

/**
 * enum pag_a_token - attribute set "token": one token of a PAG
 * @PAG_A_TOKEN_PAG: s32, the PAG (default: the caller's own)
 * @PAG_A_TOKEN_TYPE: string, key type: "rxrpc", "user", "logon", "keyring"
 *	(an MIT krb5 keyring ccache)
 * @PAG_A_TOKEN_NAME: string, key description (e.g. "afs@EXAMPLE.COM")
 * @PAG_A_TOKEN_DATA: binary, payload (add only; never returned)
 * @PAG_A_TOKEN_EXPIRY: u64, expiry, CLOCK_REALTIME seconds (0: none)
 * @PAG_A_TOKEN_SIZE: u32, payload size in bytes
 * @PAG_A_TOKEN_SERIAL: s32, serial of the key
 * @PAG_A_TOKEN_MTIME: u64, last change through %PAG_CMD_TOKEN_ADD,
 *	CLOCK_REALTIME seconds (absent for tokens made otherwise)
 * @PAG_A_TOKEN_PAD: padding for 64-bit attributes
 * @PAG_A_TOKEN_PAG_CREATED_NS: u64, requests only: act only if the PAG
 *	%PAG_A_TOKEN_PAG (or the caller's own) is the one created at this
 *	CLOCK_BOOTTIME time, else fail with ESTALE.  Callers that keep a
 *	record of a PAG (the host's daemons) always pass it.
 */
enum pag_a_token {
	PAG_A_TOKEN_UNSPEC,
	PAG_A_TOKEN_PAG,
	PAG_A_TOKEN_TYPE,
	PAG_A_TOKEN_NAME,
	PAG_A_TOKEN_DATA,
	PAG_A_TOKEN_EXPIRY,
	PAG_A_TOKEN_SIZE,
	PAG_A_TOKEN_SERIAL,
	PAG_A_TOKEN_MTIME,
	PAG_A_TOKEN_PAD,
	PAG_A_TOKEN_PAG_CREATED_NS,

	__PAG_A_TOKEN_MAX,
	PAG_A_TOKEN_MAX = __PAG_A_TOKEN_MAX - 1
};

/*
 * /dev/pag (a misc device, mode 0666): create, describe or leave the calling
 * thread's own PAG in one ioctl() instead of a netlink round trip.  The
 * requests are those of PAG_CMD_NEW, PAG_CMD_GET (without an id) and
 * PAG_CMD_LEAVE, made by the same kernel code, with the same effects and
 * events.  They act on the credentials of the calling thread only, never on
 * those of whoever opened the file, so an open file passed to another
 * process gives it nothing it could not get by opening /dev/pag itself.
 * Errors are errno values only; the family's extended acks say more.
 */
#define PAG_DEV_NAME		"pag"

/**
 * struct pag_ioc_info - one PAG, as %PAG_IOC_GET reports it
 * @id: the PAG id (serial of its keyring)
 * @owner_uid: owner uid, in the caller's user namespace
 * @creator_pid: pid of the creating thread, in the caller's pid namespace
 *	(0 when not visible there)
 * @flags: PAG_F_* flags
 * @created_ns: creation time, CLOCK_BOOTTIME nanoseconds
 * @token_count: number of tokens in the PAG
 * @reserved: zero
 * @creator_comm: command name of the creator, NUL-terminated
 *
 * The fields are the attributes of set "pag" of the same names.
 */
struct pag_ioc_info {
	__s32 id;
	__u32 owner_uid;
	__u32 creator_pid;
	__u32 flags;
	__u64 created_ns;
	__u32 token_count;
	__u32 reserved;
	char creator_comm[16];
};

/* 0xB8: free in the kernel's Documentation/userspace-api/ioctl/ioctl-number.rst */
#define PAG_IOC_MAGIC		0xB8

/*
 * PAG_IOC_NEW: as PAG_CMD_NEW: create a PAG and make it the calling
 *	thread's session keyring.  The argument must be 0.  Returns the new
 *	PAG's id; EPERM while the thread is traced by a task without
 *	CAP_SYS_PTRACE in the initial user namespace.
 * PAG_IOC_GET: as PAG_CMD_GET without an id: fill the struct pag_ioc_info
 *	with the calling thread's PAG.  Returns its id, or fails with ENOENT
 *	when the thread is in no PAG.
 * PAG_IOC_LEAVE: as PAG_CMD_LEAVE: take the calling thread out of its PAG.
 *	The argument must be 0.  Returns 0, or fails with ENOENT.
 * Other requests fail with ENOTTY, a non-zero argument with EINVAL.
 */
#define PAG_IOC_NEW		_IO(PAG_IOC_MAGIC, 1)
#define PAG_IOC_GET		_IOR(PAG_IOC_MAGIC, 2, struct pag_ioc_info)
#define PAG_IOC_LEAVE		_IO(PAG_IOC_MAGIC, 3)

/*
 * The extended model: PAG handles.  A handle is a file descriptor
 * (close-on-exec) holding a PAG; the process that made it is a member of
 * that PAG while the handle is open, and its threads switch their active
 * PAG (their session keyring, which is what kafs, MIT krb5 and the BPF
 * tags see) to it in one ioctl.  A handle works only in the process that
 * made it, and only until that process calls execve(): in any other
 * process (a fork child, a receiver over SCM_RIGHTS, pidfd_getfd()) or
 * after an execve() it fails with EXDEV.  The process default PAG lives
 * with the process's handles: made with its first handle (the session
 * keyring of the thread making it, PAG or not) and dropped with its last.
 *
 * PAG_IOC_REF_NEW: create a PAG without entering it; returns a handle.
 *	The argument must be 0.  The PAG's parent is the calling thread's
 *	active PAG; the creation event is sent as for PAG_IOC_NEW.
 * PAG_IOC_REF_CURRENT: returns a handle for the calling thread's active
 *	PAG (ENOENT when it is in none).  The argument must be 0.
 * PAG_IOC_SWITCH: the argument is a handle (by value): make its PAG the
 *	calling thread's active PAG.  Returns 0.
 * PAG_IOC_SWITCH_DEFAULT: make the process default the calling thread's
 *	active PAG again.  The argument must be 0.  Returns 0, or ENOENT when
 *	the process holds no handle.
 * PAG_IOC_SET_DEFAULT: the argument is a handle (by value): make its PAG
 *	the process default.  Threads keep their active PAG.  Returns 0.
 * PAG_IOC_GET on a handle (not on /dev/pag) describes the handle's PAG.
 *
 * A handle argument fails with EBADF when it is no open file descriptor,
 * EINVAL when it is not a handle, EXDEV when it is another process's (or
 * this process's before an execve()), EKEYREVOKED when a member revoked
 * the PAG's keyring.  Making a handle fails with EMFILE when the process
 * holds PAG_REFS_MAX of them (counting those it passed to others), and
 * with EDQUOT when a new PAG's keyring exceeds the owner's key quota.
 * PAG_IOC_SWITCH and PAG_IOC_SWITCH_DEFAULT fail with EPERM while the
 * thread is traced by a task outside the PAG without CAP_SYS_PTRACE in
 * the initial user namespace.
 */
#define PAG_IOC_REF_NEW		_IO(PAG_IOC_MAGIC, 4)
#define PAG_IOC_REF_CURRENT	_IO(PAG_IOC_MAGIC, 5)
#define PAG_IOC_SWITCH		_IO(PAG_IOC_MAGIC, 6)
#define PAG_IOC_SWITCH_DEFAULT	_IO(PAG_IOC_MAGIC, 7)
#define PAG_IOC_SET_DEFAULT	_IO(PAG_IOC_MAGIC, 8)

/* Most handles a process may hold (made by it and open anywhere). */
#define PAG_REFS_MAX		16384

#endif /* _UAPI_LINUX_PAG_H */
