// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's netlink layer: one generic netlink socket per struct pag_nl,
 * family resolution through nlctrl, and the one receive loop of the
 * library.  A request's failure comes back as a negative errno with the
 * kernel's extended ack message kept in pag_nl.errmsg, so that callers can
 * show users exactly what the kernel objected to.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pag.h>

#include "nl.h"

/* Large enough for any message of a dump (the kernel caps them at 32 KiB). */
#define PAG_NL_RECV_SIZE 32768

/**
 * pag_nl_open() - open and bind a generic netlink socket
 * @nl: the layer's state, zeroed by the caller
 *
 * Return: 0, or a negative errno.
 */
int pag_nl_open(struct pag_nl *nl)
{
	int one = 1;
	int err;

	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	/* Errors then carry no copy of our request, but a message. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		pag_nl_close(nl);
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/**
 * pag_nl_close() - close the socket of @nl (idempotent)
 * @nl: the layer's state
 */
void pag_nl_close(struct pag_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->rbuf);
	nl->rbuf = NULL;
}

/**
 * pag_nl_msg() - start a request of the resolved family in @buf
 * @nl: the layer's state
 * @buf: at least MNL_SOCKET_BUFFER_SIZE bytes
 * @cmd: generic netlink command
 * @flags: NLM_F_* flags besides NLM_F_REQUEST
 *
 * Return: the message header; attributes are appended with mnl_attr_put*().
 */
struct nlmsghdr *pag_nl_msg(struct pag_nl *nl, void *buf, uint8_t cmd,
			    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = PAG_FAMILY_VERSION;
	return nlh;
}

/**
 * pag_nl_parse_attrs() - call @cb for each attribute, strictly
 * @nlh: the message
 * @offset: bytes of payload before the attributes (family header)
 * @cb: called for each attribute; MNL_CB_ERROR stops with -EBADMSG
 * @data: argument of @cb
 *
 * Unlike mnl_attr_parse(), bytes left over that do not make a whole
 * attribute are an error, as they are for the kernel's own parsers.
 *
 * Return: 0, or -EBADMSG.
 */
int pag_nl_parse_attrs(const struct nlmsghdr *nlh, unsigned int offset,
		       mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *attr;
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	if (mnl_nlmsg_size(MNL_ALIGN(offset)) > nlh->nlmsg_len)
		return -EBADMSG;
	mnl_attr_for_each (attr, nlh, offset) {
		if (cb(attr, data) < MNL_CB_OK)
			return -EBADMSG;
	}
	return (const char *)attr < tail ? -EBADMSG : 0;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* Keep the extack message found @offset bytes into the payload of @nlh. */
static void extack_parse(struct pag_nl *nl, const struct nlmsghdr *nlh,
			 size_t offset)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (mnl_nlmsg_size(offset) > nlh->nlmsg_len)
		return;
	pag_nl_parse_attrs(nlh, offset, extack_attr_cb, nl);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct pag_nl *nl = data;
	size_t offset = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	/* A positive error is no errno; do not let it pass as success. */
	errno = err->error < 0 ? -err->error : EBADMSG;
	/* Uncapped, the error quotes our request before the extack. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(err->msg) ||
		    err->msg.nlmsg_len > nlh->nlmsg_len)
			return MNL_CB_ERROR;
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	}
	extack_parse(nl, nlh, offset);
	return MNL_CB_ERROR;
}

/* A dump that fails half-way ends with an error in its NLMSG_DONE. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_nl *nl = data;
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
		return MNL_CB_STOP;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	errno = -err;
	extack_parse(nl, nlh, sizeof(int));
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

struct run_ctx {
	struct pag_nl *nl;
	mnl_cb_t data_cb;
	void *data;
};

static int data_trampoline(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->data_cb ? ctx->data_cb(nlh, ctx->data) : MNL_CB_OK;
}

static int ctl_trampoline(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		return error_cb(nlh, ctx->nl);
	case NLMSG_DONE:
		return done_cb(nlh, ctx->nl);
	default:
		return noop_cb(nlh, ctx->nl);
	}
}

/**
 * pag_nl_run() - run the callbacks over the messages received in @buf
 * @nl: the layer's state (its port id is checked, extack kept)
 * @buf: received messages
 * @len: their length
 * @seq: sequence number of the request they answer (0: any)
 * @data_cb: called for each message of the family, or NULL
 * @data: argument of @data_cb
 *
 * Return: > 0 to keep reading, 0 when the answer is complete, or a negative
 * errno (the kernel's, or -EBADMSG for a malformed message).
 */
int pag_nl_run(struct pag_nl *nl, const void *buf, size_t len, uint32_t seq,
	       mnl_cb_t data_cb, void *data)
{
	struct run_ctx ctx = { .nl = nl, .data_cb = data_cb, .data = data };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = ctl_trampoline,
		[NLMSG_ERROR] = ctl_trampoline,
		[NLMSG_DONE] = ctl_trampoline,
		[NLMSG_OVERRUN] = ctl_trampoline,
	};
	int ret;

	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, nl->portid, data_trampoline, &ctx, ctl,
			  NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR)
		return errno ? -errno : -EBADMSG;
	return ret;
}

struct talk_ctx {
	mnl_cb_t data_cb;
	void *data;
	bool one; /* a do request answered by a message: that ends it */
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int ret = ctx->data_cb(nlh, ctx->data);

	return ret == MNL_CB_OK && ctx->one ? MNL_CB_STOP : ret;
}

/**
 * pag_nl_talk() - send a request and receive its whole answer
 * @nl: the layer's state
 * @nlh: the request, from pag_nl_msg()
 * @data_cb: called for each answer message, or NULL
 * @data: argument of @data_cb
 *
 * How the end of the answer is known: a dump ends with NLMSG_DONE; a do
 * request with @data_cb must be answered by one message, which ends it
 * (an error still comes as NLMSG_ERROR); a do request without @data_cb
 * is sent with NLM_F_ACK and ends with the ack.  Asking for an ack that a
 * reply makes redundant would cost the kernel a second message and us a
 * second recv() on every setpag.  On failure @nl->errmsg holds the
 * kernel's message, if any.
 *
 * Return: 0, or a negative errno.
 */
int pag_nl_talk(struct pag_nl *nl, struct nlmsghdr *nlh, mnl_cb_t data_cb,
		void *data)
{
	struct talk_ctx ctx = { .data_cb = data_cb, .data = data };
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	nl->errmsg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_DUMP)) {
		if (data_cb)
			ctx.one = true;
		else
			nlh->nlmsg_flags |= NLM_F_ACK;
	}
	if (!nl->rbuf) {
		nl->rbuf = malloc(PAG_NL_RECV_SIZE);
		if (!nl->rbuf)
			return -ENOMEM;
	}
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	do {
		ret = pag_nl_recv(nl, nl->rbuf, PAG_NL_RECV_SIZE, true);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;
		ret = pag_nl_run(nl, nl->rbuf, ret, seq,
				 data_cb ? talk_data_cb : NULL, &ctx);
	} while (ret > 0 || ret == -EINTR);
	return ret;
}

/**
 * pag_nl_recv() - receive from the socket of @nl
 * @nl: the layer's state
 * @buf: where to
 * @len: size of @buf
 * @block: wait for a message; otherwise return -EAGAIN when there is none
 *
 * Return: number of bytes received, or a negative errno (-ENOBUFS when the
 * kernel dropped messages because the socket's buffer was full).
 */
int pag_nl_recv(struct pag_nl *nl, void *buf, size_t len, bool block)
{
	ssize_t n;

	n = recv(mnl_socket_get_fd(nl->sock), buf, len,
		 block ? 0 : MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EBADMSG;
	return (int)n;
}

/**
 * pag_nl_join() - join a multicast group
 * @nl: the layer's state
 * @group: group id, from pag_nl_resolve()
 *
 * Return: 0, or a negative errno.
 */
int pag_nl_join(struct pag_nl *nl, uint32_t group)
{
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

struct family_ctx {
	struct pag_nl *nl;
	const char *mcgrp;
	uint16_t id;
};

static int op_cb(const struct nlattr *attr, void *data)
{
	struct nlattr *tb[CTRL_ATTR_OP_MAX + 1] = {};
	struct pag_nl *nl = data;
	const struct nlattr *a;
	uint32_t op;

	mnl_attr_for_each_nested (a, attr) {
		int type = mnl_attr_get_type(a);

		if (type <= CTRL_ATTR_OP_MAX)
			tb[type] = (struct nlattr *)a;
	}
	if (!tb[CTRL_ATTR_OP_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_OP_ID], MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	op = mnl_attr_get_u32(tb[CTRL_ATTR_OP_ID]);
	if (op < 64)
		nl->ops |= 1ULL << op;
	return MNL_CB_OK;
}

static int mcgrp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *name = NULL, *id = NULL, *a;
	struct family_ctx *ctx = data;

	mnl_attr_for_each_nested (a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = a;
	}
	if (!name || !id || mnl_attr_validate(name, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_validate(id, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	if (ctx->mcgrp && !strcmp(mnl_attr_get_str(name), ctx->mcgrp))
		ctx->nl->mcgrp_events = mnl_attr_get_u32(id);
	return MNL_CB_OK;
}

static int nested_each(const struct nlattr *nest,
		       int (*cb)(const struct nlattr *, void *), void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested (a, nest) {
		if (cb(a, data) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_ctx *ctx = data;
	int err = 0;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		ctx->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ctx->nl->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_OPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		err = nested_each(attr, op_cb, ctx->nl);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		err = nested_each(attr, mcgrp_cb, ctx);
		break;
	}
	return err ? MNL_CB_ERROR : MNL_CB_OK;
}

/**
 * pag_nl_parse_family() - read a CTRL_CMD_NEWFAMILY message into @nl
 * @nlh: the message
 * @nl: where the family id, version, operations and group go
 * @mcgrp: name of the multicast group to look for, or NULL
 *
 * Return: 0, or -EBADMSG when the message is malformed or has no id.
 */
int pag_nl_parse_family(const struct nlmsghdr *nlh, struct pag_nl *nl,
			const char *mcgrp)
{
	struct family_ctx ctx = { .nl = nl, .mcgrp = mcgrp };

	nl->ops = 0;
	nl->mcgrp_events = 0;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return -EBADMSG;
	if (pag_nl_parse_attrs(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			       &ctx) < 0)
		return -EBADMSG;
	if (!ctx.id)
		return -EBADMSG;
	nl->family = ctx.id;
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_ctx *ctx = data;

	if (pag_nl_parse_family(nlh, ctx->nl, ctx->mcgrp) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/**
 * pag_nl_resolve() - look a family up with nlctrl
 * @nl: the layer's state; gets the family's id, version, operations and
 *	the id of multicast group @mcgrp
 * @name: family name
 * @mcgrp: multicast group to look for, or NULL
 *
 * Return: 0, -ENOENT when no such family is registered, or another
 * negative errno.
 */
int pag_nl_resolve(struct pag_nl *nl, const char *name, const char *mcgrp)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_ctx ctx = { .nl = nl, .mcgrp = mcgrp };
	struct nlmsghdr *nlh;
	int err;

	nl->family = GENL_ID_CTRL;
	nlh = pag_nl_msg(nl, buf, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	nl->family = 0;
	err = pag_nl_talk(nl, nlh, family_cb, &ctx);
	if (err < 0) {
		nl->family = 0;
		return err;
	}
	return nl->family ? 0 : -EBADMSG;
}
