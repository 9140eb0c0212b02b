/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What pag aklog and pag tokens ask pagd about kafs tokens (afs_pagd.c).
 */
#ifndef PAG_TOOL_AFS_PAGD_H
#define PAG_TOOL_AFS_PAGD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/**
 * struct afs_placed - the token pagd placed for pag aklog
 * @description: its name, "afs@cell"
 * @principal: whose credentials it was made from
 * @key: its serial
 * @expiry: end of validity
 */
struct afs_placed {
	char description[160];
	char principal[256];
	int32_t key;
	time_t expiry;
};

/*
 * afs_binding_principal() - the principal of the credential binding of PAG
 * (@pag, @created_ns; 0: any) into @out, from pagd at @address (NULL: the
 * system bus).  Return: 0, -ENOENT (no binding), or why pagd did not say.
 */
int afs_binding_principal(const char *address, int32_t pag, uint64_t created_ns,
			  char *out, size_t len);

/*
 * afs_pagd_place() - have pagd make the caller's PAG's credentials and
 * kafs tokens anew (RenewCredentials) and wait for them, then check that a
 * token for @cell is in the PAG in another network namespace than the
 * caller's.  Return: 0 with @res filled, or a negative errno with @why
 * saying what was wrong.
 */
int afs_pagd_place(const char *address, const char *cell,
		   struct afs_placed *res, char *why, size_t len);

#endif /* PAG_TOOL_AFS_PAGD_H */
