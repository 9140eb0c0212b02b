// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - module setup.
 *
 * Every live PAG holds a reference on this module (see registry.c), so
 * rmmod fails with EBUSY while one lives; /sys/module/pag/refcnt counts them
 * (plus netlink dumps in progress).  The blanks of the pool (pool.c) hold
 * none: they are drained on the way out.
 */

#include <linux/module.h>

#include "pag.h"

static int __init pag_init(void)
{
	int err;

	err = pag_registry_init();
	if (err)
		return err;
	/* ORDER: after the marker type, which the pool's blanks are made of. */
	err = pag_pool_init();
	if (err)
		goto err_registry;
	/* ORDER: the family and the device last, once requests can be served. */
	err = pag_nl_init();
	if (err)
		goto err_pool;
	err = pag_dev_init();
	if (err)
		goto err_nl;
	return 0;

err_nl:
	pag_nl_exit();
err_pool:
	pag_pool_exit();
err_registry:
	pag_registry_exit();
	return err;
}

static void __exit pag_exit(void)
{
	pag_dev_exit();
	pag_nl_exit();
	pag_pool_exit();
	pag_registry_exit();
}

module_init(pag_init);
module_exit(pag_exit);

MODULE_DESCRIPTION("Process Authentication Groups");
MODULE_LICENSE("GPL");
/* The VERSION file's (tests/host/install.sh checks they agree). */
MODULE_VERSION("0.1.0");
