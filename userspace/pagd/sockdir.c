// SPDX-License-Identifier: GPL-2.0
/*
 * Per-subset socket directories: RUN_DIR/sockets/ID/ holds the sockets
 * (one per responder, named as SSSD names them: "nss", "pam" and
 * "private/pam") that serve exactly
 * one set of domains.  Bind-mount the directory over /var/lib/sss/pipes in
 * a container and its stock libnss_sss sees that subset, whatever the
 * kernel offers.
 *
 * The set is canonicalised (sorted, duplicates dropped) and recorded in
 * LMDB with its id before the directory is made, so the same set always
 * gets the same directory, also after a restart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "pagd/kcm/kcm.h"
#include "pagd/pagd.h"

static const char *const known_responders[] = { "nss", "pam" };

int sockdir_path(const struct pagd *p, uint32_t id, char **path)
{
	if (asprintf(path, "%s/sockets/%u", p->cfg->run_dir, id) < 0)
		return -ENOMEM;
	return 0;
}

int sockdir_split_key(const char *key, char **domains, char **responders)
{
	const char *semi = strchr(key, ';');

	if (!semi)
		return -EINVAL;
	*domains = strndup(key, semi - key);
	*responders = strdup(semi + 1);
	if (!*domains || !*responders) {
		free(*domains);
		free(*responders);
		return -ENOMEM;
	}
	return 0;
}

/* Creates the directory and its sockets (again, after a restart). */
static int sockdir_open(struct pagd *p, uint32_t id, const char *domains,
			const char *responders, char **out)
{
	char *dir = NULL, *top = NULL, *sock = NULL;
	int r;

	if (asprintf(&top, "%s/sockets", p->cfg->run_dir) < 0)
		return -ENOMEM;
	r = sockdir_path(p, id, &dir);
	if (r < 0)
		goto out;
	r = mkdir_exact_mode(top, 0755);
	if (r == 0)
		r = mkdir_exact_mode(dir, 0755);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot create %s: %m", dir);
		goto out;
	}
	if (strstr(responders, "nss")) {
		if (asprintf(&sock, "%s/nss", dir) < 0) {
			r = -ENOMEM;
			goto out;
		}
		r = responder_listen(p, sock, domains);
		if (r < 0)
			goto out;
	}
	if (strstr(responders, "pam")) {
		r = pam_listen_in(p, dir, domains);
		if (r < 0)
			goto out;
	}
	/*
	 * KCM in every directory: it is scoped by the caller's PAG, never by
	 * the directory, so it is no responder a directory is made for.
	 */
	free(sock);
	if (asprintf(&sock, "%s/kcm", dir) < 0) {
		sock = NULL;
		r = -ENOMEM;
		goto out;
	}
	r = kcm_listen(p, sock);
	if (r < 0)
		goto out;
	if (out) {
		*out = dir;
		dir = NULL;
	}
out:
	free(sock);
	free(dir);
	free(top);
	return r;
}

static bool responder_known(const char *name)
{
	for (size_t i = 0; i < sizeof(known_responders) / sizeof(char *); i++)
		if (!strcmp(known_responders[i], name))
			return true;
	return false;
}

/*
 * sockdir_get() - the socket directory serving @domains through
 * @responders (all known responders when there are none).
 * Return: 0 with *@path; -ENXIO with *@msg naming an unknown domain;
 * -EINVAL with *@msg when there is none or a responder is unknown;
 * another negative errno when the directory cannot be made.
 */
int sockdir_get(struct pagd *p, const char *const *domains, size_t n_domains,
		const char *const *responders, size_t n_responders, char **path,
		char **msg)
{
	char *dkey = NULL, *rkey = NULL, *key = NULL;
	bool created;
	uint32_t id;
	int r;

	*msg = NULL;
	if (n_domains == 0)
		return asprintf(msg, "no domains given") < 0 ? -ENOMEM
							     : -EINVAL;
	for (size_t i = 0; i < n_domains; i++)
		if (!pagd_domain(p, domains[i]))
			return asprintf(msg, "unknown domain '%s'",
					domains[i]) < 0
				       ? -ENOMEM
				       : -ENXIO;
	for (size_t i = 0; i < n_responders; i++)
		if (!responder_known(responders[i]))
			return asprintf(msg,
					"unknown responder '%s' (known: %s)",
					responders[i], PAGD_RESPONDERS) < 0
				       ? -ENOMEM
				       : -EINVAL;
	if (n_responders == 0) {
		responders = known_responders;
		n_responders = sizeof(known_responders) / sizeof(char *);
	}
	r = view_key(domains, n_domains, &dkey);
	if (r == 0)
		r = view_key(responders, n_responders, &rkey);
	if (r == 0 && asprintf(&key, "%s;%s", dkey, rkey) < 0) {
		key = NULL;
		r = -ENOMEM;
	}
	if (r == 0)
		r = state_sockdir(p->state, key, &id, &created);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "cannot record socket directory for %s: %m",
			  dkey ? dkey : "?");
		goto out;
	}
	if (created) {
		r = sockdir_open(p, id, dkey, rkey, path);
		if (r == 0)
			log_info("socket directory %s serves %s", *path, dkey);
	} else {
		r = sockdir_path(p, id, path);
		/* recorded, but an earlier attempt to open it failed */
		if (r == 0 && !responder_serves(p, *path)) {
			free(*path);
			r = sockdir_open(p, id, dkey, rkey, path);
		}
	}
out:
	free(key);
	free(dkey);
	free(rkey);
	return r;
}

static int restore_one(uint32_t id, const char *key, void *ud)
{
	struct pagd *p = ud;
	char *domains, *responders, **names;
	int r;

	r = sockdir_split_key(key, &domains, &responders);
	if (r < 0) {
		log_warning("state: bad socket directory key '%s', skipped",
			    key);
		return 0;
	}
	if (view_key_split(domains, &names) == 0) {
		for (char **n = names; *n; n++)
			if (!pagd_domain(p, *n))
				log_warning("socket directory %u: domain '%s' "
					    "is no longer configured",
					    id, *n);
		strv_free(names);
	}
	r = sockdir_open(p, id, domains, responders, NULL);
	free(domains);
	free(responders);
	return r;
}

/* At start-up: reopen every directory recorded in the state. */
int sockdir_restore(struct pagd *p)
{
	return state_foreach_sockdir(p->state, restore_one, p);
}
