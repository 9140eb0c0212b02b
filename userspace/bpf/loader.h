/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader of the pag BPF LSM program: load, status and unload, as used by
 * `pag-bpf` (and `pag bpf`).  Messages name the object that failed and go
 * to stderr; functions return 0 or a negative errno.
 */
#ifndef PAG_BPF_LOADER_H
#define PAG_BPF_LOADER_H

#include <stdbool.h>
#include <stdio.h>

/**
 * pag_bpf_load() - attach the programs and pin maps and links
 * @force: load and attach again even when everything is in place (an
 *	upgrade: the new links replace the old ones without a gap)
 *
 * Maps already pinned are reused, so tags and fences survive.  Loading
 * when loaded is a no-op.
 *
 * Return: 0; -EOPNOTSUPP when BPF LSM is unavailable (the reason is
 * printed); other errors of libbpf and of the bpf filesystem.
 */
int pag_bpf_load(bool force);

/**
 * pag_bpf_load_prefix() - pag_bpf_load() for tests without pag.ko
 * @force: as for pag_bpf_load()
 * @keyring_prefix: description prefix, five characters, that marks a
 *	session keyring as a PAG instead of ".pag." (which only pag.ko can
 *	make)
 *
 * Return: as pag_bpf_load(); -EINVAL for a prefix of another length.
 */
int pag_bpf_load_prefix(bool force, const char *keyring_prefix);

/**
 * pag_bpf_unload() - detach the programs
 * @purge: also unpin the maps, dropping every tag and fence
 *
 * Without @purge the maps stay pinned, so a later load finds the tags of
 * existing sockets and enforces existing fences again.
 *
 * Return: 0 (also when nothing was loaded); -errno of the bpf filesystem.
 */
int pag_bpf_unload(bool purge);

/**
 * pag_bpf_status() - describe the state on @out
 * @out: where to print
 *
 * Return: an enum pag_bpf_state; links missing from a loaded set count as
 * %PAG_BPF_NOT_LOADED.
 */
int pag_bpf_status(FILE *out);

#endif /* PAG_BPF_LOADER_H */
