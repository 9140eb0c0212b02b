/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process Authentication Groups - internal interfaces of pag.ko.
 */
#ifndef _PAG_H
#define _PAG_H

int pag_nl_init(void);
void pag_nl_exit(void);

#endif /* _PAG_H */
