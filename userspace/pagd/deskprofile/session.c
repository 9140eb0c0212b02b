// SPDX-License-Identifier: GPL-2.0
/*
 * The session provider's request (deskprofile.h): one per session open.
 *
 *  1. initgroups: the user's groups, from the identity provider's cache
 *     when fresh, else fetched by it (domain_prepare(ID_INITGR));
 *  2. the domain's cache record (cache.h);
 *  3. online and when the cached rules are older than
 *     ipa_deskprofile_refresh (or, when the last search found no rule,
 *     than ipa_deskprofile_request_interval), the server: the host entry
 *     when its host groups are not known or expired, then the one
 *     desktop-profile search (fetch.h),
 *     whose result replaces the cache record; offline, or when the server
 *     cannot be asked, the cache record as it is;
 *  4. the rules that apply (rules.h) written to the user's directory,
 *     those that no longer apply removed (files.h);
 *  5. the FleetCommander client called (notify.h).
 * Every step leaves a debug message.
 */
#include <errno.h>
#include <netdb.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "pagd/deskprofile/cache.h"
#include "pagd/deskprofile/deskprofile.h"
#include "pagd/deskprofile/fetch.h"
#include "pagd/deskprofile/files.h"
#include "pagd/deskprofile/notify.h"
#include "pagd/deskprofile/rules.h"
#include "pagd/pagd.h"

struct deskprofile_req {
	struct pagd *p;
	char *domain, *user, *tree, *host;
	uint32_t uid, gid;
	char **groups;
	struct id_wait wait;
	/* the user's gids, and a wait for each group not yet known */
	uint32_t *gids;
	struct id_wait *gwaits;
	size_t n_gids, pending;
	struct dp_fetch *fetch;
	struct dp_cached cached;
	sd_event_source *finish;
	int status;
	void (*done)(void *ud, int pam_status);
	void *ud;
};

void deskprofile_cancel(struct deskprofile_req *r)
{
	if (!r)
		return;
	id_wait_cancel(&r->wait);
	for (size_t i = 0; r->gwaits && i < r->n_gids; i++)
		id_wait_cancel(&r->gwaits[i]);
	free(r->gwaits);
	free(r->gids);
	dp_fetch_free(r->fetch);
	dp_cached_free(&r->cached);
	sd_event_source_disable_unref(r->finish);
	dp_strv_free(r->groups);
	free(r->domain);
	free(r->user);
	free(r->tree);
	free(r->host);
	free(r);
}

static int on_finish(sd_event_source *s, void *ud)
{
	struct deskprofile_req *r = ud;
	void (*done)(void *ud, int pam_status) = r->done;
	void *done_ud = r->ud;
	int status = r->status;

	deskprofile_cancel(r);
	done(done_ud, status);
	return 0;
}

/* Ends the request from the loop, never from inside the caller's call. */
static void finish(struct deskprofile_req *r, int status)
{
	r->status = status;
	if (sd_event_source_set_enabled(r->finish, SD_EVENT_ONESHOT) < 0) {
		log_error("deskprofile: cannot end a request; "
			  "%s's session answer is lost",
			  r->user);
	}
}

/* This host's FQDN: its name when it has a dot, else what DNS says. */
static char *host_fqdn(void)
{
	struct addrinfo hints = { .ai_flags = AI_CANONNAME }, *ai = NULL;
	char name[256] = "";
	char *fqdn;

	if (gethostname(name, sizeof(name) - 1) < 0)
		return NULL;
	if (strchr(name, '.'))
		return strdup(name);
	if (getaddrinfo(name, NULL, &hints, &ai) == 0 && ai->ai_canonname)
		fqdn = strdup(ai->ai_canonname);
	else
		fqdn = strdup(name);
	if (ai)
		freeaddrinfo(ai);
	return fqdn;
}

/*
 * Whether the cache record's host groups are those of this session's host:
 * the record holds one host's, and a PAG bound within a profile with an
 * ipa_hostname of its own (a container) names another host than the
 * domain's.
 */
static bool same_host(const struct deskprofile_req *r)
{
	return r->cached.host && !strcasecmp(r->cached.host, r->host);
}

/* The host groups of this session's host, as far as they are known. */
static char *const *host_groups(const struct deskprofile_req *r)
{
	static char *const none[] = { NULL };

	if (same_host(r) && r->cached.hostgroups)
		return r->cached.hostgroups;
	if (r->cached.host)
		log_debug("deskprofile: host groups of %s not known (those "
			  "cached are %s's): none apply",
			  r->host, r->cached.host);
	return none;
}

/* Steps 4 and 5, from the set @s (fetched or cached). */
static void apply(struct deskprofile_req *r, const struct dp_set *s,
		  char *const *hostgroups)
{
	struct dp_subject who = { .tree = r->tree,
				  .user = r->user,
				  .groups = r->groups,
				  .host = r->host,
				  .hostgroups = hostgroups };
	struct dp_file *files = NULL;
	char *dir = NULL;
	size_t n = 0;
	int e;

	if (!s->policy) {
		/* a tree without desktop profiles is not worth a warning */
		if (s->n_rules)
			log_warning(
				"deskprofile: domain '%s' has rules but no "
				"usable policy (ipaDeskProfileConfig under "
				"cn=desktop-profile,%s): no profiles for %s",
				r->domain, r->tree, r->user);
		else
			log_debug("deskprofile: domain '%s' has no desktop "
				  "profiles",
				  r->domain);
		finish(r, PAM_SUCCESS);
		return;
	}
	if (dp_select(s, &who, &files, &n) < 0) {
		finish(r, PAM_SESSION_ERR);
		return;
	}
	log_debug("deskprofile: %zu of %zu rule(s) of domain '%s' apply to "
		  "%s on %s (policy %u)",
		  n, s->n_rules, r->domain, r->user, r->host, s->policy);
	e = dp_write_user_dir(r->p->cfg->state_dir, r->domain, r->user, r->uid,
			      r->gid, files, n, &dir);
	free(files);
	if (e < 0) {
		finish(r, PAM_SESSION_ERR);
		return;
	}
	if (n)
		dp_notify(r->p, r->uid, dir, s->policy);
	else
		log_debug("deskprofile: no profile for %s: the FleetCommander "
			  "client is not called",
			  r->user);
	free(dir);
	finish(r, PAM_SUCCESS);
}

static void apply_cached(struct deskprofile_req *r, const char *why)
{
	if (!r->cached.has_set) {
		log_info("deskprofile: domain '%s' %s and nothing is cached: "
			 "no profiles for %s",
			 r->domain, why, r->user);
		finish(r, PAM_SUCCESS);
		return;
	}
	log_debug("deskprofile: domain '%s' %s: the last known rules apply",
		  r->domain, why);
	apply(r, &r->cached.set, host_groups(r));
}

static void fetched(void *ud, int err)
{
	struct deskprofile_req *r = ud;
	struct dp_fetched *res = dp_fetch_result(r->fetch);
	const struct domain_conf *dc = config_domain(r->p->cfg, r->domain);

	if (err < 0) {
		log_notice("deskprofile: domain '%s': the directory could not "
			   "be searched (%s)",
			   r->domain, strerror(-err));
		apply_cached(r, "cannot be searched");
		return;
	}
	if (res->has_hostgroups) {
		dp_strv_free(r->cached.hostgroups);
		r->cached.hostgroups = res->hostgroups;
		res->hostgroups = NULL;
		free(r->cached.host);
		r->cached.host = strdup(r->host);
		r->cached.hostgroups_expire =
			(uint64_t)time(NULL) +
			(dc ? dc->ldap.entry_cache_timeout : 0);
	}
	dp_set_free(&r->cached.set);
	r->cached.set = res->set;
	res->set = (struct dp_set){ 0 };
	r->cached.has_set = true;
	r->cached.fetched = (uint64_t)time(NULL);
	dp_cache_save(r->p->cfg->state_dir, r->domain, &r->cached);
	apply(r, &r->cached.set, host_groups(r));
}

/* Steps 2 and 3. */
static void search(struct deskprofile_req *r)
{
	const struct domain *d = pagd_domain(r->p, r->domain);
	const struct domain_conf *dc = config_domain(r->p->cfg, r->domain);
	uint64_t now = (uint64_t)time(NULL), pause_end;
	bool want_host;
	int e;

	dp_cache_load(r->p->cfg->state_dir, r->domain, &r->cached);
	if (!d || !dc) {
		finish(r, PAM_SUCCESS);
		return;
	}
	if (!strcmp(domain_status(d), "offline")) {
		apply_cached(r, "is offline");
		return;
	}
	/*
	 * SSSD's ipa_deskprofile_request_interval: a tenant without rules is
	 * not asked again at every login.  pagd's search is the tenant's
	 * (not one user's), so "no rule" is the tenant's, never a user's
	 * pausing the others' rules.
	 */
	pause_end =
		r->cached.fetched + 60ull * dc->deskprofile_request_interval;
	if (r->cached.has_set && !r->cached.set.n_rules && now < pause_end) {
		log_debug(
			"deskprofile: domain '%s': the last search found no "
			"rule: the next is made after "
			"ipa_deskprofile_request_interval (%u min), in %llu s",
			r->domain, dc->deskprofile_request_interval,
			(unsigned long long)(pause_end - now));
		apply(r, &r->cached.set, host_groups(r));
		return;
	}
	if (r->cached.has_set && same_host(r) &&
	    now < r->cached.fetched + dc->deskprofile_refresh) {
		log_debug("deskprofile: domain '%s': rules fetched less than "
			  "ipa_deskprofile_refresh (%us) ago apply",
			  r->domain, dc->deskprofile_refresh);
		apply(r, &r->cached.set, host_groups(r));
		return;
	}
	want_host = !r->cached.hostgroups || !same_host(r) ||
		    r->cached.hostgroups_expire <= now;
	if (!want_host)
		log_debug("deskprofile: host groups of %s known (%zu)", r->host,
			  strv_len(r->cached.hostgroups));
	e = dp_fetch_start(r->p->event, dc, r->tree, r->host, want_host,
			   fetched, r, &r->fetch);
	if (e < 0) {
		log_errno(LOG_ERR, e,
			  "deskprofile: cannot search domain "
			  "'%s': %m",
			  r->domain);
		apply_cached(r, "cannot be searched");
	}
}

/* Step 1 ended: the names of the user's groups are known. */
static void groups_named(struct deskprofile_req *r)
{
	const struct domain *d = pagd_domain(r->p, r->domain);
	size_t k = 0;

	r->groups = calloc(r->n_gids + 1, sizeof(char *));
	for (size_t i = 0; d && r->groups && i < r->n_gids; i++) {
		const struct pagd_group *g = domain_group_by_gid(d, r->gids[i]);

		if (!g)
			log_debug("deskprofile: %s's group %u has no name: "
				  "ignored",
				  r->user, r->gids[i]);
		else if (!(r->groups[k++] = strdup(g->name)))
			break;
	}
	if (!r->groups || (k && !r->groups[k - 1])) {
		finish(r, PAM_SESSION_ERR);
		return;
	}
	log_debug("deskprofile: %s (%u:%u) of '%s' is in %zu group(s)", r->user,
		  r->uid, r->gid, r->domain, k);
	search(r);
}

static void group_known(struct id_wait *w)
{
	struct deskprofile_req *r = w->ud;

	if (r->pending && --r->pending == 0)
		groups_named(r);
}

/* The user's gids are in the provider's cache: now their names. */
static void groups_known(struct id_wait *w)
{
	struct deskprofile_req *r = w->ud;
	const struct domain *d = pagd_domain(r->p, r->domain);
	const struct pagd_user *u = d ? domain_user_by_name(d, r->user) : NULL;
	const uint32_t *gids = NULL;
	size_t n = 0;

	if (!u) {
		log_info("deskprofile: %s of '%s' is gone: no profiles",
			 r->user, r->domain);
		finish(r, PAM_SUCCESS);
		return;
	}
	r->uid = u->uid;
	r->gid = u->gid;
	if (d->ops && d->ops->user_groups)
		n = d->ops->user_groups(d, u, &gids);
	/* the primary group first, as initgroups gives it */
	r->gids = calloc(n + 1, sizeof(*r->gids));
	r->gwaits = calloc(n + 1, sizeof(*r->gwaits));
	if (!r->gids || !r->gwaits) {
		finish(r, PAM_SESSION_ERR);
		return;
	}
	r->gids[r->n_gids++] = r->gid;
	for (size_t i = 0; i < n; i++)
		if (gids[i] != r->gid)
			r->gids[r->n_gids++] = gids[i];
	r->pending = 1;
	for (size_t i = 0; i < r->n_gids; i++) {
		struct id_query q = { .kind = ID_GROUP_GID, .id = r->gids[i] };

		r->gwaits[i] = (struct id_wait){ .done = group_known, .ud = r };
		if (!domain_group_by_gid(d, r->gids[i]) &&
		    domain_prepare(d, &q, &r->gwaits[i]) > 0)
			r->pending++;
	}
	if (r->pending > 1)
		log_debug("deskprofile: %zu of %s's groups are being fetched",
			  r->pending - 1, r->user);
	group_known(&(struct id_wait){ .ud = r });
}

static bool name_is_path_safe(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int deskprofile_session_open(struct pagd *p, const char *domain,
			     const char *user, const char *host,
			     void (*done)(void *ud, int pam_status), void *ud,
			     struct deskprofile_req **out)
{
	const struct domain_conf *dc = config_domain(p->cfg, domain);
	const struct domain *d = pagd_domain(p, domain);
	struct id_query q = { .kind = ID_INITGR, .name = user };
	struct deskprofile_req *r;
	int e;

	if (!dc || !d || dc->session_provider != SESSION_IPA) {
		log_debug("deskprofile: domain '%s': session_provider = none",
			  domain);
		return 0;
	}
	if (!name_is_path_safe(user) || !name_is_path_safe(domain)) {
		log_warning("deskprofile: user name '%s' of '%s' cannot name "
			    "a directory: no profiles",
			    user, domain);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	*r = (struct deskprofile_req){ .p = p, .done = done, .ud = ud };
	r->wait = (struct id_wait){ .done = groups_known, .ud = r };
	r->domain = strdup(domain);
	r->user = strdup(user);
	if (host)
		r->host = strdup(host);
	else
		r->host = dc->ipa_hostname ? strdup(dc->ipa_hostname)
					   : host_fqdn();
	if (dc->ldap.search_base)
		r->tree = strdup(dc->ldap.search_base);
	else if (asprintf(&r->tree, "cn=%s,cn=tenants,%s", dc->tenant,
			  dc->ldap.suffix) < 0)
		r->tree = NULL;
	if (!r->domain || !r->user || !r->host || !r->tree ||
	    sd_event_add_defer(p->event, &r->finish, on_finish, r) < 0 ||
	    sd_event_source_set_enabled(r->finish, SD_EVENT_OFF) < 0)
		goto nomem;
	log_debug("deskprofile: session of %s of '%s' opens on host %s", user,
		  domain, r->host);
	*out = r;
	e = domain_prepare(d, &q, &r->wait);
	if (e <= 0)
		groups_known(&r->wait);
	else
		log_debug("deskprofile: %s's groups are being fetched", user);
	return 1;
nomem:
	log_error("deskprofile: out of memory for %s's session", user);
	deskprofile_cancel(r);
	return 0;
}
