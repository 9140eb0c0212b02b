// SPDX-License-Identifier: GPL-2.0
/*
 * Offline authentication (offline.h).  The worker (krb5_auth.c) makes and
 * checks hashes, since yescrypt is slow on purpose and the event loop must
 * not wait for it; this file decides what it may do and keeps the record.
 *
 * A rate-limited user's attempt still goes to the KDC: only when the KDC
 * cannot be reached is the answer PAM_PERM_DENIED instead of a check of
 * the cached hash, so a guesser offline gets offline_failed_login_attempts
 * tries per offline_failed_login_delay minutes.
 */
#include <errno.h>
#include <security/pam_appl.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "pagd/pam/offline.h"
#include "pagd/pam/protocol.h"
#include "pagd/state.h"

void offline_plan(struct pagd *p, const char *domain, const char *user,
		  struct offline_plan *plan, struct pam_auth_offline *off)
{
	const struct domain_conf *dc = config_domain(p->cfg, domain);
	struct state_offline rec;
	int64_t now = (int64_t)time(NULL);
	int r;

	memset(plan, 0, sizeof(*plan));
	*off = (struct pam_auth_offline){ 0 };
	if (!dc || !dc->cache_credentials)
		return;
	plan->enabled = true;
	off->make_hash = true;
	r = state_offline_get(p->state, domain, user, &rec);
	if (r < 0) {
		if (r != -ENOENT)
			log_errno(LOG_ERR, r,
				  "pam: cannot read the cached password of "
				  "%s of %s: %m",
				  user, domain);
		return;
	}
	if (dc->offline_credentials_expiration &&
	    now - rec.last_online >
		    (int64_t)dc->offline_credentials_expiration * 86400) {
		plan->expired = true;
	} else if (dc->offline_failed_login_attempts &&
		   rec.failures >= dc->offline_failed_login_attempts &&
		   now - rec.last_failure <
			   (int64_t)dc->offline_failed_login_delay * 60) {
		plan->limited = true;
		plan->wait = (long)(rec.last_failure +
				    dc->offline_failed_login_delay * 60 - now);
	} else {
		memcpy(plan->hash, rec.hash, sizeof(plan->hash));
		off->hash = plan->hash;
	}
	explicit_bzero(&rec, sizeof(rec));
}

static void record(struct pagd *p, const char *domain, const char *user,
		   const struct state_offline *rec)
{
	int r = state_offline_put(p->state, domain, user, rec);

	if (r < 0)
		log_errno(LOG_ERR, r,
			  "pam: cannot record the cached password of %s of "
			  "%s: %m",
			  user, domain);
}

int offline_after(struct pagd *p, const char *domain, const char *user,
		  const struct offline_plan *plan, int status,
		  const struct pam_auth_outcome *o, struct offline_notice *n)
{
	const struct domain_conf *dc = config_domain(p->cfg, domain);
	struct state_offline rec = { 0 };
	int64_t now = (int64_t)time(NULL);

	*n = (struct offline_notice){ 0 };

	if (!plan->enabled)
		return status;
	if (!o->offline && status == PAM_SUCCESS && o->hash[0] == '$') {
		rec.last_online = now;
		memcpy(rec.hash, o->hash, sizeof(rec.hash));
		record(p, domain, user, &rec);
		log_debug("pam: the password of %s of %s is cached (hashed) "
			  "for offline authentication",
			  user, domain);
	} else if (status == PAM_AUTHINFO_UNAVAIL && plan->limited) {
		log_notice("pam: offline authentication of %s of %s refused: "
			   "too many failed attempts, next in %ld s",
			   user, domain, plan->wait);
		status = PAM_PERM_DENIED;
		n->type = SSS_PAM_USER_INFO_OFFLINE_AUTH_DELAYED;
		n->when = now + plan->wait;
	} else if (status == PAM_AUTHINFO_UNAVAIL && plan->expired) {
		log_notice("pam: offline authentication of %s of %s refused: "
			   "the cached password is older than "
			   "offline_credentials_expiration",
			   user, domain);
	} else if (o->offline &&
		   state_offline_get(p->state, domain, user, &rec) == 0) {
		if (status == PAM_SUCCESS) {
			rec.failures = 0;
			rec.last_failure = 0;
			log_notice("pam: %s of %s authenticated offline, with "
				   "the cached password",
				   user, domain);
			n->type = SSS_PAM_USER_INFO_OFFLINE_AUTH;
			if (dc && dc->offline_credentials_expiration)
				n->when =
					rec.last_online +
					(int64_t)dc->offline_credentials_expiration *
						86400;
		} else {
			rec.failures++;
			rec.last_failure = now;
			log_notice("pam: offline authentication of %s of %s "
				   "failed (%u in a row)",
				   user, domain, rec.failures);
		}
		record(p, domain, user, &rec);
	}
	explicit_bzero(&rec, sizeof(rec));
	return status;
}
