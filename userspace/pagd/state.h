/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd's persistent state, in LMDB: bindings (PAG -> domain set) and the
 * per-subset socket directories.  Every change is one committed write
 * transaction, so kill -9 at any point loses nothing that was acknowledged.
 */
#ifndef PAGD_STATE_H
#define PAGD_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct state;

/*
 * A negative errno for an LMDB return code (LMDB has positive codes of its
 * own besides errnos): 0, -ENOENT, -ENOSPC (map full), -errno or -EIO.
 * Shared with the identity cache (idcache.c), which has its own environment.
 */
int lmdb_errno(int rc);

int state_open(const char *dir, struct state **out);
void state_close(struct state *st);

/*
 * Bindings: @key is a canonical domain list (see view_key()).  A PAG is
 * (@pag, @created_ns): ids are reused, the pair names one PAG for ever.  A
 * @created_ns of 0 is recorded for a PAG whose creation time could not be
 * learnt (no pag.ko): such a binding is served to no peer.
 */
int state_bind(struct state *st, int32_t pag, uint64_t created_ns,
	       const char *key);
/*
 * state_bind_profile() - state_bind(), recording that the binding was made
 * within pagd.conf's [profile/@profile] (NULL: within none).
 */
int state_bind_profile(struct state *st, int32_t pag, uint64_t created_ns,
		       const char *key, const char *profile);
/*
 * state_binding_profile() - the profile @pag's binding was made within,
 * when the binding is for @created_ns.  Return: 0 with *@profile (malloc'ed,
 * NULL when it was made within none), or -ENOENT when @pag has no binding
 * for that incarnation.
 */
int state_binding_profile(struct state *st, int32_t pag, uint64_t created_ns,
			  char **profile);
/*
 * Removes the binding of @pag if it is for @created_ns (0: whichever).
 * Return: 0, or -ENOENT when @pag had no binding for that incarnation.
 */
int state_unbind(struct state *st, int32_t pag, uint64_t created_ns);
/* Return: 0 with *@created_ns and *@key (malloc'ed; unless NULL), or -ENOENT.
 */
int state_get_binding(struct state *st, int32_t pag, uint64_t *created_ns,
		      char **key);
int state_foreach_binding(struct state *st,
			  int (*cb)(int32_t pag, uint64_t created_ns,
				    const char *key, void *ud),
			  void *ud);

/*
 * state_sockdir() - the id of the socket directory for @key (a canonical
 * "domains;responders" string), allocating the next id when it is new.
 */
int state_sockdir(struct state *st, const char *key, uint32_t *id,
		  bool *created);
int state_foreach_sockdir(struct state *st,
			  int (*cb)(uint32_t id, const char *key, void *ud),
			  void *ud);

/*
 * Credential bindings: (PAG, creation time) -> (principal, keytab).  The
 * callback of the walk runs inside a read transaction: it must not write.
 */
int state_creds_put(struct state *st, int32_t pag, uint64_t created_ns,
		    const char *principal, const char *keytab);
/*
 * Return: 0, or -ENOENT when @pag had no credential binding for @created_ns
 * (0: whichever).
 */
int state_creds_del(struct state *st, int32_t pag, uint64_t created_ns);
int state_foreach_creds(struct state *st,
			int (*cb)(int32_t pag, uint64_t created_ns,
				  const char *principal, const char *keytab,
				  void *ud),
			void *ud);

/*
 * Offline authentication (pam/offline.c): per user of a domain, the slow
 * salted hash of the last password the KDC accepted (never the password)
 * and the failed offline attempts.  Times are Unix seconds.
 */
struct state_offline {
	int64_t last_online;  /* the KDC last accepted the password */
	int64_t last_failure; /* of an offline attempt; 0: none */
	uint32_t failures;    /* offline attempts failed in a row */
	uint32_t pad;
	char hash[128]; /* crypt(5) form, "$y$..." (yescrypt) */
};

/* Return: 0, or -ENOENT when @user of @domain has nothing cached. */
int state_offline_get(struct state *st, const char *domain, const char *user,
		      struct state_offline *out);
int state_offline_put(struct state *st, const char *domain, const char *user,
		      const struct state_offline *in);

#endif /* PAGD_STATE_H */
