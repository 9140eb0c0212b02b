// SPDX-License-Identifier: GPL-2.0
/*
 * pagd's NSS responder on the wire: exact replies to well-formed, malformed,
 * truncated and oversized requests, unknown commands, clients that stall or
 * never read, pipelining, idle timeout, and reload with clients connected.
 * Each test runs its own pagd (built beside this program) on a temporary
 * two-domain setup, talking to the main socket, whose default is domain a.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define HDR 16

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* ../../userspace/pagd/pagd from this program: the same build. */
static void pagd_path(char *buf, size_t len)
{
	char self[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		abort();
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(buf, len, "%s/../../userspace/pagd/pagd", self);
}

FIXTURE(pagd)
{
	char dir[64];
	char sock[PATH_MAX];
	pid_t pid;
};

FIXTURE_SETUP(pagd)
{
	char conf[PATH_MAX * 2], bin[PATH_MAX], sub[PATH_MAX];

	strcpy(self->dir, "/tmp/pagd-proto.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(sub, sizeof(sub), "%s/a", self->dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	write_file(sub, "passwd",
		   "asmith:x:512:512:Alice Smith:/home/asmith:/bin/bash\n"
		   "bjones:x:513:513:Bob Jones:/home/bjones:/bin/bash\n");
	write_file(sub, "group",
		   "asmith:x:512:asmith\n"
		   "developers:x:3000:asmith,bjones\n");
	snprintf(conf, sizeof(conf),
		 "[pagd]\nstate_dir = %s/state\nrun_dir = %s/run\n"
		 "default_domains = a\nbus = none\nclient_idle_timeout = 2\n"
		 "[domain/a]\nprovider = files\ntenant = ta\n"
		 "files_directory = %s/a\n",
		 self->dir, self->dir, self->dir);
	write_file(self->dir, "pagd.conf", conf);
	snprintf(self->sock, sizeof(self->sock), "%s/run/pipes/nss", self->dir);

	pagd_path(bin, sizeof(bin));
	snprintf(conf, sizeof(conf), "%s/pagd.conf", self->dir);
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (self->pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		execl(bin, "pagd", "-c", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct stat st;
		char bus[PATH_MAX + 16];

		snprintf(bus, sizeof(bus), "%s/run/private/bus", self->dir);
		if (stat(bus, &st) == 0)
			break;
		usleep(10000);
	}
}

FIXTURE_TEARDOWN(pagd)
{
	char cmd[PATH_MAX];
	int status;

	kill(self->pid, SIGTERM);
	waitpid(self->pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

static int conn(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 5 };

	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void send_req(int fd, uint32_t len, uint32_t cmd, const void *body,
		     size_t blen)
{
	uint32_t h[4] = { len, cmd, 0, 0 };
	ssize_t n;

	if (send(fd, h, sizeof(h), MSG_NOSIGNAL) != sizeof(h))
		abort();
	/*
	 * pagd may refuse on the header alone (an oversized length) and
	 * close before the body is sent: the caller checks the reply.
	 */
	n = blen ? send(fd, body, blen, MSG_NOSIGNAL) : 0;
	if (n != (ssize_t)blen && errno != EPIPE && errno != ECONNRESET)
		abort();
}

static void request(int fd, uint32_t cmd, const void *body, size_t blen)
{
	send_req(fd, HDR + blen, cmd, body, blen);
}

/* Reads one reply; returns its body length, or -1 on EOF/error. */
static ssize_t reply(int fd, uint32_t h[4], uint8_t *body, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < HDR) {
		n = read(fd, (uint8_t *)h + got, HDR - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	if (h[0] < HDR || h[0] - HDR > cap)
		return -1;
	for (got = 0; got < h[0] - HDR; got += n) {
		n = read(fd, body + got, h[0] - HDR - got);
		if (n <= 0)
			return -1;
	}
	return got;
}

static int versioned(const char *path)
{
	uint32_t h[4], v = 1;
	uint8_t body[16];
	int fd = conn(path);

	if (fd < 0)
		return -1;
	request(fd, 0x0001, &v, sizeof(v));
	if (reply(fd, h, body, sizeof(body)) != 4) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Whether pagd closed the connection: EOF, or ECONNRESET when it closed
 * with bytes of ours still unread (AF_UNIX says so to the peer).
 */
static bool at_eof(int fd)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	return n == 0 || (n < 0 && errno == ECONNRESET);
}

TEST_F(pagd, version)
{
	uint32_t h[4], v = 1, got;
	uint8_t body[16];
	int fd = conn(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0001, &v, sizeof(v));
	ASSERT_EQ(4, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(20), h[0]);
	EXPECT_EQ((uint32_t)(1), h[1]);
	EXPECT_EQ((uint32_t)(0), h[2]);
	memcpy(&got, body, 4);
	EXPECT_EQ(1U, got);
	close(fd);
}

TEST_F(pagd, getpwnam_exact_reply)
{
	static const char expect[] =
		"asmith\0x\0Alice Smith\0/home/asmith\0/bin/bash";
	uint32_t h[4], w[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0011, "asmith", 7);
	ASSERT_EQ((ssize_t)(16 + sizeof(expect)),
		  reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x11), h[1]);
	EXPECT_EQ((uint32_t)(0), h[2]);
	memcpy(w, body, 16);
	EXPECT_EQ((uint32_t)(1), w[0]);	  /* results */
	EXPECT_EQ((uint32_t)(512), w[2]); /* uid */
	EXPECT_EQ((uint32_t)(512), w[3]); /* gid */
	EXPECT_EQ(0, memcmp(body + 16, expect, sizeof(expect)));

	/* not found: a count of 0, status 0 */
	request(fd, 0x0011, "nobody-here", 12);
	ASSERT_EQ(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0), h[2]);
	memcpy(w, body, 8);
	EXPECT_EQ((uint32_t)(0), w[0]);
	close(fd);
}

/*
 * INITGR: every group listing the user, in file order, the primary group
 * too (asmith's 512 lists asmith; bjones's 513 is no group here).
 */
TEST_F(pagd, initgroups_exact_reply)
{
	uint32_t h[4], w[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0026, "asmith", 7);
	ASSERT_EQ(16, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x26), h[1]);
	EXPECT_EQ((uint32_t)(0), h[2]);
	memcpy(w, body, 16);
	EXPECT_EQ((uint32_t)(2), w[0]);	   /* results */
	EXPECT_EQ((uint32_t)(512), w[2]);  /* the primary group */
	EXPECT_EQ((uint32_t)(3000), w[3]); /* developers */

	request(fd, 0x0026, "bjones", 7);
	ASSERT_EQ(12, reply(fd, h, body, sizeof(body)));
	memcpy(w, body, 12);
	EXPECT_EQ((uint32_t)(1), w[0]);
	EXPECT_EQ((uint32_t)(3000), w[2]);

	/* not found: a count of 0, status 0 */
	request(fd, 0x0026, "nobody-here", 12);
	ASSERT_EQ(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0), h[2]);
	memcpy(w, body, 8);
	EXPECT_EQ((uint32_t)(0), w[0]);
	close(fd);
}

TEST_F(pagd, command_before_version)
{
	uint32_t h[4], uid = 512;
	uint8_t body[256];
	int fd = conn(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0012, &uid, 4);
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x12), h[1]);
	EXPECT_EQ((uint32_t)(EPROTO), h[2]);
	close(fd);
}

TEST_F(pagd, unknown_command)
{
	uint32_t h[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x00F1, "x", 2); /* PAM_AUTHENTICATE: not ours */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0xF1), h[1]);
	EXPECT_EQ((uint32_t)(ENOSYS), h[2]);
	/* the connection is still good */
	request(fd, 0x0021, "developers", 11);
	ASSERT_LT(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0), h[2]);
	close(fd);
}

TEST_F(pagd, malformed_bodies)
{
	uint32_t h[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0011, "asmith", 6); /* no NUL */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EINVAL), h[2]);
	request(fd, 0x0011, "", 1); /* empty name */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EINVAL), h[2]);
	request(fd, 0x0011, "as\0mith", 8); /* NUL inside */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EINVAL), h[2]);
	request(fd, 0x0012, "abc", 3); /* id of 3 bytes */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EINVAL), h[2]);
	request(fd, 0x0024, NULL, 0); /* GETGRENT without a count */
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EINVAL), h[2]);
	close(fd);
}

TEST_F(pagd, length_too_small_closes)
{
	uint32_t h[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	send_req(fd, 8, 0x0011, NULL, 0);
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(EBADMSG), h[2]);
	EXPECT_TRUE(at_eof(fd));
	close(fd);
}

TEST_F(pagd, oversized_closes)
{
	uint32_t h[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	send_req(fd, 1 << 20, 0x0011, "asmith", 7);
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x11), h[1]);
	EXPECT_EQ((uint32_t)(EBADMSG), h[2]);
	EXPECT_TRUE(at_eof(fd));
	close(fd);
}

TEST_F(pagd, truncated_request_gets_no_reply)
{
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	send_req(fd, HDR + 40, 0x0011, "asmith", 7);
	shutdown(fd, SHUT_WR);
	EXPECT_TRUE(at_eof(fd));
	close(fd);
}

TEST_F(pagd, pipelined_requests)
{
	uint32_t h[4], uid = 513, w[4];
	uint8_t buf[64], body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	/* two requests in one write */
	memcpy(buf, (uint32_t[]){ HDR + 7, 0x11, 0, 0 }, HDR);
	memcpy(buf + HDR, "asmith", 7);
	memcpy(buf + HDR + 7, (uint32_t[]){ HDR + 4, 0x12, 0, 0 }, HDR);
	memcpy(buf + 2 * HDR + 7, &uid, 4);
	ASSERT_EQ(2 * HDR + 11, write(fd, buf, 2 * HDR + 11));
	ASSERT_LT(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x11), h[1]);
	ASSERT_LT(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0x12), h[1]);
	memcpy(w, body, 16);
	EXPECT_EQ((uint32_t)(513), w[2]);
	close(fd);
}

/* A client stuck mid-request, and one that never reads, delay no one. */
TEST_F(pagd, stalled_clients_do_not_block_others)
{
	uint32_t h[4], n = 256, hdr[4] = { HDR + 4, 0x14, 0, 0 };
	uint8_t body[256];
	int stall = versioned(self->sock);
	int deaf = versioned(self->sock);
	int fd;

	ASSERT_LE(0, stall);
	ASSERT_LE(0, deaf);
	ASSERT_EQ(5, write(stall, "\x40\0\0\0\x11", 5)); /* half a header */
	fcntl(deaf, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 20000; i++) { /* GETPWENT, replies never read */
		if (write(deaf, hdr, HDR) != HDR || write(deaf, &n, 4) != 4)
			break;
	}
	fd = versioned(self->sock);
	ASSERT_LE(0, fd);
	request(fd, 0x0011, "bjones", 7);
	ASSERT_LT(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0), h[2]);
	close(fd);
	close(stall);
	close(deaf);
}

TEST_F(pagd, idle_client_disconnected)
{
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	/* client_idle_timeout = 2: the read returns EOF, not the 5 s timeout */
	EXPECT_TRUE(at_eof(fd));
	close(fd);
}

TEST_F(pagd, reload_keeps_clients)
{
	uint32_t h[4];
	uint8_t body[256];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kill(self->pid, SIGHUP));
	usleep(200000);
	request(fd, 0x0011, "asmith", 7);
	ASSERT_LT(8, reply(fd, h, body, sizeof(body)));
	EXPECT_EQ((uint32_t)(0), h[2]);
	close(fd);
}

TEST_F(pagd, enumeration)
{
	uint32_t h[4], n = 1, w[2];
	uint8_t body[512];
	int fd = versioned(self->sock);

	ASSERT_LE(0, fd);
	request(fd, 0x0013, NULL, 0);
	ASSERT_EQ(0, reply(fd, h, body, sizeof(body)));
	for (int i = 0; i < 3; i++) {
		request(fd, 0x0014, &n, 4);
		ASSERT_LE(8, reply(fd, h, body, sizeof(body)));
		memcpy(w, body, 8);
		EXPECT_EQ((uint32_t)(i < 2 ? 1 : 0), w[0]);
	}
	close(fd);
}

TEST_HARNESS_MAIN
