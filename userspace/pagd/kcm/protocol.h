/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KCM protocol as MIT krb5 1.20's KCM: credential cache speaks it
 * (Heimdal's protocol, version 2.0), learnt from MIT's include/kcm.h and
 * lib/krb5/ccache/cc_kcm.c and SSSD's responder/kcm.
 *
 * A request is a 32-bit big-endian length, then that many bytes: major
 * version 2, minor version 0, a 16-bit big-endian opcode and the
 * arguments.  A reply is a 32-bit length, a 32-bit status and, when the
 * status is 0, that many bytes: a second 32-bit status (0) and the
 * results.  Integers are 32-bit big-endian, names NUL-terminated,
 * principals and credentials in the version 4 FILE ccache format, UUIDs
 * 16 bytes.  This file only encodes and decodes; it keeps no state.
 */
#ifndef PAGD_KCM_PROTOCOL_H
#define PAGD_KCM_PROTOCOL_H

#include <krb5.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCM_VERSION_MAJOR 2
#define KCM_VERSION_MINOR 0
#define KCM_UUID_LEN	  16
/*
 * The largest request pagd takes: a credential with its ticket and
 * authorization data is a few KiB; anything near this is not one.
 */
#define KCM_MAX_REQUEST (64 * 1024)
/* The largest reply; a longer credential list is refused (the client then
 * asks for the credentials one by one). */
#define KCM_MAX_REPLY (192 * 1024)
/* The longest cache name pagd accepts. */
#define KCM_MAX_NAME 64

enum kcm_opcode {
	KCM_OP_NOOP = 0,
	KCM_OP_GET_NAME = 1,
	KCM_OP_RESOLVE = 2,
	KCM_OP_GEN_NEW = 3,
	KCM_OP_INITIALIZE = 4,
	KCM_OP_DESTROY = 5,
	KCM_OP_STORE = 6,
	KCM_OP_RETRIEVE = 7,
	KCM_OP_GET_PRINCIPAL = 8,
	KCM_OP_GET_CRED_UUID_LIST = 9,
	KCM_OP_GET_CRED_BY_UUID = 10,
	KCM_OP_REMOVE_CRED = 11,
	KCM_OP_GET_CACHE_UUID_LIST = 18,
	KCM_OP_GET_CACHE_BY_UUID = 19,
	KCM_OP_GET_DEFAULT_CACHE = 20,
	KCM_OP_SET_DEFAULT_CACHE = 21,
	KCM_OP_GET_KDC_OFFSET = 22,
	KCM_OP_SET_KDC_OFFSET = 23,
	KCM_OP_GET_CRED_LIST = 13001, /* MIT extension */
};

/* Reading a request's arguments; any overrun sets @bad and yields zeros. */
struct kcm_in {
	const uint8_t *p;
	size_t len;
	bool bad;
};

/* A reply being built; a failed allocation sets @oom. */
struct kcm_out {
	uint8_t *data;
	size_t len, cap;
	bool oom;
};

uint32_t kcm_get_u32(struct kcm_in *in);
/* A NUL-terminated name of 1..KCM_MAX_NAME printable bytes, no ':' or '/'. */
const char *kcm_get_name(struct kcm_in *in);
const uint8_t *kcm_get_bytes(struct kcm_in *in, size_t n);
/*
 * Decode a principal or a credential.  Return: 0, KRB5_CC_FORMAT when
 * malformed or ENOMEM; on failure nothing is left allocated.  The result is
 * freed with krb5_free_principal() / krb5_free_cred_contents().
 */
krb5_error_code kcm_get_princ(struct kcm_in *in, krb5_principal *out);
krb5_error_code kcm_get_cred(struct kcm_in *in, krb5_creds *out);
/*
 * A matching credential (RETRIEVE, REMOVE_CRED): Heimdal's field flags,
 * then the fields present; absent ones are left zero.
 */
krb5_error_code kcm_get_mcred(struct kcm_in *in, krb5_creds *out);

/* Heimdal's KRB5_TC flags in a RETRIEVE or REMOVE_CRED request. */
#define KCM_TC_MATCH_KEYTYPE	  (1U << 30)
#define KCM_TC_MATCH_SRV_NAMEONLY (1U << 29)
#define KCM_TC_MATCH_FLAGS_EXACT  (1U << 28)
#define KCM_TC_MATCH_FLAGS	  (1U << 27)
#define KCM_TC_MATCH_TIMES_EXACT  (1U << 26)
#define KCM_TC_MATCH_TIMES	  (1U << 25)
#define KCM_TC_MATCH_AUTHDATA	  (1U << 24)
#define KCM_TC_MATCH_2ND_TKT	  (1U << 23)
#define KCM_TC_MATCH_IS_SKEY	  (1U << 22)

void kcm_put_u32(struct kcm_out *out, uint32_t v);
void kcm_put_bytes(struct kcm_out *out, const void *p, size_t n);
void kcm_put_name(struct kcm_out *out, const char *name);
void kcm_put_princ(struct kcm_out *out, krb5_const_principal princ);
void kcm_put_cred(struct kcm_out *out, const krb5_creds *cred);
void kcm_out_free(struct kcm_out *out);

/* A 16-byte identifier of @n bytes (cache names, encoded credentials). */
void kcm_uuid(const void *p, size_t n, uint8_t uuid[KCM_UUID_LEN]);

/*
 * kcm_parse_header() - check a request's version and take its opcode
 * Return: 0 with *@op and @args the arguments, or KRB5_CC_FORMAT.
 */
krb5_error_code kcm_parse_header(const uint8_t *msg, size_t len, uint16_t *op,
				 struct kcm_in *args);

#endif /* PAGD_KCM_PROTOCOL_H */
