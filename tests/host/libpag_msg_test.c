// SPDX-License-Identifier: GPL-2.0
/*
 * libpag's messages and netlink layer without pag.ko: requests it builds,
 * answers and errors it reads (crafted byte for byte as the kernel sends
 * them), and the layer against the host kernel's real nlctrl family.
 */

#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../userspace/lib/internal.h"
#include "kselftest_harness.h"

#define BUFSZ 4096

/* Start a message of family @type, command @cmd, in @buf. */
static struct nlmsghdr *start(void *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, BUFSZ);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

static struct nlmsghdr *full_info(void *buf)
{
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 4242);
	mnl_attr_put_u32(nlh, PAG_A_PAG_OWNER_UID, 1000);
	mnl_attr_put_u32(nlh, PAG_A_PAG_CREATOR_PID, 77);
	mnl_attr_put_strz(nlh, PAG_A_PAG_CREATOR_COMM, "bash");
	mnl_attr_put_u64(nlh, PAG_A_PAG_CREATED_NS, 123456789012ull);
	mnl_attr_put_u32(nlh, PAG_A_PAG_FLAGS, PAG_F_SELF);
	mnl_attr_put_u32(nlh, PAG_A_PAG_TOKEN_COUNT, 3);
	return nlh;
}

TEST(info_every_attribute)
{
	char buf[BUFSZ];
	struct pag_info info;

	ASSERT_EQ(0, pag_msg_parse_info(full_info(buf), &info));
	EXPECT_EQ(4242, info.id);
	EXPECT_EQ(1000, info.owner_uid);
	EXPECT_EQ(77, info.creator_pid);
	EXPECT_STREQ("bash", info.creator_comm);
	EXPECT_EQ(123456789012ull, info.created_ns);
	EXPECT_EQ(PAG_F_SELF, info.flags);
	EXPECT_EQ(3, info.token_count);
	EXPECT_EQ(0xfe, info.present);
}

TEST(info_only_id)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_CREATED_NTF);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	ASSERT_EQ(0, pag_msg_parse_info(nlh, &info));
	EXPECT_EQ(7, info.id);
	EXPECT_EQ(PAG_INFO_HAS(PAG_A_PAG_ID), info.present);
}

TEST(info_created_event_parent)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_CREATED_NTF);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u64(nlh, PAG_A_PAG_CREATED_NS, 2000);
	mnl_attr_put_u32(nlh, PAG_A_PAG_PARENT_ID, 5);
	mnl_attr_put_u64(nlh, PAG_A_PAG_PARENT_CREATED_NS, 1000);
	ASSERT_EQ(0, pag_msg_parse_info(nlh, &info));
	EXPECT_EQ(7, info.id);
	EXPECT_EQ(5, info.parent_id);
	EXPECT_EQ(1000, info.parent_created_ns);
	EXPECT_TRUE(info.present & PAG_INFO_HAS(PAG_A_PAG_PARENT_ID));
	EXPECT_TRUE(info.present & PAG_INFO_HAS(PAG_A_PAG_PARENT_CREATED_NS));

	/* a short parent time is malformed, not a parent at time 0 */
	nlh = start(buf, 0x20, PAG_CMD_CREATED_NTF);
	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u32(nlh, PAG_A_PAG_PARENT_CREATED_NS, 1);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

/*
 * Holders: a count, and the repeated pid attribute, in order, capped, into
 * their own struct; the plain parse skips them.
 */
TEST(info_holders)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_holders holders;
	struct pag_info info;
	uint32_t i;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u32(nlh, PAG_A_PAG_HOLDERS, 3);
	mnl_attr_put_u32(nlh, PAG_A_PAG_HOLDER_PID, 100);
	mnl_attr_put_u32(nlh, PAG_A_PAG_HOLDER_PID, 200);
	ASSERT_EQ(0, pag_msg_parse_holders(nlh, &info, &holders));
	EXPECT_EQ(7, info.id);
	EXPECT_TRUE(info.present & PAG_INFO_HAS(PAG_A_PAG_HOLDERS));
	EXPECT_EQ(3u, holders.count);
	ASSERT_EQ(2u, holders.n_pids);
	EXPECT_EQ(100u, holders.pids[0]);
	EXPECT_EQ(200u, holders.pids[1]);
	/* without a struct for them, the rest still parses */
	ASSERT_EQ(0, pag_msg_parse_info(nlh, &info));
	EXPECT_EQ(7, info.id);

	/* more pids than the array holds: the first PAG_HOLDER_PIDS_MAX */
	nlh = start(buf, 0x20, PAG_CMD_GET);
	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	for (i = 0; i < PAG_HOLDER_PIDS_MAX + 2; i++)
		mnl_attr_put_u32(nlh, PAG_A_PAG_HOLDER_PID, i + 1);
	ASSERT_EQ(0, pag_msg_parse_holders(nlh, &info, &holders));
	EXPECT_EQ((unsigned int)PAG_HOLDER_PIDS_MAX, holders.n_pids);
	EXPECT_EQ((unsigned int)PAG_HOLDER_PIDS_MAX,
		  holders.pids[PAG_HOLDER_PIDS_MAX - 1]);

	/* a short pid is malformed, with or without a struct for it */
	nlh = start(buf, 0x20, PAG_CMD_GET);
	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u16(nlh, PAG_A_PAG_HOLDER_PID, 1);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_holders(nlh, &info, &holders));
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

TEST(info_unknown_attribute_skipped)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u64(nlh, PAG_A_PAG_MAX + 5, 1); /* a newer kernel's */
	mnl_attr_put_u64(nlh, PAG_A_PAG_PAD, 0);
	ASSERT_EQ(0, pag_msg_parse_info(nlh, &info));
	EXPECT_EQ(7, info.id);
}

TEST(info_without_id_rejected)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_OWNER_UID, 0);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

TEST(info_wrong_length_rejected)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_info info;

	mnl_attr_put_u16(nlh, PAG_A_PAG_ID, 7);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));

	nlh = start(buf, 0x20, PAG_CMD_GET);
	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_u32(nlh, PAG_A_PAG_CREATED_NS, 1);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

TEST(info_unterminated_comm_rejected)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put(nlh, PAG_A_PAG_CREATOR_COMM, 4, "bash");
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

TEST(info_long_comm_truncated)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_GET);
	struct pag_info info;

	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, 7);
	mnl_attr_put_strz(nlh, PAG_A_PAG_CREATOR_COMM,
			  "a-command-name-longer-than-comm");
	ASSERT_EQ(0, pag_msg_parse_info(nlh, &info));
	EXPECT_STREQ("a-command-name-", info.creator_comm);
}

TEST(info_truncated_message_rejected)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = full_info(buf);
	struct pag_info info;

	/* Cut the last attribute in half: its header now overruns. */
	nlh->nlmsg_len -= 6;
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
	/* No room even for the generic netlink header. */
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	EXPECT_EQ(-EBADMSG, pag_msg_parse_info(nlh, &info));
}

TEST(get_request)
{
	struct pag_nl nl = { .family = 0x1d, .seq = 41 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct nlattr *attr;

	nlh = pag_msg_get(&nl, buf, 0, 0, false);
	genl = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(0x1d, nlh->nlmsg_type);
	EXPECT_EQ(NLM_F_REQUEST, nlh->nlmsg_flags);
	EXPECT_EQ(42, nlh->nlmsg_seq);
	EXPECT_EQ(PAG_CMD_GET, genl->cmd);
	EXPECT_EQ(PAG_FAMILY_VERSION, genl->version);
	/* The caller's own PAG: no id attribute at all. */
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*genl)), nlh->nlmsg_len);

	nlh = pag_msg_get(&nl, buf, 99, 0, false);
	EXPECT_EQ(43, nlh->nlmsg_seq);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(*genl));
	ASSERT_TRUE(mnl_attr_ok(
		attr, (int)(nlh->nlmsg_len - mnl_nlmsg_size(sizeof(*genl)))));
	EXPECT_EQ(PAG_A_PAG_ID, mnl_attr_get_type(attr));
	EXPECT_EQ(4, mnl_attr_get_payload_len(attr));
	EXPECT_EQ(99, mnl_attr_get_u32(attr));
	/* No creation time: whichever PAG has the id. */
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*genl)) + mnl_attr_get_len(attr),
		  nlh->nlmsg_len);

	/* One incarnation: the id, then its creation time. */
	nlh = pag_msg_get(&nl, buf, 99, 123456789ull, false);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(*genl));
	attr = mnl_attr_next(attr);
	ASSERT_TRUE(mnl_attr_ok(
		attr,
		(int)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)attr)));
	EXPECT_EQ(PAG_A_PAG_CREATED_NS, mnl_attr_get_type(attr));
	EXPECT_EQ(123456789ull, mnl_attr_get_u64(attr));

	/* The dump names no PAG. */
	nlh = pag_msg_get(&nl, buf, 99, 123456789ull, true);
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_DUMP, nlh->nlmsg_flags);
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*genl)), nlh->nlmsg_len);
}

TEST(enter_request)
{
	struct pag_nl nl = { .family = 0x1d, .seq = 7 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct nlattr *attr;

	nlh = pag_msg_enter(&nl, buf, 4242, 5000000001ull);
	genl = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(0x1d, nlh->nlmsg_type);
	EXPECT_EQ(NLM_F_REQUEST, nlh->nlmsg_flags);
	EXPECT_EQ(PAG_CMD_ENTER, genl->cmd);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(*genl));
	ASSERT_TRUE(mnl_attr_ok(
		attr, (int)(nlh->nlmsg_len - mnl_nlmsg_size(sizeof(*genl)))));
	EXPECT_EQ(PAG_A_PAG_ID, mnl_attr_get_type(attr));
	EXPECT_EQ(4242, mnl_attr_get_u32(attr));
	/* Exactly two attributes: the id and the incarnation's time. */
	attr = mnl_attr_next(attr);
	EXPECT_EQ(PAG_A_PAG_CREATED_NS, mnl_attr_get_type(attr));
	EXPECT_EQ(5000000001ull, mnl_attr_get_u64(attr));
	EXPECT_EQ((char *)mnl_attr_next(attr) - (char *)nlh,
		  (long)nlh->nlmsg_len);
}

TEST(token_every_attribute)
{
	char buf[BUFSZ];
	struct pag_token tok;
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_TOKEN_GET);

	mnl_attr_put_u32(nlh, PAG_A_TOKEN_PAG, 4242);
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, "rxrpc");
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, "afs@example.test");
	mnl_attr_put_u64(nlh, PAG_A_TOKEN_EXPIRY, 1900000000ull);
	mnl_attr_put_u32(nlh, PAG_A_TOKEN_SIZE, 96);
	mnl_attr_put_u32(nlh, PAG_A_TOKEN_SERIAL, 777);
	mnl_attr_put_u64(nlh, PAG_A_TOKEN_MTIME, 1800000000ull);
	mnl_attr_put_u32(nlh, PAG_A_TOKEN_MAX + 1, 5); /* from a newer kernel */
	ASSERT_EQ(0, pag_msg_parse_token(nlh, &tok));
	EXPECT_EQ(4242, tok.pag);
	EXPECT_STREQ("rxrpc", tok.type);
	EXPECT_STREQ("afs@example.test", tok.name);
	EXPECT_EQ(1900000000ull, tok.expiry);
	EXPECT_EQ(96, tok.size);
	EXPECT_EQ(777, tok.serial);
	EXPECT_EQ(1800000000ull, tok.mtime);
	EXPECT_EQ(0x1ee, tok.present);
}

TEST(token_without_name_or_type_rejected)
{
	char buf[BUFSZ];
	struct pag_token tok;
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_TOKEN_GET);

	mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, "user");
	EXPECT_EQ(-EBADMSG, pag_msg_parse_token(nlh, &tok));
	nlh = start(buf, 0x20, PAG_CMD_TOKEN_GET);
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, "x");
	EXPECT_EQ(-EBADMSG, pag_msg_parse_token(nlh, &tok));
}

TEST(token_wrong_length_rejected)
{
	char buf[BUFSZ];
	struct pag_token tok;
	struct nlmsghdr *nlh = start(buf, 0x20, PAG_CMD_TOKEN_GET);

	mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, "user");
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, "x");
	mnl_attr_put_u32(nlh, PAG_A_TOKEN_EXPIRY, 5);
	EXPECT_EQ(-EBADMSG, pag_msg_parse_token(nlh, &tok));
}

TEST(token_requests)
{
	struct pag_nl nl = { .family = 0x1d, .seq = 1 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pag_token tok;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	unsigned int seen = 0;

	ASSERT_GE(sizeof(buf), pag_msg_token_size("user", "n", 3));
	nlh = pag_msg_token(&nl, buf, PAG_CMD_TOKEN_ADD, 12, 777, "user", "n",
			    "abc", 3, 99);
	ASSERT_GE(pag_msg_token_size("user", "n", 3), nlh->nlmsg_len);
	genl = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(PAG_CMD_TOKEN_ADD, genl->cmd);
	EXPECT_EQ(NLM_F_REQUEST, nlh->nlmsg_flags);
	mnl_attr_for_each (attr, nlh, sizeof(*genl)) {
		seen |= 1u << mnl_attr_get_type(attr);
		if (mnl_attr_get_type(attr) == PAG_A_TOKEN_DATA) {
			EXPECT_EQ(3, mnl_attr_get_payload_len(attr));
			EXPECT_EQ(0,
				  memcmp("abc", mnl_attr_get_payload(attr), 3));
		}
	}
	EXPECT_EQ(0x43e, seen);
	ASSERT_EQ(0, pag_msg_parse_token(nlh, &tok));
	EXPECT_EQ(12, tok.pag);
	EXPECT_EQ(99, tok.expiry);

	/* The caller's own PAG, no expiry: neither attribute is sent. */
	nlh = pag_msg_token(&nl, buf, PAG_CMD_TOKEN_DEL, 0, 0, NULL, "n", NULL,
			    0, 0);
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*genl)) + MNL_ATTR_HDRLEN + 4,
		  nlh->nlmsg_len);

	nlh = pag_msg_token(&nl, buf, PAG_CMD_TOKEN_GET, 0, 0, NULL, NULL, NULL,
			    0, 0);
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_DUMP, nlh->nlmsg_flags);
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*genl)), nlh->nlmsg_len);
}

/* An NLMSG_ERROR as the kernel sends it, with an extack message. */
static size_t error_msg(void *buf, int error, bool capped, const char *text)
{
	struct nlmsghdr *nlh, *req;
	struct nlmsgerr *err;
	char reqbuf[BUFSZ];

	req = start(reqbuf, 0x20, PAG_CMD_GET);
	req->nlmsg_seq = 5;
	mnl_attr_put_u32(req, PAG_A_PAG_ID, 1);

	memset(buf, 0, BUFSZ);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 5;
	nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg = *req;
	if (!capped) {
		void *quote = mnl_nlmsg_put_extra_header(
			nlh, req->nlmsg_len - sizeof(*req));

		memcpy(quote, mnl_nlmsg_get_payload(req),
		       req->nlmsg_len - sizeof(*req));
	}
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	}
	return nlh->nlmsg_len;
}

TEST(error_with_extack)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	size_t len;

	len = error_msg(buf, -EPERM, true, "not your PAG");
	EXPECT_EQ(-EPERM, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
	EXPECT_STREQ("not your PAG", nl.errmsg);

	/* Without NETLINK_CAP_ACK the request is quoted before the TLVs. */
	nl.errmsg[0] = '\0';
	len = error_msg(buf, -ENOENT, false, "no such PAG");
	EXPECT_EQ(-ENOENT, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
	EXPECT_STREQ("no such PAG", nl.errmsg);
}

TEST(error_without_extack)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	size_t len;

	len = error_msg(buf, -EINVAL, true, NULL);
	EXPECT_EQ(-EINVAL, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
	EXPECT_STREQ("", nl.errmsg);
}

TEST(ack_is_success)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	size_t len;

	len = error_msg(buf, 0, true, NULL);
	EXPECT_EQ(0, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
}

TEST(positive_error_is_no_success)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	size_t len;

	len = error_msg(buf, 3, true, NULL);
	EXPECT_EQ(-EBADMSG, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
}

TEST(short_error_rejected)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 4);
	EXPECT_EQ(-EBADMSG,
		  pag_nl_run(&nl, buf, nlh->nlmsg_len, 0, NULL, NULL));
}

TEST(bogus_quoted_length_ignored)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	struct nlmsgerr *err;
	size_t len;

	len = error_msg(buf, -EPERM, false, "x");
	err = mnl_nlmsg_get_payload((struct nlmsghdr *)buf);
	err->msg.nlmsg_len = 0xfffffff0;
	EXPECT_EQ(-EPERM, pag_nl_run(&nl, buf, len, 5, NULL, NULL));
	EXPECT_STREQ("", nl.errmsg);
}

TEST(dump_failing_in_done)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];
	struct nlmsghdr *nlh;
	int *err;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = -EPERM;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG,
			  "listing PAGs needs "
			  "CAP_SYS_ADMIN");
	EXPECT_EQ(-EPERM, pag_nl_run(&nl, buf, nlh->nlmsg_len, 0, NULL, NULL));
	EXPECT_STREQ("listing PAGs needs CAP_SYS_ADMIN", nl.errmsg);

	*err = 0;
	EXPECT_EQ(0, pag_nl_run(&nl, buf, nlh->nlmsg_len, 0, NULL, NULL));
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pag_info info;

	if (pag_msg_parse_info(nlh, &info))
		return MNL_CB_ERROR;
	(*(int *)data)++;
	return MNL_CB_OK;
}

TEST(dump_messages_then_done)
{
	struct pag_nl nl = { .portid = 9 };
	char buf[2 * BUFSZ];
	struct nlmsghdr *nlh;
	size_t len;
	int n = 0;

	nlh = full_info(buf);
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_pid = 9;
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = full_info(buf + len);
	nlh->nlmsg_flags = NLM_F_MULTI;
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	EXPECT_EQ(1, pag_nl_run(&nl, buf, len, 0, count_cb, &n));
	EXPECT_EQ(2, n);

	/* A message for another socket is refused, not parsed. */
	nlh = full_info(buf);
	nlh->nlmsg_pid = 10;
	EXPECT_GT(0, pag_nl_run(&nl, buf, nlh->nlmsg_len, 0, count_cb, &n));
	EXPECT_EQ(2, n);
}

/* CTRL_CMD_NEWFAMILY as nlctrl sends it. */
static struct nlmsghdr *family_msg(void *buf, bool with_id)
{
	struct nlmsghdr *nlh = start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	struct nlattr *ops, *op, *grps, *grp;
	unsigned int i;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "pag");
	if (with_id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (i = PAG_CMD_NEW; i <= PAG_CMD_LEAVE; i++) {
		op = mnl_attr_nest_start(nlh, i);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, i);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, 0);
		mnl_attr_nest_end(nlh, op);
	}
	mnl_attr_nest_end(nlh, ops);
	grps = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 11);
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, PAG_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 12);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, grps);
	return nlh;
}

TEST(family_ops_and_group)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];

	ASSERT_EQ(0, pag_nl_parse_family(family_msg(buf, true), &nl,
					 PAG_MCGRP_EVENTS));
	EXPECT_EQ(0x22, nl.family);
	EXPECT_EQ(1, nl.version);
	EXPECT_EQ((1ull << PAG_CMD_NEW) | (1ull << PAG_CMD_GET) |
			  (1ull << PAG_CMD_LEAVE),
		  nl.ops);
	EXPECT_EQ(12, nl.mcgrp_events);
}

TEST(family_without_id_rejected)
{
	struct pag_nl nl = {};
	char buf[BUFSZ];

	EXPECT_EQ(-EBADMSG, pag_nl_parse_family(family_msg(buf, false), &nl,
						PAG_MCGRP_EVENTS));
	EXPECT_EQ(0, nl.family);
}

TEST(family_seed_module_has_nothing)
{
	struct nlmsghdr *nlh;
	struct pag_nl nl = { .ops = ~0ull, .mcgrp_events = 3 };
	char buf[BUFSZ];

	/* What the seed pag.ko registers: a name, an id, a version. */
	nlh = start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "pag");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	ASSERT_EQ(0, pag_nl_parse_family(nlh, &nl, PAG_MCGRP_EVENTS));
	EXPECT_EQ(0, nl.ops);
	EXPECT_EQ(0, nl.mcgrp_events);
}

/* The layer against the host kernel: nlctrl is always there. */
TEST(real_kernel_resolves_nlctrl)
{
	struct pag_nl nl = {};

	ASSERT_EQ(0, pag_nl_open(&nl));
	ASSERT_EQ(0, pag_nl_resolve(&nl, "nlctrl", "notify"));
	EXPECT_EQ(GENL_ID_CTRL, nl.family);
	EXPECT_TRUE(nl.ops & (1ull << CTRL_CMD_GETFAMILY));
	EXPECT_NE(0, nl.mcgrp_events);
	EXPECT_EQ(-ENOENT, pag_nl_resolve(&nl, "no-such-family.", NULL));
	EXPECT_EQ(0, nl.family);
	pag_nl_close(&nl);
}

/* A strictly validated request with a bogus attribute: the real extack. */
TEST(real_kernel_extack_reaches_caller)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pag_nl nl = {};
	struct nlmsghdr *nlh;
	int err;

	ASSERT_EQ(0, pag_nl_open(&nl));
	nl.family = GENL_ID_CTRL;
	nlh = pag_nl_msg(&nl, buf, CTRL_CMD_GETPOLICY, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	mnl_attr_put_u32(nlh, 200, 1);
	err = pag_nl_talk(&nl, nlh, NULL, NULL);
	EXPECT_EQ(-EINVAL, err);
	TH_LOG("kernel said: \"%s\"", nl.errmsg);
	EXPECT_NE(0, nl.errmsg[0]);
	pag_nl_close(&nl);
}

TEST(cmd_names)
{
	EXPECT_STREQ("new", pag_cmd_name(PAG_CMD_NEW));
	EXPECT_STREQ("ended", pag_cmd_name(PAG_CMD_ENDED_NTF));
	EXPECT_STREQ("unknown", pag_cmd_name(0));
	EXPECT_STREQ("unknown", pag_cmd_name(PAG_CMD_MAX + 1));
}

TEST_HARNESS_MAIN
