// SPDX-License-Identifier: GPL-2.0
/*
 * pam_raw SOCKET CASE [USER [PASSWORD]]: one exchange of SSSD's PAM
 * protocol with a PAM socket of pagd, well-formed or deliberately not, for
 * tests of what pam_sss itself never sends.  Prints what came back:
 *   "header H pam P[ domain D][ prompting]"  a reply (H: header status)
 *   "closed"                                 pagd closed the connection
 *   "sent"                                   (disconnect: nothing awaited)
 * CASE: auth, preauth (well-formed; USER, PASSWORD), nul-password (the
 * PASSWORD, a NUL and "junk"), unknown-cmd, truncated (an item running
 * past the end), oversized (a 600-byte user name), too-long (a length
 * word of 1 MiB), disconnect (half a request, then close), auth-and-leave
 * (a whole authentication, then close at once), no-version (a request
 * before SSS_GET_VERSION).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define START_MARKER 0x4d415049
#define END_MARKER   0x4950414d

static uint8_t req[8192];
static size_t len;

static void put32(uint32_t v)
{
	memcpy(req + len, &v, 4);
	len += 4;
}

static void put(const void *p, size_t n)
{
	memcpy(req + len, p, n);
	len += n;
}

static void item_str(uint32_t type, const char *s)
{
	put32(type);
	put32(strlen(s) + 1);
	put(s, strlen(s) + 1);
}

static void item_tok(const char *pw, size_t n)
{
	put32(6); /* SSS_PAM_ITEM_AUTHTOK */
	put32(4 + n);
	put32(1); /* password */
	put(pw, n);
}

/* A header for command @cmd; the length word is patched by finish(). */
static void begin(uint32_t cmd)
{
	len = 0;
	put32(0);
	put32(cmd);
	put32(0);
	put32(0);
}

static void finish(void)
{
	uint32_t l = len;

	memcpy(req, &l, 4);
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void send_all(int fd, const void *p, size_t n)
{
	if (send(fd, p, n, MSG_NOSIGNAL) != (ssize_t)n)
		die("send");
}

/* Reads one reply; returns its length, 0 when pagd closed. */
static size_t receive(int fd, uint8_t *buf, size_t size)
{
	size_t got = 0, want = 16;
	ssize_t n;

	while (got < want) {
		n = recv(fd, buf + got, size - got, 0);
		if (n <= 0)
			return 0;
		got += n;
		if (got >= 4) {
			memcpy(&want, buf, 4);
			want &= 0xffffffff;
			if (want > size || want < 16)
				return 0;
		}
	}
	return got;
}

static void print_reply(const uint8_t *b, size_t n)
{
	uint32_t hdr, status, count, type, l;
	size_t off = 24;

	if (n == 0) {
		puts("closed");
		return;
	}
	memcpy(&hdr, b + 8, 4);
	if (n < 24) {
		printf("header %u\n", hdr);
		return;
	}
	memcpy(&status, b + 16, 4);
	memcpy(&count, b + 20, 4);
	printf("header %u pam %u", hdr, status);
	while (count-- && off + 8 <= n) {
		memcpy(&type, b + off, 4);
		memcpy(&l, b + off + 4, 4);
		off += 8;
		if (off + l > n)
			break;
		if (type == 2 && l)
			printf(" domain %.*s", (int)l - 1, b + off);
		else if (type == 11)
			printf(" prompting");
		else
			printf(" message %u", type);
		off += l;
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *user = argc > 3 ? argv[3] : "asmith";
	const char *pw = argc > 4 ? argv[4] : "";
	const char *c;
	uint8_t buf[4096];
	uint32_t version = 3;
	int fd;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr,
			"usage: pam_raw SOCKET CASE [USER [PASSWORD]]\n");
		return 64;
	}
	c = argv[2];
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	if (strcmp(c, "no-version")) {
		begin(1); /* SSS_GET_VERSION */
		put32(version);
		finish();
		send_all(fd, req, len);
		if (receive(fd, buf, sizeof(buf)) < 20)
			die("version");
	}

	begin(strcmp(c, "preauth") ? 0xF1 : 0xF9); /* AUTHENTICATE, PREAUTH */
	if (!strcmp(c, "unknown-cmd")) {
		begin(0x1234);
	} else if (!strcmp(c, "truncated")) {
		put32(START_MARKER);
		put32(1);   /* user */
		put32(100); /* but 6 bytes follow */
		put("asmith", 6);
	} else if (!strcmp(c, "too-long")) {
		put32(START_MARKER);
		finish();
		len = 1 << 20;
		memcpy(req, &len, 4);
		send_all(fd, req, 20);
		print_reply(buf, receive(fd, buf, sizeof(buf)));
		return 0;
	} else {
		char big[601];

		put32(START_MARKER);
		if (!strcmp(c, "oversized")) {
			memset(big, 'a', 600);
			big[600] = '\0';
			item_str(1, big);
		} else {
			item_str(1, user);
		}
		item_str(2, "pag-test");
		put32(9); /* cli pid */
		put32(4);
		put32(getpid());
		if (!strcmp(c, "nul-password")) {
			char tok[512];
			size_t n = strlen(pw);

			memcpy(tok, pw, n);
			memcpy(tok + n, "\0junk", 5);
			item_tok(tok, n + 5);
		} else if (strcmp(c, "preauth")) {
			item_tok(pw, strlen(pw));
		}
		put32(END_MARKER);
	}
	finish();
	if (!strcmp(c, "disconnect")) {
		send_all(fd, req, len / 2);
		close(fd);
		puts("sent");
		return 0;
	}
	if (!strcmp(c, "auth-and-leave")) {
		send_all(fd, req, len);
		close(fd);
		puts("sent");
		return 0;
	}
	send_all(fd, req, len);
	memset(req, 0, sizeof(req));
	print_reply(buf, receive(fd, buf, sizeof(buf)));
	return 0;
}
