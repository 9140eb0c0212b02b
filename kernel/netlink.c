// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - the "pag" generic netlink family.
 */

#include <net/genetlink.h>

#include <linux/pag.h>

#include "pag.h"

static struct genl_family pag_nl_family __ro_after_init = {
	.name		= PAG_FAMILY_NAME,
	.version	= PAG_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.netnsok	= true,
	.parallel_ops	= true,
};

/**
 * pag_nl_init() - register the "pag" generic netlink family
 *
 * Return: 0 on success, or a negative errno.
 */
int __init pag_nl_init(void)
{
	return genl_register_family(&pag_nl_family);
}

/**
 * pag_nl_exit() - unregister the "pag" generic netlink family
 */
void pag_nl_exit(void)
{
	genl_unregister_family(&pag_nl_family);
}
