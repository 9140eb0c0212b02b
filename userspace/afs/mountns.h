/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which network namespace a kafs mount looks its tokens up in, as far as
 * the caller can tell.
 */
#ifndef PAG_AFS_MOUNTNS_H
#define PAG_AFS_MOUNTNS_H

#include <stddef.h>

int afs_cell_mount_elsewhere(const char *cell, char *mount, size_t mlen);

#endif /* PAG_AFS_MOUNTNS_H */
