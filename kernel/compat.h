/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel APIs pag.ko uses differ between the kernels it supports
 * (Debian 12's 6.1 and 6.12, see Documentation/admin-guide/install.rst).
 * Every version check of the module lives here.
 */
#ifndef _PAG_COMPAT_H
#define _PAG_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/*
 * The attributes of a dump request: since 6.6 a dump carries a whole
 * struct genl_info, before it only the parsed attributes.
 */
static inline struct nlattr **pag_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _PAG_COMPAT_H */
