// SPDX-License-Identifier: GPL-2.0
/*
 * exec: the new process joins the container's PAG, so that it has the
 * container's credentials and identity domains.  The wrapper ENTERs the
 * PAG the record names, by id and creation time, and then runs the
 * runtime's exec, which inherits it (a container made with
 * --no-new-keyring keeps its session keyring in exec too).  The record
 * may be older than the PAG's life: once the container's processes are
 * gone the PAG has ended, and its id may belong to a later PAG, someone
 * else's.  ENTER names the incarnation, so pag.ko refuses both (ENOENT,
 * ESTALE), and so does the wrapper, before anything runs.  The process's
 * configuration (--process) gets the container's KRB5CCNAME, which the
 * engine's does not know of (record.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <pag/pag.h>

#include "oci-runtime.h"

int oci_enter(const struct oci_opts *o, const struct oci_target *t)
{
	struct pag_handle *h = NULL;
	struct oci_record rec;
	int r;

	r = oci_record_read(t->id, &rec);
	if (r < 0)
		return exit_code_of(r);
	r = pag_open(&h, 0);
	if (r < 0) {
		launch_err("cannot open libpag: %s", strerror(-r));
		return exit_code_of(r);
	}
	r = pag_enter(h, rec.pag, rec.created_ns);
	if (r == -ENOENT || r == -ESTALE)
		launch_err("the PAG of container %s (PAG %" PRId32
			   " created at %" PRIu64
			   ") has ended: no process runs outside it",
			   t->id, rec.pag, rec.created_ns);
	else if (r < 0)
		launch_err("cannot enter the PAG of container %s: %s", t->id,
			   pag_errmsg(h));
	pag_close(h);
	if (r < 0)
		return r == -ENOENT || r == -ESTALE ? EX_UNAVAILABLE
						    : exit_code_of(r);
	if (*rec.ccache && t->process &&
	    oci_process_set_env(t->process, "KRB5CCNAME", rec.ccache) < 0)
		return EX_DATAERR;
	return oci_exec_runtime(o);
}
