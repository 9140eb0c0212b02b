// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes: which domains a client sees.  A client of a socket directory sees
 * that directory's fixed subset; a client of the main socket sees its PAG's
 * binding, or the configured default when it has no PAG or no binding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"

const struct domain *pagd_domain(const struct pagd *p, const char *name)
{
	for (size_t i = 0; i < p->n_domains; i++)
		if (!strcmp(p->domains[i]->name, name))
			return p->domains[i];
	return NULL;
}

void scope_invalidate_views(struct pagd *p)
{
	for (size_t i = 0; i < p->n_views; i++)
		view_free(p->views[i]);
	free(p->views);
	p->views = NULL;
	p->n_views = 0;
	p->generation++;
}

const struct view *scope_view(struct pagd *p, const char *key)
{
	struct view **nv, *v;

	for (size_t i = 0; i < p->n_views; i++)
		if (!strcmp(p->views[i]->key, key))
			return p->views[i];
	if (view_new(p->domains, p->n_domains, key, &v) < 0)
		return NULL;
	nv = reallocarray(p->views, p->n_views + 1, sizeof(*nv));
	if (!nv) {
		view_free(v);
		return NULL;
	}
	p->views = nv;
	p->views[p->n_views++] = v;
	if (v->qualified)
		log_debug("scope '%s': names collide, answering user@domain",
			  key);
	return v;
}

int scope_key_for_pag(struct pagd *p, bool has_pag, int32_t pag,
		      uint64_t created_ns, char **key)
{
	uint64_t bound_ns = 0;
	char *k = NULL;
	int r;

	if (has_pag) {
		r = state_get_binding(p->state, pag, &bound_ns, &k);
		/*
		 * Unbound, or bound for an earlier holder of the id: the PAG
		 * may be new, its creation event (and inherited binding) still
		 * queued.  Read the queue and look again.
		 */
		if ((r == -ENOENT || (r == 0 && bound_ns != created_ns)) &&
		    pagd_watch_catch_up(p)) {
			free(k);
			k = NULL;
			r = state_get_binding(p->state, pag, &bound_ns, &k);
		}
		if (r < 0 && r != -ENOENT)
			return r;
		/* the id's binding is another incarnation's: unbound */
		if (r == 0 && created_ns && bound_ns == created_ns) {
			*key = k;
			return 0;
		}
		if (r == 0)
			log_debug("PAG %d created at %llu: the binding is for "
				  "the one created at %llu, not served",
				  pag, (unsigned long long)created_ns,
				  (unsigned long long)bound_ns);
		free(k);
	}
	*key = strdup(p->default_key);
	return *key ? 0 : -ENOMEM;
}
