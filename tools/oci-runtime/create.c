// SPDX-License-Identifier: GPL-2.0
/*
 * create and run: the container gets a new PAG before the runtime starts
 * it.  The wrapper makes the PAG its own session keyring (the runtime and
 * the container's first process inherit it: --no-new-keyring keeps runc
 * and crun from replacing it), pagd binds it under the profile, narrowed
 * by the bundle's annotations, the credentials are waited for, the bundle
 * gets the identity sockets, the record names the PAG by incarnation, and
 * the real runtime runs.  The order matters: pagd refuses before anything
 * is started, and the container's first process only runs once its
 * credentials are there.  On any failure the bindings are undone and the
 * PAG ends with the wrapper: no container starts, least of all in a PAG
 * of the wrong profile.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pag/pag.h>

#include "oci-runtime.h"

static int new_pag(struct pag_info *info)
{
	struct pag_handle *h = NULL;
	int r;

	r = pag_open(&h, 0);
	if (r < 0) {
		launch_err("cannot open libpag: %s", strerror(-r));
		return r;
	}
	r = pag_create(h, info);
	if (r < 0)
		launch_err("cannot create a PAG: %s", pag_errmsg(h));
	pag_close(h);
	return r;
}

/*
 * pagd's part: bind, the socket directory into the bundle, credentials.
 * pag-launch's steps (tools/launch/pagd.c) with the profile as the
 * engine's configuration gave it and the request as the bundle narrows it.
 */
static int bind_pag(const struct oci_opts *o, const struct pag_info *info,
		    const struct oci_request *req, struct oci_bundle *b,
		    struct pagd_conn *c)
{
	const struct launch_opts lo = {
		.profile = o->profile,
		.domains = req->domains,
		.n_domains = req->n_domains,
		.principal = req->principal,
		.timeout_ms = o->timeout_ms,
	};
	int r;

	r = launch_pagd_bind_profile(c, info->id, info->created_ns, &lo);
	if (r >= 0 && (c->n_domains || lo.n_domains))
		r = launch_pagd_sockets(c, &lo);
	if (r >= 0 && req->netns_path && !c->creds_bound) {
		launch_err("%s=container, but the profile gives no principal "
			   "whose kafs tokens pagd would make",
			   OCI_ANN_AFS_NETNS);
		r = -EPERM;
	}
	if (r >= 0 && req->netns_path)
		r = launch_pagd_credentials_netns(c, info->created_ns,
						  req->netns_path);
	if (r >= 0 && c->creds_bound)
		r = launch_pagd_wait_credentials(c, &lo);
	if (r >= 0 && c->sockdir)
		r = oci_bundle_add_sockets(b, c->sockdir);
	/* KCM where it serves the PAG's caches, as pag-launch (main.c) */
	if (r >= 0 && !o->no_kcm && c->sockdir &&
	    launch_kcm_usable(c->sockdir)) {
		char kcm[PATH_MAX];

		free(c->ccache);
		c->ccache = strdup("KCM:");
		if (!c->ccache)
			r = -ENOMEM;
		else if (snprintf(kcm, sizeof(kcm), "%s/kcm", c->sockdir) >=
			 (int)sizeof(kcm))
			r = -ENAMETOOLONG;
		else
			r = oci_bundle_add_file(b, LAUNCH_KCM_SOCKET, kcm);
	}
	if (r >= 0 && o->krb5_conf)
		r = oci_bundle_add_file(b, "/etc/krb5.conf", o->krb5_conf);
	if (r >= 0 && c->ccache)
		r = oci_bundle_set_env(b, "KRB5CCNAME", c->ccache);
	return r;
}

int oci_create(const struct oci_opts *o, const struct oci_target *t)
{
	struct oci_request req = {};
	struct oci_bundle *b = NULL;
	struct pagd_conn c = {};
	struct pag_info info;
	int r;

	if (!o->profile) {
		launch_err("no profile: configure the engine to run this "
			   "runtime with --pag-profile NAME, or as "
			   "oci-runtime@NAME");
		return EX_USAGE;
	}
	r = oci_bundle_read(t->config, &b, &req);
	if (r < 0) {
		oci_bundle_free(b, &req);
		launch_err("container %s not created", t->id);
		return r == -ENOMEM ? EX_OSERR : EX_DATAERR;
	}
	r = launch_pagd_open(&c, o->address);
	if (r >= 0)
		r = new_pag(&info);
	if (r >= 0)
		r = bind_pag(o, &info, &req, b, &c);
	if (r >= 0)
		r = oci_bundle_write(b);
	if (r >= 0) {
		struct oci_record rec = { info.id, info.created_ns, "" };

		if (c.ccache)
			snprintf(rec.ccache, sizeof(rec.ccache), "%s",
				 c.ccache);
		r = oci_record_write(t->id, &rec);
	}
	if (r < 0)
		launch_pagd_undo(&c);
	launch_pagd_close(&c);
	oci_bundle_free(b, &req);
	if (r < 0) {
		launch_err("container %s not created", t->id);
		return exit_code_of(r);
	}
	r = oci_exec_runtime(o);
	oci_record_remove(t->id);
	return r;
}
