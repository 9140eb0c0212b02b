/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Possessor-only permissions for a tree of keys.  The keys libkrb5 makes
 * for a KEYRING: ccache get add_key()'s default permissions, which let
 * their owner view them from outside the PAG (in /proc/keys, for one);
 * the PAG's members reach them as possessors, through its session keyring,
 * so possessor-only permissions cost them nothing.  Used by pagd's workers
 * and by pam_pag, which store TGTs in PAGs.
 */
#ifndef PAG_COMMON_KEYPERM_H
#define PAG_COMMON_KEYPERM_H

#include <stdint.h>

/*
 * keyperm_restrict_tree() - give @key, and every key under it when it is a
 * keyring (four levels at most), possessor-only permissions.
 * Return: 0 or a negative errno.
 */
int keyperm_restrict_tree(int32_t key);

#endif /* PAG_COMMON_KEYPERM_H */
