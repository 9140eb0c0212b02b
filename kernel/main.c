// SPDX-License-Identifier: GPL-2.0
/*
 * Process Authentication Groups - module setup.
 */

#include <linux/module.h>

#include "pag.h"

static int __init pag_init(void)
{
	return pag_nl_init();
}

static void __exit pag_exit(void)
{
	pag_nl_exit();
}

module_init(pag_init);
module_exit(pag_exit);

MODULE_DESCRIPTION("Process Authentication Groups");
MODULE_LICENSE("GPL");
