// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - module setup.
 *
 * Every live PAG holds a reference on this module (see registry.c), so
 * rmmod fails with EBUSY while one lives; /sys/module/pag/refcnt counts them
 * (plus netlink dumps in progress).
 */

#include <linux/module.h>

#include "pag.h"

static int __init pag_init(void)
{
	int err;

	err = pag_registry_init();
	if (err)
		return err;
	/* ORDER: the family last, once requests can be served. */
	err = pag_nl_init();
	if (err)
		pag_registry_exit();
	return err;
}

static void __exit pag_exit(void)
{
	pag_nl_exit();
	pag_registry_exit();
}

module_init(pag_init);
module_exit(pag_exit);

MODULE_DESCRIPTION("Process Authentication Groups");
MODULE_LICENSE("GPL");
