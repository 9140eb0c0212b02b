// SPDX-License-Identifier: GPL-2.0
/*
 * Remove one PAG incarnation from every fence.  PAG ids are keyring
 * serials and are reused, so when a PAG ends its entry must leave the
 * fences that admitted it.  pag_fence_forget() of libpag runs this
 * iterator over the pinned fence map once per ended PAG, holding the lock
 * that serializes every fence write (two forgets never interleave).
 *
 * The pag_lsm programs read a fence while this writes it, without a lock,
 * so every state a reader can see must stay searchable and must never
 * admit a PAG incarnation that the fence did not admit before or after.
 * An entry is 16 bytes (id, creation time) and is written with three
 * aligned stores, each of which a reader sees whole (x86: stores and loads
 * are not reordered with their own kind; compiler barriers keep the
 * compiler from merging, dropping or reordering any):
 *
 * - An entry of the run being forgotten takes its neighbour below, (b, tb):
 *   (p, t) -> (p, BUSY) -> (b, BUSY) -> (b, tb).  Ids stay sorted at every
 *   step (b < p); for searches of any other id only ids are compared.  For
 *   b's own search the entry compares "above" until its last store, then
 *   equal: the neighbour itself, below, is never touched, so the search
 *   ends on it or on a finished copy.  Only searches for p, which is going
 *   anyway, see unsorted times.
 * - A run at index 0 takes its neighbour above, (a, ta), from its top down:
 *   (p, t) -> (p, 0) -> (a, 0) -> (a, ta).  Likewise (0 < ta).
 * - Neither 0 nor BUSY admits anything, and a reader's final check reads
 *   the time, the id and the time again (pag_lsm.bpf.c fence_admits): two
 *   equal times bracket an id of the same step, so a torn mixture such as
 *   (p, tb) is never believed.
 * - A fence of that incarnation alone gets a count of zero (one store).
 *
 * The array then holds a neighbour more than once, which a search allows
 * and a later forget of that neighbour removes whole.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <linux/pag_bpf.h>

#include "pag_fences.h"

/* The incarnation to remove, set before the walk; 0: every one of the id. */
__s32 forget_pag;
__u64 forget_created;
/* Fences changed, read after the walk. */
__u32 forgotten;

/* What the bpf_loop() callbacks share; verified once, not per index. */
struct walk {
	struct pag_fence *fence;
	__u32 n;	/* entries in use, at most PAG_FENCE_MAX */
	__u32 end;	/* first index past the run at 0 */
	bool hit;
};

static __always_inline bool forgets(const struct pag_fence_entry *e)
{
	return e->pag == forget_pag &&
	       (!forget_created || e->created_ns == forget_created);
}

/* Overwrite @dst with @src through a time that admits nothing. */
static __always_inline void replace(struct pag_fence_entry *dst,
				    const struct pag_fence_entry *src,
				    __u64 busy)
{
	__s32 pag = src->pag;
	__u64 created = src->created_ns;

	/* Compiler barriers: no store may be merged, dropped or moved. */
	dst->created_ns = busy;
	barrier();
	dst->pag = pag;
	barrier();
	dst->created_ns = created;
}

/* Find the end of a run of the incarnation that starts at index 0. */
static long run_end(__u32 i, void *data)
{
	struct walk *w = data;

	if (i >= PAG_FENCE_MAX || !forgets(&w->fence->pags[i]))
		return 1;
	w->end = i + 1;
	return 0;
}

/* Fill that run with the entry above it, from its top down. */
static long fill_down(__u32 i, void *data)
{
	struct walk *w = data;
	__u32 end = w->end, k;

	if (end >= PAG_FENCE_MAX || i >= end)
		return 1;
	k = end - 1 - i;
	/* The masks change nothing but tell the verifier the bounds. */
	barrier_var(k);
	barrier_var(end);
	k &= PAG_FENCE_MAX - 1;
	end &= PAG_FENCE_MAX - 1;
	replace(&w->fence->pags[k], &w->fence->pags[end], 0);
	return 0;
}

/* Replace each entry of the incarnation by the one below, bottom up. */
static long fill_up(__u32 i, void *data)
{
	struct walk *w = data;
	__u32 below;

	if (i == 0 || i >= PAG_FENCE_MAX)
		return 0;
	below = i - 1;
	barrier_var(i);
	barrier_var(below);
	i &= PAG_FENCE_MAX - 1;
	below &= PAG_FENCE_MAX - 1;
	if (forgets(&w->fence->pags[i])) {
		replace(&w->fence->pags[i], &w->fence->pags[below],
			PAG_FENCE_CREATED_BUSY);
		w->hit = true;
	}
	return 0;
}

/*
 * The incarnation's entries form one run (the array is sorted), and every
 * one of them must go: an earlier forget may have left it twice.  A run
 * above index 0 takes the value below it, bottom up; a run at index 0
 * takes the value above it, top down; a run that is the whole fence
 * leaves it empty.
 */
SEC("iter/bpf_sk_storage_map")
int pag_fence_forget(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct walk w = {};
	struct sock *sk = ctx->sk;

	if (!sk || !ctx->value)
		return 0;
	/* A map value pointer, which (unlike ctx->value) takes an index. */
	w.fence = bpf_sk_storage_get(&pag_fences, sk, NULL, 0);
	if (!w.fence)
		return 0;
	w.n = w.fence->count;
	if (w.n > PAG_FENCE_MAX)
		w.n = PAG_FENCE_MAX;
	if (!w.n)
		return 0;
	if (forgets(&w.fence->pags[0])) {
		bpf_loop(w.n, run_end, &w, 0);
		if (w.end >= w.n)
			w.fence->count = 0;
		else
			bpf_loop(w.end, fill_down, &w, 0);
		w.hit = true;
	} else {
		bpf_loop(w.n, fill_up, &w, 0);
	}
	if (w.hit)
		forgotten++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
