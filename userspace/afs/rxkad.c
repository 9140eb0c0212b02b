// SPDX-License-Identifier: GPL-2.0
/*
 * rxkad tokens for kafs.
 *
 * rxkad encrypts with single DES, so a ticket whose session key has another
 * enctype needs an 8-byte key derived from it.  The derivation is the
 * "rxkad-kdf" of draft-kaduk-afs3-rxkad-k5-kdf: NIST SP 800-108 counter
 * mode with HMAC-MD5, label "rxkad" (with its NUL), L = 64 bits, a one-byte
 * counter that moves on while the result is a weak DES key.  The token
 * goes to the kernel in the version-1 payload form that net/rxrpc/key.c
 * parses: a 32-bit interface version, then security index, ticket length,
 * expiry, kvno, session key and ticket, in host byte order.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "rxkad.h"

#define RXRPC_SECURITY_RXKAD   2
#define RXRPC_KEY_INTERFACE_V1 1

/* Kerberos enctype numbers (RFC 3961 and successors) of single DES. */
enum {
	ENCTYPE_DES_CBC_CRC = 1,
	ENCTYPE_DES_CBC_MD4 = 2,
	ENCTYPE_DES_CBC_MD5 = 3,
	ENCTYPE_DES3_CBC_SHA1 = 16,
};

/* The payload layout net/rxrpc/key.c expects after the version word. */
struct rxrpc_key_v1 {
	uint16_t security_index;
	uint16_t ticket_length;
	uint32_t expiry;
	uint32_t kvno;
	uint8_t session_key[8];
	uint8_t ticket[];
};

/* Set the low bit of each byte so that every byte has odd parity. */
static void des_set_odd_parity(uint8_t key[8])
{
	for (int i = 0; i < 8; i++) {
		uint8_t b = key[i] & 0xfe;

		key[i] = b | !(__builtin_popcount(b) & 1);
	}
}

/* The weak and semi-weak DES keys (FIPS 74), with odd parity. */
static const uint8_t des_weak_keys[16][8] = {
	{ 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01 },
	{ 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe },
	{ 0x1f, 0x1f, 0x1f, 0x1f, 0x0e, 0x0e, 0x0e, 0x0e },
	{ 0xe0, 0xe0, 0xe0, 0xe0, 0xf1, 0xf1, 0xf1, 0xf1 },
	{ 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe },
	{ 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01 },
	{ 0x1f, 0xe0, 0x1f, 0xe0, 0x0e, 0xf1, 0x0e, 0xf1 },
	{ 0xe0, 0x1f, 0xe0, 0x1f, 0xf1, 0x0e, 0xf1, 0x0e },
	{ 0x01, 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1 },
	{ 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1, 0x01 },
	{ 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e, 0xfe },
	{ 0xfe, 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e },
	{ 0x01, 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e },
	{ 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e, 0x01 },
	{ 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1, 0xfe },
	{ 0xfe, 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1 },
};

static int des_is_weak_key(const uint8_t key[8])
{
	for (size_t i = 0; i < sizeof(des_weak_keys) / sizeof(des_weak_keys[0]);
	     i++)
		if (!memcmp(key, des_weak_keys[i], 8))
			return 1;
	return 0;
}

/**
 * rxkad_derive_des_key() - the DES key rxkad uses for a session key
 * @enctype: Kerberos enctype of @key
 * @key: the ticket's session key
 * @len: its length
 * @out: the 8-byte DES key
 *
 * Return: 0, -EPROTONOSUPPORT for triple DES (which needs a different
 * derivation and is long obsolete), -EINVAL for an empty key, -EIO if
 * the HMAC fails.
 */
int rxkad_derive_des_key(int enctype, const uint8_t *key, size_t len,
			 uint8_t out[8])
{
	static const uint8_t label[] = "rxkad";
	static const uint8_t bits[4] = { 0, 0, 0, 64 };
	uint8_t msg[1 + sizeof(label) + sizeof(bits)];
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int maclen;

	if (!len)
		return -EINVAL;
	switch (enctype) {
	case ENCTYPE_DES_CBC_CRC:
	case ENCTYPE_DES_CBC_MD4:
	case ENCTYPE_DES_CBC_MD5:
		if (len != 8)
			return -EINVAL;
		memcpy(out, key, 8);
		return 0;
	case ENCTYPE_DES3_CBC_SHA1:
		return -EPROTONOSUPPORT;
	}

	memcpy(msg + 1, label, sizeof(label));
	memcpy(msg + 1 + sizeof(label), bits, sizeof(bits));
	for (unsigned int counter = 1; counter <= 255; counter++) {
		msg[0] = counter;
		if (!HMAC(EVP_md5(), key, (int)len, msg, sizeof(msg), mac,
			  &maclen))
			return -EIO;
		memcpy(out, mac, 8);
		des_set_odd_parity(out);
		if (!des_is_weak_key(out))
			return 0;
	}
	return -EIO; /* 255 weak keys in a row: HMAC-MD5 is broken */
}

/**
 * rxkad_key_payload() - build the payload of an "rxrpc" key
 * @tok: the token
 * @payload: set to a malloc'ed buffer the caller frees
 * @len: set to its length
 *
 * Return: 0, -EMSGSIZE when the ticket is larger than the kernel accepts,
 * -EINVAL for an empty ticket, -ENOMEM.
 */
int rxkad_key_payload(const struct rxkad_token *tok, void **payload,
		      size_t *len)
{
	uint32_t version = RXRPC_KEY_INTERFACE_V1;
	struct rxrpc_key_v1 *v1;
	uint8_t *buf;

	if (!tok->ticket_len)
		return -EINVAL;
	if (tok->ticket_len > RXKAD_TICKET_MAX)
		return -EMSGSIZE;

	*len = sizeof(version) + sizeof(*v1) + tok->ticket_len;
	buf = calloc(1, *len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &version, sizeof(version));
	v1 = (struct rxrpc_key_v1 *)(buf + sizeof(version));
	v1->security_index = RXRPC_SECURITY_RXKAD;
	v1->ticket_length = (uint16_t)tok->ticket_len;
	v1->expiry = tok->expiry;
	v1->kvno = tok->kvno;
	memcpy(v1->session_key, tok->session_key, 8);
	memcpy(v1->ticket, tok->ticket, tok->ticket_len);
	*payload = buf;
	return 0;
}
