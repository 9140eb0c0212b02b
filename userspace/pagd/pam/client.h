/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PAM responder's side of one client connection: what pam_sss asks,
 * answered from the connection's view (nss/responder.c owns the socket,
 * the framing and the view; this file, the PAM semantics).
 */
#ifndef PAGD_PAM_CLIENT_H
#define PAGD_PAM_CLIENT_H

#include "pagd/nss/protocol.h"

struct pagd;
struct pam_client;

/* pam_client_handle() parked the request: call again after @wake. */
#define PAM_CLIENT_WAIT 2

struct pam_client *pam_client_new(struct pagd *p, const char *where,
				  void (*wake)(void *ud), void *ud);
/*
 * The connection's peer as the kernel recorded it at connect (pid, PAG):
 * part of the key under which a TGT waits for its session (held.h).
 */
void pam_client_set_peer(struct pam_client *pc, int fd);
/* Ends a running authentication too. */
void pam_client_free(struct pam_client *pc);

/* The user the request in @s names, for providers that must fetch it. */
int pam_client_query(const struct nss_session *s, struct id_query *q);

/*
 * pam_client_handle() - answer the request in s->in from view @v (NULL: the
 * client may see nothing), appending the reply to @out.
 * Return: NSS_REPLY, NSS_CLOSE, PAM_CLIENT_WAIT (an authentication runs;
 * wake() is called when it is done), or -ENOMEM.  s->in is wiped once the
 * request is answered or handed to a worker.
 */
int pam_client_handle(struct pam_client *pc, struct nss_session *s,
		      const struct view *v, struct nss_buf *out);

#endif /* PAGD_PAM_CLIENT_H */
