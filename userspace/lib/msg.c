// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of the "pag" family: building requests and reading the "pag"
 * attribute set.  Pure functions over buffers, tested on the host without
 * the module (tests/host/libpag_msg_test.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"

/* The type and exact length the kernel promises for each attribute. */
static const struct {
	enum mnl_attr_data_type type;
	size_t len;
} pag_attr_policy[PAG_A_PAG_MAX + 1] = {
	[PAG_A_PAG_ID] = { MNL_TYPE_U32, sizeof(int32_t) },
	[PAG_A_PAG_OWNER_UID] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_PAG_CREATOR_PID] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_PAG_CREATOR_COMM] = { MNL_TYPE_NUL_STRING, 0 },
	[PAG_A_PAG_CREATED_NS] = { MNL_TYPE_U64, sizeof(uint64_t) },
	[PAG_A_PAG_FLAGS] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_PAG_TOKEN_COUNT] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_PAG_PARENT_ID] = { MNL_TYPE_U32, sizeof(int32_t) },
	[PAG_A_PAG_PARENT_CREATED_NS] = { MNL_TYPE_U64, sizeof(uint64_t) },
	[PAG_A_PAG_HOLDERS] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_PAG_HOLDER_PID] = { MNL_TYPE_U32, sizeof(uint32_t) },
};

/* Where one message's attributes go; @holders may be NULL. */
struct info_dest {
	struct pag_info *info;
	struct pag_holders *holders;
};

static int info_attr_cb(const struct nlattr *attr, void *data)
{
	struct info_dest *dest = data;
	struct pag_info *info = dest->info;
	struct pag_holders *holders = dest->holders;
	unsigned int type = mnl_attr_get_type(attr);

	/* Newer kernels may add attributes: skip what we do not know. */
	if (type > PAG_A_PAG_MAX || !pag_attr_policy[type].type)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, pag_attr_policy[type].type) < 0)
		return MNL_CB_ERROR;

	switch (type) {
	case PAG_A_PAG_ID:
		info->id = (int32_t)mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_OWNER_UID:
		info->owner_uid = mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_CREATOR_PID:
		info->creator_pid = mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_CREATOR_COMM:
		/* Truncation is fine: comm is TASK_COMM_LEN in the kernel. */
		snprintf(info->creator_comm, sizeof(info->creator_comm), "%s",
			 mnl_attr_get_str(attr));
		break;
	case PAG_A_PAG_CREATED_NS:
		info->created_ns = mnl_attr_get_u64(attr);
		break;
	case PAG_A_PAG_FLAGS:
		info->flags = mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_TOKEN_COUNT:
		info->token_count = mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_PARENT_ID:
		info->parent_id = (int32_t)mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_PARENT_CREATED_NS:
		info->parent_created_ns = mnl_attr_get_u64(attr);
		break;
	case PAG_A_PAG_HOLDERS:
		/*
		 * Not asked for: not in @present either, which stays what
		 * libpag 0.1 reported (callers compare it).
		 */
		if (!holders)
			return MNL_CB_OK;
		holders->count = mnl_attr_get_u32(attr);
		break;
	case PAG_A_PAG_HOLDER_PID:
		if (!holders)
			return MNL_CB_OK;
		/* Repeated; the kernel sends at most PAG_HOLDER_PIDS_MAX. */
		if (holders->n_pids < PAG_HOLDER_PIDS_MAX)
			holders->pids[holders->n_pids++] =
				mnl_attr_get_u32(attr);
		break;
	}
	info->present |= PAG_INFO_HAS(type);
	return MNL_CB_OK;
}

/**
 * pag_msg_parse_holders() - read one message of the "pag" attribute set
 * @nlh: a PAG_CMD_NEW or PAG_CMD_GET answer, or an event
 * @info: filled in; @info->present says which fields came
 * @holders: filled in with the handle holders, or NULL to skip them
 *	(struct pag_info has no room for them: it never grows, libpag(3))
 *
 * Return: 0, or -EBADMSG when the message is malformed, an attribute has
 * the wrong type or length, or the PAG id is missing.
 */
int pag_msg_parse_holders(const struct nlmsghdr *nlh, struct pag_info *info,
			  struct pag_holders *holders)
{
	struct info_dest dest = { .info = info, .holders = holders };

	memset(info, 0, sizeof(*info));
	if (holders)
		memset(holders, 0, sizeof(*holders));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return -EBADMSG;
	if (pag_nl_parse_attrs(nlh, sizeof(struct genlmsghdr), info_attr_cb,
			       &dest) < 0)
		return -EBADMSG;
	if (!(info->present & PAG_INFO_HAS(PAG_A_PAG_ID)))
		return -EBADMSG;
	return 0;
}

/**
 * pag_msg_parse_info() - read one message of the "pag" attribute set,
 *	without its handle holders
 * @nlh: a PAG_CMD_NEW or PAG_CMD_GET answer, or an event
 * @info: filled in; @info->present says which fields came
 *
 * Return: as pag_msg_parse_holders().
 */
int pag_msg_parse_info(const struct nlmsghdr *nlh, struct pag_info *info)
{
	return pag_msg_parse_holders(nlh, info, NULL);
}

/**
 * pag_msg_get() - build a PAG_CMD_GET request
 * @nl: the netlink layer (family id, sequence number)
 * @buf: MNL_SOCKET_BUFFER_SIZE bytes
 * @id: the PAG to ask about, or 0 for the caller's own
 * @created_ns: its creation time, or 0 for whichever PAG has @id now
 * @dump: ask for every PAG instead
 *
 * Return: the request.
 */
struct nlmsghdr *pag_msg_get(struct pag_nl *nl, void *buf, int32_t id,
			     uint64_t created_ns, bool dump)
{
	struct nlmsghdr *nlh;

	nlh = pag_nl_msg(nl, buf, PAG_CMD_GET, dump ? NLM_F_DUMP : 0);
	if (id && !dump)
		mnl_attr_put_u32(nlh, PAG_A_PAG_ID, (uint32_t)id);
	if (created_ns && !dump)
		mnl_attr_put_u64(nlh, PAG_A_PAG_CREATED_NS, created_ns);
	return nlh;
}

/**
 * pag_msg_enter() - build an ENTER request
 * @nl: the socket the request goes to (for its sequence number)
 * @buf: MNL_SOCKET_BUFFER_SIZE bytes
 * @id: the PAG to move the caller into
 * @created_ns: its creation time
 *
 * Return: the request.
 */
struct nlmsghdr *pag_msg_enter(struct pag_nl *nl, void *buf, int32_t id,
			       uint64_t created_ns)
{
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, PAG_CMD_ENTER, 0);

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, (uint32_t)id);
	mnl_attr_put_u64(nlh, PAG_A_PAG_CREATED_NS, created_ns);
	return nlh;
}

/**
 * pag_cmd_name() - the name of a command, for messages
 * @cmd: PAG_CMD_*
 *
 * Return: a static string ("new", "get", ...), or "unknown".
 */
const char *pag_cmd_name(unsigned int cmd)
{
	static const char *const names[PAG_CMD_MAX + 1] = {
		[PAG_CMD_NEW] = "new",
		[PAG_CMD_GET] = "get",
		[PAG_CMD_LEAVE] = "leave",
		[PAG_CMD_ENTER] = "enter",
		[PAG_CMD_TOKEN_ADD] = "token-add",
		[PAG_CMD_TOKEN_DEL] = "token-del",
		[PAG_CMD_TOKEN_GET] = "token-get",
		[PAG_CMD_CREATED_NTF] = "created",
		[PAG_CMD_ENDED_NTF] = "ended",
		[PAG_CMD_TOKENS_NTF] = "tokens-changed",
	};

	return cmd <= PAG_CMD_MAX && names[cmd] ? names[cmd] : "unknown";
}

static const struct {
	enum mnl_attr_data_type type;
	size_t len;
} token_attr_policy[PAG_A_TOKEN_MAX + 1] = {
	[PAG_A_TOKEN_PAG] = { MNL_TYPE_U32, sizeof(int32_t) },
	[PAG_A_TOKEN_TYPE] = { MNL_TYPE_NUL_STRING, 0 },
	[PAG_A_TOKEN_NAME] = { MNL_TYPE_NUL_STRING, 0 },
	[PAG_A_TOKEN_EXPIRY] = { MNL_TYPE_U64, sizeof(uint64_t) },
	[PAG_A_TOKEN_SIZE] = { MNL_TYPE_U32, sizeof(uint32_t) },
	[PAG_A_TOKEN_SERIAL] = { MNL_TYPE_U32, sizeof(int32_t) },
	[PAG_A_TOKEN_MTIME] = { MNL_TYPE_U64, sizeof(uint64_t) },
};

static int token_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_token *token = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type > PAG_A_TOKEN_MAX || !token_attr_policy[type].type)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, token_attr_policy[type].type) < 0)
		return MNL_CB_ERROR;

	switch (type) {
	case PAG_A_TOKEN_PAG:
		token->pag = (int32_t)mnl_attr_get_u32(attr);
		break;
	case PAG_A_TOKEN_TYPE:
		token->type = mnl_attr_get_str(attr);
		break;
	case PAG_A_TOKEN_NAME:
		token->name = mnl_attr_get_str(attr);
		break;
	case PAG_A_TOKEN_EXPIRY:
		token->expiry = mnl_attr_get_u64(attr);
		break;
	case PAG_A_TOKEN_SIZE:
		token->size = mnl_attr_get_u32(attr);
		break;
	case PAG_A_TOKEN_SERIAL:
		token->serial = (int32_t)mnl_attr_get_u32(attr);
		break;
	case PAG_A_TOKEN_MTIME:
		token->mtime = mnl_attr_get_u64(attr);
		break;
	}
	token->present |= PAG_INFO_HAS(type);
	return MNL_CB_OK;
}

/**
 * pag_msg_parse_token() - read one message of the "token" attribute set
 * @nlh: one message of a PAG_CMD_TOKEN_GET dump
 * @token: filled in; its strings point into @nlh
 *
 * Return: 0, or -EBADMSG when the message is malformed, an attribute has
 * the wrong type or length, or the type or name is missing.
 */
int pag_msg_parse_token(const struct nlmsghdr *nlh, struct pag_token *token)
{
	memset(token, 0, sizeof(*token));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return -EBADMSG;
	if (pag_nl_parse_attrs(nlh, sizeof(struct genlmsghdr), token_attr_cb,
			       token) < 0)
		return -EBADMSG;
	if (!token->type || !token->name)
		return -EBADMSG;
	return 0;
}

/**
 * pag_msg_token() - build a request of the "token" attribute set
 * @nl: the netlink layer (family id, sequence number)
 * @buf: at least pag_msg_token_size() bytes
 * @cmd: PAG_CMD_TOKEN_ADD, _DEL or _GET (sent as a dump)
 * @pag: the PAG, or 0 for the caller's own
 * @created_ns: the PAG's creation time, or 0 for whichever has @pag now
 * @type: key type, or NULL
 * @name: key description, or NULL
 * @data: payload (@cmd PAG_CMD_TOKEN_ADD), or NULL
 * @len: bytes at @data
 * @expiry: CLOCK_REALTIME seconds, or 0 for none
 *
 * Return: the request.
 */
struct nlmsghdr *pag_msg_token(struct pag_nl *nl, void *buf, uint8_t cmd,
			       int32_t pag, uint64_t created_ns,
			       const char *type, const char *name,
			       const void *data, size_t len, uint64_t expiry)
{
	struct nlmsghdr *nlh;

	nlh = pag_nl_msg(nl, buf, cmd,
			 cmd == PAG_CMD_TOKEN_GET ? NLM_F_DUMP : 0);
	if (pag)
		mnl_attr_put_u32(nlh, PAG_A_TOKEN_PAG, (uint32_t)pag);
	if (type)
		mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, type);
	if (name)
		mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, name);
	if (data)
		mnl_attr_put(nlh, PAG_A_TOKEN_DATA, len, data);
	if (expiry)
		mnl_attr_put_u64(nlh, PAG_A_TOKEN_EXPIRY, expiry);
	if (created_ns)
		mnl_attr_put_u64(nlh, PAG_A_TOKEN_PAG_CREATED_NS, created_ns);
	return nlh;
}

/**
 * pag_msg_token_size() - bytes pag_msg_token() needs
 * @type: as for pag_msg_token()
 * @name: as for pag_msg_token()
 * @len: as for pag_msg_token()
 *
 * Return: the size of the request.
 */
size_t pag_msg_token_size(const char *type, const char *name, size_t len)
{
	return MNL_ALIGN(sizeof(struct nlmsghdr)) +
	       MNL_ALIGN(sizeof(struct genlmsghdr)) + MNL_ATTR_HDRLEN * 6 +
	       MNL_ALIGN(sizeof(int32_t)) +
	       MNL_ALIGN(type ? strlen(type) + 1 : 0) +
	       MNL_ALIGN(name ? strlen(name) + 1 : 0) + MNL_ALIGN(len) +
	       MNL_ALIGN(sizeof(uint64_t)) * 2;
}
