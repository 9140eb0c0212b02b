// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens: the credential set of a PAG.  Two PAGs X and Y of the same user
 * (uid 1000), each held by a member process driven over a pipe; the test
 * process is root outside both (the host).
 */

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define MEMBER_UID 1000
#define SECRET	   "s3cret-payload"
#define SECRET_LEN ((int)sizeof(SECRET) - 1)

static const char other_msg[] = "the tokens of another PAG need CAP_SYS_ADMIN "
				"in the initial user namespace";

enum member_op {
	OP_SEARCH,    /* keyctl search @s user NAME */
	OP_READ,      /* keyctl read ARG */
	OP_TOKENS,    /* TOKEN_GET of PAG ARG (0: own) */
	OP_TOKEN_ADD, /* TOKEN_ADD user NAME to PAG ARG (0: own) */
	OP_ADD_KEY,   /* add_key(user, NAME) into @s, directly */
	OP_ADD_RING,  /* add_key(keyring, NAME) into @s, directly */
	OP_COUNT,     /* PAG_A_PAG_TOKEN_COUNT of the own PAG */
	OP_PROC_KEYS, /* 1 if /proc/keys shows key ARG, else 0 */
	OP_CLEAR,     /* keyctl clear @s */
	OP_CYCLE,     /* ARG times: TOKEN_ADD user NAME to the own PAG, clear */
	OP_BURST,     /* ARG add_key(user, NAME<i>) into @s, directly */
};

struct member_req {
	int op;
	int32_t arg;
	char name[64];
};

struct member_resp {
	int ret;
	char msg[256];
};

struct member {
	pid_t pid;
	int req, resp;
	int32_t id;
};

/* Whether /proc/keys, as the caller sees it, lists key @serial. */
static int proc_keys_has(int32_t serial)
{
	FILE *f = fopen("/proc/keys", "r");
	char line[512];
	unsigned int s;
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x", &s) == 1 && (int32_t)s == serial)
			found = 1;
	fclose(f);
	return found;
}

static void member_loop(int rfd, int wfd)
{
	struct member_resp resp;
	struct member_req req;
	struct pag_attrs a;
	struct pag_token t[8];
	struct pag_nl nl;
	char buf[256];
	long n;

	if (setresgid(MEMBER_UID, MEMBER_UID, MEMBER_UID) ||
	    setresuid(MEMBER_UID, MEMBER_UID, MEMBER_UID) || pag_nl_open(&nl))
		_exit(1);
	memset(&resp, 0, sizeof(resp));
	resp.ret = pag_nl_new(&nl, &a) ? -1 : a.id;
	if (write(wfd, &resp, sizeof(resp)) != sizeof(resp))
		_exit(1);
	while (read(rfd, &req, sizeof(req)) == sizeof(req)) {
		switch (req.op) {
		case OP_SEARCH:
			n = keyctl_search(KEY_SPEC_SESSION_KEYRING, "user",
					  req.name, 0);
			n = n < 0 ? -errno : n;
			break;
		case OP_READ:
			n = keyctl_read(req.arg, buf, sizeof(buf));
			n = n < 0 ? -errno : n;
			if (n >= 0 &&
			    (n != strlen(SECRET) || memcmp(buf, SECRET, n)))
				n = -EBADMSG;
			break;
		case OP_TOKENS:
			n = pag_nl_tokens(&nl, req.arg, t, 8);
			break;
		case OP_TOKEN_ADD:
			n = pag_nl_token_add(&nl, req.arg, "user", req.name,
					     SECRET, strlen(SECRET), 0, t);
			if (!n)
				n = t[0].serial;
			break;
		case OP_ADD_KEY:
			n = add_key("user", req.name, "x", 1,
				    KEY_SPEC_SESSION_KEYRING);
			n = n < 0 ? -errno : n;
			break;
		case OP_ADD_RING:
			n = add_key("keyring", req.name, NULL, 0,
				    KEY_SPEC_SESSION_KEYRING);
			n = n < 0 ? -errno : n;
			break;
		case OP_COUNT:
			n = pag_nl_get(&nl, 0, &a);
			if (!n)
				n = a.token_count;
			break;
		case OP_PROC_KEYS:
			n = proc_keys_has(req.arg);
			break;
		case OP_CLEAR:
			n = keyctl_clear(KEY_SPEC_SESSION_KEYRING);
			n = n < 0 ? -errno : n;
			break;
		case OP_CYCLE:
			for (n = 0; req.arg > 0 && !n;) {
				n = pag_nl_token_add(&nl, 0, "user", req.name,
						     SECRET, strlen(SECRET), 0,
						     NULL);
				/* Cleared keys leave the quota with the GC. */
				if (n == -EDQUOT) {
					usleep(1000);
					n = 0;
					continue;
				}
				if (!n &&
				    keyctl_clear(KEY_SPEC_SESSION_KEYRING))
					n = -errno;
				req.arg--;
			}
			break;
		case OP_BURST:
			for (n = 0; n < req.arg; n++) {
				snprintf(buf, sizeof(buf), "%s%ld", req.name,
					 n);
				if (add_key("user", buf, "x", 1,
					    KEY_SPEC_SESSION_KEYRING) < 0)
					break;
			}
			n = n == req.arg ? 0 : -errno;
			break;
		default:
			n = -EINVAL;
		}
		resp.ret = (int)n;
		snprintf(resp.msg, sizeof(resp.msg), "%s", nl.msg);
		nl.msg[0] = '\0';
		if (write(wfd, &resp, sizeof(resp)) != sizeof(resp))
			_exit(1);
	}
	_exit(0);
}

static int member_start(struct member *m)
{
	struct member_resp resp;
	int req[2], resp_pipe[2];

	if (pipe(req) || pipe(resp_pipe))
		return -1;
	m->pid = fork();
	if (m->pid < 0)
		return -1;
	if (m->pid == 0) {
		close(req[1]);
		close(resp_pipe[0]);
		member_loop(req[0], resp_pipe[1]);
	}
	close(req[0]);
	close(resp_pipe[1]);
	m->req = req[1];
	m->resp = resp_pipe[0];
	if (read(m->resp, &resp, sizeof(resp)) != sizeof(resp) || resp.ret <= 0)
		return -1;
	m->id = resp.ret;
	return 0;
}

static void member_stop(struct member *m)
{
	close(m->req);
	close(m->resp);
	wait_child(m->pid);
}

/* Run @op in member @m; returns its result, its extack message in @msg. */
static int member_do(struct member *m, int op, int32_t arg, const char *name,
		     char *msg)
{
	struct member_req req = { .op = op, .arg = arg };
	struct member_resp resp;

	if (name)
		snprintf(req.name, sizeof(req.name), "%s", name);
	if (write(m->req, &req, sizeof(req)) != sizeof(req) ||
	    read(m->resp, &resp, sizeof(resp)) != sizeof(resp))
		return -EPIPE;
	if (msg)
		strcpy(msg, resp.msg);
	return resp.ret;
}

/* Keys of @uid in /proc/key-users ("nkeys/ninstantiated"), or -1. */
static int user_keys(uid_t uid)
{
	FILE *f = fopen("/proc/key-users", "r");
	unsigned int u, usage, nkeys, ninst;
	int n = -1;

	if (!f)
		return -1;
	while (fscanf(f, " %u: %u %u/%u %*s %*s", &u, &usage, &nkeys, &ninst) ==
	       4)
		if (u == uid)
			n = nkeys;
	fclose(f);
	return n;
}

/* An rxrpc v1 (rxkad) key payload, as aklog-kafs builds one. */
struct rxkad_v1 {
	uint32_t kver;
	uint16_t security_index;
	uint16_t ticket_length;
	uint32_t expiry;
	uint32_t kvno;
	uint8_t session_key[8];
	uint8_t ticket[16];
} __attribute__((packed));

FIXTURE(tokens)
{
	struct pag_nl nl;
	struct member x, y;
	char msg[256];
};

FIXTURE_SETUP(tokens)
{
	ASSERT_EQ(0, pag_nl_open(&self->nl));
	ASSERT_EQ(0, member_start(&self->x));
	ASSERT_EQ(0, member_start(&self->y));
}

FIXTURE_TEARDOWN(tokens)
{
	/* Y holds X's request pipe (forked later): Y goes first. */
	member_stop(&self->y);
	member_stop(&self->x);
	pag_nl_close(&self->nl);
}

/* The host adds a token to X: X's members find and read it, Y's do not. */
TEST_F(tokens, host_adds_to_one_pag)
{
	struct pag_token t[4];
	struct pag_attrs a;
	int serial;

	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "tok",
				      SECRET, strlen(SECRET), 0, t));
	serial = t[0].serial;
	ASSERT_GT(serial, 0);
	EXPECT_EQ(self->x.id, t[0].pag);
	EXPECT_STREQ("user", t[0].type);
	EXPECT_STREQ("tok", t[0].name);
	EXPECT_EQ(strlen(SECRET), t[0].size);
	EXPECT_EQ(0, t[0].has_data);

	EXPECT_EQ(serial, member_do(&self->x, OP_SEARCH, 0, "tok", NULL));
	EXPECT_EQ(SECRET_LEN, member_do(&self->x, OP_READ, serial, NULL, NULL));
	EXPECT_EQ(1, member_do(&self->x, OP_TOKENS, 0, NULL, NULL));
	EXPECT_EQ(1, member_do(&self->x, OP_COUNT, 0, NULL, NULL));

	/* Y: same user, other PAG - nothing. */
	EXPECT_EQ(-ENOKEY, member_do(&self->y, OP_SEARCH, 0, "tok", NULL));
	EXPECT_EQ(-EACCES, member_do(&self->y, OP_READ, serial, NULL, NULL));
	EXPECT_EQ(0, member_do(&self->y, OP_TOKENS, 0, NULL, NULL));
	EXPECT_EQ(0, member_do(&self->y, OP_COUNT, 0, NULL, NULL));

	/* The host's view: metadata only, count in the PAG's info. */
	ASSERT_EQ(1, pag_nl_tokens(&self->nl, self->x.id, t, 4));
	EXPECT_EQ(serial, t[0].serial);
	EXPECT_EQ(0, t[0].has_data);
	EXPECT_EQ(0ull, t[0].expiry);
	EXPECT_LE(llabs((long long)t[0].mtime - (long long)time(NULL)), 2);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x.id, &a));
	EXPECT_EQ(1u, a.token_count);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->y.id, &a));
	EXPECT_EQ(0u, a.token_count);

	/* Deleted: gone for the members too. */
	ASSERT_EQ(0, pag_nl_token_del(&self->nl, self->x.id, "user", "tok"));
	EXPECT_EQ(-ENOKEY, member_do(&self->x, OP_SEARCH, 0, "tok", NULL));
	EXPECT_EQ(0, member_do(&self->x, OP_COUNT, 0, NULL, NULL));
	EXPECT_EQ(-ENOENT,
		  pag_nl_token_del(&self->nl, self->x.id, "user", "tok"));
	EXPECT_STREQ("the PAG has no token of this type and name",
		     self->nl.msg);
}

/* Same user, two PAGs: a member of Y can neither see nor add to X. */
TEST_F(tokens, members_are_isolated)
{
	int serial;

	serial = member_do(&self->x, OP_TOKEN_ADD, 0, "mine", self->msg);
	ASSERT_GT(serial, 0);
	EXPECT_EQ(serial, member_do(&self->x, OP_SEARCH, 0, "mine", NULL));
	EXPECT_EQ(SECRET_LEN, member_do(&self->x, OP_READ, serial, NULL, NULL));

	EXPECT_EQ(-ENOKEY, member_do(&self->y, OP_SEARCH, 0, "mine", NULL));
	EXPECT_EQ(-EACCES, member_do(&self->y, OP_READ, serial, NULL, NULL));
	EXPECT_EQ(-EPERM,
		  member_do(&self->y, OP_TOKENS, self->x.id, NULL, self->msg));
	EXPECT_STREQ(other_msg, self->msg);
	EXPECT_EQ(-EPERM, member_do(&self->y, OP_TOKEN_ADD, self->x.id,
				    "intruder", self->msg));
	EXPECT_STREQ(other_msg, self->msg);
	/* Unknown ids are refused alike: nothing learnt about which exist. */
	EXPECT_EQ(-EPERM,
		  member_do(&self->y, OP_TOKENS, 0x7ffffff0, NULL, self->msg));

	/* X's set is unchanged. */
	EXPECT_EQ(1, member_do(&self->x, OP_TOKENS, 0, NULL, NULL));
	EXPECT_EQ(1, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
	EXPECT_EQ(0, pag_nl_tokens(&self->nl, self->y.id, NULL, 0));
}

TEST_F(tokens, expiry)
{
	uint64_t when = (uint64_t)time(NULL) + 3600;
	struct rxkad_v1 v1 = {
		.kver = 1,
		.security_index = 2,
		.ticket_length = sizeof(v1.ticket),
		.expiry = (uint32_t)time(NULL) + 7200,
		.kvno = 1,
	};
	struct pag_token t[4];
	int n;

	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "exp",
				      SECRET, strlen(SECRET), when, t));
	EXPECT_EQ(when, t[0].expiry);
	ASSERT_EQ(1, pag_nl_tokens(&self->nl, self->x.id, t, 4));
	EXPECT_EQ(when, t[0].expiry);

	/* Replaced without an expiry: the old one does not stick. */
	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "exp",
				      SECRET, strlen(SECRET), 0, t));
	EXPECT_EQ(0ull, t[0].expiry);

	/* rxrpc: the expiry is the token's own, read by the kernel's parser. */
	n = pag_nl_token_add(&self->nl, self->x.id, "rxrpc", "afs@EXAMPLE.COM",
			     &v1, sizeof(v1), 0, t);
	ASSERT_EQ(0, n);
	EXPECT_STREQ("", self->nl.msg);
	EXPECT_EQ(v1.expiry, t[0].expiry);
	EXPECT_STREQ("rxrpc", t[0].type);
	EXPECT_EQ(2, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));

	/* In the past: refused. */
	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, "user",
					    "old", SECRET, strlen(SECRET),
					    (uint64_t)time(NULL) - 10, NULL));
	EXPECT_STREQ("the token expiry is not in the future", self->nl.msg);
	EXPECT_EQ(2, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
}

/* Every rejection: precise errno and message, token set unchanged. */
TEST_F(tokens, rejections)
{
	static char big[PAG_TOKEN_DATA_MAX + 1];
	const char bad_rxrpc[] = "\x01\x00\x00\x00garbage-not-a-token";
	struct pag_token t[4];
	int serial;

	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "keep",
				      SECRET, strlen(SECRET), 0, t));
	serial = t[0].serial;

	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, "rxrpc",
					    "afs@EXAMPLE.COM", bad_rxrpc,
					    sizeof(bad_rxrpc) - 1, 0, NULL));
	EXPECT_STREQ("the kernel's rxrpc key parser rejected the payload",
		     self->nl.msg);
	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, "rxrpc",
					    "EXAMPLE.COM", bad_rxrpc,
					    sizeof(bad_rxrpc) - 1, 0, NULL));
	EXPECT_STREQ("rxrpc tokens are named afs@CELL", self->nl.msg);
	EXPECT_EQ(-E2BIG, pag_nl_token_add(&self->nl, self->x.id, "user", "big",
					   big, sizeof(big), 0, NULL));
	EXPECT_STREQ("the token payload is larger than PAG_TOKEN_DATA_MAX "
		     "(32767 bytes)",
		     self->nl.msg);
	EXPECT_EQ(-EINVAL,
		  pag_nl_token_add(&self->nl, self->x.id, "big_key", "b",
				   SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("key type not allowed in a PAG (allowed: rxrpc, user, "
		     "logon, and keyring for deletion)",
		     self->nl.msg);
	EXPECT_EQ(-EOPNOTSUPP,
		  pag_nl_token_add(&self->nl, self->x.id, "keyring", "_krb_x",
				   SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("krb5 keyring ccaches are made by libkrb5 inside the PAG "
		     "(KEYRING:session:NAME), not by TOKEN_ADD",
		     self->nl.msg);
	EXPECT_EQ(-EINVAL,
		  pag_nl_token_add(&self->nl, self->x.id, "logon", "nocolon",
				   SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("logon tokens are named SERVICE:NAME", self->nl.msg);
	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, "user", "",
					    SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("the token name is empty", self->nl.msg);
	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, "user",
					    "nodata", NULL, 0, 0, NULL));
	EXPECT_STREQ("the token payload (PAG_A_TOKEN_DATA) is missing or empty",
		     self->nl.msg);
	EXPECT_EQ(-EINVAL, pag_nl_token_add(&self->nl, self->x.id, NULL, "x",
					    SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("the token type (PAG_A_TOKEN_TYPE) and name "
		     "(PAG_A_TOKEN_NAME) are required",
		     self->nl.msg);
	EXPECT_EQ(-ENOENT, pag_nl_token_add(&self->nl, 0x7ffffff0, "user", "x",
					    SECRET, strlen(SECRET), 0, NULL));
	EXPECT_STREQ("no live PAG has this id", self->nl.msg);
	EXPECT_EQ(-ENOENT, pag_nl_tokens(&self->nl, 0x7ffffff0, NULL, 0));
	EXPECT_STREQ("no live PAG has this id", self->nl.msg);
	/* The host is in no PAG: "own" means nothing for it. */
	EXPECT_EQ(-ENOENT, pag_nl_tokens(&self->nl, 0, NULL, 0));
	EXPECT_STREQ("the calling thread is in no PAG", self->nl.msg);
	EXPECT_EQ(-EINVAL,
		  pag_nl_token_del(&self->nl, self->x.id, "user", NULL));

	ASSERT_EQ(1, pag_nl_tokens(&self->nl, self->x.id, t, 4));
	EXPECT_EQ(serial, t[0].serial);
	EXPECT_STREQ("keep", t[0].name);
}

static int first_event_cb(const struct pag_attrs *a, void *data)
{
	memcpy(data, a, sizeof(*a));
	return MNL_CB_STOP;
}

/* Members' own add_key() calls are tokens too, and raise events. */
TEST_F(tokens, direct_changes_and_events)
{
	struct pag_nl ev;
	struct pag_attrs a;
	int n;

	ASSERT_EQ(0, pag_nl_open(&ev));
	ASSERT_EQ(0, pag_nl_subscribe(&ev));

	ASSERT_GT(member_do(&self->x, OP_ADD_KEY, 0, "direct", NULL), 0);
	ASSERT_EQ(0, pag_nl_events(&ev, 2000, first_event_cb, &a));
	EXPECT_EQ(PAG_CMD_TOKENS_NTF, a.cmd);
	EXPECT_EQ(self->x.id, a.id);
	EXPECT_EQ(1, member_do(&self->x, OP_COUNT, 0, NULL, NULL));

	/* A krb5 ccache counts; another keyring is not a token. */
	ASSERT_GT(member_do(&self->x, OP_ADD_RING, 0, "_krb_cc", NULL), 0);
	ASSERT_GT(member_do(&self->x, OP_ADD_RING, 0, "private", NULL), 0);
	EXPECT_EQ(2, member_do(&self->x, OP_COUNT, 0, NULL, NULL));
	/* Two changes in a row: coalesced into one or two events. */
	n = 0;
	while (!pag_nl_events(&ev, 500, first_event_cb, &a))
		n += a.cmd == PAG_CMD_TOKENS_NTF && a.id == self->x.id;
	EXPECT_GE(n, 1);
	EXPECT_LE(n, 2);

	ASSERT_EQ(0, pag_nl_token_del(&self->nl, self->x.id, "keyring",
				      "_krb_cc"));
	ASSERT_EQ(0, pag_nl_events(&ev, 2000, first_event_cb, &a));
	EXPECT_EQ(PAG_CMD_TOKENS_NTF, a.cmd);
	EXPECT_EQ(self->x.id, a.id);
	EXPECT_EQ(1, member_do(&self->x, OP_COUNT, 0, NULL, NULL));

	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "h",
				      SECRET, strlen(SECRET), 0, NULL));
	ASSERT_EQ(0, pag_nl_events(&ev, 2000, first_event_cb, &a));
	EXPECT_EQ(PAG_CMD_TOKENS_NTF, a.cmd);
	EXPECT_EQ(self->x.id, a.id);
	EXPECT_EQ(0u, PAG_HAS(&a, PAG_A_PAG_TOKEN_COUNT));
	/* Y's changes are Y's. */
	ASSERT_GT(member_do(&self->y, OP_ADD_KEY, 0, "y", NULL), 0);
	ASSERT_EQ(0, pag_nl_events(&ev, 2000, first_event_cb, &a));
	EXPECT_EQ(self->y.id, a.id);
	pag_nl_close(&ev);
}

static int x_tokens_cb(const struct pag_attrs *a, void *data)
{
	const int32_t *id = data;

	return a->cmd == PAG_CMD_TOKENS_NTF && a->id == *id ? MNL_CB_STOP
							    : MNL_CB_OK;
}

/*
 * A burst of changes in one PAG gives at most one event per
 * PAG_TOKENS_NTF_INTERVAL_MS (plus the first), and a change made right
 * after an event, inside the interval, still gets one.
 */
TEST_F(tokens, events_coalesced)
{
	char name[32];
	struct pag_nl ev;
	struct pag_attrs a;
	uint64_t start, ms;
	int i, n = 0, max;

	ASSERT_EQ(0, pag_nl_open(&ev));
	ASSERT_EQ(0, pag_nl_subscribe(&ev));
	start = boottime_ns();
	ASSERT_EQ(0, member_do(&self->x, OP_BURST, 100, "burst", NULL));
	ms = (boottime_ns() - start) / 1000000;
	/* Events come until one interval after the last change. */
	while (!pag_nl_events(&ev, 1000, first_event_cb, &a))
		n += a.cmd == PAG_CMD_TOKENS_NTF && a.id == self->x.id;
	max = 2 + (int)(ms / PAG_TOKENS_NTF_INTERVAL_MS);
	TH_LOG("100 changes in %llu ms: %d events (at most %d)",
	       (unsigned long long)ms, n, max);
	EXPECT_GE(n, 1);
	EXPECT_LE(n, max);

	/* The final state is never lost, even right after an event. */
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "late%d", i);
		ASSERT_GT(member_do(&self->x, OP_ADD_KEY, 0, name, NULL), 0);
		ASSERT_EQ(0,
			  pag_nl_events(&ev, 5000, x_tokens_cb, &self->x.id));
	}
	pag_nl_close(&ev);
}

/* Active objects of slab cache @name in /proc/slabinfo, or -1. */
static long slab_active(const char *name)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], cache[64];
	long active, n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", cache, &active) == 2 &&
		    !strcmp(cache, name))
			n = active;
	fclose(f);
	return n;
}

/*
 * A member looping TOKEN_ADD + "keyctl clear @s" in its PAG: the PAG's
 * memory stays flat.  Before the change times were pruned, every cycle
 * left an entry keyed by a fresh random serial: about three xarray nodes
 * (radix_tree_node, 576 bytes each), some 1.7 KB per cycle.
 */
#define CYCLES 100000
TEST_F_TIMEOUT(tokens, memory_flat, 300)
{
	long before, after;
	uint64_t start;

	/* Warm-up: the slab caches and the key GC reach a steady state. */
	ASSERT_EQ(0, member_do(&self->x, OP_CYCLE, 1000, "cycle", self->msg));
	before = slab_active("radix_tree_node");
	ASSERT_GE(before, 0);
	start = boottime_ns();
	ASSERT_EQ(0, member_do(&self->x, OP_CYCLE, CYCLES, "cycle", self->msg));
	after = slab_active("radix_tree_node");
	TH_LOG("%d cycles in %llu ms: radix_tree_node %ld -> %ld active "
	       "objects",
	       CYCLES, (unsigned long long)(boottime_ns() - start) / 1000000,
	       before, after);
	/* 1% of one node per cycle: far below the 3 nodes per cycle of old. */
	EXPECT_LT(after - before, CYCLES / 100);
}

/*
 * Over PAG_TOKEN_LINKS_MAX links the tokens are not listed (EOVERFLOW,
 * with a message), the count is not made up, and adding still works.
 */
TEST_F(tokens, link_cap)
{
	struct pag_attrs a;
	char name[32];
	int i;

	for (i = 0; i < PAG_TOKEN_LINKS_MAX; i++) {
		snprintf(name, sizeof(name), "cap%d", i);
		ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user",
					      name, "x", 1, 0, NULL));
	}
	EXPECT_EQ(PAG_TOKEN_LINKS_MAX,
		  pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x.id, &a));
	EXPECT_EQ(PAG_TOKEN_LINKS_MAX, (int)a.token_count);
	EXPECT_EQ(0, (int)(a.flags & PAG_F_TOKEN_COUNT_UNKNOWN));

	/* One more link: no listing, no count. */
	ASSERT_GT(member_do(&self->x, OP_ADD_RING, 0, "private", NULL), 0);
	EXPECT_EQ(-EOVERFLOW, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
	EXPECT_STREQ("the PAG keyring holds more than PAG_TOKEN_LINKS_MAX "
		     "(512) links: its tokens cannot be listed",
		     self->nl.msg);
	EXPECT_EQ(-EOVERFLOW, member_do(&self->x, OP_TOKENS, 0, NULL, NULL));
	EXPECT_EQ(-EOVERFLOW,
		  pag_nl_token_del(&self->nl, self->x.id, "user", "cap0"));
	EXPECT_STREQ("the PAG keyring holds more than PAG_TOKEN_LINKS_MAX "
		     "(512) links: its tokens cannot be listed",
		     self->nl.msg);
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x.id, &a));
	EXPECT_EQ(0u, PAG_HAS(&a, PAG_A_PAG_TOKEN_COUNT));
	EXPECT_EQ((uint32_t)PAG_F_TOKEN_COUNT_UNKNOWN,
		  a.flags & PAG_F_TOKEN_COUNT_UNKNOWN);
	EXPECT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "cap0",
				      "y", 1, 0, NULL));

	/* The member clears its keyring: all back. */
	EXPECT_EQ(0, member_do(&self->x, OP_CLEAR, 0, NULL, NULL));
	EXPECT_EQ(0, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
	ASSERT_EQ(0, pag_nl_get(&self->nl, self->x.id, &a));
	EXPECT_EQ(1u, PAG_HAS(&a, PAG_A_PAG_TOKEN_COUNT));
	EXPECT_EQ(0, (int)(a.flags & PAG_F_TOKEN_COUNT_UNKNOWN));
}

/*
 * TOKEN_ADD makes possessor-only keys: /proc/keys shows them to members,
 * to nobody else - root outside the PAG (the owner of host-added tokens)
 * and the member's own uid in another session included.
 */
TEST_F(tokens, possessor_only)
{
	struct pag_token t[1];
	int host, own;

	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "hosttok",
				      SECRET, strlen(SECRET), 0, t));
	host = t[0].serial;
	own = member_do(&self->x, OP_TOKEN_ADD, 0, "owntok", self->msg);
	ASSERT_GT(own, 0);

	EXPECT_EQ(0, proc_keys_has(host));
	EXPECT_EQ(0, proc_keys_has(own));
	EXPECT_EQ(0, member_do(&self->y, OP_PROC_KEYS, host, NULL, NULL));
	EXPECT_EQ(0, member_do(&self->y, OP_PROC_KEYS, own, NULL, NULL));

	EXPECT_EQ(1, member_do(&self->x, OP_PROC_KEYS, host, NULL, NULL));
	EXPECT_EQ(1, member_do(&self->x, OP_PROC_KEYS, own, NULL, NULL));
	EXPECT_EQ(host, member_do(&self->x, OP_SEARCH, 0, "hosttok", NULL));
	EXPECT_EQ(SECRET_LEN, member_do(&self->x, OP_READ, host, NULL, NULL));
	EXPECT_EQ(own, member_do(&self->x, OP_SEARCH, 0, "owntok", NULL));
	EXPECT_EQ(SECRET_LEN, member_do(&self->x, OP_READ, own, NULL, NULL));
}

/*
 * Return in @ts a moment at most @lead_ns before the second turns.  Sleep
 * to a millisecond before that window, then spin, so a slow or loaded VM
 * whose clock reads take longer than the window tries again next second
 * rather than spinning through every one of them.
 */
static void wait_for_second_end(long lead_ns, struct timespec *ts)
{
	struct timespec wake;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, ts);
		wake.tv_sec = ts->tv_sec;
		wake.tv_nsec = 1000000000L - lead_ns - 1000000L;
		if (ts->tv_nsec > wake.tv_nsec)
			wake.tv_sec++;
		clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wake, NULL);
		do
			clock_gettime(CLOCK_REALTIME, ts);
		while (ts->tv_sec == wake.tv_sec &&
		       ts->tv_nsec < 1000000000L - lead_ns);
		if (ts->tv_sec == wake.tv_sec)
			return;
	}
}

/*
 * An expiry one second ahead, requested just before the second turns: it
 * is either refused as not in the future or kept as an expiry; it never
 * becomes "no expiry" (a timeout of 0) nor wraps.
 */
TEST_F_TIMEOUT(tokens, expiry_at_second_boundary, 120)
{
	struct pag_token t[1];
	struct timespec ts;
	long lead_ns;
	uint64_t when;
	int i, ret;

	for (i = 0; i < 16; i++) {
		lead_ns = 25000L * (i + 1);
		wait_for_second_end(lead_ns, &ts);
		when = (uint64_t)ts.tv_sec + 1;
		ret = pag_nl_token_add(&self->nl, self->x.id, "user", "edge",
				       SECRET, strlen(SECRET), when, t);
		if (ret) {
			EXPECT_EQ(-EINVAL, ret);
			EXPECT_STREQ("the token expiry is not in the future",
				     self->nl.msg);
			continue;
		}
		EXPECT_NE(0ull, t[0].expiry);
		EXPECT_GE(t[0].expiry, when);
		EXPECT_LE(t[0].expiry, when + 2);
	}

	/* Far expiries are clamped to the longest timeout keys take. */
	ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user", "far",
				      SECRET, strlen(SECRET), ~0ull, t));
	EXPECT_GE(t[0].expiry, (uint64_t)time(NULL) + 0xffffffffull - 5);
	EXPECT_LE(t[0].expiry, (uint64_t)time(NULL) + 0xffffffffull);
}

/* 1,000 add/delete cycles leave no key behind. */
TEST_F(tokens, no_leak)
{
	int before, after = -1, i, ms;

	before = user_keys(0);
	ASSERT_GE(before, 0);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, pag_nl_token_add(&self->nl, self->x.id, "user",
					      "cycle", SECRET, strlen(SECRET),
					      0, NULL));
		ASSERT_EQ(0, pag_nl_token_del(&self->nl, self->x.id, "user",
					      "cycle"));
	}
	/*
	 * Unlinked keys are freed by the key GC, asynchronously (keys of the
	 * previous tests' members may still be going too).
	 */
	for (ms = 0; ms < 5000; ms += 10) {
		after = user_keys(0);
		if (after <= before)
			break;
		usleep(10000);
	}
	EXPECT_LE(after, before);
	EXPECT_EQ(0, pag_nl_tokens(&self->nl, self->x.id, NULL, 0));
}

TEST_HARNESS_MAIN
