/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TGTs between authentication and session open.  At authentication the
 * caller is sshd, login or a container's shared PAG: a TGT stored there
 * would reach every process of it.  So pagd holds it, in locked memory
 * (locked.h), for PAM_TGT_HOLD_SEC at most, keyed by the PAM conversation,
 * and open_session takes it for the PAG the same process made for the
 * session in between (pam_pag, earlier in the session stack).
 */
#ifndef PAGD_PAM_HELD_H
#define PAGD_PAM_HELD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "pagd/pam/locked.h"

/*
 * How long a TGT waits for its session at most; then it is wiped.  pam_tgt_hold
 * in [pagd] makes it shorter (tests, hosts whose logins are quick).
 */
#define PAM_TGT_HOLD_SEC 120
/* TGTs held at once (each takes locked pages); more are not kept. */
#define PAM_TGT_HOLD_MAX 256

/*
 * A PAM conversation: what pam_sss sends (user, service, tty, remote host,
 * its pid) and what the kernel says of the connection (the peer's pid and,
 * proven by the BPF tag, its PAG at connect time).
 */
struct pam_conv_key {
	const char *user, *service, *tty, *rhost; /* NULL: "" */
	uint32_t cli_pid;
	pid_t peer_pid;
	bool has_pag;
	int32_t pag;
	uint64_t pag_ns;
};

struct held_tgt {
	struct held_tgt *next;
	char *user, *service, *tty, *rhost;
	uint32_t cli_pid;
	pid_t peer_pid;
	bool has_pag;
	int32_t pag;
	uint64_t pag_ns;

	char *domain, *principal;
	struct locked_buf tgt;
	sd_event_source *expiry;
	uint64_t held_ns;      /* CLOCK_BOOTTIME, pag.ko's clock */
	unsigned int hold_sec; /* how long it waits */

	/* the PAG the peer made since (pam_pag's session PAG) */
	bool has_session;
	int32_t session_pag;
	uint64_t session_ns;
};

/*
 * held_tgt_put() - hold @tgt (moved: *@tgt is zeroed) for the conversation
 * @k, for @hold_sec seconds, replacing what it held before.
 * Return: 0, or a negative errno (-ENOSPC: PAM_TGT_HOLD_MAX reached); on
 * failure *@tgt is wiped.
 */
int held_tgt_put(sd_event *ev, const struct pam_conv_key *k, const char *domain,
		 const char *principal, struct locked_buf *tgt,
		 unsigned int hold_sec);
/* The TGT held for @k, taken out of the table (free it), or NULL. */
struct held_tgt *held_tgt_take(const struct pam_conv_key *k);
/* Wipes and frees @h. */
void held_tgt_free(struct held_tgt *h);
/* Wipes everything held (pagd stops). */
void held_tgt_clear(void);
/*
 * From pag.ko's creation events: PAG (@pag, @ns) was made by thread
 * @creator_pid, which was then in (@parent, @parent_ns) (@has_parent).
 * A held TGT whose peer is that process, held before @ns, and whose
 * connection's PAG was that parent (or could not be proven), gets it as its
 * session's PAG.
 */
void held_tgt_pag_created(int32_t pag, uint64_t ns, uint32_t creator_pid,
			  bool has_parent, int32_t parent, uint64_t parent_ns);

#endif /* PAGD_PAM_HELD_H */
