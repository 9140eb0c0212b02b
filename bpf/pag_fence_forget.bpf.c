// SPDX-License-Identifier: GPL-2.0
/*
 * Remove one PAG id from every fence.  PAG ids are keyring serials and are
 * reused, so when a PAG ends its id must leave the fences that admitted it
 * before a later PAG can be given the same id.  pag_fence_forget() of
 * libpag runs this iterator over the pinned fence map once per ended PAG.
 *
 * The pag_lsm programs read a fence while this writes it, without a lock,
 * so the fence must stay searchable after every single store: the id is
 * overwritten with its neighbour, which keeps the array sorted (with one
 * duplicate, which admits nothing new), and a fence of that id alone gets
 * a count of zero.  Each store is one aligned 32-bit word: a reader sees
 * the fence from before or after it, never a mixture.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <linux/pag_bpf.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pag_fence);
} pag_fences SEC(".maps");

/* The id to remove, set before the walk. */
__s32 forget_pag;
/* Fences changed, read after the walk. */
__u32 forgotten;

SEC("iter/bpf_sk_storage_map")
int pag_fence_forget(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct pag_fence *fence;
	struct sock *sk = ctx->sk;
	__u32 n, i;

	if (!sk || !ctx->value)
		return 0;
	/* A map value pointer, which (unlike ctx->value) takes an index. */
	fence = bpf_sk_storage_get(&pag_fences, sk, NULL, 0);
	if (!fence)
		return 0;
	n = fence->count;
	if (n > PAG_FENCE_MAX)
		n = PAG_FENCE_MAX;
	for (i = 0; i < PAG_FENCE_MAX && i < n; i++) {
		if (fence->pags[i] != forget_pag)
			continue;
		if (i > 0)
			fence->pags[i] = fence->pags[i - 1];
		else if (n > 1)
			fence->pags[0] = fence->pags[1];
		else
			fence->count = 0;
		forgotten++;
		break;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
