/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kafs tokens from Kerberos: aklog and unlog for a keyring (a PAG).
 */
#ifndef PAG_AFS_AKLOG_H
#define PAG_AFS_AKLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/**
 * struct aklog_result - the token aklog stored
 * @service: the service principal the ticket is for
 * @description: the key's description, "afs@CELL"
 * @expiry: end of validity
 * @key: serial of the "rxrpc" key
 */
struct aklog_result {
	char service[256];
	char description[128];
	time_t expiry;
	int32_t key;
};

int afs_aklog(const char *cell, const char *realm, int32_t keyring,
	      struct aklog_result *res, char *err, size_t errlen);
int afs_aklog_netns(const char *cell, const char *realm, int32_t keyring,
		    int netns, struct aklog_result *res, char *err,
		    size_t errlen);
int afs_unlog(const char *cell, int32_t keyring, unsigned int *removed);
int afs_unlog_except(const char *cell, int32_t keyring, int32_t keep,
		     unsigned int *removed);

#endif /* PAG_AFS_AKLOG_H */
