/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd's KCM responder: MIT krb5's KCM: credential cache served from the
 * caller's PAG keyring.
 *
 * responder.c owns the sockets and clients in pagd's event loop; a request
 * goes whole to a worker (worker.c), a process forked from pagd that
 * ENTERs the caller's PAG incarnation for that one request, runs it with
 * the caller's uid as fsuid (ops.c) and leaves again.  pagd keeps no
 * ticket beyond the request it is passing on.
 */
#ifndef PAGD_KCM_KCM_H
#define PAGD_KCM_KCM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <krb5.h>
#include <sys/types.h>

#include "pagd/kcm/protocol.h"

struct pagd;

/* The KEYRING collection KCM's caches live in ("_krb_" + this). */
#define PAGD_KCM_COLLECTION "kcm"
/* The name under which KCM shows pagd's own (renewed) cache, read-only. */
#define PAGD_KCM_PAGD_CACHE "pagd"

/* A request on its way to a worker: this header, then the KCM message. */
struct kcm_job_hdr {
	int32_t pag;
	uint32_t uid, gid; /* SO_PEERCRED, as the initial namespace sees them */
	uint64_t created_ns;
};

/* ops.c: one request, in the PAG already; the reply after its status. */
krb5_error_code kcm_op_run(krb5_context ctx, uint16_t op, struct kcm_in *args,
			   struct kcm_out *out);

/* worker.c */
typedef void (*kcm_worker_done_fn)(void *ud, int32_t code, const uint8_t *reply,
				   size_t len);
int kcm_worker_submit(struct pagd *p, const struct kcm_job_hdr *hdr,
		      const uint8_t *msg, size_t len, kcm_worker_done_fn done,
		      void *ud);
/* The client gave up: its answer, when it comes, goes nowhere. */
void kcm_worker_forget(void *ud);
void kcm_workers_stop(void);

/* responder.c */
int kcm_listen(struct pagd *p, const char *path);
void kcm_close_all(struct pagd *p);

#endif /* PAGD_KCM_KCM_H */
