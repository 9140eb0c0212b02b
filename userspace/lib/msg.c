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
};

static int info_attr_cb(const struct nlattr *attr, void *data)
{
	struct pag_info *info = data;
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
	}
	info->present |= PAG_INFO_HAS(type);
	return MNL_CB_OK;
}

/**
 * pag_msg_parse_info() - read one message of the "pag" attribute set
 * @nlh: a PAG_CMD_NEW or PAG_CMD_GET answer, or an event
 * @info: filled in; @info->present says which fields came
 *
 * Return: 0, or -EBADMSG when the message is malformed, an attribute has
 * the wrong type or length, or the PAG id is missing.
 */
int pag_msg_parse_info(const struct nlmsghdr *nlh, struct pag_info *info)
{
	memset(info, 0, sizeof(*info));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return -EBADMSG;
	if (pag_nl_parse_attrs(nlh, sizeof(struct genlmsghdr), info_attr_cb,
			       info) < 0)
		return -EBADMSG;
	if (!(info->present & PAG_INFO_HAS(PAG_A_PAG_ID)))
		return -EBADMSG;
	return 0;
}

/**
 * pag_msg_get() - build a PAG_CMD_GET request
 * @nl: the netlink layer (family id, sequence number)
 * @buf: MNL_SOCKET_BUFFER_SIZE bytes
 * @id: the PAG to ask about, or 0 for the caller's own
 * @dump: ask for every PAG instead
 *
 * Return: the request.
 */
struct nlmsghdr *pag_msg_get(struct pag_nl *nl, void *buf, int32_t id,
			     bool dump)
{
	struct nlmsghdr *nlh;

	nlh = pag_nl_msg(nl, buf, PAG_CMD_GET, dump ? NLM_F_DUMP : 0);
	if (id && !dump)
		mnl_attr_put_u32(nlh, PAG_A_PAG_ID, (uint32_t)id);
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
