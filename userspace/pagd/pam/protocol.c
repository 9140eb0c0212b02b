// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing PAM requests and building replies (protocol.h).
 *
 * A request body is taken apart completely before anything is looked up:
 * markers in place, every item inside the body, strings NUL-terminated
 * with no NUL inside, sizes bounded, no item twice.  Unknown item types
 * are skipped, as SSSD's responder does, so that a newer pam_sss still
 * works.  What was wrong is named in a static string: request data, which
 * may be a password, never reaches a message.
 */
#include <errno.h>
#include <string.h>

#include "pagd/pam/protocol.h"

#define START_MARKER 0x4d415049
#define END_MARKER   0x4950414d

enum pam_item {
	ITEM_USER = 1,
	ITEM_SERVICE,
	ITEM_TTY,
	ITEM_RUSER,
	ITEM_RHOST,
	ITEM_AUTHTOK,
	ITEM_NEWAUTHTOK,
	ITEM_CLI_LOCALE,
	ITEM_CLI_PID,
	ITEM_CHILD_PID,
	ITEM_REQUESTED_DOMAINS,
	ITEM_FLAGS,
	ITEM_LAST = ITEM_FLAGS,
};

bool pam_cmd_known(uint32_t cmd)
{
	return cmd >= SSS_PAM_AUTHENTICATE && cmd <= SSS_PAM_PREAUTH;
}

static int string_item(const uint8_t *data, uint32_t size, const char **out,
		       const char **why)
{
	if (size == 0 || size > PAM_ITEM_MAX) {
		*why = size ? "a string item is too long" : "empty string item";
		return -EINVAL;
	}
	if (data[size - 1] != '\0' || memchr(data, '\0', size - 1)) {
		*why = "a string item is not one NUL-terminated string";
		return -EINVAL;
	}
	*out = (const char *)data;
	return 0;
}

static int u32_item(const uint8_t *data, uint32_t size, uint32_t *out,
		    const char **why)
{
	if (size != 4) {
		*why = "a number item is not 4 bytes";
		return -EINVAL;
	}
	*out = nss_get_u32(data);
	return 0;
}

static int authtok_item(const uint8_t *data, uint32_t size,
			struct pam_request *rq, const char **why)
{
	if (size < 4 || size - 4 > PAM_AUTHTOK_MAX) {
		*why = size < 4 ? "authentication token item too short"
				: "authentication token too long";
		return -EINVAL;
	}
	rq->has_authtok = true;
	rq->authtok_type = nss_get_u32(data);
	rq->authtok = data + 4;
	rq->authtok_len = size - 4;
	/* the token "may or may not contain a trailing NUL" */
	if (rq->authtok_len && rq->authtok[rq->authtok_len - 1] == '\0')
		rq->authtok_len--;
	return 0;
}

static int one_item(uint32_t type, const uint8_t *data, uint32_t size,
		    struct pam_request *rq, const char **why)
{
	switch (type) {
	case ITEM_USER:
		return string_item(data, size, &rq->user, why);
	case ITEM_SERVICE:
		return string_item(data, size, &rq->service, why);
	case ITEM_TTY:
		return string_item(data, size, &rq->tty, why);
	case ITEM_RUSER:
		return string_item(data, size, &rq->ruser, why);
	case ITEM_RHOST:
		return string_item(data, size, &rq->rhost, why);
	case ITEM_REQUESTED_DOMAINS:
		return string_item(data, size, &rq->domains, why);
	case ITEM_CLI_PID:
		return u32_item(data, size, &rq->cli_pid, why);
	case ITEM_CHILD_PID:
		return u32_item(data, size, &rq->child_pid, why);
	case ITEM_FLAGS:
		return u32_item(data, size, &rq->flags, why);
	case ITEM_AUTHTOK:
		return authtok_item(data, size, rq, why);
	case ITEM_NEWAUTHTOK:
		/* never used: password changes are refused */
		rq->has_newauthtok = true;
		return 0;
	default: /* the locale, and types of newer clients */
		return 0;
	}
}

int pam_request_parse(uint32_t cmd, const uint8_t *body, size_t len,
		      struct pam_request *rq, const char **why)
{
	uint32_t seen = 0;
	size_t off = 4;

	memset(rq, 0, sizeof(*rq));
	rq->cmd = cmd;
	if (len < 8 || nss_get_u32(body) != START_MARKER) {
		*why = "no start marker";
		return -EINVAL;
	}
	while (off + 4 <= len) {
		uint32_t type = nss_get_u32(body + off), size;

		if (type == END_MARKER && off + 4 == len)
			break;
		if (off + 8 > len) {
			*why = "truncated item header";
			return -EINVAL;
		}
		size = nss_get_u32(body + off + 4);
		off += 8;
		if (size > len - off) {
			*why = "an item runs past the end of the request";
			return -EINVAL;
		}
		if (type >= 1 && type <= ITEM_LAST) {
			if (seen & (1U << type)) {
				*why = "an item is given twice";
				return -EINVAL;
			}
			seen |= 1U << type;
		}
		if (one_item(type, body + off, size, rq, why) < 0)
			return -EINVAL;
		off += size;
	}
	if (off + 4 != len || nss_get_u32(body + off) != END_MARKER) {
		*why = "no end marker";
		return -EINVAL;
	}
	return 0;
}

int pam_reply_begin(struct pam_reply *r, struct nss_buf *out, uint32_t cmd,
		    int pam_status)
{
	r->out = out;
	r->count = 0;
	if (nss_begin_reply(out, cmd, 0, &r->start) < 0 ||
	    nss_buf_reserve(out, 8) < 0)
		return -ENOMEM;
	nss_put_u32(out, (uint32_t)pam_status);
	r->count_at = out->len;
	nss_put_u32(out, 0);
	return 0;
}

int pam_reply_add(struct pam_reply *r, uint32_t type, const void *data,
		  size_t len)
{
	if (nss_buf_reserve(r->out, 8 + len) < 0)
		return -ENOMEM;
	nss_put_u32(r->out, type);
	nss_put_u32(r->out, (uint32_t)len);
	if (len)
		memcpy(r->out->data + r->out->len, data, len);
	r->out->len += len;
	r->count++;
	return 0;
}

int pam_reply_add_str(struct pam_reply *r, uint32_t type, const char *s)
{
	return pam_reply_add(r, type, s, strlen(s) + 1);
}

void pam_reply_finish(struct pam_reply *r)
{
	memcpy(r->out->data + r->count_at, &r->count, sizeof(r->count));
	nss_finish_reply(r->out, r->start);
}
