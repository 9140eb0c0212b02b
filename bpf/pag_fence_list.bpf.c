// SPDX-License-Identifier: GPL-2.0
/*
 * Every fence, whole, for pag_fence_pags() of libpag: pagd's start-up check
 * forgets the ids whose PAG ended while it was down.  An sk_storage map is
 * keyed by socket fd, so userspace cannot walk it alone.  Fixed-size
 * records need no bound on a count for the verifier, and fences are few.
 * An object of its own: pag_fence_forget's loop is slow to verify.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <linux/pag_bpf.h>

#include "pag_fences.h"

SEC("iter/bpf_sk_storage_map")
int pag_fence_list(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct pag_fence *fence;
	struct sock *sk = ctx->sk;

	if (!sk || !ctx->value)
		return 0;
	fence = bpf_sk_storage_get(&pag_fences, sk, NULL, 0);
	if (fence)
		bpf_seq_write(ctx->meta->seq, fence, sizeof(*fence));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
