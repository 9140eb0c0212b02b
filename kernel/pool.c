// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - a pool of blanks, made off the hot path.
 *
 * A PAG needs two keys: its keyring, made with the creator's credentials,
 * and the marker whose destruction tells the module that the PAG ended
 * (registry.c).  Making a key is most of the cost of a session keyring (its
 * random serial alone is a third), so the marker, the registry entry, the
 * link restriction and the keyring's name are made ahead of time by a work
 * item, as a "blank", and a creator takes one from here: setpag then costs
 * the caller about 1.3 times what joining a fresh session keyring costs,
 * not 2.2 times.  The work is moved, not saved: the refill makes the same
 * keys later.
 *
 * Nothing of the creator is in a blank.  Its entry is filled in, and the
 * creation time taken, when it is handed out (pag_create()).
 *
 * When the pool is empty (a burst of creations, or refills failing under
 * memory pressure) the creator makes its blank itself, as before there was
 * a pool: creation never fails for want of a blank that could be made.
 * The refill is queued when a take leaves the pool half empty, on the
 * unbound workqueue, so that on a machine with an idle CPU the caller does
 * not wait for it.
 *
 * Blanks hold no module reference (rmmod is not refused because of them):
 * pag_pool_exit() drains the pool when the module goes.
 */

#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "pag.h"

#define PAG_POOL_SIZE_MAX	1024

static unsigned int pool_size = 16;
module_param(pool_size, uint, 0444);
MODULE_PARM_DESC(pool_size,
		 "PAG markers made ahead of time (0: none, at most 1024; default 16)");

/* A ring of pool_size blanks: pag_pool_count of them from pag_pool_head on. */
static DEFINE_SPINLOCK(pag_pool_lock);
static struct pag_blank *pag_pool;
static unsigned int pag_pool_head;
static unsigned int pag_pool_count;

static void pag_pool_refill(struct work_struct *work);
static DECLARE_WORK(pag_pool_work, pag_pool_refill);

/*
 * Runs alone (a work item never runs on two CPUs at once) and is the only
 * one to add blanks, so a blank it made always has room.  Stops at the
 * first failure: takers then make their own, and the next take queues this
 * again.
 */
static void pag_pool_refill(struct work_struct *work)
{
	struct pag_blank blank;
	bool room;

	for (;;) {
		spin_lock(&pag_pool_lock);
		room = pag_pool_count < pool_size;
		spin_unlock(&pag_pool_lock);
		if (!room || pag_blank_make(&blank))
			return;
		spin_lock(&pag_pool_lock);
		pag_pool[(pag_pool_head + pag_pool_count) % pool_size] = blank;
		pag_pool_count++;
		spin_unlock(&pag_pool_lock);
		cond_resched();
	}
}

/**
 * pag_pool_take() - a blank for a new PAG
 * @blank: gets the blank: the oldest of the pool, or a new one when the
 *	pool is empty
 *
 * Sleeps.
 *
 * Return: 0, or a negative errno from pag_blank_make().
 */
int pag_pool_take(struct pag_blank *blank)
{
	bool taken = false, low;

	spin_lock(&pag_pool_lock);
	if (pag_pool_count) {
		*blank = pag_pool[pag_pool_head];
		pag_pool_head = (pag_pool_head + 1) % pool_size;
		pag_pool_count--;
		taken = true;
	}
	low = pool_size && pag_pool_count <= pool_size / 2;
	spin_unlock(&pag_pool_lock);
	/* Already queued: that run fills the pool up. */
	if (low)
		queue_work(system_unbound_wq, &pag_pool_work);
	return taken ? 0 : pag_blank_make(blank);
}

/**
 * pag_pool_init() - allocate the pool and start filling it
 *
 * Return: 0, or -ENOMEM.
 */
int __init pag_pool_init(void)
{
	pool_size = min(pool_size, PAG_POOL_SIZE_MAX);
	if (!pool_size)
		return 0;
	pag_pool = kcalloc(pool_size, sizeof(*pag_pool), GFP_KERNEL);
	if (!pag_pool)
		return -ENOMEM;
	queue_work(system_unbound_wq, &pag_pool_work);
	return 0;
}

/**
 * pag_pool_exit() - drain the pool
 *
 * Runs when nobody can take a blank any more (pag_create() holds a module
 * reference, and the module is going), so once the refill work is stopped
 * the pool stays as it is.  The markers put here are destroyed by the key
 * GC before pag_registry_exit()'s unregister_key_type() returns.
 */
void pag_pool_exit(void)
{
	cancel_work_sync(&pag_pool_work);
	for (; pag_pool_count; pag_pool_count--) {
		pag_blank_discard(&pag_pool[pag_pool_head]);
		pag_pool_head = (pag_pool_head + 1) % pool_size;
	}
	kfree(pag_pool);
}
