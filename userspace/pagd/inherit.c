// SPDX-License-Identifier: GPL-2.0
/*
 * Binding inheritance: a PAG made by a member of a bound PAG (a login in a
 * container, `pag new` inside it) starts with its parent's binding, so its
 * processes keep their tenant's view through the main socket.  pag.ko names
 * the parent's incarnation (id, creation time) in the creation event; the
 * child is bound only when the parent's binding is for exactly that
 * incarnation, never for a later PAG that reused the id.
 *
 * Once made, the child's binding is its own: unbinding or rebinding the
 * parent later changes nothing for the child, and the child's binding goes
 * when the child ends, like any other (watch.c).  The profile the parent
 * was bound within goes with its domains (its ipa_hostname names the
 * container's host for desktop profiles).  Only the domain binding
 * is inherited: credential bindings (creds/) stay with the PAG an
 * administrator bound, since they put a principal's tickets into it.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/log.h"
#include "pagd/pagd.h"

/**
 * pagd_pag_inherit() - give a new PAG its parent's binding
 * @p: the daemon
 * @pag: the new PAG's id
 * @created_ns: its creation time
 * @parent: the PAG its creator was in
 * @parent_ns: that PAG's creation time
 *
 * Runs for every creation event with a parent, so the common case (an
 * unbound parent) costs one read-only lookup and no write.  A binding
 * already recorded for the child's own incarnation (an administrator bound
 * it before pagd read the event) is kept; one for an earlier holder of the
 * id is replaced.
 */
void pagd_pag_inherit(struct pagd *p, int32_t pag, uint64_t created_ns,
		      int32_t parent, uint64_t parent_ns)
{
	uint64_t bound = 0, own = 0;
	char *key = NULL, *profile = NULL;
	int r;

	r = state_get_binding(p->state, parent, &bound, &key);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "PAG %d was created in PAG %d: reading its binding: "
			  "%m",
			  pag, parent);
		return;
	}
	if (!parent_ns || bound != parent_ns) {
		log_debug("PAG %d was created in PAG %d created at %llu; the "
			  "binding of PAG %d is for the one created at %llu: "
			  "not inherited",
			  pag, parent, (unsigned long long)parent_ns, parent,
			  (unsigned long long)bound);
		free(key);
		return;
	}
	if (state_get_binding(p->state, pag, &own, NULL) == 0 &&
	    own == created_ns) {
		log_debug(
			"PAG %d (created at %llu) is bound already: keeps its "
			"binding",
			pag, (unsigned long long)created_ns);
		free(key);
		return;
	}
	r = state_binding_profile(p->state, parent, parent_ns, &profile);
	if (r >= 0 || r == -ENOENT)
		r = state_bind_profile(p->state, pag, created_ns, key, profile);
	if (r < 0) {
		log_errno(LOG_ERR, r,
			  "PAG %d (created at %llu) in PAG %d: cannot record "
			  "the inherited binding '%s': %m",
			  pag, (unsigned long long)created_ns, parent, key);
	} else {
		log_info("PAG %d (created at %llu) bound to '%s'%s%s%s, "
			 "inherited from PAG %d (created at %llu)",
			 pag, (unsigned long long)created_ns, key,
			 profile ? " within profile '" : "",
			 profile ? profile : "", profile ? "'" : "", parent,
			 (unsigned long long)parent_ns);
		scope_invalidate_views(p);
	}
	free(profile);
	free(key);
}
