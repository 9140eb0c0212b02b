// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's calls to pagd, through libpagd-client
 * (userspace/pagd-client/; the API: Documentation/admin-guide/pag-launch.rst):
 * Bind and BindCredentials, or BindProfile (after ListProfiles, to learn
 * which domains and principal the profile gives when the command line does
 * not narrow them), GetSocketDirectory, then GetCredentials until the
 * credentials are there, woken by CredentialsChanged; Unbind and
 * UnbindCredentials undo on failure.
 *
 * created_ns is the PAG's creation time from pag.ko's NEW reply: with it
 * pagd binds the PAG the launcher made and no later holder of its id.
 *
 * A pagd without credential bindings answers BindCredentials with
 * org.freedesktop.DBus.Error.UnknownMethod (-EOPNOTSUPP); that is reported
 * as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pag/peer.h>

#include "launch.h"

int launch_pagd_open(struct pagd_conn *c, const char *address)
{
	int r = pagd_client_open(&c->client, address);

	if (r < 0)
		launch_err("cannot reach pagd at %s: %s",
			   address ? address : "the system bus",
			   pagd_client_error(&c->client));
	return r;
}

void launch_pagd_close(struct pagd_conn *c)
{
	pagd_client_close(&c->client);
	for (int i = 0; i < c->n_domains; i++)
		free(c->domains[i]);
	free(c->domains);
	free(c->principal);
	c->domains = NULL;
	c->n_domains = 0;
	c->principal = NULL;
	free(c->sockdir);
	free(c->ccache);
	c->sockdir = NULL;
	c->ccache = NULL;
}

/* Prints why @what failed; returns @r, the errno it means. */
static int pagd_fail(struct pagd_conn *c, const char *what, int r)
{
	launch_err("%s: %s", what, pagd_client_error(&c->client));
	return r;
}

int launch_pagd_bind(struct pagd_conn *c, int32_t pag, uint64_t created_ns,
		     const struct launch_opts *o)
{
	int r;

	r = pagd_client_bind(&c->client, pag, created_ns, o->domains,
			     o->n_domains);
	if (r < 0)
		return pagd_fail(c, "cannot bind the PAG to its domains", r);
	c->pag = pag;
	c->bound = true;
	return 0;
}

struct profile_lookup {
	const char *name;
	struct pagd_conn *c;
	bool found;
};

/* Keeps the profile's domains and first principal, which pagd will bind. */
static int note_profile(const struct pagd_profile *p, void *ud)
{
	struct profile_lookup *l = ud;
	struct pagd_conn *c = l->c;
	int n = 0;

	if (strcmp(p->name, l->name))
		return 0;
	l->found = true;
	while (p->domains[n])
		n++;
	c->domains = calloc(n + 1, sizeof(*c->domains));
	if (!c->domains)
		return -ENOMEM;
	for (c->n_domains = 0; c->n_domains < n; c->n_domains++)
		if (!(c->domains[c->n_domains] =
			      strdup(p->domains[c->n_domains])))
			return -ENOMEM;
	if (p->principals[0] && !(c->principal = strdup(p->principals[0])))
		return -ENOMEM;
	return 0;
}

/*
 * BindProfile: pagd binds @pag to what the profile allows, narrowed by
 * --domain and --principal, or refuses and binds nothing.  Which domains
 * and principal that is, when not narrowed, comes from ListProfiles; a
 * profile it does not list is left to BindProfile to refuse by name.
 */
int launch_pagd_bind_profile(struct pagd_conn *c, int32_t pag,
			     uint64_t created_ns, const struct launch_opts *o)
{
	struct profile_lookup l = { o->profile, c, false };
	int r;

	r = pagd_client_list_profiles(&c->client, note_profile, &l);
	if (r < 0)
		return pagd_fail(c, "cannot read pagd's profiles", r);
	if (o->principal) {
		free(c->principal);
		c->principal = strdup(o->principal);
		if (!c->principal)
			return -ENOMEM;
	}
	r = pagd_client_bind_profile(&c->client, pag, created_ns, o->profile,
				     o->domains, o->n_domains, o->principal);
	if (r < 0)
		return pagd_fail(c, "cannot bind the PAG within its profile",
				 r);
	c->pag = pag;
	c->bound = true;
	c->creds_bound = c->principal != NULL;
	return 0;
}

int launch_pagd_sockets(struct pagd_conn *c, const struct launch_opts *o)
{
	char *const *domains = o->n_domains ? o->domains : c->domains;
	int n = o->n_domains ? o->n_domains : c->n_domains;
	int r;

	r = pagd_client_get_socket_directory(&c->client, domains, n, NULL, 0,
					     &c->sockdir);
	if (r < 0)
		return pagd_fail(c, "cannot get the identity socket directory",
				 r);
	return 0;
}

int launch_pagd_bind_credentials(struct pagd_conn *c, int32_t pag,
				 uint64_t created_ns,
				 const struct launch_opts *o)
{
	int r;

	r = pagd_client_bind_credentials(&c->client, pag, created_ns,
					 o->principal);
	if (r == -EOPNOTSUPP) {
		launch_err("pagd does not support credential bindings");
		return r;
	}
	if (r < 0)
		return pagd_fail(c, "cannot bind the PAG to its credentials",
				 r);
	c->pag = pag;
	c->creds_bound = true;
	return 0;
}

struct cred_state {
	struct pagd_conn *c;
	char state[32];
	char message[256];
	bool ready;
};

/* GetCredentials' answer: the state, and c->ccache once ready. */
static int note_credentials(const struct pagd_creds *w, void *ud)
{
	struct cred_state *st = ud;

	snprintf(st->state, sizeof(st->state), "%s", w->state);
	snprintf(st->message, sizeof(st->message), "%s", w->message);
	/* "renewing" still holds valid credentials. */
	st->ready = !strcmp(w->state, "ok") || !strcmp(w->state, "renewing");
	if (st->ready && *w->ccache && !(st->c->ccache = strdup(w->ccache)))
		return -ENOMEM;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * CredentialsChanged wakes the loop up; GetCredentials is the truth, asked
 * again at least twice a second so that a missed signal costs little.
 */
int launch_pagd_wait_credentials(struct pagd_conn *c,
				 const struct launch_opts *o)
{
	uint64_t deadline = now_ms() + o->timeout_ms, now, step;
	struct cred_state st = { c, "acquiring", "", false };
	sd_bus_slot *slot = NULL;
	int r;

	r = pagd_client_watch_credentials(&c->client, &slot);
	if (r < 0)
		return pagd_fail(c, "cannot watch pagd's credential events", r);
	for (;;) {
		r = pagd_client_get_credentials(&c->client, c->pag,
						note_credentials, &st);
		if (r < 0) {
			pagd_fail(c, "cannot read the state of the credentials",
				  r);
			break;
		}
		if (st.ready)
			break;
		now = now_ms();
		if (now >= deadline) {
			launch_err("no credentials for %s after %u s: state "
				   "%s%s%s",
				   c->principal ? c->principal : o->principal,
				   o->timeout_ms / 1000, st.state,
				   *st.message ? ": " : "", st.message);
			r = -ETIMEDOUT;
			break;
		}
		step = deadline - now < 500 ? deadline - now : 500;
		r = pagd_client_wait(&c->client, step * 1000);
		if (r < 0) {
			pagd_fail(c, "lost pagd while waiting for credentials",
				  r);
			r = -EHOSTDOWN;
			break;
		}
	}
	sd_bus_slot_unref(slot);
	return r;
}

/*
 * SetCredentialsNetwork with the network namespace at @path (pag-launch:
 * its own, just made; the OCI wrapper: the engine's): pagd makes the PAG's
 * kafs tokens anew there, and the caller waits for them with
 * launch_pagd_wait_credentials().
 */
int launch_pagd_credentials_netns(struct pagd_conn *c, uint64_t created_ns,
				  const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		r = -errno;
		launch_err("cannot open the network namespace %s: %s", path,
			   strerror(-r));
		return r;
	}
	r = pagd_client_set_credentials_network(&c->client, c->pag, created_ns,
						fd);
	close(fd);
	if (r < 0)
		return pagd_fail(c,
				 "cannot have pagd make the kafs tokens in "
				 "the container's network namespace",
				 r);
	return 0;
}

/* Undoes the bindings after a failure, so no partial state is left. */
void launch_pagd_undo(struct pagd_conn *c)
{
	if (!c->client.bus)
		return;
	if (c->creds_bound)
		pagd_client_unbind_credentials(&c->client, c->pag);
	if (c->bound)
		pagd_client_unbind(&c->client, c->pag);
	c->bound = c->creds_bound = false;
}

/*
 * pagd's KCM serves a PAG's caches only where the BPF LSM's socket tags
 * say which PAG is asking; elsewhere it refuses every request, and a
 * KEYRING: ccache is the better choice for KRB5CCNAME.
 */
bool launch_kcm_usable(const char *sockdir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/kcm", sockdir) >=
		    (int)sizeof(path) ||
	    stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	return pag_bpf_probe(NULL, 0) == PAG_BPF_ACTIVE;
}
