// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens: the keys of a PAG keyring that pag.ko lets through its token
 * operations (rxrpc, user, logon, krb5 keyring ccaches).  Payloads go in,
 * never out: a dump gives metadata only.  The kernel decides what is
 * allowed (types, sizes, who may touch which PAG) and says why in its
 * extended ack; the library checks only what it must to build a message.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* An attribute's length is a u16, header included. */
#define TOKEN_DATA_MAX (UINT16_MAX - MNL_ATTR_HDRLEN)

static int token_request(struct pag_handle *h, uint8_t cmd, int32_t pag,
			 uint64_t created_ns, const char *type,
			 const char *name, const void *data, size_t len,
			 uint64_t expiry)
{
	struct nlmsghdr *nlh;
	char *buf;
	int err;

	if (pag < 0)
		return pag_seterr(h, -EINVAL, "invalid PAG id %d", pag);
	if (!name || !*name)
		return pag_seterr(h, -EINVAL, "a token needs a name");
	if (cmd == PAG_CMD_TOKEN_ADD && (!type || !*type))
		return pag_seterr(h, -EINVAL, "token %s: no type", name);
	if (len > TOKEN_DATA_MAX)
		return pag_seterr(h, -EMSGSIZE,
				  "%zu bytes is more than a netlink attribute "
				  "holds (%u)",
				  len, (unsigned int)TOKEN_DATA_MAX);
	err = pag_require_cmd(h, cmd);
	if (err)
		return err;
	buf = malloc(pag_msg_token_size(type, name, len));
	if (!buf)
		return pag_seterr(h, -ENOMEM, "token %s: out of memory", name);
	nlh = pag_msg_token(&h->req, buf, cmd, pag, created_ns, type, name,
			    data, len, expiry);
	err = pag_nl_talk(&h->req, nlh, NULL, NULL);
	free(buf);
	return err < 0 ? pag_nl_err(h, err, cmd) : 0;
}

/**
 * pag_token_add() - add a token to a PAG, or replace it
 * @h: the handle
 * @pag: the PAG, or 0 for the caller's own
 * @created_ns: the PAG's creation time, or 0 for whichever has @pag now
 *	(-ESTALE when it is not that one)
 * @type: key type ("rxrpc", "user", "logon", ...)
 * @name: key description
 * @data: payload
 * @len: bytes at @data
 * @expiry: CLOCK_REALTIME seconds, or 0 for none
 *
 * A token of the same type and name is replaced.
 *
 * Return: 0, or a negative errno (pag_errmsg() says why).
 */
PAG_EXPORT int pag_token_add(struct pag_handle *h, int32_t pag,
			     uint64_t created_ns, const char *type,
			     const char *name, const void *data, size_t len,
			     uint64_t expiry)
{
	if (!data && len)
		return pag_seterr(h, -EINVAL, "token %s: no data", name);
	return token_request(h, PAG_CMD_TOKEN_ADD, pag, created_ns, type, name,
			     data ? data : "", len, expiry);
}

/**
 * pag_token_del() - remove a token from a PAG
 * @h: the handle
 * @pag: the PAG, or 0 for the caller's own
 * @created_ns: the PAG's creation time, or 0 for whichever has @pag now
 * @type: key type
 * @name: key description
 *
 * Return: 0, or a negative errno (-ENOENT: no such token).
 */
PAG_EXPORT int pag_token_del(struct pag_handle *h, int32_t pag,
			     uint64_t created_ns, const char *type,
			     const char *name)
{
	return token_request(h, PAG_CMD_TOKEN_DEL, pag, created_ns, type, name,
			     NULL, 0, 0);
}

struct token_ctx {
	pag_token_cb cb;
	void *arg;
	int ret;
};

static int token_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct token_ctx *ctx = data;
	struct pag_token token;

	if (pag_msg_parse_token(nlh, &token) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (ctx->ret == 0)
		ctx->ret = ctx->cb(&token, ctx->arg);
	return MNL_CB_OK;
}

/**
 * pag_token_iterate() - call @cb for every token of a PAG
 * @h: the handle
 * @pag: the PAG, or 0 for the caller's own
 * @created_ns: the PAG's creation time, or 0 for whichever has @pag now
 * @cb: called with each token; a non-zero return stops the calls
 * @arg: argument of @cb
 *
 * Return: 0, the first non-zero value @cb returned, or a negative errno.
 */
PAG_EXPORT int pag_token_iterate(struct pag_handle *h, int32_t pag,
				 uint64_t created_ns, pag_token_cb cb,
				 void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct token_ctx ctx = { .cb = cb, .arg = arg };
	int err;

	if (pag < 0)
		return pag_seterr(h, -EINVAL, "invalid PAG id %d", pag);
	err = pag_require_cmd(h, PAG_CMD_TOKEN_GET);
	if (err)
		return err;
	err = pag_nl_talk(&h->req,
			  pag_msg_token(&h->req, buf, PAG_CMD_TOKEN_GET, pag,
					created_ns, NULL, NULL, NULL, 0, 0),
			  token_msg_cb, &ctx);
	if (err < 0)
		return pag_nl_err(h, err, PAG_CMD_TOKEN_GET);
	return ctx.ret;
}
