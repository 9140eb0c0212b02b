/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader of the pag BPF LSM program: load, status and unload, as used by
 * `pag bpf` (tools/pag/cmd_bpf.c).  Messages name the object that failed and go
 * to stderr; functions return 0 or a negative errno.
 */
#ifndef PAG_BPFLOAD_H
#define PAG_BPFLOAD_H

#include <stdbool.h>
#include <stddef.h>

/**
 * bpfload_load() - attach the programs and pin maps and links
 * @force: load and attach again even when everything is in place (an
 *	upgrade: the new links replace the old ones without a gap)
 *
 * Maps already pinned are reused, so tags and fences survive.  Loading
 * when loaded is a no-op.
 *
 * Return: 0; -EOPNOTSUPP when BPF LSM is unavailable (the reason is
 * printed); other errors of libbpf and of the bpf filesystem.
 */
int bpfload_load(bool force);

/**
 * bpfload_load_prefix() - bpfload_load() for tests without pag.ko
 * @force: as for bpfload_load()
 * @keyring_prefix: description prefix, five characters, that marks a
 *	session keyring as a PAG instead of ".pag." (which only pag.ko can
 *	make)
 *
 * Return: as bpfload_load(); -EINVAL for a prefix of another length.
 */
int bpfload_load_prefix(bool force, const char *keyring_prefix);

/**
 * bpfload_unload() - detach the programs
 * @purge: also unpin the maps, dropping every tag and fence
 *
 * Without @purge the maps stay pinned, so a later load finds the tags of
 * existing sockets and enforces existing fences again.
 *
 * Return: 0 (also when nothing was loaded); -errno of the bpf filesystem.
 */
int bpfload_unload(bool purge);

/**
 * typedef bpfload_pin_fn - told of one pin by bpfload_status()
 * @ctx: the caller's pointer
 * @kind: "link" or "map"
 * @name: the program of a link, the path of a map
 * @pinned: whether it is in place
 */
typedef void (*bpfload_pin_fn)(void *ctx, const char *kind, const char *name,
			       bool pinned);

/**
 * bpfload_status() - the state of the programs and of each pin
 * @why: receives the reason of the state, as from pag_bpf_probe()
 * @len: size of @why
 * @fn: called for every link and map, links first; may be NULL.  Not
 *	called when BPF LSM is unavailable (there is nothing to report).
 * @ctx: passed to @fn
 *
 * Return: an enum pag_bpf_state; links missing from a loaded set count as
 * %PAG_BPF_NOT_LOADED.
 */
int bpfload_status(char *why, size_t len, bpfload_pin_fn fn, void *ctx);

/**
 * bpfload_state_name() - "active", "not loaded" or "unavailable"
 * @state: an enum pag_bpf_state
 *
 * Return: a static string.
 */
const char *bpfload_state_name(int state);

#endif /* PAG_BPFLOAD_H */
