/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpag - Process Authentication Groups from userspace.
 *
 * A PAG is a session keyring made by pag.ko; its id is that keyring's
 * serial.  This library speaks the "pag" generic netlink family
 * (<linux/pag.h>) and, when the module is not loaded, falls back to a plain
 * anonymous session keyring, which gives a weaker set of guarantees: see
 * pag_limits() and Documentation/userspace-api/pag.rst.
 *
 * Every function that can fail returns a negative errno; after a failure
 * pag_errmsg() says what went wrong in words (the kernel's extended ack
 * message when there was one).  A handle is not thread-safe: use one per
 * thread.
 */
#ifndef _PAG_PAG_H
#define _PAG_PAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pag.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pag_handle;

/**
 * enum pag_backend - what a handle talks to
 * @PAG_BACKEND_KERNEL: pag.ko, over generic netlink
 * @PAG_BACKEND_KEYRING: no pag.ko: PAGs are anonymous session keyrings
 */
enum pag_backend {
	PAG_BACKEND_KERNEL = 1,
	PAG_BACKEND_KEYRING = 2,
};

/**
 * enum pag_limit - guarantees missing from a backend (pag_limits())
 * @PAG_LIMIT_NO_REGISTRY: no registry of live PAGs: other PAGs can be
 *	neither listed nor looked up, and a PAG cannot be told apart from
 *	any other anonymous session keyring (pam_keyinit, keyctl new_session)
 * @PAG_LIMIT_NO_EVENTS: no notification when a PAG is created or ends
 * @PAG_LIMIT_NO_ADMIN: no privileged operations (enter, tokens placed from
 *	outside the PAG)
 * @PAG_LIMIT_NO_LEAVE: a session keyring cannot be dropped, only replaced
 */
enum pag_limit {
	PAG_LIMIT_NO_REGISTRY = 1 << 0,
	PAG_LIMIT_NO_EVENTS = 1 << 1,
	PAG_LIMIT_NO_ADMIN = 1 << 2,
	PAG_LIMIT_NO_LEAVE = 1 << 3,
};

/**
 * enum pag_open_flags - flags of pag_open()
 * @PAG_OPEN_KERNEL_ONLY: fail with -ENOENT rather than fall back when
 *	pag.ko is not loaded
 * @PAG_OPEN_KEYRING_ONLY: do not look for pag.ko; use the keyring backend
 */
enum pag_open_flags {
	PAG_OPEN_KERNEL_ONLY = 1 << 0,
	PAG_OPEN_KEYRING_ONLY = 1 << 1,
};

/* Bits of pag_info.present: which attributes the kernel sent. */
#define PAG_INFO_HAS(attr) (1u << (attr))

/**
 * struct pag_info - one PAG
 * @id: PAG id, the serial of its session keyring
 * @owner_uid: owner uid, in the caller's user namespace
 * @creator_pid: pid of the creating thread in the caller's pid namespace
 *	(0 when not visible)
 * @creator_comm: command name of the creator
 * @created_ns: creation time, CLOCK_BOOTTIME nanoseconds
 * @flags: PAG_F_* flags
 * @token_count: number of tokens in the PAG
 * @present: PAG_INFO_HAS(PAG_A_PAG_*) bits of the fields that are known;
 *	the keyring backend knows only @id and @owner_uid
 * @parent_id: creation events only: the PAG the creator was in when it
 *	made this one (PAG_INFO_HAS(PAG_A_PAG_PARENT_ID)); 0 when it was in
 *	none, and always in answers to requests
 * @parent_created_ns: with @parent_id, the parent's creation time: the
 *	pair names the parent's incarnation, even once its id is reused
 */
struct pag_info {
	int32_t id;
	uint32_t owner_uid;
	uint32_t creator_pid;
	char creator_comm[16];
	uint64_t created_ns;
	uint32_t flags;
	uint32_t token_count;
	uint32_t present;
	int32_t parent_id;
	uint64_t parent_created_ns;
};

/**
 * struct pag_holders - the processes holding PAG handles to one PAG
 * @count: how many processes are members of the PAG by holding a PAG
 *	handle to it (pag_ref_new()), whether or not any of their threads is
 *	in it
 * @n_pids: entries in @pids
 * @pids: the pids of @n_pids of them, in the caller's pid namespace (at
 *	most PAG_HOLDER_PIDS_MAX; those not visible there are counted in
 *	@count only)
 *
 * Filled in by pag_get_holders() and pag_iterate_holders() (libpag 0.2,
 * version node LIBPAG_0.2); valid when the kernel reports holders, that
 * is when the struct pag_info beside it has
 * PAG_INFO_HAS(PAG_A_PAG_HOLDERS) in @present.  A struct of its own, not
 * fields of struct pag_info: callers of libpag.so.0 allocate struct
 * pag_info and struct pag_event, so those never grow (the ABI).
 */
struct pag_holders {
	uint32_t count;
	uint32_t n_pids;
	uint32_t pids[PAG_HOLDER_PIDS_MAX];
};

/**
 * enum pag_event_type - kinds of events
 * @PAG_EVENT_CREATED: a PAG was created
 * @PAG_EVENT_ENDED: a PAG ended
 * @PAG_EVENT_TOKENS: the tokens of a PAG changed
 */
enum pag_event_type {
	PAG_EVENT_CREATED = PAG_CMD_CREATED_NTF,
	PAG_EVENT_ENDED = PAG_CMD_ENDED_NTF,
	PAG_EVENT_TOKENS = PAG_CMD_TOKENS_NTF,
};

/**
 * struct pag_event - one event read by pag_event_read()
 * @type: what happened
 * @pag: the PAG it happened to (what the kernel sent of it)
 */
struct pag_event {
	enum pag_event_type type;
	struct pag_info pag;
};

/**
 * struct pag_token - one token of a PAG: metadata only, the payload never
 *	comes back
 * @pag: the PAG holding it
 * @type: key type ("rxrpc", "user", "logon", "keyring"); valid only
 *	during the pag_token_iterate() callback
 * @name: key description (e.g. "afs@EXAMPLE.COM"); valid as @type
 * @expiry: expiry, CLOCK_REALTIME seconds; 0: none
 * @size: payload size in bytes
 * @serial: serial of the key
 * @mtime: last change, CLOCK_REALTIME seconds
 * @present: PAG_INFO_HAS(PAG_A_TOKEN_*) bits of the fields the kernel sent
 */
struct pag_token {
	int32_t pag;
	const char *type;
	const char *name;
	uint64_t expiry;
	uint32_t size;
	int32_t serial;
	uint64_t mtime;
	uint32_t present;
};

/* Opening and closing; what the handle can do. */
int pag_open(struct pag_handle **handle, unsigned int flags);
void pag_close(struct pag_handle *h);
enum pag_backend pag_backend(const struct pag_handle *h);
unsigned int pag_limits(const struct pag_handle *h);
const char *pag_limit_str(enum pag_limit limit);
const char *pag_limit_name(enum pag_limit limit);
bool pag_has_cmd(const struct pag_handle *h, unsigned int cmd);
const char *pag_module_problem(const struct pag_handle *h);
const char *pag_errmsg(const struct pag_handle *h);

/* The caller's own PAG. */
int pag_create(struct pag_handle *h, struct pag_info *info);
int pag_current(struct pag_handle *h, struct pag_info *info);
int pag_leave(struct pag_handle *h);

/*
 * PAG handles (the extended model, pag.ko's /dev/pag only): a process
 * holds several PAGs, each through a handle (a close-on-exec file
 * descriptor: close() it), and each thread switches its active PAG in one
 * call.  A handle works only in the process that made it, until it execs.
 */
int pag_ref_new(struct pag_handle *h);
int pag_ref_current(struct pag_handle *h);
int pag_ref_info(struct pag_handle *h, int ref, struct pag_info *info);
int pag_switch(struct pag_handle *h, int ref);
int pag_switch_default(struct pag_handle *h);
int pag_set_default(struct pag_handle *h, int ref);

/*
 * Other PAGs (CAP_SYS_ADMIN in the initial user namespace).  Ids are
 * reused once a PAG ended: (id, created_ns) names one PAG for ever, and
 * functions taking both act only on that one (-ESTALE otherwise).  A
 * @created_ns of 0, where allowed, means whichever PAG has the id now.
 */
int pag_get(struct pag_handle *h, int32_t id, uint64_t created_ns,
	    struct pag_info *info);
/* Moves the calling single-threaded process into that PAG; both required. */
int pag_enter(struct pag_handle *h, int32_t id, uint64_t created_ns);
typedef int (*pag_iter_cb)(const struct pag_info *info, void *arg);
int pag_iterate(struct pag_handle *h, pag_iter_cb cb, void *arg);
/* The same with the PAG's handle holders (LIBPAG_0.2). */
int pag_get_holders(struct pag_handle *h, int32_t id, uint64_t created_ns,
		    struct pag_info *info, struct pag_holders *holders);
typedef int (*pag_holders_iter_cb)(const struct pag_info *info,
				   const struct pag_holders *holders,
				   void *arg);
int pag_iterate_holders(struct pag_handle *h, pag_holders_iter_cb cb,
			void *arg);

/*
 * Tokens of the caller's own PAG (@pag 0), or of any PAG by id with
 * CAP_SYS_ADMIN in the initial user namespace.  Need pag.ko.
 */
int pag_token_add(struct pag_handle *h, int32_t pag, uint64_t created_ns,
		  const char *type, const char *name, const void *data,
		  size_t len, uint64_t expiry);
int pag_token_del(struct pag_handle *h, int32_t pag, uint64_t created_ns,
		  const char *type, const char *name);
typedef int (*pag_token_cb)(const struct pag_token *token, void *arg);
int pag_token_iterate(struct pag_handle *h, int32_t pag, uint64_t created_ns,
		      pag_token_cb cb, void *arg);

/* Events. */
int pag_subscribe(struct pag_handle *h);
int pag_event_read(struct pag_handle *h, struct pag_event *ev);
const char *pag_event_str(enum pag_event_type type);

#ifdef __cplusplus
}
#endif

#endif /* _PAG_PAG_H */
