// SPDX-License-Identifier: GPL-2.0
/*
 * Every malformed or impossible request: the exact errno and extack message,
 * and nothing changed.
 */

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

FIXTURE(bad)
{
	struct pag_nl nl;
	char buf[512];
};

FIXTURE_SETUP(bad)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(bad)
{
	pag_nl_close(&self->nl);
}

/* Send @nlh as is and return the kernel's answer. */
static int send_recv(struct pag_nl *nl, struct nlmsghdr *nlh)
{
	int ret = pag_nl_send(nl, nlh);

	return ret ? ret : pag_nl_recv(nl, NULL, NULL);
}

/* A request with one attribute of @type carrying @len bytes of @data. */
static int with_attr(struct pag_nl *nl, void *buf, uint8_t cmd, uint16_t flags,
		     uint16_t type, const void *data, uint16_t len)
{
	struct nlmsghdr *nlh = pag_nl_msg(nl, buf, cmd, NLM_F_ACK | flags);

	mnl_attr_put(nlh, type, len, data);
	return send_recv(nl, nlh);
}

#define EXPECT_NL_ERROR(err, text, call)          \
	do {                                      \
		EXPECT_EQ(err, call);             \
		EXPECT_STREQ(text, self->nl.msg); \
	} while (0)

/* Commands that are not (or not yet) offered, and events sent as requests. */
TEST_F(bad, unknown_commands)
{
	static const uint8_t cmds[] = {
		/* TOKEN_GET is a dump only. */
		PAG_CMD_UNSPEC,
		PAG_CMD_TOKEN_GET,
		PAG_CMD_CREATED_NTF,
		PAG_CMD_ENDED_NTF,
		PAG_CMD_TOKENS_NTF,
		PAG_CMD_MAX + 1,
		255,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		struct nlmsghdr *nlh =
			pag_nl_msg(&self->nl, self->buf, cmds[i], NLM_F_ACK);

		EXPECT_EQ(-EOPNOTSUPP, send_recv(&self->nl, nlh));
	}
}

/* NEW and LEAVE take no attributes. */
TEST_F(bad, attributes_where_none_belong)
{
	int32_t id = 1;

	EXPECT_NL_ERROR(-EINVAL, "Attribute failed policy validation",
			with_attr(&self->nl, self->buf, PAG_CMD_NEW, 0,
				  PAG_A_PAG_ID, &id, sizeof(id)));
	EXPECT_NL_ERROR(-EINVAL, "Unknown attribute type",
			with_attr(&self->nl, self->buf, PAG_CMD_NEW, 0,
				  PAG_A_PAG_FLAGS, &id, sizeof(id)));
	EXPECT_NL_ERROR(-EINVAL, "Attribute failed policy validation",
			with_attr(&self->nl, self->buf, PAG_CMD_LEAVE, 0,
				  PAG_A_PAG_ID, &id, sizeof(id)));
	/* Nothing was created. */
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

/* Ids are positive s32 (key serials): ERANGE otherwise. */
TEST_F(bad, get_id_attribute)
{
	int32_t zero = 0, negative = -5;
	uint16_t short_id = 1;
	uint64_t long_id = 1;
	uint32_t uid = 0;

	EXPECT_NL_ERROR(-EINVAL, "invalid attribute length",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_ID, &short_id, sizeof(short_id)));
	EXPECT_NL_ERROR(-EINVAL, "invalid attribute length",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_ID, &long_id, sizeof(long_id)));
	EXPECT_NL_ERROR(-ERANGE, "integer out of range",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_ID, &zero, sizeof(zero)));
	EXPECT_NL_ERROR(-ERANGE, "integer out of range",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_ID, &negative, sizeof(negative)));
	EXPECT_NL_ERROR(-EINVAL, "NLA_F_NESTED not expected",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_ID | NLA_F_NESTED, &uid,
				  sizeof(uid)));
	EXPECT_NL_ERROR(-EINVAL, "invalid attribute length",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_CREATED_NS, &uid, sizeof(uid)));
	/*
	 * Attributes of the set that GET does not take (within its policy's
	 * range, below CREATED_NS: "Unsupported"), and unknown ones.
	 */
	EXPECT_NL_ERROR(-EINVAL, "Unsupported attribute",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_OWNER_UID, &uid, sizeof(uid)));
	EXPECT_NL_ERROR(-EINVAL, "Unknown attribute type",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0,
				  PAG_A_PAG_UNSPEC, &uid, sizeof(uid)));
	EXPECT_NL_ERROR(-EINVAL, "Unknown attribute type",
			with_attr(&self->nl, self->buf, PAG_CMD_GET, 0, 300,
				  &uid, sizeof(uid)));
}

/* The token commands' policies: each takes only its own attributes. */
TEST_F(bad, token_policies)
{
	uint32_t expiry32 = 1, id = 1;
	char unterminated[4] = "user";

	EXPECT_NL_ERROR(-EINVAL, "invalid attribute length",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_ADD, 0,
				  PAG_A_TOKEN_EXPIRY, &expiry32,
				  sizeof(expiry32)));
	EXPECT_NL_ERROR(-EINVAL, "Attribute failed policy validation",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_ADD, 0,
				  PAG_A_TOKEN_TYPE, unterminated,
				  sizeof(unterminated)));
	EXPECT_NL_ERROR(-EINVAL, "invalid attribute length",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_DEL, 0,
				  PAG_A_TOKEN_PAG_CREATED_NS, &id, sizeof(id)));
	/*
	 * Output-only attributes, and DATA/EXPIRY where they mean nothing:
	 * within each policy's range (which ends at PAG_CREATED_NS), so
	 * "Unsupported".
	 */
	EXPECT_NL_ERROR(-EINVAL, "Unsupported attribute",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_ADD, 0,
				  PAG_A_TOKEN_SERIAL, &id, sizeof(id)));
	EXPECT_NL_ERROR(-EINVAL, "Unsupported attribute",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_DEL, 0,
				  PAG_A_TOKEN_DATA, &id, sizeof(id)));
	EXPECT_NL_ERROR(-EINVAL, "Unsupported attribute",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_GET,
				  NLM_F_DUMP, PAG_A_TOKEN_NAME, "x", 2));
	EXPECT_NL_ERROR(-EINVAL, "Unknown attribute type",
			with_attr(&self->nl, self->buf, PAG_CMD_TOKEN_GET,
				  NLM_F_DUMP, PAG_A_TOKEN_PAG_CREATED_NS + 1,
				  "x", 2));
	EXPECT_NL_ERROR(-EINVAL, "Unknown attribute type",
			with_attr(&self->nl, self->buf, PAG_CMD_ENTER, 0,
				  PAG_A_PAG_FLAGS, &id, sizeof(id)));
}

/* Ids of no live PAG: dead ones, other keys, never used. */
TEST_F(bad, get_unknown_pag)
{
	struct pag_attrs a;
	key_serial_t key;

	ASSERT_EQ(0, pag_nl_new(&self->nl, &a));
	key = add_key("user", "not-a-pag", "x", 1, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, key);
	EXPECT_NL_ERROR(-ENOENT, "no live PAG has this id",
			pag_nl_get(&self->nl, key, NULL));
	EXPECT_NL_ERROR(-ENOENT, "no live PAG has this id",
			pag_nl_get(&self->nl, 0x7ffffff0, NULL));
	/* Leave: the PAG ends. */
	ASSERT_EQ(0, pag_nl_leave(&self->nl));
	ASSERT_EQ(0, wait_no_pags(10000));
	EXPECT_NL_ERROR(-ENOENT, "no live PAG has this id",
			pag_nl_get(&self->nl, a.id, NULL));
	EXPECT_NL_ERROR(-ENOENT, "the calling thread is in no PAG",
			pag_nl_get(&self->nl, 0, NULL));
	EXPECT_NL_ERROR(-ENOENT, "the calling thread is in no PAG",
			pag_nl_leave(&self->nl));
}

/* The serial of a key "@desc" whose construction is under way, or 0. */
static key_serial_t find_pending(const char *desc)
{
	char line[512], flags[16], type[32], name[256];
	key_serial_t found = 0;
	unsigned int serial;
	FILE *f = fopen("/proc/keys", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%x %15s %*s %*s %*s %*s %*s %31s %255[^:\n]",
			   &serial, flags, type, name) == 4 &&
		    !strcmp(type, "user") && !strcmp(name, desc) &&
		    strlen(flags) > 4 && flags[4] == 'U')
			found = (key_serial_t)serial;
	}
	fclose(f);
	return found;
}

/*
 * An id may by now be the serial of someone's key under construction by
 * request_key() (here: a request-key handler that takes its time).  GET and
 * ENTER by id must answer at once, never wait for that construction.
 */
TEST_F(bad, lookups_never_wait_for_construction)
{
	static const char conf[] = "/etc/request-key.d/pag-test.conf";
	key_serial_t key = 0;
	pid_t pid;
	int i;

	FILE *f = fopen(conf, "w");

	if (!f ||
	    fputs("create user pag-test-pending * /bin/sleep 25\n", f) < 0 ||
	    fclose(f))
		SKIP(return, "cannot write %s", conf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		keyctl_join_session_keyring(NULL);
		request_key("user", "pag-test-pending", "callout",
			    KEY_SPEC_SESSION_KEYRING);
		_exit(0);
	}
	for (i = 0; i < 1000 && !key; i++) {
		key = find_pending("pag-test-pending");
		if (!key)
			usleep(10000);
	}
	ASSERT_LT(0, key);
	EXPECT_NL_ERROR(-ENOENT, "no live PAG has this id",
			pag_nl_get(&self->nl, key, NULL));
	EXPECT_NL_ERROR(-ENOENT, "no live PAG has this id",
			pag_nl_enter(&self->nl, key, 1, NULL));
	/* Still under construction: nothing waited for it to end. */
	EXPECT_EQ(key, find_pending("pag-test-pending"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(conf);
}

TEST_F(bad, dump)
{
	struct nlmsghdr *nlh;
	int32_t id = 1;

	/* The dump takes no id. */
	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, PAG_A_PAG_ID, (uint32_t)id);
	EXPECT_NL_ERROR(-EINVAL, "the dump takes no PAG id",
			send_recv(&self->nl, nlh));
	/* NEW and LEAVE have no dump. */
	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_NEW, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, send_recv(&self->nl, nlh));
	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_LEAVE, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, send_recv(&self->nl, nlh));
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

/* The generic netlink header and the netlink flags are checked strictly. */
TEST_F(bad, headers)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	char *junk;

	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_NEW, NLM_F_ACK);
	genl = mnl_nlmsg_get_payload(nlh);
	genl->reserved = 1;
	EXPECT_NL_ERROR(-EINVAL, "genlmsghdr.reserved field is not 0",
			send_recv(&self->nl, nlh));

	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_NEW,
			 NLM_F_ACK | NLM_F_EXCL);
	EXPECT_NL_ERROR(-EINVAL,
			"ambiguous or reserved bits set in nlmsg_flags",
			send_recv(&self->nl, nlh));

	/* An attribute that claims more than the message holds. */
	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_GET, NLM_F_ACK);
	junk = mnl_nlmsg_get_payload_tail(nlh);
	((struct nlattr *)junk)->nla_len = 64;
	((struct nlattr *)junk)->nla_type = PAG_A_PAG_ID;
	nlh->nlmsg_len += 8;
	EXPECT_NL_ERROR(-EINVAL, "bytes leftover after parsing attributes",
			send_recv(&self->nl, nlh));

	/* Too short for a generic netlink header. */
	nlh = pag_nl_msg(&self->nl, self->buf, PAG_CMD_NEW, NLM_F_ACK);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_EQ(-EINVAL, send_recv(&self->nl, nlh));

	/* None of these created a PAG. */
	EXPECT_EQ(-ENOENT, pag_nl_get(&self->nl, 0, NULL));
}

/* NEW beyond the user's key quota. */
TEST_F(bad, new_over_quota)
{
	pid_t pid;

	ASSERT_EQ(0, run("echo 1 > /proc/sys/kernel/keys/maxkeys"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_attrs a;

		if (setresuid(1001, 1001, 1001) || pag_nl_new(&self->nl, &a))
			_exit(1);
		if (pag_nl_new(&self->nl, NULL) != -EDQUOT ||
		    strcmp(self->nl.msg,
			   "the key quota of the caller's uid is exhausted "
			   "(sysctl kernel.keys.maxkeys/maxbytes, "
			   "root_maxkeys/root_maxbytes for uid 0); ended PAGs "
			   "are freed by the key garbage collector shortly"))
			_exit(2);
		/* Still in the first PAG. */
		_exit(session_id() == a.id ? 0 : 3);
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(0, run("echo 200 > /proc/sys/kernel/keys/maxkeys"));
}

TEST_HARNESS_MAIN
