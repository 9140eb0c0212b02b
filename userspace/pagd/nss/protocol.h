/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NSS half of SSSD's client protocol, as the stock libnss_sss.so.2
 * speaks it.  Pure protocol: bytes in, bytes out, no sockets, so that the
 * responder, the tests and the fuzzer drive the same code.
 *
 * Every packet starts with four 32-bit words in host order: total length
 * (header included), command, status (0 or an errno, in replies) and a
 * reserved word.  A client opens with SSS_GET_VERSION; lookups by name
 * carry a NUL-terminated name, lookups by id a 32-bit id.  Replies to
 * lookups carry a result count, a reserved word and the entries; "not found"
 * is a count of 0.  A non-zero status makes the client drop the connection.
 */
#ifndef PAGD_NSS_PROTOCOL_H
#define PAGD_NSS_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "pagd/view.h"

#define NSS_HEADER_SIZE	     16
#define NSS_REQUEST_MAX	     2048 /* SSSD's own responder takes 1024 */
#define NSS_NAME_MAX	     512
#define NSS_PROTOCOL_VERSION 1
#define NSS_ENUM_MAX_ENTRIES 256
#define NSS_ENUM_MAX_BYTES   (64 * 1024)

/* A 32-bit word of a packet, at any alignment. */
static inline uint32_t nss_get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

enum nss_cmd {
	SSS_GET_VERSION = 0x0001,
	SSS_NSS_GETPWNAM = 0x0011,
	SSS_NSS_GETPWUID = 0x0012,
	SSS_NSS_SETPWENT = 0x0013,
	SSS_NSS_GETPWENT = 0x0014,
	SSS_NSS_ENDPWENT = 0x0015,
	SSS_NSS_GETGRNAM = 0x0021,
	SSS_NSS_GETGRGID = 0x0022,
	SSS_NSS_SETGRENT = 0x0023,
	SSS_NSS_GETGRENT = 0x0024,
	SSS_NSS_ENDGRENT = 0x0025,
	SSS_NSS_INITGR = 0x0026,
};

struct nss_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

struct nss_cursor {
	size_t dom; /* index into the view's domains */
	size_t idx; /* entry within that domain */
};

/* One client connection's protocol state. */
struct nss_session {
	bool versioned;
	struct nss_cursor pwent;
	struct nss_cursor grent;
	uint8_t in[NSS_REQUEST_MAX];
	size_t in_len;
};

/* What the caller does after nss_session_handle(). */
enum nss_verdict {
	NSS_REPLY, /* send the reply, keep reading */
	NSS_CLOSE, /* send the reply, then close: the stream is not trusted */
};

void nss_session_init(struct nss_session *s);

/*
 * nss_session_feed() - take bytes from the client.
 * Return: bytes consumed (fewer than @n once a request is complete; call
 * again after handling it), with *@ready set when s->in holds a whole
 * request or a header that must be rejected.
 */
size_t nss_session_feed(struct nss_session *s, const uint8_t *p, size_t n,
			bool *ready);

/*
 * nss_session_handle() - answer the request in s->in from view @v (NULL:
 * the client may see nothing), appending the reply to @out.
 * Return: an nss_verdict, or -ENOMEM.
 */
int nss_session_handle(struct nss_session *s, const struct view *v,
		       struct nss_buf *out);

/*
 * nss_session_query() - what the request in s->in asks of the domains,
 * for providers that must fetch before nss_session_handle() answers.
 * Return: 1 with *@q filled (q->name points into s->in), 0 when the
 * request needs nothing fetched.
 */
int nss_session_query(const struct nss_session *s, struct id_query *q);

void nss_buf_free(struct nss_buf *b);

/*
 * Framing shared with the PAM responder (pam/): SSSD's PAM sockets use the
 * same header.  Callers reserve room before nss_put_u32(), which never
 * fails; nss_finish_reply() patches the length word of the reply
 * nss_begin_reply() started at *@start.
 */
int nss_buf_reserve(struct nss_buf *b, size_t more);
void nss_put_u32(struct nss_buf *b, uint32_t v);
int nss_begin_reply(struct nss_buf *out, uint32_t cmd, uint32_t status,
		    size_t *start);
void nss_finish_reply(struct nss_buf *out, size_t start);
/* A reply of a header alone, with @err as its status. */
int nss_reply_status(struct nss_buf *out, uint32_t cmd, int err);
/*
 * SSS_GET_VERSION's reply: @version, whatever the client offered (as
 * SSSD answers).  Returns 0 or -ENOMEM.
 */
int nss_reply_version(struct nss_buf *out, uint32_t version);

#endif /* PAGD_NSS_PROTOCOL_H */
