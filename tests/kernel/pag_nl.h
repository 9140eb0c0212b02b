/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small raw-libmnl client of the "pag" family for the kernel tests.
 *
 * Deliberately independent of libpag: these tests pin down the kernel's
 * behaviour on the wire, so this is an oracle of its own, written apart
 * from userspace/lib/ (attributes decoded by a table, not libpag's switch;
 * no validation beyond what a test checks).  A test that shared libpag's
 * encoder or decoder would pass with the same mistake on both sides.  Every
 * call returns 0 (or a count) on success or a negative errno; the kernel's
 * extack message of the last failure is kept in pag_nl.msg ("" when there was
 * none).  One socket per struct pag_nl; event listeners should use a socket of
 * their own.
 */
#ifndef PAG_TESTS_NL_H
#define PAG_TESTS_NL_H

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pag.h>

struct pag_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t events_group;
	uint32_t portid;
	unsigned int seq;
	char msg[256];
	char buf[32768];
};

/* One message of the "pag" attribute set, as decoded. */
struct pag_attrs {
	uint8_t cmd;
	unsigned int present; /* 1 << PAG_A_PAG_* of each attribute seen */
	int32_t id;
	uint32_t owner_uid;
	uint32_t creator_pid;
	char comm[16];
	uint64_t created_ns;
	uint32_t flags;
	uint32_t token_count;
	int32_t parent_id;
	uint64_t parent_created_ns;
	uint32_t holders;
	unsigned int n_holder_pids;
	uint32_t holder_pids[PAG_HOLDER_PIDS_MAX];
};

#define PAG_HAS(a, attr) (((a)->present >> (attr)) & 1)

typedef int (*pag_nl_cb)(const struct pag_attrs *attrs, void *data);

struct pag_nl_call {
	struct pag_nl *nl;
	pag_nl_cb cb;
	void *data;
	mnl_cb_t raw; /* instead of @cb: messages of another set */
	int error;    /* negative errno from NLMSG_ERROR or NLMSG_DONE */
};

/*
 * Where each attribute of a set lands in the struct it is decoded into.
 * Table-driven on purpose, unlike libpag's switch over the same set
 * (userspace/lib/msg.c): a second, independent reading of the wire format,
 * so that a mistake in one is not copied into the other.
 */
enum pag_nl_kind {
	PAG_NL_SKIP,
	PAG_NL_INT,
	PAG_NL_STR,
	PAG_NL_SEEN
};

struct pag_nl_field {
	enum pag_nl_kind kind;
	size_t off, size;
};

/* The entry for @member of @type, decoded as @kind. */
#define PAG_NL_FIELD(kind, type, member)                                  \
	{                                                                 \
		kind, offsetof(type, member), sizeof(((type *)0)->member) \
	}
#define PAG_NL_PAG(kind, member)   PAG_NL_FIELD(kind, struct pag_attrs, member)
#define PAG_NL_TOKEN(kind, member) PAG_NL_FIELD(kind, struct pag_token, member)

/*
 * Decode @attr into @out by @fields (@max + 1 entries) and note it in
 * *@present.  An integer whose length is not its field's is left at 0.
 */
static inline void pag_nl_decode(const struct nlattr *attr,
				 const struct pag_nl_field *fields, int max,
				 void *out, unsigned int *present)
{
	int type = mnl_attr_get_type(attr);
	const struct pag_nl_field *f;
	char *dst;

	if (type <= 0 || type > max)
		return;
	*present |= 1u << type;
	f = &fields[type];
	dst = (char *)out + f->off;
	if (f->kind == PAG_NL_SEEN)
		*(int *)dst = 1;
	else if (f->kind == PAG_NL_STR)
		snprintf(dst, f->size, "%s", mnl_attr_get_str(attr));
	else if (f->kind == PAG_NL_INT &&
		 mnl_attr_get_payload_len(attr) == f->size)
		memcpy(dst, mnl_attr_get_payload(attr), f->size);
}

static const struct pag_nl_field pag_nl_pag_fields[PAG_A_PAG_MAX + 1] = {
	[PAG_A_PAG_ID] = PAG_NL_PAG(PAG_NL_INT, id),
	[PAG_A_PAG_OWNER_UID] = PAG_NL_PAG(PAG_NL_INT, owner_uid),
	[PAG_A_PAG_CREATOR_PID] = PAG_NL_PAG(PAG_NL_INT, creator_pid),
	[PAG_A_PAG_CREATOR_COMM] = PAG_NL_PAG(PAG_NL_STR, comm),
	[PAG_A_PAG_CREATED_NS] = PAG_NL_PAG(PAG_NL_INT, created_ns),
	[PAG_A_PAG_FLAGS] = PAG_NL_PAG(PAG_NL_INT, flags),
	[PAG_A_PAG_TOKEN_COUNT] = PAG_NL_PAG(PAG_NL_INT, token_count),
	[PAG_A_PAG_PARENT_ID] = PAG_NL_PAG(PAG_NL_INT, parent_id),
	[PAG_A_PAG_PARENT_CREATED_NS] =
		PAG_NL_PAG(PAG_NL_INT, parent_created_ns),
	[PAG_A_PAG_HOLDERS] = PAG_NL_PAG(PAG_NL_INT, holders),
};

static inline int pag_nl_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_attrs *a = data;

	/* The one repeated attribute: every value, in order. */
	if (mnl_attr_get_type(attr) == PAG_A_PAG_HOLDER_PID &&
	    mnl_attr_get_payload_len(attr) == sizeof(uint32_t) &&
	    a->n_holder_pids < PAG_HOLDER_PIDS_MAX)
		a->holder_pids[a->n_holder_pids++] = mnl_attr_get_u32(attr);
	pag_nl_decode(attr, pag_nl_pag_fields, PAG_A_PAG_MAX, a, &a->present);
	return MNL_CB_OK;
}

static inline int pag_nl_parse(const struct nlmsghdr *nlh, struct pag_attrs *a)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	memset(a, 0, sizeof(*a));
	a->cmd = genl->cmd;
	return mnl_attr_parse(nlh, GENL_HDRLEN, pag_nl_attr_cb, a);
}

static inline int pag_nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_nl_call *call = data;
	struct pag_attrs a;

	if (call->raw)
		return call->raw(nlh, call->data);
	if (pag_nl_parse(nlh, &a) < 0)
		return MNL_CB_ERROR;
	return call->cb ? call->cb(&a, call->data) : MNL_CB_OK;
}

static inline int pag_nl_extack_cb(const struct nlattr *attr, void *data)
{
	struct pag_nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->msg, sizeof(nl->msg), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* NLMSG_ERROR: an ack (error 0) or a failure, with extack TLVs. */
static inline int pag_nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_nl_call *call = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_ERROR;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, off, pag_nl_extack_cb, call->nl);
	call->error = err->error;
	return MNL_CB_STOP;
}

/* NLMSG_DONE: the end of a dump, with its error code and extack TLVs. */
static inline int pag_nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_nl_call *call = data;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		call->error = *(const int *)mnl_nlmsg_get_payload(nlh);
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			mnl_attr_parse(nlh, sizeof(int), pag_nl_extack_cb,
				       call->nl);
	}
	return MNL_CB_STOP;
}

static inline int pag_nl_recv_call(struct pag_nl *nl, struct pag_nl_call *c);

/* Receive the answer to the last request; returns 0 or a negative errno. */
static inline int pag_nl_recv(struct pag_nl *nl, pag_nl_cb cb, void *data)
{
	struct pag_nl_call call = { .nl = nl, .cb = cb, .data = data };

	return pag_nl_recv_call(nl, &call);
}

/* The same, with @raw called on each message of the answer. */
static inline int pag_nl_recv_raw(struct pag_nl *nl, mnl_cb_t raw, void *data)
{
	struct pag_nl_call call = { .nl = nl, .raw = raw, .data = data };

	return pag_nl_recv_call(nl, &call);
}

static inline int pag_nl_recv_call(struct pag_nl *nl, struct pag_nl_call *c)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = pag_nl_error_cb,
		[NLMSG_DONE] = pag_nl_done_cb,
	};
	ssize_t len;
	int ret;

	do {
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, len, nl->seq, nl->portid,
				  pag_nl_data_cb, c, ctl, NLMSG_MIN_TYPE);
		if (ret < 0)
			return -errno;
	} while (ret > 0);
	return c->error;
}

/* Send a request built in a buffer; its sequence number is set here. */
static inline int pag_nl_send(struct pag_nl *nl, struct nlmsghdr *nlh)
{
	nlh->nlmsg_seq = ++nl->seq;
	nl->msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* Start a "pag" request in @buf; attributes may be appended. */
static inline struct nlmsghdr *pag_nl_msg(struct pag_nl *nl, void *buf,
					  uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = PAG_FAMILY_VERSION;
	return nlh;
}

static inline int pag_nl_one_cb(const struct pag_attrs *a, void *data)
{
	memcpy(data, a, sizeof(*a));
	return MNL_CB_OK;
}

/*
 * One request: @cmd with PAG_A_PAG_ID = @id unless @id is 0 and
 * PAG_A_PAG_CREATED_NS = @created unless @created is 0; the reply, if any,
 * goes to @out (may be NULL).
 */
static inline int pag_nl_call_at(struct pag_nl *nl, uint8_t cmd, int32_t id,
				 uint64_t created, struct pag_attrs *out)
{
	char buf[256];
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, cmd, NLM_F_ACK);
	int ret;

	if (id)
		mnl_attr_put_u32(nlh, PAG_A_PAG_ID, (uint32_t)id);
	if (created)
		mnl_attr_put_u64(nlh, PAG_A_PAG_CREATED_NS, created);
	if (out)
		memset(out, 0, sizeof(*out));
	ret = pag_nl_send(nl, nlh);
	return ret ? ret : pag_nl_recv(nl, out ? pag_nl_one_cb : NULL, out);
}

static inline int pag_nl_call(struct pag_nl *nl, uint8_t cmd, int32_t id,
			      struct pag_attrs *out)
{
	return pag_nl_call_at(nl, cmd, id, 0, out);
}

static inline int pag_nl_new(struct pag_nl *nl, struct pag_attrs *out)
{
	return pag_nl_call(nl, PAG_CMD_NEW, 0, out);
}

static inline int pag_nl_get(struct pag_nl *nl, int32_t id,
			     struct pag_attrs *out)
{
	return pag_nl_call(nl, PAG_CMD_GET, id, out);
}

static inline int pag_nl_leave(struct pag_nl *nl)
{
	return pag_nl_call(nl, PAG_CMD_LEAVE, 0, NULL);
}

struct pag_nl_dump {
	pag_nl_cb cb;
	void *data;
	int n;
};

static inline int pag_nl_dump_cb(const struct pag_attrs *a, void *data)
{
	struct pag_nl_dump *d = data;

	d->n++;
	return d->cb ? d->cb(a, d->data) : MNL_CB_OK;
}

/* Dump every PAG through @cb (may be NULL); returns the count or -errno. */
static inline int pag_nl_dump(struct pag_nl *nl, pag_nl_cb cb, void *data)
{
	struct pag_nl_dump d = { .cb = cb, .data = data };
	char buf[256];
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, PAG_CMD_GET, NLM_F_DUMP);
	int ret;

	ret = pag_nl_send(nl, nlh);
	if (!ret)
		ret = pag_nl_recv(nl, pag_nl_dump_cb, &d);
	return ret ? ret : d.n;
}

/* ENTER names an incarnation: the id and its creation time. */
static inline int pag_nl_enter(struct pag_nl *nl, int32_t id, uint64_t created,
			       struct pag_attrs *out)
{
	return pag_nl_call_at(nl, PAG_CMD_ENTER, id, created, out);
}

/* One message of the "token" attribute set, as decoded. */
struct pag_token {
	uint8_t cmd;
	unsigned int present; /* 1 << PAG_A_TOKEN_* of each attribute seen */
	int32_t pag;
	char type[32];
	char name[256];
	uint64_t expiry;
	uint32_t size;
	int32_t serial;
	uint64_t mtime;
	int has_data; /* a payload came back: must never happen */
};

static const struct pag_nl_field pag_nl_token_fields[PAG_A_TOKEN_MAX + 1] = {
	[PAG_A_TOKEN_PAG] = PAG_NL_TOKEN(PAG_NL_INT, pag),
	[PAG_A_TOKEN_TYPE] = PAG_NL_TOKEN(PAG_NL_STR, type),
	[PAG_A_TOKEN_NAME] = PAG_NL_TOKEN(PAG_NL_STR, name),
	[PAG_A_TOKEN_DATA] = PAG_NL_TOKEN(PAG_NL_SEEN, has_data),
	[PAG_A_TOKEN_EXPIRY] = PAG_NL_TOKEN(PAG_NL_INT, expiry),
	[PAG_A_TOKEN_SIZE] = PAG_NL_TOKEN(PAG_NL_INT, size),
	[PAG_A_TOKEN_SERIAL] = PAG_NL_TOKEN(PAG_NL_INT, serial),
	[PAG_A_TOKEN_MTIME] = PAG_NL_TOKEN(PAG_NL_INT, mtime),
};

static inline int pag_nl_token_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_token *t = data;

	pag_nl_decode(attr, pag_nl_token_fields, PAG_A_TOKEN_MAX, t,
		      &t->present);
	return MNL_CB_OK;
}

/* Where a token dump goes: up to @max tokens in @t, @n counts them all. */
struct pag_token_list {
	struct pag_token *t;
	int max;
	int n;
};

static inline int pag_nl_token_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_token_list *l = data;
	struct pag_token t = { 0 };

	t.cmd = ((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
	if (mnl_attr_parse(nlh, GENL_HDRLEN, pag_nl_token_attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	if (l->n < l->max)
		l->t[l->n] = t;
	l->n++;
	return MNL_CB_OK;
}

/*
 * Start a "token" request in @buf naming PAG @pag (0: one's own) and the
 * token @type/@name; what is 0 or NULL is left out, as tests of a missing
 * attribute need.
 */
static inline struct nlmsghdr *pag_nl_token_msg(struct pag_nl *nl, void *buf,
						uint8_t cmd, uint16_t flags,
						int32_t pag, const char *type,
						const char *name)
{
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, cmd, flags);
	const char *str[] = {
		[PAG_A_TOKEN_TYPE] = type, [PAG_A_TOKEN_NAME] = name
	};

	if (pag)
		mnl_attr_put_u32(nlh, PAG_A_TOKEN_PAG, (uint32_t)pag);
	for (int attr = PAG_A_TOKEN_TYPE; attr <= PAG_A_TOKEN_NAME; attr++)
		if (str[attr])
			mnl_attr_put_strz(nlh, attr, str[attr]);
	return nlh;
}

/*
 * Add a token to PAG @pag (0: one's own); @expiry 0 sends no expiry.  The
 * reply (the token's metadata) goes to @out (may be NULL).
 */
static inline int pag_nl_token_add(struct pag_nl *nl, int32_t pag,
				   const char *type, const char *name,
				   const void *data, size_t len,
				   uint64_t expiry, struct pag_token *out)
{
	static char buf[PAG_TOKEN_DATA_MAX + 8192];
	struct nlmsghdr *nlh = pag_nl_token_msg(nl, buf, PAG_CMD_TOKEN_ADD,
						NLM_F_ACK, pag, type, name);
	struct pag_token dummy = { 0 };
	struct pag_token_list l = { .t = out ? out : &dummy, .max = 1 };
	int ret;

	if (data)
		mnl_attr_put(nlh, PAG_A_TOKEN_DATA, len, data);
	if (expiry)
		mnl_attr_put_u64(nlh, PAG_A_TOKEN_EXPIRY, expiry);
	memset(l.t, 0, sizeof(*l.t));
	ret = pag_nl_send(nl, nlh);
	return ret ? ret : pag_nl_recv_raw(nl, pag_nl_token_cb, &l);
}

static inline int pag_nl_token_del(struct pag_nl *nl, int32_t pag,
				   const char *type, const char *name)
{
	char buf[8192];
	struct nlmsghdr *nlh = pag_nl_token_msg(nl, buf, PAG_CMD_TOKEN_DEL,
						NLM_F_ACK, pag, type, name);
	int ret;

	ret = pag_nl_send(nl, nlh);
	return ret ? ret : pag_nl_recv(nl, NULL, NULL);
}

/*
 * Dump the tokens of PAG @pag (0: one's own) into @t (up to @max).
 * Returns the number of tokens or a negative errno.
 */
static inline int pag_nl_tokens(struct pag_nl *nl, int32_t pag,
				struct pag_token *t, int max)
{
	char buf[256];
	struct nlmsghdr *nlh = pag_nl_token_msg(nl, buf, PAG_CMD_TOKEN_GET,
						NLM_F_DUMP, pag, NULL, NULL);
	struct pag_token_list l = { .t = t, .max = max };
	int ret;

	ret = pag_nl_send(nl, nlh);
	if (!ret)
		ret = pag_nl_recv_raw(nl, pag_nl_token_cb, &l);
	return ret ? ret : l.n;
}

static inline int pag_nl_ctrl_group_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type == CTRL_ATTR_MCAST_GRP_NAME || type == CTRL_ATTR_MCAST_GRP_ID)
		tb[type] = attr;
	return MNL_CB_OK;
}

static inline int pag_nl_ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_nl *nl = data;
	const struct nlattr *grp;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		nl->family = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested (grp, attr) {
			const struct nlattr
				*tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};

			mnl_attr_parse_nested(grp, pag_nl_ctrl_group_cb, tb);
			if (tb[CTRL_ATTR_MCAST_GRP_NAME] &&
			    tb[CTRL_ATTR_MCAST_GRP_ID] &&
			    !strcmp(mnl_attr_get_str(
					    tb[CTRL_ATTR_MCAST_GRP_NAME]),
				    PAG_MCGRP_EVENTS))
				nl->events_group = mnl_attr_get_u32(
					tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
		break;
	}
	return MNL_CB_OK;
}

static inline int pag_nl_ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, pag_nl_ctrl_attr_cb, data);
}

/* Open a socket, with extended acks, and resolve the family. */
static inline int pag_nl_open(struct pag_nl *nl)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int one = 1, ret;
	ssize_t len;

	memset(nl, 0, sizeof(*nl));
	nl->seq = (unsigned int)time(NULL);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one,
				  sizeof(one)) ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one,
				  sizeof(one)) ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PAG_FAMILY_NAME);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		goto fail;
	do {
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0)
			goto fail;
		ret = mnl_cb_run(nl->buf, len, nl->seq, nl->portid,
				 pag_nl_ctrl_cb, nl);
		if (ret < 0)
			goto fail;
	} while (ret > 0);
	return 0;
fail:
	ret = -errno;
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return ret;
}

static inline void pag_nl_close(struct pag_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* Join the "events" multicast group. */
static inline int pag_nl_subscribe(struct pag_nl *nl)
{
	int group = (int)nl->events_group;

	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)))
		return -errno;
	return 0;
}

/*
 * One event to wait for with pag_nl_events(@nl, ..., pag_nl_wanted_cb, &w):
 * the first whose command is @cmd and PAG is @id stops the wait, and its
 * attributes are left in @seen.
 */
struct pag_nl_wanted {
	uint8_t cmd;
	int32_t id;
	struct pag_attrs seen;
};

static inline int pag_nl_wanted_cb(const struct pag_attrs *a, void *data)
{
	struct pag_nl_wanted *w = data;

	if (a->cmd != w->cmd || a->id != w->id)
		return MNL_CB_OK;
	w->seen = *a;
	return MNL_CB_STOP;
}

/*
 * Wait up to @timeout_ms for events; call @cb on each until it returns
 * MNL_CB_STOP (then 0 is returned).  Returns -ETIMEDOUT on timeout.
 */
static inline int pag_nl_events(struct pag_nl *nl, int timeout_ms, pag_nl_cb cb,
				void *data)
{
	struct pag_nl_call call = { .nl = nl, .cb = cb, .data = data };
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->sock),
			      .events = POLLIN };
	ssize_t len;
	int ret;

	for (;;) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(nl->buf, len, 0, 0, pag_nl_data_cb, &call);
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

#endif /* PAG_TESTS_NL_H */
