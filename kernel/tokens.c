// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - tokens: the credential set of a PAG.
 *
 * A token is a key linked in the PAG keyring whose type is on a short
 * allowlist: "rxrpc" keys named "afs@CELL" (kafs), "user" and "logon"
 * secrets, and MIT krb5 keyring ccaches (keyrings named "_krb_NAME", made by
 * libkrb5 itself).  Other keys may live in the keyring too (request_key()
 * results, a member's own keyrings); they are not tokens and this interface
 * ignores them.
 *
 * Key types are matched by name, not by address, so that the module does not
 * pin rxrpc.ko.  Payloads never leave through this file: it reports the
 * metadata the key subsystem keeps (type, description, expiry, size, serial).
 */

#include <linux/err.h>
#include <linux/key-type.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include <linux/pag.h>

#include "pag.h"

static void pag_tokens_ntf_work(struct work_struct *work);

/**
 * pag_tokens_init() - set up the token state of a new PAG
 * @pag: the PAG, not yet published
 */
void pag_tokens_init(struct pag *pag)
{
	/*
	 * ACCOUNT: the nodes are charged to the memory cgroup of whoever adds
	 * the token; pag_token_mtimes_prune() bounds how many there are.
	 */
	xa_init_flags(&pag->token_mtimes, XA_FLAGS_ACCOUNT);
	INIT_DELAYED_WORK(&pag->tokens_ntf, pag_tokens_ntf_work);
	pag->tokens_ntf_last = jiffies - PAG_TOKENS_NTF_INTERVAL;
}

/**
 * pag_tokens_exit() - tear down the token state of a PAG
 * @pag: the PAG; its keyring is gone, or was never handed out
 *
 * Nothing can queue a change event any more (every queuer holds the
 * keyring), so a pending one is cancelled for good.  Sleeps.
 */
void pag_tokens_exit(struct pag *pag)
{
	cancel_delayed_work_sync(&pag->tokens_ntf);
	xa_destroy(&pag->token_mtimes);
}

/*
 * The one sender of PAG_CMD_TOKENS_NTF.  The time is taken before the
 * event goes, so that a change racing with the send is covered by the
 * next run, which pag_tokens_changed() has queued (a work item queued
 * while it is running is run once more).
 */
static void pag_tokens_ntf_work(struct work_struct *work)
{
	struct pag *pag = container_of(to_delayed_work(work), struct pag,
				       tokens_ntf);

	WRITE_ONCE(pag->tokens_ntf_last, jiffies);
	pag_nl_notify(pag, PAG_CMD_TOKENS_NTF);
}

/**
 * pag_tokens_changed() - report that the tokens of a PAG changed
 * @pag: the PAG; the caller holds a reference to its keyring
 *
 * Coalesced: the first change after a quiet interval is reported at once,
 * later ones at most once per %PAG_TOKENS_NTF_INTERVAL, and a change made
 * after the last event always gets one more.  Does not sleep, takes no
 * lock of the keyring (the link restriction calls this with the keyring's
 * semaphore held).
 */
void pag_tokens_changed(struct pag *pag)
{
	unsigned long next;
	unsigned long delay = 0;

	next = READ_ONCE(pag->tokens_ntf_last) + PAG_TOKENS_NTF_INTERVAL;
	if (time_before(jiffies, next))
		delay = next - jiffies;
	/* Already queued: that run is still to come and covers this change. */
	queue_delayed_work(system_wq, &pag->tokens_ntf, delay);
}

/**
 * pag_token_type() - whether keys of a type can be tokens
 * @type: the key type
 *
 * Return: true for "rxrpc", "user", "logon" and "keyring" (of which only
 * krb5 ccaches are tokens).
 */
bool pag_token_type(const struct key_type *type)
{
	return type == &key_type_keyring || !strcmp(type->name, "rxrpc") ||
	       !strcmp(type->name, "user") || !strcmp(type->name, "logon");
}

static bool pag_token_type_ok(const struct key *key)
{
	if (key->type == &key_type_keyring)
		return str_has_prefix(key->description, PAG_KRB5_CCACHE_PREFIX);
	return pag_token_type(key->type);
}

/* A live, instantiated key of an allowed type. */
static bool pag_token_ok(const struct key *key)
{
	if (key_read_state(key) != KEY_IS_POSITIVE)
		return false;
	if (test_bit(KEY_FLAG_REVOKED, &key->flags) ||
	    test_bit(KEY_FLAG_INVALIDATED, &key->flags))
		return false;
	return pag_token_type_ok(key);
}

static int pag_token_cmp(const void *a, const void *b)
{
	const struct key *ka = *(struct key * const *)a;
	const struct key *kb = *(struct key * const *)b;

	return ka->serial < kb->serial ? -1 : ka->serial > kb->serial;
}

/**
 * pag_tokens_get() - the tokens of a PAG, with references
 * @keyring: a PAG keyring the caller holds a reference to
 *
 * Expired tokens are included (their expiry is what one wants to see); the
 * key GC unlinks them later.  Every link is resolved with a lookup, so one
 * listing scans at most %PAG_TOKEN_LINKS_MAX links (uapi/linux/pag.h) and
 * a keyring holding more is refused.  The keyring's semaphore is held for reading
 * while the serials it lists are resolved, so every key found is still
 * linked in it (unlinking takes the semaphore for writing): a serial reused
 * by an unrelated key cannot be mistaken for a token.
 *
 * Return: the tokens sorted by serial (free with pag_tokens_put()), or an
 * ERR_PTR: -EOVERFLOW when the keyring holds more than
 * %PAG_TOKEN_LINKS_MAX links (tokens or not), -ENOMEM.
 */
struct pag_tokens *pag_tokens_get(struct key *keyring)
{
	struct pag_tokens *set = NULL;
	key_serial_t *serials = NULL;
	unsigned int i, n;
	key_ref_t ref;
	long len;

	down_read(&keyring->sem);
	n = keyring->keys.nr_leaves_on_tree;
	if (n > PAG_TOKEN_LINKS_MAX) {
		len = -EOVERFLOW;
		goto out;
	}
	set = kvmalloc(struct_size(set, keys, n), GFP_KERNEL | __GFP_NOWARN);
	serials = kvmalloc_array(max(n, 1U), sizeof(*serials),
				 GFP_KERNEL | __GFP_NOWARN);
	if (!set || !serials) {
		len = -ENOMEM;
		goto out;
	}
	/* The keyring type's ->read() lists the serials of the links. */
	len = key_type_keyring.read(keyring, (char *)serials,
				    n * sizeof(*serials));
	if (len < 0)
		goto out;
	set->n = 0;
	for (i = 0; i < n; i++) {
		/* PARTIAL: never wait for a key under construction here. */
		ref = lookup_user_key(serials[i], KEY_LOOKUP_PARTIAL,
				      KEY_DEFER_PERM_CHECK);
		if (IS_ERR(ref))
			continue;
		if (!pag_token_ok(key_ref_to_ptr(ref))) {
			key_ref_put(ref);
			continue;
		}
		set->keys[set->n++] = key_ref_to_ptr(ref);
	}
	len = 0;
out:
	up_read(&keyring->sem);
	kvfree(serials);
	if (len) {
		kvfree(set);
		return ERR_PTR(len);
	}
	sort(set->keys, set->n, sizeof(set->keys[0]), pag_token_cmp, NULL);
	return set;
}

/**
 * pag_tokens_put() - drop a set returned by pag_tokens_get()
 * @set: the set, or an ERR_PTR or NULL
 */
void pag_tokens_put(struct pag_tokens *set)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(set))
		return;
	for (i = 0; i < set->n; i++)
		key_put(set->keys[i]);
	kvfree(set);
}

/**
 * pag_token_count() - the number of tokens in a PAG
 * @keyring: a PAG keyring the caller holds a reference to
 *
 * Return: the count, or a negative errno when it cannot be taken (more
 * than %PAG_TOKEN_LINKS_MAX links: -EOVERFLOW; -ENOMEM).
 */
int pag_token_count(struct key *keyring)
{
	struct pag_tokens *set;
	int n;

	/* The common case for NEW and most GETs: skip the walk. */
	if (!READ_ONCE(keyring->keys.nr_leaves_on_tree))
		return 0;
	set = pag_tokens_get(keyring);
	if (IS_ERR(set))
		return PTR_ERR(set);
	n = set->n;
	pag_tokens_put(set);
	return n;
}

/**
 * pag_token_mtime() - when a token was last set through the family
 * @pag: the PAG
 * @key: one of its tokens
 *
 * Return: CLOCK_REALTIME seconds, or 0 if the token was not made or
 * replaced by PAG_CMD_TOKEN_ADD (the key subsystem keeps no change time).
 */
time64_t pag_token_mtime(struct pag *pag, const struct key *key)
{
	void *entry = xa_load(&pag->token_mtimes, key->serial);

	return xa_is_value(entry) ? xa_to_value(entry) : 0;
}

/*
 * Drop the change times of keys no longer linked in the PAG keyring (a
 * member's "keyctl clear", a replaced rxrpc key, unlinks and expiries), so
 * that the map holds at most one entry per link.  The keyring's semaphore
 * is held for reading from the listing to the last erasure: a key linked
 * meanwhile (which needs it for writing) gets its entry stored after this
 * pass, never erased by it.
 */
static void pag_token_mtimes_prune(struct pag *pag, struct key *keyring)
{
	struct xarray *xa = &pag->token_mtimes;
	key_serial_t *serials;
	unsigned long index;
	unsigned int i, n;
	void *entry;
	long len;

	down_read(&keyring->sem);
	n = keyring->keys.nr_leaves_on_tree;
	serials = kvmalloc_array(max(n, 1U), sizeof(*serials),
				 GFP_KERNEL | __GFP_NOWARN);
	if (!serials)
		goto out;
	len = key_type_keyring.read(keyring, (char *)serials,
				    n * sizeof(*serials));
	if (len < 0)
		goto out;
	n = min_t(unsigned long, n, len / sizeof(*serials));
	for (i = 0; i < n; i++)
		if (serials[i] > 0 && xa_load(xa, serials[i]))
			xa_set_mark(xa, serials[i], XA_MARK_1);
	xa_for_each(xa, index, entry) {
		if (xa_get_mark(xa, index, XA_MARK_1))
			xa_clear_mark(xa, index, XA_MARK_1);
		else
			xa_erase(xa, index);
	}
out:
	up_read(&keyring->sem);
	kvfree(serials);
}

/**
 * pag_token_add() - add or replace a token in a PAG
 * @keyring: the PAG keyring, referenced by the caller
 * @type: key type name, one of "rxrpc", "user", "logon" (checked by the
 *	caller)
 * @name: key description
 * @data: payload, handed to the key type's parser
 * @len: payload size
 * @timeout: seconds from now until the token expires (the caller has
 *	turned an expiry in the future into at least 1), or 0 for the key
 *	type's own (rxrpc: the token's) or none
 * @host: the caller is outside the PAG (and so has CAP_SYS_ADMIN in the
 *	initial user namespace): the key is not charged to its key quota
 *
 * The key is owned by the caller and carries possessor-only permissions:
 * members reach it by possession, nobody else sees it, not even its owner
 * outside the PAG (/proc/keys included).  A member's add is charged to its
 * key quota like add_key().  A key of the same type and name is replaced:
 * updated in place for types that can be updated (it then keeps its
 * permissions), relinked otherwise.  rxrpc keys belong to the calling
 * task's network namespace.
 *
 * Return: the token, with a reference for the caller, or an ERR_PTR
 * (-ENODEV: key type not available; others from the key type's parser or
 * the key subsystem).
 */
struct key *pag_token_add(struct key *keyring, const char *type,
			  const char *name, const void *data, size_t len,
			  unsigned int timeout, bool host)
{
	struct pag *pag = pag_of_keyring(keyring);
	bool retried = false;
	struct key *key;
	key_ref_t ref;

again:
	/*
	 * BYPASS_RESTRICTION: the restriction only keeps markers out (not
	 * possible here) and reports members' own changes; this change is
	 * reported by the caller once it is complete.
	 */
	ref = key_create_or_update(make_key_ref(keyring, true), type, name,
				   data, len, KEY_POS_ALL,
				   (host ? KEY_ALLOC_NOT_IN_QUOTA :
					   KEY_ALLOC_IN_QUOTA) |
				   KEY_ALLOC_BYPASS_RESTRICTION);
	if (IS_ERR(ref) && PTR_ERR(ref) == -ENODEV && !retried &&
	    !strcmp(type, "rxrpc")) {
		/* The key type comes with the protocol module. */
		retried = true;
		if (!request_module("net-pf-%d", PF_RXRPC))
			goto again;
	}
	if (IS_ERR(ref))
		return ERR_CAST(ref);
	key = key_ref_to_ptr(ref);

	if (timeout)
		key_set_timeout(key, timeout);
	else if (key->type->update)
		key_set_timeout(key, 0);	/* replaced: no old expiry */
	xa_store(&pag->token_mtimes, key->serial,
		 xa_mk_value(ktime_get_real_seconds()), GFP_KERNEL);
	pag_token_mtimes_prune(pag, keyring);
	return key;
}

/**
 * pag_token_del() - delete the tokens of a type and name from a PAG
 * @keyring: the PAG keyring, referenced by the caller
 * @type: key type name
 * @name: key description
 *
 * rxrpc keys of that name are deleted whatever network namespace they were
 * made in.
 *
 * Return: the number of tokens deleted (0: none matched), or a negative
 * errno.
 */
int pag_token_del(struct key *keyring, const char *type, const char *name)
{
	struct pag *pag = pag_of_keyring(keyring);
	struct pag_tokens *set;
	unsigned int i;
	int n = 0;

	set = pag_tokens_get(keyring);
	if (IS_ERR(set))
		return PTR_ERR(set);
	for (i = 0; i < set->n; i++) {
		struct key *key = set->keys[i];

		if (strcmp(key->type->name, type) ||
		    strcmp(key->description, name))
			continue;
		if (key_unlink(keyring, key) == 0) {
			xa_erase(&pag->token_mtimes, key->serial);
			n++;
		}
	}
	pag_tokens_put(set);
	return n;
}
