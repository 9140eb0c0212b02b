// SPDX-License-Identifier: GPL-2.0
/*
 * Limits that a user can reach on its own: the key quota (per kuid) and a
 * full receive buffer.  Reaching them must hurt nobody else, name its
 * cause, and never report failure for a request that took effect.
 */

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

#define QUOTA_UID   2000 /* the container's kuid */
#define OTHER_UID   2001
#define RECOVER_UID 2002
#define SECRET	    "s3cret-payload"

static const char quota_msg[] =
	"the key quota of the caller's uid is exhausted (sysctl "
	"kernel.keys.maxkeys/maxbytes, root_maxkeys/root_maxbytes for uid 0); "
	"ended PAGs are freed by the key garbage collector shortly";

/* Quota use of @uid in /proc/key-users: keys (or bytes if @bytes). */
static long quota_used(uid_t uid, int bytes)
{
	FILE *f = fopen("/proc/key-users", "r");
	unsigned int u, usage, nkeys, ninst, qkeys, maxkeys, qbytes, maxbytes;
	long n = 0;

	if (!f)
		return -1;
	while (fscanf(f, " %u: %u %u/%u %u/%u %u/%u", &u, &usage, &nkeys,
		      &ninst, &qkeys, &maxkeys, &qbytes, &maxbytes) == 8)
		if (u == uid)
			n = bytes ? qbytes : qkeys;
	fclose(f);
	return n;
}

/*
 * Fill the caller's key quota, its number of keys (kernel.keys.maxkeys),
 * with small keys in its session keyring; its bytes are not exhausted.
 * Whoever links a key into the caller's keyring, even the host adding a
 * token not charged to itself, charges its owner a few bytes
 * (KEYQUOTA_LINK_BYTES): with the bytes exhausted, whether such a link fits
 * would depend on how many bytes the caller's own failed adds give back,
 * and when (the key GC's later run on 6.1, at once on 6.12).
 */
static int fill_quota(void)
{
	char name[32];
	unsigned int n = 0;

	for (;;) {
		snprintf(name, sizeof(name), "f%u", n++);
		if (add_key("user", name, "x", 1, KEY_SPEC_SESSION_KEYRING) < 0)
			break;
	}
	return errno == EDQUOT ? 0 : -errno;
}

/* As @uid: a new PAG and a token in it.  Returns 0 or the failing line. */
static int new_and_add_as(uid_t uid)
{
	struct pag_attrs a;
	struct pag_nl nl;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return __LINE__;
	if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
		return __LINE__;
	if (pag_nl_token_add(&nl, 0, "user", "t", SECRET, strlen(SECRET), 0,
			     NULL))
		return __LINE__;
	return 0;
}

/* As @uid: a new PAG.  Returns 0 or the failing line. */
static int new_as(uid_t uid)
{
	struct pag_nl nl;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return __LINE__;
	if (pag_nl_open(&nl) || pag_nl_new(&nl, NULL))
		return __LINE__;
	return 0;
}

static int run_child(int (*fn)(uid_t), uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(uid));
	return pid < 0 ? -1 : wait_child(pid);
}

/*
 * The "container": root of a user namespace mapped to QUOTA_UID.  Fills
 * its quota, checks EDQUOT and the message, sends its PAG id on @wfd and
 * waits for @rfd to close.  Exits 0 or with the failing line.
 */
static int container(int rfd, int wfd)
{
	struct pag_attrs a;
	struct pag_nl nl;
	char c;

	if (setresgid(QUOTA_UID, QUOTA_UID, QUOTA_UID) ||
	    setresuid(QUOTA_UID, QUOTA_UID, QUOTA_UID))
		return __LINE__;
	/* setresuid() made /proc/self root's: the maps could not be written. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return __LINE__;
	if (enter_mapped_user_ns())
		return errno == EPERM ? USERNS_EPERM : __LINE__;
	if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
		return __LINE__;
	if (fill_quota())
		return __LINE__;
	if (pag_nl_new(&nl, NULL) != -EDQUOT || strcmp(nl.msg, quota_msg))
		return __LINE__;
	if (pag_nl_token_add(&nl, 0, "user", "t", SECRET, strlen(SECRET), 0,
			     NULL) != -EDQUOT ||
	    strcmp(nl.msg, quota_msg))
		return __LINE__;
	/* Still in its own, full PAG. */
	if (session_id() != a.id)
		return __LINE__;
	if (write(wfd, &a.id, sizeof(a.id)) != sizeof(a.id))
		return __LINE__;
	if (read(rfd, &c, 1) != 0)
		return __LINE__;
	return 0;
}

/*
 * A container (its own user namespace, an unprivileged kuid) that exhausts
 * its key quota gets EDQUOT, and nobody else does: another uid and root
 * still create PAGs and add tokens, the host even into the container's
 * full PAG.  The host's PAGs and tokens are not charged to root's quota.
 */
TEST(quota_is_per_kuid)
{
	int req[2], resp[2], status;
	long keys, bytes;
	struct pag_nl nl;
	int32_t id;
	pid_t pid;

	ASSERT_EQ(0, pipe(req));
	ASSERT_EQ(0, pipe(resp));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(req[1]);
		close(resp[0]);
		_exit(container(req[0], resp[1]));
	}
	close(req[0]);
	close(resp[1]);
	if (read(resp[0], &id, sizeof(id)) != sizeof(id)) {
		close(req[1]);
		status = wait_child(pid);
		if (status == USERNS_EPERM)
			SKIP(return, "%s", USERNS_SKIP);
		ASSERT_EQ(0, status);
	}

	/* Another uid: unaffected. */
	EXPECT_EQ(0, run_child(new_and_add_as, OTHER_UID));

	/* Root, the host: unaffected, and charged nothing. */
	keys = quota_used(0, 0);
	bytes = quota_used(0, 1);
	ASSERT_EQ(0, pag_nl_open(&nl));
	EXPECT_EQ(0, pag_nl_token_add(&nl, id, "user", "host", SECRET,
				      strlen(SECRET), 0, NULL));
	EXPECT_STREQ("", nl.msg);
	EXPECT_EQ(0, run_child(new_as, 0));
	EXPECT_EQ(keys, quota_used(0, 0));
	EXPECT_EQ(bytes, quota_used(0, 1));
	/* Root's own adds in its own PAG are charged, and work. */
	EXPECT_EQ(0, run_child(new_and_add_as, 0));
	pag_nl_close(&nl);

	close(req[1]);
	EXPECT_EQ(0, wait_child(pid));
	close(resp[0]);
}

/*
 * An unprivileged NEW/LEAVE loop, then a PAG filled to the quota: NEW
 * fails with EDQUOT and a message naming the cause; once the PAGs have
 * ended, the key GC gives the quota back by itself.
 */
static int recover(uid_t uid)
{
	struct pag_nl nl;
	int i, ret, full = 0;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return __LINE__;
	if (pag_nl_open(&nl))
		return __LINE__;
	for (i = 0; i < 2000; i++) {
		ret = pag_nl_new(&nl, NULL);
		if (ret == -EDQUOT) {
			if (strcmp(nl.msg, quota_msg))
				return __LINE__;
			full++;
			continue;
		}
		if (ret || pag_nl_leave(&nl))
			return __LINE__;
	}
	printf("# %d of 2000 NEW/LEAVE cycles hit the quota\n", full);

	/* A PAG to fill (the loop may have left the quota full for now). */
	for (i = 0; i < 6000; i++) {
		ret = pag_nl_new(&nl, NULL);
		if (ret != -EDQUOT)
			break;
		usleep(10000);
	}
	if (ret || fill_quota())
		return __LINE__;
	if (pag_nl_new(&nl, NULL) != -EDQUOT || strcmp(nl.msg, quota_msg))
		return __LINE__;
	if (pag_nl_leave(&nl))
		return __LINE__;

	/* Polled, not timed: the GC frees ended PAGs "shortly". */
	for (i = 0; i < 6000; i++) {
		ret = pag_nl_new(&nl, NULL);
		if (ret != -EDQUOT)
			break;
		usleep(10000);
	}
	printf("# quota back after %d polls\n", i);
	return ret ? __LINE__ : 0;
}

FIXTURE(slow){};
FIXTURE_SETUP(slow)
{
}
FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, quota_recovers, 120)
{
	EXPECT_EQ(0, run_child(recover, RECOVER_UID));
}

/* Drops of the netlink socket @portid in /proc/net/netlink, or -1. */
static long nl_drops(uint32_t portid)
{
	FILE *f = fopen("/proc/net/netlink", "r");
	unsigned int eth, pid, dump, locks;
	unsigned long drops;
	char line[256];
	long n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*x %u %u %*x %*d %*d %u %u %lu", &eth, &pid,
			   &dump, &locks, &drops) == 5 &&
		    eth == NETLINK_GENERIC && pid == portid)
			n = (long)drops;
	fclose(f);
	return n;
}

/*
 * NEW whose reply cannot be delivered (the receive buffer is full of
 * unread answers): the PAG exists and the thread is in it, so no error
 * may be sent either - only the reply is lost.  Sent like libpag sends
 * it, without NLM_F_ACK: an error would be a second lost message.  The
 * same for TOKEN_ADD.
 */
TEST(new_reply_lost)
{
	char buf[256], rbuf[8192];
	struct nlmsghdr *nlh;
	struct pag_attrs a;
	struct pag_nl nl;
	long before, after;
	int fd, i, small = 1, enobufs = 0, len;
	key_serial_t old;

	ASSERT_EQ(0, pag_nl_open(&nl));
	fd = mnl_socket_get_fd(nl.sock);
	ASSERT_EQ(0,
		  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	/* Unread answers until the buffer overflows (GET: in no PAG yet). */
	old = session_id();
	for (i = 0; i < 16; i++) {
		nlh = pag_nl_msg(&nl, buf, PAG_CMD_GET, NLM_F_ACK);
		ASSERT_EQ(0, pag_nl_send(&nl, nlh));
	}
	before = nl_drops(nl.portid);
	ASSERT_GT(before, 0);

	nlh = pag_nl_msg(&nl, buf, PAG_CMD_NEW, 0);
	ASSERT_EQ(0, pag_nl_send(&nl, nlh));
	after = nl_drops(nl.portid);
	EXPECT_EQ(before + 1, after);

	/* The thread is in the new PAG. */
	EXPECT_NE(old, session_id());
	EXPECT_GT(session_id(), 0);

	/* TOKEN_ADD alike: the token is there, only its reply is lost. */
	nlh = pag_nl_msg(&nl, buf, PAG_CMD_TOKEN_ADD, 0);
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_TYPE, "user");
	mnl_attr_put_strz(nlh, PAG_A_TOKEN_NAME, "lost");
	mnl_attr_put(nlh, PAG_A_TOKEN_DATA, strlen(SECRET), SECRET);
	ASSERT_EQ(0, pag_nl_send(&nl, nlh));
	EXPECT_EQ(after + 1, nl_drops(nl.portid));
	EXPECT_GT(keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "lost", 0),
		  0);

	/* Nothing about the NEW comes: ENOBUFS, then the old answers. */
	for (;;) {
		len = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (len < 0 && errno == ENOBUFS) {
			enobufs++;
			continue;
		}
		if (len <= 0)
			break;
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			EXPECT_NE(nl.seq, nlh->nlmsg_seq);
	}
	EXPECT_EQ(1, enobufs);

	/* GET tells the caller where it is, TOKEN_GET what it holds. */
	EXPECT_EQ(0, pag_nl_get(&nl, 0, &a));
	EXPECT_EQ(session_id(), a.id);
	EXPECT_EQ(1, pag_nl_tokens(&nl, 0, NULL, 0));
	pag_nl_close(&nl);
}

TEST_HARNESS_MAIN
