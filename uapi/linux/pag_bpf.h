/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Process Authentication Groups: socket tags kept by the pag BPF LSM
 * program in a BPF_MAP_TYPE_SK_STORAGE map.  Userspace reads the tag of a
 * socket with a map lookup keyed by the socket's file descriptor.
 */
#ifndef _UAPI_LINUX_PAG_BPF_H
#define _UAPI_LINUX_PAG_BPF_H

/* BPF programs get the kernel's types from vmlinux.h instead. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/**
 * struct pag_sock_tag - who created a socket
 * @pag: serial of the creating task's session keyring (0: none)
 * @reserved: zero
 * @tagged_ns: CLOCK_BOOTTIME at creation, to tell a tag from a PAG id reused
 *	after the tag was taken
 */
struct pag_sock_tag {
	__s32 pag;
	__u32 reserved;
	__u64 tagged_ns;
};

#endif /* _UAPI_LINUX_PAG_BPF_H */
