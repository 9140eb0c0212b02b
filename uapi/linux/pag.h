/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Process Authentication Groups: the "pag" generic netlink family.
 *
 * This header is the one description of the protocol shared by the
 * kernel module, the BPF programs and userspace.  The YAML spec in
 * Documentation/netlink/specs/pag.yaml describes the same protocol.
 */
#ifndef _UAPI_LINUX_PAG_H
#define _UAPI_LINUX_PAG_H

#define PAG_FAMILY_NAME		"pag"
#define PAG_FAMILY_VERSION	1

#endif /* _UAPI_LINUX_PAG_H */
