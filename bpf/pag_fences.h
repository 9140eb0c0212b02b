/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fence map, per listening socket: pag_lsm enforces it, and
 * pag_fence_forget and pag_fence_list iterate it.  The loader (pag bpf) and
 * libpag give all three objects the one pinned map (bpf_map__reuse_fd),
 * which libbpf accepts only if they declare it alike: they all include
 * this.
 */
#ifndef PAG_FENCES_H
#define PAG_FENCES_H

#include <linux/pag_bpf.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pag_fence);
} pag_fences SEC(".maps");

#endif /* PAG_FENCES_H */
