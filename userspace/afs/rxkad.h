/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxkad tokens for kafs: turn a Kerberos 5 service ticket for an AFS cell
 * into the payload of an "rxrpc" key named "afs@CELL".
 */
#ifndef PAG_AFS_RXKAD_H
#define PAG_AFS_RXKAD_H

#include <stddef.h>
#include <stdint.h>

/* The ticket is a whole Kerberos 5 ticket (rxkad "kvno" 256). */
#define RXKAD_TKT_TYPE_KERBEROS_V5 256
/* The largest ticket the kernel's rxrpc key parser accepts. */
#define RXKAD_TICKET_MAX 12000

/**
 * struct rxkad_token - what an rxkad token carries
 * @expiry: end of validity, seconds since the epoch
 * @kvno: ticket type (RXKAD_TKT_TYPE_KERBEROS_V5)
 * @session_key: the DES session key rxkad encrypts with
 * @ticket: the ticket, opaque to the client
 * @ticket_len: its length, at most RXKAD_TICKET_MAX
 */
struct rxkad_token {
	uint32_t expiry;
	uint32_t kvno;
	uint8_t session_key[8];
	const void *ticket;
	size_t ticket_len;
};

int rxkad_derive_des_key(int enctype, const uint8_t *key, size_t len,
			 uint8_t out[8]);
int rxkad_key_payload(const struct rxkad_token *tok, void **payload,
		      size_t *len);

#endif /* PAG_AFS_RXKAD_H */
