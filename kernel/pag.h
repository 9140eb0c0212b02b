/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process Authentication Groups - internal interfaces of pag.ko.
 *
 * A PAG is a keyring made by this module and installed as a task's session
 * keyring.  Each PAG keyring carries, as the key of its link restriction, a
 * module-owned "marker" key; the marker owns the registry entry below and
 * is destroyed by the key garbage collector only once the keyring itself has
 * been destroyed, which is how the module learns that a PAG ended.  Markers
 * are made ahead of time, off the path of the caller, and kept in a small
 * pool (pool.c).  See Documentation/security/pag.rst.
 */
#ifndef _PAG_H
#define _PAG_H

#include <linux/key.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <linux/pag.h>

struct pid;
struct pid_namespace;
struct user_namespace;

/* Description prefix of the collection keyring of an MIT krb5 KEYRING: ccache. */
#define PAG_KRB5_CCACHE_PREFIX	"_krb_"

/*
 * What a marker's payload holds: the registry entry, and the PAG's creation
 * time (CLOCK_BOOTTIME ns), which the BPF LSM program reads with CO-RE
 * loads (keyring->restrict_link->key->payload.data[1]) to tag sockets with
 * the incarnation of their PAG, not just its reusable id.
 */
#define PAG_MARKER_ENTRY	0
#define PAG_MARKER_CREATED_NS	1

/* Room for a PAG keyring's description: PAG_KEYRING_PREFIX and a u64. */
#define PAG_NAME_SIZE		(sizeof(PAG_KEYRING_PREFIX) + 20)

/* Bits of pag.flags; the values are the PAG_F_* flags of the uapi. */
#define PAG_FLAG_ADMIN_ENTERED	1

/**
 * struct pag - a live PAG, as the registry knows it
 * @id: the PAG id: serial of its keyring
 * @index: its index in the registry
 * @owner: owner of the keyring (the creator's fsuid)
 * @user_ns: user namespace of the creator
 * @creator: the creating thread
 * @created_ns: creation time, CLOCK_BOOTTIME nanoseconds, taken once the
 *	keyring (and so the id) exists; (@id, @created_ns) names one PAG for
 *	ever, the id alone only while the PAG lives
 * @parent_id: the PAG the creating thread was in (its session keyring)
 *	when it made this one, or 0
 * @parent_created_ns: that parent's creation time, or 0: with @parent_id,
 *	its incarnation, reported in the creation event only
 * @flags: PAG_FLAG_* bits, set at most once each
 * @published: the entry is in the registry, and its marker owns a module
 *	reference (set before the keyring is handed out, read by the marker's
 *	destructor); an entry that is not was never a PAG
 * @comm: command name of the creator at creation time
 * @token_mtimes: key serial -> CLOCK_REALTIME seconds (xa_mk_value) of the
 *	last PAG_CMD_TOKEN_ADD of each token made through the family; pruned
 *	to the keys linked in the keyring on each add
 * @tokens_ntf: sends the coalesced PAG_CMD_TOKENS_NTF (tokens.c)
 * @tokens_ntf_last: jiffies of the last run of @tokens_ntf
 * @holders: the processes holding handles to the PAG, struct pag_holder
 *	(ref.c), under its lock
 *
 * @id, @created_ns and the fields about the creator are filled in when the
 * entry is handed out to a creator, not when it is made (pag_blank_make()).
 * Everything but @flags is fixed once the entry is published.  An entry is
 * only dereferenced by someone holding a reference to its keyring (which
 * pins the marker, which owns the entry), or by the marker's destructor.
 */
struct pag {
	key_serial_t id;
	u32 index;
	kuid_t owner;
	struct user_namespace *user_ns;
	struct pid *creator;
	u64 created_ns;
	key_serial_t parent_id;
	u64 parent_created_ns;
	unsigned long flags;
	bool published;
	char comm[TASK_COMM_LEN];
	struct xarray token_mtimes;
	struct delayed_work tokens_ntf;
	unsigned long tokens_ntf_last;
	struct list_head holders;
};

/*
 * TOKENS_NTF: at most one per PAG per interval (PAG_TOKENS_NTF_INTERVAL_MS
 * in uapi/linux/pag.h), the first one after a quiet interval at once.
 */
#define PAG_TOKENS_NTF_INTERVAL	msecs_to_jiffies(PAG_TOKENS_NTF_INTERVAL_MS)

/**
 * struct pag_blank - all a PAG needs but its keyring, made ahead of time
 * @marker: an instantiated marker owning an unpublished entry, and no
 *	module reference yet
 * @restriction: the keyring's link restriction, naming @marker
 * @name: the keyring's description
 *
 * Nothing in a blank depends on who will create the PAG: the marker is
 * root's and outside the quota whoever makes it.
 */
struct pag_blank {
	struct key *marker;
	struct key_restriction *restriction;
	char name[PAG_NAME_SIZE];
};

/**
 * struct pag_view - how the receiver of a PAG's description sees ids
 * @user_ns: its user namespace (uids)
 * @pid_ns: its pid namespace (pids)
 * @self: its session keyring (PAG_F_SELF), or NULL
 * @switched: @self is not its process default (PAG_F_SWITCHED)
 */
struct pag_view {
	struct user_namespace *user_ns;
	struct pid_namespace *pid_ns;
	const struct key *self;
	bool switched;
};

/**
 * struct pag_tokens - the tokens of a PAG at one moment
 * @n: number of tokens
 * @keys: the tokens, sorted by serial, each with a reference
 */
struct pag_tokens {
	unsigned int n;
	struct key *keys[];
};

/* registry.c */
int pag_registry_init(void);
void pag_registry_exit(void);
int pag_blank_make(struct pag_blank *blank);
void pag_blank_discard(struct pag_blank *blank);
struct key *pag_create(const struct cred *cred);
struct pag *pag_of_keyring(const struct key *keyring);
struct key *pag_lookup(key_serial_t id);
struct key *pag_registry_next(unsigned long *index);
void pag_view_current(struct pag_view *view);
void pag_describe(const struct pag *pag, struct key *keyring,
		  const struct pag_view *view, struct pag_ioc_info *info);

/* pool.c */
int pag_pool_init(void);
void pag_pool_exit(void);
int pag_pool_take(struct pag_blank *blank);

/* session.c */
struct key *pag_session_new(void);
int pag_session_leave(void);
struct key *pag_session_get(void);
int pag_session_enter(struct key *keyring);
int pag_session_switch(struct key *keyring);

/* ref.c */
int pag_ref_make(bool new);
int pag_ref_switch(int fd);
int pag_ref_set_default(int fd);
int pag_ref_switch_default(void);
bool pag_ref_switched(void);
unsigned int pag_ref_holders(const struct pag *pag, struct pid_namespace *ns,
			     u32 *pids, unsigned int max, unsigned int *npids);

/* tokens.c */
void pag_tokens_init(struct pag *pag);
void pag_tokens_exit(struct pag *pag);
void pag_tokens_changed(struct pag *pag);
bool pag_token_type(const struct key_type *type);
struct pag_tokens *pag_tokens_get(struct key *keyring);
void pag_tokens_put(struct pag_tokens *set);
int pag_token_count(struct key *keyring);
time64_t pag_token_mtime(struct pag *pag, const struct key *key);
struct key *pag_token_add(struct key *keyring, const char *type,
			  const char *name, const void *data, size_t len,
			  unsigned int timeout, bool host);
int pag_token_del(struct key *keyring, const char *type, const char *name);

/* dev.c */
long pag_ioc_describe(struct key *keyring, struct pag_ioc_info __user *uinfo);
int pag_dev_init(void);
void pag_dev_exit(void);

/* netlink.c */
int pag_nl_init(void);
void pag_nl_exit(void);
void pag_nl_notify(const struct pag *pag, u8 cmd);

#endif /* _PAG_H */
