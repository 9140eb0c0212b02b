/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PAM half of SSSD's client protocol (version 3), as the stock
 * pam_sss.so of SSSD 2.8 speaks it.  Pure protocol: bytes in, bytes out.
 *
 * A request has the NSS responder's header (nss/protocol.h); its body is a
 * start marker, items (32-bit type, 32-bit size, data) and an end marker.
 * String items carry their NUL; the authentication token item starts with
 * a 32-bit token type.  A reply body is a PAM status, a count of messages
 * and the messages (32-bit type, 32-bit size, data).
 */
#ifndef PAGD_PAM_PROTOCOL_H
#define PAGD_PAM_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagd/nss/protocol.h"

#define PAM_PROTOCOL_VERSION 3
/* A string item's size, NUL included (SSSD's limit on names is lower). */
#define PAM_ITEM_MAX 512
/* A password's size: the same order as what pam_sss can send. */
#define PAM_AUTHTOK_MAX 1024

enum pam_cmd {
	SSS_PAM_AUTHENTICATE = 0x00F1,
	SSS_PAM_SETCRED = 0x00F2,
	SSS_PAM_ACCT_MGMT = 0x00F3,
	SSS_PAM_OPEN_SESSION = 0x00F4,
	SSS_PAM_CLOSE_SESSION = 0x00F5,
	SSS_PAM_CHAUTHTOK = 0x00F6,
	SSS_PAM_CHAUTHTOK_PRELIM = 0x00F7,
	SSS_CMD_RENEW = 0x00F8,
	SSS_PAM_PREAUTH = 0x00F9,
};

/* Token types of the authtok item. */
enum pam_authtok_type {
	SSS_AUTHTOK_TYPE_EMPTY = 0,
	SSS_AUTHTOK_TYPE_PASSWORD = 1,
};

/* Message types of a reply. */
enum pam_response_type {
	SSS_PAM_DOMAIN_NAME = 2,
	SSS_PAM_ENV_ITEM = 3, /* "NAME=value", for pam_putenv() */
	SSS_PAM_USER_INFO = 6,
	SSS_PASSWORD_PROMPTING = 11,
};

/*
 * SSS_PAM_USER_INFO's first word.  OFFLINE_AUTH and OFFLINE_AUTH_DELAYED
 * carry an int64_t after it: when the cached password expires (0: never),
 * when the next offline attempt is let through.
 */
#define SSS_PAM_USER_INFO_OFFLINE_AUTH	       1
#define SSS_PAM_USER_INFO_OFFLINE_AUTH_DELAYED 2
#define SSS_PAM_USER_INFO_CHPASS_ERROR	       5

/* A parsed request; strings point into the packet (NULL: absent). */
struct pam_request {
	uint32_t cmd;
	const char *user, *service, *tty, *ruser, *rhost, *domains;
	bool has_authtok;
	uint32_t authtok_type;
	const uint8_t *authtok; /* without a trailing NUL */
	size_t authtok_len;
	bool has_newauthtok;
	uint32_t cli_pid, child_pid, flags;
};

bool pam_cmd_known(uint32_t cmd);

/*
 * pam_request_parse() - the items of a request body.
 * Return: 0, or -EINVAL with *@why saying what was wrong (a static
 * string, never containing request data).
 */
int pam_request_parse(uint32_t cmd, const uint8_t *body, size_t len,
		      struct pam_request *rq, const char **why);

/*
 * The reply to a PAM request: start it with pam_reply_begin(), add
 * messages, end with pam_reply_finish().
 */
struct pam_reply {
	struct nss_buf *out;
	size_t start;
	size_t count_at;
	uint32_t count;
};

int pam_reply_begin(struct pam_reply *r, struct nss_buf *out, uint32_t cmd,
		    int pam_status);
int pam_reply_add(struct pam_reply *r, uint32_t type, const void *data,
		  size_t len);
int pam_reply_add_str(struct pam_reply *r, uint32_t type, const char *s);
void pam_reply_finish(struct pam_reply *r);

#endif /* PAGD_PAM_PROTOCOL_H */
