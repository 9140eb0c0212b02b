/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process Authentication Groups - internal interfaces of pag.ko.
 *
 * A PAG is a keyring made by this module and installed as a task's session
 * keyring.  Each PAG keyring carries, as the key of its link restriction, a
 * module-owned "marker" key; the marker owns the registry entry below and
 * is destroyed by the key garbage collector only once the keyring itself has
 * been destroyed, which is how the module learns that a PAG ended.  See
 * Documentation/security/pag.rst.
 */
#ifndef _PAG_H
#define _PAG_H

#include <linux/key.h>
#include <linux/sched.h>
#include <linux/types.h>

struct pid;
struct user_namespace;

/* Bits of pag.flags; the values are the PAG_F_* flags of the uapi. */
#define PAG_FLAG_ADMIN_ENTERED	1

/**
 * struct pag - a live PAG, as the registry knows it
 * @id: the PAG id: serial of its keyring
 * @owner: owner of the keyring (the creator's fsuid)
 * @user_ns: user namespace of the creator
 * @creator: the creating thread
 * @created_ns: creation time, CLOCK_BOOTTIME nanoseconds
 * @flags: PAG_FLAG_* bits, set at most once each
 * @published: the entry is in the registry (set before the keyring is
 *	handed out, read by the marker's destructor)
 * @comm: command name of the creator at creation time
 *
 * Everything but @flags is fixed once the entry is published.  An entry is
 * only dereferenced by someone holding a reference to its keyring (which
 * pins the marker, which owns the entry), or by the marker's destructor.
 */
struct pag {
	key_serial_t id;
	kuid_t owner;
	struct user_namespace *user_ns;
	struct pid *creator;
	u64 created_ns;
	unsigned long flags;
	bool published;
	char comm[TASK_COMM_LEN];
};

/* registry.c */
int pag_registry_init(void);
void pag_registry_exit(void);
struct key *pag_create(const struct cred *cred);
struct pag *pag_of_keyring(const struct key *keyring);
struct key *pag_lookup(key_serial_t id);
bool pag_registry_next(unsigned long *index);

/* session.c */
struct key *pag_session_new(void);
int pag_session_leave(void);
struct key *pag_session_get(void);
unsigned int pag_token_count(const struct key *keyring);

/* netlink.c */
int pag_nl_init(void);
void pag_nl_exit(void);
void pag_nl_notify(const struct pag *pag, u8 cmd);

#endif /* _PAG_H */
