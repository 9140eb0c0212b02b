// SPDX-License-Identifier: GPL-2.0
/*
 * The "pag" generic netlink family: registration, resolution and unload.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/pag.h>

#include "pag_nl.h"
#include "pag_util.h"

#include "kselftest_harness.h"

struct family {
	int id;
	int version;
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family *f = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		f->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		f->version = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

/* Resolve a family through the controller; returns 0 or a negative errno. */
static int resolve(const char *name, struct family *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL);
	int ret;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	memset(f, 0, sizeof(*f));
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, ret, seq, mnl_socket_get_portid(nl),
				 family_cb, f);
		if (ret < 0)
			ret = -errno;
	} while (ret > 0);
out:
	mnl_socket_close(nl);
	return ret;
}

TEST(family_resolves)
{
	struct family f;

	ASSERT_EQ(0, resolve(PAG_FAMILY_NAME, &f));
	EXPECT_NE(0, f.id);
	EXPECT_EQ(PAG_FAMILY_VERSION, f.version);
}

TEST(unknown_family_is_enoent)
{
	struct family f;

	EXPECT_EQ(-ENOENT, resolve("pag-no-such", &f));
}

/* Unloading removes the family; loading again brings it back. */
TEST(unload_and_reload)
{
	const char *ko = getenv("PAG_KO");
	struct family f;

	if (!ko)
		SKIP(return, "PAG_KO not set: cannot reload the module");
	ASSERT_EQ(0, run("rmmod pag"));
	EXPECT_EQ(-ENOENT, resolve(PAG_FAMILY_NAME, &f));
	ASSERT_EQ(0, run("insmod \"$PAG_KO\""));
	EXPECT_EQ(0, resolve(PAG_FAMILY_NAME, &f));
}

/*
 * A live PAG holds the module: rmmod is refused (EBUSY, "in use") until the
 * PAG ends, then succeeds.
 */
TEST(unload_refused_while_a_pag_lives)
{
	const char *ko = getenv("PAG_KO");
	int ready[2], hold[2];
	struct family f;
	pid_t pid;
	char c;

	if (!ko)
		SKIP(return, "PAG_KO not set: cannot reload the module");
	ASSERT_EQ(0, wait_no_pags(10000));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;

		close(hold[1]);
		c = !pag_nl_open(&nl) && !pag_nl_new(&nl, NULL);
		pag_nl_close(&nl);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(hold[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, c);
	EXPECT_EQ(1, module_refcnt());
	EXPECT_NE(0, run("rmmod pag 2>/dev/null"));
	EXPECT_EQ(0, resolve(PAG_FAMILY_NAME, &f));

	close(hold[1]);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(0, wait_no_pags(10000));
	ASSERT_EQ(0, run("rmmod pag"));
	EXPECT_EQ(-ENOENT, resolve(PAG_FAMILY_NAME, &f));
	ASSERT_EQ(0, run("insmod \"$PAG_KO\""));
	EXPECT_EQ(0, resolve(PAG_FAMILY_NAME, &f));
}

/*
 * The creator of unload_racing_new: for each byte read from @go, resolve
 * the family, wait for the next byte, then NEW and say how it went on
 * @done: 'y' a PAG was made, 'n' the module was away or going (ENOENT,
 * EOPNOTSUPP, ENODEV), 'x' anything else.  After a 'y', wait for one
 * more byte (the unload attempt is over by then), use the PAG (add_key()
 * passes the PAG keyring's link restriction, which is module code), leave
 * it and say 'y' again, or 'x' if add_key() failed.
 */
static void racing_creator(int go, int done)
{
	struct pag_nl nl;
	char c, r;
	int err;

	while (read(go, &c, 1) == 1) {
		err = pag_nl_open(&nl);
		if (read(go, &c, 1) != 1)
			break;
		if (!err) {
			err = pag_nl_new(&nl, NULL);
			pag_nl_close(&nl);
		}
		if (!err)
			r = 'y';
		else if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV)
			r = 'n';
		else
			r = 'x';
		if (write(done, &r, 1) != 1)
			break;
		if (r != 'y')
			continue;
		if (read(go, &c, 1) != 1)
			break;
		r = add_key("user", "race", "x", 1, KEY_SPEC_SESSION_KEYRING) >
				    0
			    ? 'y'
			    : 'x';
		keyctl_join_session_keyring(NULL); /* the PAG ends */
		if (write(done, &r, 1) != 1)
			break;
	}
	_exit(0);
}

FIXTURE(race){};
FIXTURE_SETUP(race)
{
}
FIXTURE_TEARDOWN(race)
{
}

#define RACE_ROUNDS 100

/*
 * rmmod racing NEW: generic netlink does not hold the module while a
 * request runs, so creation must take its reference with try_module_get()
 * and fail once unloading began.  A PAG made in that window keeps a link
 * restriction pointing into the unloaded module's text, and its member's
 * next add_key() oopses (the VM's splat check catches that).  Each round
 * starts a NEW and an unload at the same moment, and uses the PAG once the
 * unload attempt is over: a PAG made means the unload must have failed.
 */
TEST_F_TIMEOUT(race, unload_racing_new, 300)
{
	const char *ko = getenv("PAG_KO");
	int go[2], done[2], fd, i, made = 0, unloads = 0;
	bool unloaded;
	pid_t pid;
	char r;

	if (!ko)
		SKIP(return, "PAG_KO not set: cannot reload the module");
	ASSERT_EQ(0, wait_no_pags(10000));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(go[1]);
		close(done[0]);
		racing_creator(go[0], done[1]);
	}
	close(go[0]);
	close(done[1]);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < RACE_ROUNDS; i++) {
		ASSERT_EQ(1, write(go[1], "r", 1)); /* resolve */
		ASSERT_EQ(1, write(go[1], "n", 1)); /* NEW, now */
		unloaded = !syscall(SYS_delete_module, "pag", O_NONBLOCK);
		ASSERT_EQ(1, read(done[0], &r, 1));
		ASSERT_NE('x', r);
		if (r == 'y') {
			made++;
			EXPECT_FALSE(unloaded)
			{
				TH_LOG("round %d: a PAG was made while the "
				       "module was unloaded",
				       i);
			}
			ASSERT_EQ(1, write(go[1], "u", 1)); /* use it */
			ASSERT_EQ(1, read(done[0], &r, 1));
			ASSERT_EQ('y', r);
		}
		if (unloaded) {
			unloads++;
			ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0));
		}
		/* The next round starts with no PAG holding the module. */
		ASSERT_EQ(0, wait_no_pags(10000));
	}
	close(go[1]);
	EXPECT_EQ(0, wait_child(pid));
	close(fd);
	TH_LOG("%d rounds: %d PAGs made and used, %d unloads", RACE_ROUNDS,
	       made, unloads);
	EXPECT_LT(0, unloads);
}

/*
 * A PAG that ends with a tokens event still queued (two changes in a row:
 * the second one waits for the interval): the event goes with the PAG,
 * and the module unloads with no work left behind (the VM runner fails
 * on any kernel splat).
 */
TEST(unload_after_pending_event)
{
	const char *ko = getenv("PAG_KO");
	struct pag_nl ev;
	pid_t pid;

	if (!ko)
		SKIP(return, "PAG_KO not set: cannot reload the module");
	ASSERT_EQ(0, wait_no_pags(10000));
	/* A listener, so that the events are really sent. */
	ASSERT_EQ(0, pag_nl_open(&ev));
	ASSERT_EQ(0, pag_nl_subscribe(&ev));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pag_nl nl;

		if (pag_nl_open(&nl) || pag_nl_new(&nl, NULL))
			_exit(1);
		if (add_key("user", "a", "x", 1, KEY_SPEC_SESSION_KEYRING) <
			    0 ||
		    add_key("user", "b", "x", 1, KEY_SPEC_SESSION_KEYRING) < 0)
			_exit(2);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(0, wait_no_pags(10000));
	pag_nl_close(&ev);
	ASSERT_EQ(0, run("rmmod pag"));
	ASSERT_EQ(0, run("insmod \"$PAG_KO\""));
}

TEST_HARNESS_MAIN
