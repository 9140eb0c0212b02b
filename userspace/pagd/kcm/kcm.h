/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagd's KCM responder: MIT krb5's KCM: credential cache served from the
 * caller's PAG keyring.
 *
 * responder.c owns the sockets in pagd's event loop; a connection from a
 * proven PAG goes to a worker (worker.c), a process forked from pagd that
 * ENTERs the caller's PAG incarnation, answers the connection's requests
 * with the caller's uid as fsuid (ops.c), and leaves when the connection
 * closes or goes quiet.  pagd itself never sees a ticket.
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

/* Whose connection a worker is given, with its descriptor. */
struct kcm_job_hdr {
	int32_t pag;
	uint32_t uid, gid; /* SO_PEERCRED, as the initial namespace sees them */
	uint64_t created_ns;
};

/* ops.c: one request, in the PAG already; the reply after its status. */
krb5_error_code kcm_op_run(krb5_context ctx, uint16_t op, struct kcm_in *args,
			   struct kcm_out *out);

/* worker.c */
void kcm_worker_take(struct pagd *p, int fd, const struct kcm_job_hdr *who);
size_t kcm_worker_conns(void);
void kcm_workers_stop(void);

/* responder.c */
int kcm_listen(struct pagd *p, const char *path);
void kcm_close_all(struct pagd *p);

#endif /* PAGD_KCM_KCM_H */
