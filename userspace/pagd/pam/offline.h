/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offline authentication, as SSSD's cache_credentials: when a domain's KDC
 * cannot be reached, the password is checked against a slow, salted hash
 * (yescrypt, libxcrypt) of the last one the KDC accepted, kept in pagd's
 * state (never the password), for offline_credentials_expiration days;
 * failed offline attempts are rate-limited.
 */
#ifndef PAGD_PAM_OFFLINE_H
#define PAGD_PAM_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "pagd/pam/krb5_auth.h"

struct pagd;

/* What an attempt may do offline, decided before it starts. */
struct offline_plan {
	bool enabled;	/* the domain has cache_credentials */
	bool expired;	/* a hash is cached but too old */
	bool limited;	/* too many failures: wait */
	long wait;	/* seconds, with limited */
	char hash[128]; /* "": none usable */
};

/* Fills @plan for @user of @domain; @off is what the worker is asked. */
void offline_plan(struct pagd *p, const char *domain, const char *user,
		  struct offline_plan *plan, struct pam_auth_offline *off);
/*
 * What the user is told of an offline authentication, as SSSD tells it
 * (SSS_PAM_USER_INFO; pam_sss shows "Authenticated with cached
 * credentials" or "Authentication is denied until: ...").
 */
struct offline_notice {
	uint32_t type; /* SSS_PAM_USER_INFO_OFFLINE_AUTH(_DELAYED); 0: none */
	int64_t when;  /* the cached password's expiry (0: never), or the
			* time of the next offline attempt let through */
};

/*
 * After the attempt: records a new hash or an offline failure, logs what
 * happened offline, fills .  Return: the PAM status to answer (a
 * rate-limited offline attempt is PAM_PERM_DENIED).
 */
int offline_after(struct pagd *p, const char *domain, const char *user,
		  const struct offline_plan *plan, int status,
		  const struct pam_auth_outcome *o, struct offline_notice *n);

#endif /* PAGD_PAM_OFFLINE_H */
