// SPDX-License-Identifier: GPL-2.0
/*
 * Remove one PAG id from every fence.  PAG ids are keyring serials and are
 * reused, so when a PAG ends its id must leave the fences that admitted it
 * before a later PAG can be given the same id.  pag_fence_forget() of
 * libpag runs this iterator over the pinned fence map once per ended PAG.
 *
 * The pag_lsm programs read a fence while this writes it, without a lock,
 * so the fence must stay searchable after every single store: the id is
 * overwritten with its neighbour, which keeps the array sorted (with
 * duplicates, which admit nothing new), and a fence of that id alone gets
 * a count of zero.  Each store is one aligned 32-bit word: a reader sees
 * the fence from before or after it, never a mixture.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <linux/pag_bpf.h>

#include "pag_fences.h"

/* The id to remove, set before the walk. */
__s32 forget_pag;
/* Fences changed, read after the walk. */
__u32 forgotten;

/* What the bpf_loop() callbacks share; verified once, not per index. */
struct walk {
	struct pag_fence *fence;
	__u32 n;	/* entries in use, at most PAG_FENCE_MAX */
	__u32 end;	/* first index past the run of forget_pag at 0 */
	bool hit;
};

/* Find the end of a run of forget_pag that starts at index 0. */
static long run_end(__u32 i, void *data)
{
	struct walk *w = data;

	if (i >= PAG_FENCE_MAX || w->fence->pags[i] != forget_pag)
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
	w->fence->pags[k] = w->fence->pags[end];
	return 0;
}

/* Replace each forget_pag by the entry below it, from the bottom up. */
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
	if (w->fence->pags[i] == forget_pag) {
		w->fence->pags[i] = w->fence->pags[below];
		w->hit = true;
	}
	return 0;
}

/*
 * The id's entries form one run (the array is sorted), and every one of
 * them must go: an earlier forget may have left the id twice.  A run
 * above index 0 takes the value below it, bottom up; a run at index 0
 * takes the value above it, top down; a run that is the whole fence
 * leaves it empty.  Each store keeps the array sorted.
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
	if (w.fence->pags[0] == forget_pag) {
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
