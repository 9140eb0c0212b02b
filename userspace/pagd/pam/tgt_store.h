/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stores a held TGT (held.h) into a session's PAG at open_session: a
 * short-lived worker enters the PAG by incarnation, as the credential
 * workers do (creds/), and writes the TGT into PAGD_KRB5_WORKER_CCACHE
 * there, so that pagd's credential bindings can renew it.
 */
#ifndef PAGD_PAM_TGT_STORE_H
#define PAGD_PAM_TGT_STORE_H

#include <stdint.h>
#include <systemd/sd-event.h>

#include "pagd/pam/locked.h"

/* A worker that has not answered by then is killed. */
#define PAM_TGT_STORE_TIMEOUT_SEC 10

enum tgt_store_status {
	TGT_STORE_OK,
	TGT_STORE_FAIL,
	TGT_STORE_GONE, /* that incarnation of the PAG no longer exists */
};

struct tgt_store;

/* @msg: why, for the log; "" on success */
typedef void (*tgt_store_done_fn)(void *ud, int status, const char *msg);

/*
 * tgt_store_start() - store @tgt (marshalled credentials) into
 * KEYRING:session:pagd of PAG (@pag, @created_ns); @done is called once
 * from the event loop unless tgt_store_cancel() comes first.  The worker
 * gets its own copy over a socket; the caller keeps and wipes @tgt.
 * Return: 0, or a negative errno.
 */
int tgt_store_start(sd_event *ev, int32_t pag, uint64_t created_ns,
		    const struct locked_buf *tgt, tgt_store_done_fn done,
		    void *ud, struct tgt_store **out);
void tgt_store_cancel(struct tgt_store *t);

#endif /* PAGD_PAM_TGT_STORE_H */
