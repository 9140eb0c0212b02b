// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - PAG keyrings and the registry of live PAGs.
 *
 * A PAG keyring is made with a link restriction whose key is a "marker" of
 * the module's own key type ".pag".  Nothing but that restriction refers to
 * the marker: it is linked in no keyring, grants no permission to anyone, and
 * userspace can neither create nor request keys of a type whose name starts
 * with '.'.  keyring_destroy() puts the restriction's key, so the marker's
 * ->destroy() runs exactly once, in the key garbage collector, after the PAG
 * keyring itself is gone: that is the end of the PAG, learnt without polling.
 *
 * The marker owns the registry entry (struct pag) and, once its PAG is
 * handed out, a reference on this module: module code (the restriction
 * check, the marker's type) is reachable from every live PAG keyring, so the
 * module cannot be unloaded while one lives.
 *
 * Everything but the keyring and the registry slot - marker, entry,
 * restriction, name - is made ahead of time as a "blank"
 * (pag_blank_make()), kept in a small pool (pool.c) and handed out by
 * pag_create(), which makes the keyring with the creator's credentials,
 * takes the creation time and publishes the entry.  A blank is no PAG: its
 * entry is not in the registry, and its marker is destroyed without an
 * event when the pool is drained.
 *
 * The registry is an xarray of PAG ids, indexed by a number handed out
 * cyclically at creation (struct pag.index): key serials are random, and an
 * xarray indexed by them would need several fresh nodes for almost every
 * PAG, while consecutive indices fill one node after another.  It holds ids
 * (xa_mk_value), not entries: walkers resolve an id to a referenced keyring
 * with pag_lookup() and never touch an entry they hold no reference to, so
 * entries need no RCU freeing.
 */

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include <linux/pag.h>

#include "pag.h"

/*
 * Possessors (the PAG's members) may view, read, search and add to the
 * keyring - what kafs, MIT krb5 and keyctl need - but not link it elsewhere
 * (which KEYCTL_SESSION_TO_PARENT also needs) nor change its attributes
 * (permissions, owner, timeout, restriction).  Nobody else gets anything.
 */
#define PAG_KEYRING_PERM \
	(KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH)

static DEFINE_XARRAY_ALLOC(pag_registry);
static u32 pag_registry_next_index;
static atomic64_t pag_next_name = ATOMIC64_INIT(0);

/*
 * The credentials pag_lookup() runs lookup_user_key() with.
 * lookup_user_key() is the only exported way from a serial to a key, and
 * after finding the key it searches the caller's keyrings to learn whether
 * the caller possesses it.  pag_lookup() checks no permission and drops
 * that answer, yet the search is most of the lookup's cost: for a caller in
 * no session keyring (a daemon, `pag list` from a service) it is a search
 * of its user's session keyring, found by name in the user namespace's
 * register, for each PAG of a dump.  These credentials are the kernel's,
 * with an empty keyring of the module's as their only keyring: the search
 * ends at once.  The keyring is root's, outside the quota, and grants
 * nothing but search to its possessors, which nobody but these
 * credentials is.
 */
static const struct cred *pag_lookup_cred;

/* The entry's references; its token state is torn down already. */
static void pag_free(struct pag *pag)
{
	put_pid(pag->creator);
	put_user_ns(pag->user_ns);
	kfree(pag);
}

/*
 * Called by key_instantiate_and_link() with the registry entry as data: from
 * here until pag_marker_destroy() the marker owns the entry and, once it
 * is published, the module reference pag_create() took for it.
 */
static int pag_marker_instantiate(struct key *marker,
				  struct key_preparsed_payload *prep)
{
	marker->payload.data[PAG_MARKER_ENTRY] = (void *)prep->data;
	return 0;
}

/*
 * The end of a PAG, or of a blank that never became one (drained from the
 * pool, or handed out to a creation that failed): only a published entry
 * was a PAG, with events and a module reference.
 */
static void pag_marker_destroy(struct key *marker)
{
	struct pag *pag = marker->payload.data[PAG_MARKER_ENTRY];
	bool published = pag->published;

	/* Its keyring is gone: no TOKENS_NTF may follow the ENDED event. */
	pag_tokens_exit(pag);
	if (published) {
		xa_erase(&pag_registry, pag->index);
		pag_nl_notify(pag, PAG_CMD_ENDED_NTF);
	}
	pag_free(pag);
	/*
	 * ORDER: last.  pag_registry_exit() cannot run before this GC pass
	 * has returned from here, see there.
	 */
	if (published)
		module_put(THIS_MODULE);
}

static void pag_marker_describe(const struct key *marker, struct seq_file *m)
{
	seq_puts(m, marker->description);
}

static struct key_type pag_marker_type = {
	.name		= ".pag",
	.instantiate	= pag_marker_instantiate,
	.destroy	= pag_marker_destroy,
	.describe	= pag_marker_describe,
};

/*
 * Markers can be linked nowhere already (no LINK permission), this refuses
 * them in PAG keyrings even to kernel callers, so that nothing but the
 * restriction ever refers to one.
 *
 * Every other link into a PAG keyring passes here first - add_key() (new
 * key or update), KEYCTL_LINK, KEYCTL_MOVE, request_key() - so this is also
 * where members' own token changes are reported.  The hook runs with the
 * keyring's semaphore held for writing, before the link is made (it may
 * still fail): a listener's PAG_CMD_TOKEN_GET blocks on that semaphore and
 * so sees the change.  The description is not passed to the hook, so every
 * keyring linked counts as a possible krb5 ccache.
 */
static int pag_restrict_link(struct key *keyring, const struct key_type *type,
			     const union key_payload *payload,
			     struct key *restriction_key)
{
	if (type == &pag_marker_type)
		return -EPERM;
	if (pag_token_type(type))
		pag_tokens_changed(restriction_key->payload.data[PAG_MARKER_ENTRY]);
	return 0;
}

/**
 * pag_blank_make() - make all a PAG needs but its keyring
 * @blank: gets the blank
 *
 * Called by the pool's refill work, or by a creator that found the pool
 * empty.  The marker is root's and outside the key quota whoever calls;
 * the caller's credentials only label it for the security modules.
 *
 * Return: 0, or a negative errno; nothing is left behind on error.
 */
int pag_blank_make(struct pag_blank *blank)
{
	struct key_restriction *restriction;
	struct key *marker;
	struct pag *pag;
	int err = -ENOMEM;

	pag = kzalloc(sizeof(*pag), GFP_KERNEL);
	if (!pag)
		return -ENOMEM;
	pag_tokens_init(pag);
	INIT_LIST_HEAD(&pag->holders);
	restriction = kzalloc(sizeof(*restriction), GFP_KERNEL);
	if (!restriction)
		goto err_pag;
	marker = key_alloc(&pag_marker_type, "pag", GLOBAL_ROOT_UID,
			   GLOBAL_ROOT_GID, current_cred(), 0,
			   KEY_ALLOC_NOT_IN_QUOTA, NULL);
	if (IS_ERR(marker)) {
		err = PTR_ERR(marker);
		goto err_restriction;
	}
	err = key_instantiate_and_link(marker, pag, 0, NULL, NULL);
	if (err) {
		/* Never instantiated: ->destroy() will not run. */
		key_put(marker);
		goto err_restriction;
	}

	/* From here on, putting the marker frees the entry. */
	restriction->check = pag_restrict_link;
	restriction->key = marker;
	/*
	 * Should a PAG keyring ever outlive the marker type, unregistering
	 * the type makes the key GC replace the check with a plain refusal
	 * instead of leaving it pointing into unloaded module text.
	 */
	restriction->keytype = &pag_marker_type;
	blank->marker = marker;
	blank->restriction = restriction;
	snprintf(blank->name, sizeof(blank->name), PAG_KEYRING_PREFIX "%llu",
		 (unsigned long long)atomic64_inc_return(&pag_next_name));
	return 0;

err_restriction:
	kfree(restriction);
err_pag:
	kfree(pag);
	return err;
}

/**
 * pag_blank_discard() - drop a blank that will not become a PAG
 * @blank: the blank; its marker's destructor frees the entry, later
 */
void pag_blank_discard(struct pag_blank *blank)
{
	kfree(blank->restriction);
	key_put(blank->marker);
}

/*
 * What a blank's entry learns from its creator.  @cred still holds the
 * creator's session keyring, which it keeps alive: the PAG it is leaving
 * for this one, if any.  Only its incarnation is kept, not a reference: the
 * parent may end first.
 */
static void pag_fill(struct pag *pag, const struct cred *cred)
{
	const struct pag *parent = pag_of_keyring(cred->session_keyring);

	if (parent) {
		pag->parent_id = parent->id;
		pag->parent_created_ns = parent->created_ns;
	}
	pag->owner = cred->fsuid;
	pag->user_ns = get_user_ns(cred->user_ns);
	pag->creator = get_task_pid(current, PIDTYPE_PID);
	get_task_comm(pag->comm, current);
}

/*
 * The key quota is per kuid.  A creator with CAP_SYS_ADMIN in the initial
 * user namespace (the host making PAGs for its containers) is not charged:
 * root's quota is shared with every rootful container that has no user
 * namespace of its own, which could otherwise exhaust it for the host.
 * Everybody else is charged like for any session keyring.
 */
static unsigned long pag_quota_flags(void)
{
	if (ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return KEY_ALLOC_NOT_IN_QUOTA;
	return KEY_ALLOC_IN_QUOTA;
}

/**
 * pag_create() - make a new PAG keyring and register it
 * @cred: credentials of the creator (owner, quota, user namespace, and
 *	the session keyring it is leaving: the parent PAG, if it is one)
 *
 * The keyring is charged to the creator's key quota like any session
 * keyring, unless the creator has CAP_SYS_ADMIN in the initial user
 * namespace, and is installed nowhere yet.  It does not carry the KEEP flag:
 * the keys layer copies KEEP onto every key instantiated in a KEEP
 * keyring, and nested keyrings pass it on, so MIT krb5 could then neither
 * clear a ccache keyring (kinit into an existing cache) nor unlink its
 * credentials (kdestroy).  The rest comes from a blank of the pool.
 *
 * Return: the keyring, with a reference for the caller, or an ERR_PTR.
 */
struct key *pag_create(const struct cred *cred)
{
	struct pag_blank blank;
	struct key *keyring;
	struct pag *pag;
	int err;

	/*
	 * The reference the marker will own.  Generic netlink does not pin
	 * the module for a request, and __module_get() would succeed on a
	 * module already being unloaded: refuse creation once that began.
	 */
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	err = pag_pool_take(&blank);
	if (err)
		goto err_module;
	pag = blank.marker->payload.data[PAG_MARKER_ENTRY];
	pag_fill(pag, cred);

	keyring = keyring_alloc(blank.name, cred->fsuid, cred->fsgid, cred,
				PAG_KEYRING_PERM,
				pag_quota_flags(), blank.restriction, NULL);
	if (IS_ERR(keyring)) {
		/* key_alloc() failed: the restriction is still ours. */
		pag_blank_discard(&blank);
		err = PTR_ERR(keyring);
		goto err_module;
	}

	/*
	 * From here on, putting the keyring puts the marker.
	 *
	 * ORDER: the creation time is taken once the serial is ours, when the
	 * blank is handed out, not when it was made.  A socket tagged by the
	 * previous holder of the serial was tagged while that keyring lived,
	 * so before this: a tag is never newer than the PAG it did not come
	 * from.
	 */
	pag->id = keyring->serial;
	pag->created_ns = ktime_get_boottime_ns();
	blank.marker->payload.data[PAG_MARKER_CREATED_NS] =
		(void *)(unsigned long)pag->created_ns;
	err = xa_alloc_cyclic(&pag_registry, &pag->index,
			      xa_mk_value(pag->id), xa_limit_32b,
			      &pag_registry_next_index, GFP_KERNEL);
	if (err < 0) {
		key_put(keyring);
		goto err_module;
	}
	pag->published = true;
	return keyring;

err_module:
	module_put(THIS_MODULE);
	return ERR_PTR(err);
}

/**
 * pag_of_keyring() - the PAG a keyring is, if any
 * @keyring: a keyring the caller holds a reference to, or NULL
 *
 * A keyring is a PAG when its link restriction carries one of our markers.
 * The restriction of a PAG keyring is set at allocation and never changes.
 *
 * Return: the registry entry, valid as long as the reference, or NULL.
 */
struct pag *pag_of_keyring(const struct key *keyring)
{
	const struct key_restriction *restriction;

	if (!keyring || keyring->type != &key_type_keyring)
		return NULL;
	restriction = READ_ONCE(keyring->restrict_link);
	if (!restriction || restriction->check != pag_restrict_link ||
	    !restriction->key || restriction->key->type != &pag_marker_type)
		return NULL;
	return restriction->key->payload.data[PAG_MARKER_ENTRY];
}

/**
 * pag_lookup() - find a live PAG keyring by id
 * @id: the PAG id
 *
 * No key permission is checked: the caller decides who may see which PAG.
 * The caller's keyrings are not searched either (see pag_lookup_cred).
 * A keyring whose last reference is gone is not found even if the GC has
 * not yet removed its entry from the registry.
 *
 * Return: the keyring with a reference for the caller, or NULL.
 */
struct key *pag_lookup(key_serial_t id)
{
	const struct cred *old;
	key_ref_t ref;
	struct key *keyring;

	if (id <= 0)
		return NULL;
	/*
	 * PARTIAL: a reused id may name a key under construction by someone
	 * else's request_key(); never wait for it (PAG keyrings are
	 * instantiated when they are made).
	 */
	old = override_creds(pag_lookup_cred);
	ref = lookup_user_key(id, KEY_LOOKUP_PARTIAL, KEY_DEFER_PERM_CHECK);
	revert_creds(old);
	if (IS_ERR(ref))
		return NULL;
	keyring = key_ref_to_ptr(ref);
	if (!pag_of_keyring(keyring)) {
		key_put(keyring);
		return NULL;
	}
	return keyring;
}

/**
 * pag_view_current() - how the calling task sees ids
 * @view: gets its user and pid namespaces, its session keyring and whether
 *	that is its process default
 */
void pag_view_current(struct pag_view *view)
{
	view->user_ns = current_user_ns();
	view->pid_ns = task_active_pid_ns(current);
	view->self = current_cred()->session_keyring;
	view->switched = pag_ref_switched();
}

/**
 * pag_describe() - the attributes of a PAG, as a viewer sees them
 * @pag: the PAG
 * @keyring: its keyring, referenced by the caller, or NULL when it is gone
 *	(then the token count is 0)
 * @view: the viewer
 * @info: gets the attributes
 *
 * The one place that turns a registry entry into what the netlink family
 * and /dev/pag report.
 */
void pag_describe(const struct pag *pag, struct key *keyring,
		  const struct pag_view *view, struct pag_ioc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = pag->id;
	info->owner_uid = from_kuid_munged(view->user_ns, pag->owner);
	info->creator_pid = pid_nr_ns(pag->creator, view->pid_ns);
	info->created_ns = pag->created_ns;
	if (keyring && keyring == view->self)
		info->flags |= PAG_F_SELF;
	if (keyring && keyring == view->self && view->switched)
		info->flags |= PAG_F_SWITCHED;
	if (test_bit(PAG_FLAG_ADMIN_ENTERED, &pag->flags))
		info->flags |= PAG_F_ADMIN_ENTERED;
	if (keyring) {
		int n = pag_token_count(keyring);

		/* Never a made-up count: over PAG_TOKEN_LINKS_MAX links, none. */
		if (n >= 0)
			info->token_count = n;
		else
			info->flags |= PAG_F_TOKEN_COUNT_UNKNOWN;
	}
	BUILD_BUG_ON(sizeof(info->creator_comm) != sizeof(pag->comm));
	memcpy(info->creator_comm, pag->comm, sizeof(info->creator_comm));
}

/**
 * pag_registry_next() - iterate over the live PAGs
 * @index: in: the first registry index to consider; out: the index found
 *
 * PAGs come in creation order (until the indices wrap around).  Ending PAGs
 * are skipped, and so is an entry whose id was reused, before the GC
 * reached its marker, by a newer PAG (which has an entry of its own).
 *
 * Return: the keyring of the PAG found, with a reference for the caller,
 * or NULL when there are no more.
 */
struct key *pag_registry_next(unsigned long *index)
{
	struct key *keyring;
	void *entry;

	for (; (entry = xa_find(&pag_registry, index, ULONG_MAX, XA_PRESENT));
	     (*index)++) {
		keyring = pag_lookup(xa_to_value(entry));
		if (!keyring)
			continue;
		if (pag_of_keyring(keyring)->index == *index)
			return keyring;
		key_put(keyring);
	}
	return NULL;
}

/* Makes pag_lookup_cred: the kernel's credentials and an empty keyring. */
static int __init pag_lookup_cred_init(void)
{
	struct key *keyring;
	struct cred *cred;

	cred = prepare_kernel_cred(&init_task);
	if (!cred)
		return -ENOMEM;
	keyring = keyring_alloc("pag:lookup", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				cred, KEY_POS_SEARCH, KEY_ALLOC_NOT_IN_QUOTA,
				NULL, NULL);
	if (IS_ERR(keyring)) {
		abort_creds(cred);
		return PTR_ERR(keyring);
	}
	/* The credentials own the keyring from here: put with them. */
	cred->session_keyring = keyring;
	pag_lookup_cred = cred;
	return 0;
}

/**
 * pag_registry_init() - register the marker key type
 *
 * Return: 0 on success, or a negative errno.
 */
int __init pag_registry_init(void)
{
	int err;

	err = pag_lookup_cred_init();
	if (err)
		return err;
	err = register_key_type(&pag_marker_type);
	if (err)
		put_cred(pag_lookup_cred);
	return err;
}

/**
 * pag_registry_exit() - unregister the marker key type, drop pag_lookup_cred
 *
 * Runs only when the module's reference count is zero, so every marker of a
 * PAG has been destroyed, and after pag_pool_exit() has put the markers of
 * the blanks.  unregister_key_type() waits for a full pass of the key GC,
 * which destroys those, and a pag_marker_destroy() still returning from its
 * module_put() has finished before the module text goes away.
 */
void pag_registry_exit(void)
{
	/*
	 * ORDER: the credentials go first, and their RCU free is waited for,
	 * so that the GC pass unregister_key_type() waits for also collects
	 * their keyring: root's keys are back to what they were before the
	 * module loaded once rmmod returns.
	 */
	put_cred(pag_lookup_cred);
	rcu_barrier();
	unregister_key_type(&pag_marker_type);
	WARN_ON(!xa_empty(&pag_registry));
}
