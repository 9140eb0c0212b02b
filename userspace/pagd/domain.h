/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Identity domains: the users and groups of one source, loaded by a
 * provider, with lookups by name and by id.
 */
#ifndef PAGD_DOMAIN_H
#define PAGD_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "pagd/config.h"

struct pagd_user {
	char *name;
	char *passwd;
	char *gecos;
	char *dir;
	char *shell;
	uint32_t uid;
	uint32_t gid;
	unsigned int line; /* in the source, for messages */
};

struct pagd_group {
	char *name;
	char *passwd;
	uint32_t gid;
	char **members; /* user names, NULL-terminated */
	size_t n_members;
	unsigned int line;
};

struct domain {
	char *name;
	char *tenant;
	struct pagd_user *users; /* in source order: enumeration order */
	size_t n_users;
	struct pagd_group *groups;
	size_t n_groups;
	/* sorted indexes for lookups */
	struct pagd_user **users_by_name;
	struct pagd_user **users_by_uid;
	struct pagd_group **groups_by_name;
	struct pagd_group **groups_by_gid;
};

/*
 * domain_load() - load a domain through its provider.
 * @dc:		its configuration
 * @out:	the loaded domain
 * @err:	on failure, a message naming the file and line (malloc'ed)
 */
int domain_load(const struct domain_conf *dc, struct domain **out, char **err);
void domain_free(struct domain *d);

const struct pagd_user *domain_user_by_name(const struct domain *d,
					    const char *name);
const struct pagd_user *domain_user_by_uid(const struct domain *d,
					   uint32_t uid);
const struct pagd_group *domain_group_by_name(const struct domain *d,
					      const char *name);
const struct pagd_group *domain_group_by_gid(const struct domain *d,
					     uint32_t gid);

/* For providers: build the sorted indexes once the entries are in. */
int domain_index(struct domain *d);

/* The files provider: DIR/passwd and DIR/group in the usual formats. */
int files_load(const struct domain_conf *dc, struct domain *d, char **err);

#endif /* PAGD_DOMAIN_H */
