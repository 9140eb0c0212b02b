/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Identity domains: the users and groups of one source, loaded by a
 * provider, with lookups by name and by id.
 */
#ifndef PAGD_DOMAIN_H
#define PAGD_DOMAIN_H

#include <stdbool.h>
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
	/*
	 * The directory's account state, for PAM's account check: disabled
	 * (IPA's nsAccountLock), and when it expires (Unix seconds, the
	 * earliest of krbPrincipalExpiration and shadowExpire; 0: never).
	 */
	bool locked;
	int64_t expires;
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

struct domain;

/* A trusted domain as the management API shows it. */
struct subdomain_info {
	const char *name;
	const char *forest;
	const char *state;  /* active, inactive, disabled */
	int direction;	    /* the forest root's: 1 inbound, 2 out, 3 both */
	const char *keytab; /* present, missing, fetching */
};

/* What a request needs from a domain before it can be answered. */
enum id_kind {
	ID_NONE,
	ID_USER_NAME,
	ID_USER_UID,
	ID_GROUP_NAME,
	ID_GROUP_GID,
	ID_INITGR, /* the user and the groups listing it */
	ID_ENUM_USERS,
	ID_ENUM_GROUPS,
};

struct id_query {
	enum id_kind kind;
	const char *name;
	uint32_t id;
};

/*
 * A request waiting for a provider.  The provider links it to the fetch it
 * waits for and calls done() once (from the event loop) when the answer,
 * or the knowledge that none will come, is in its cache.  The waiter may
 * leave first with id_wait_cancel().
 */
struct id_wait {
	struct id_wait *next, **pprev;
	void (*done)(struct id_wait *w);
	void *ud;
};

static inline void id_wait_cancel(struct id_wait *w)
{
	if (!w->pprev)
		return;
	if (w->next)
		w->next->pprev = w->pprev;
	*w->pprev = w->next;
	w->next = NULL;
	w->pprev = NULL;
}

/*
 * Providers.  A domain with no ops (files) holds all its entries in the
 * arrays below and answers synchronously.  A provider with ops (ldap)
 * answers lookups from what it knows now (its cache); prepare() starts
 * what a query needs and says whether the caller must wait.  Pointers it
 * returns stay valid until the next lookup of the same kind in the domain.
 */
struct provider_ops {
	const char *name;
	const struct pagd_user *(*user_by_name)(const struct domain *d,
						const char *name);
	const struct pagd_user *(*user_by_uid)(const struct domain *d,
					       uint32_t uid);
	const struct pagd_group *(*group_by_name)(const struct domain *d,
						  const char *name);
	const struct pagd_group *(*group_by_gid)(const struct domain *d,
						 uint32_t gid);
	/* The gids of the groups listing @u as a member. */
	size_t (*user_groups)(const struct domain *d, const struct pagd_user *u,
			      const uint32_t **gids);
	/* Return: 0 to answer now, 1 when @w was queued. */
	int (*prepare)(const struct domain *d, const struct id_query *q,
		       struct id_wait *w);
	/* "online", "offline"... for the management API */
	const char *(*status)(const struct domain *d);
	/* SIGUSR1 (false): offline now; SIGUSR2 (true): try the server now */
	void (*set_online)(struct domain *d, bool online);
	/* Trusted domains reached through this one (NULL: none), for the
	 * management API. */
	void (*each_subdomain)(const struct domain *d,
			       void (*fn)(void *ud,
					  const struct subdomain_info *i),
			       void *ud);
	void (*free)(struct domain *d);
};

struct domain {
	char *name;
	char *tenant;
	const struct provider_ops *ops; /* NULL: files, in the arrays */
	void *priv;
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
 * @msg:	on failure, a message naming the file and line (malloc'ed)
 */
int domain_load(const struct domain_conf *dc, struct domain **out, char **msg);
/* An empty domain named after @dc, for providers with ops to fill in. */
int domain_new(const struct domain_conf *dc, struct domain **out);
void domain_free(struct domain *d);

const struct pagd_user *domain_user_by_name(const struct domain *d,
					    const char *name);
const struct pagd_user *domain_user_by_uid(const struct domain *d,
					   uint32_t uid);
const struct pagd_group *domain_group_by_name(const struct domain *d,
					      const char *name);
const struct pagd_group *domain_group_by_gid(const struct domain *d,
					     uint32_t gid);

int domain_prepare(const struct domain *d, const struct id_query *q,
		   struct id_wait *w);
const char *domain_status(const struct domain *d);

/* For providers: build the sorted indexes once the entries are in. */
int domain_index(struct domain *d);

/* The files provider: DIR/passwd and DIR/group in the usual formats. */
int files_load(const struct domain_conf *dc, struct domain *d, char **msg);

#endif /* PAGD_DOMAIN_H */
