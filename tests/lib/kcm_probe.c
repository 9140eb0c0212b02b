// SPDX-License-Identifier: GPL-2.0
/*
 * kcm_probe SOCKET WHAT: send one hand-made KCM frame to SOCKET and print
 * what came back: "status N" (the reply's 32-bit status, signed), or
 * "closed" when the server closed without a reply.  WHAT:
 *   noop       a well-formed NOOP
 *   unknown    opcode 999, unknown to KCM
 *   version    NOOP with major version 9
 *   short      a frame of 2 bytes (no opcode)
 *   huge       a length of 16 MiB, then nothing
 *   bigcred    STORE of a 1 MiB credential to cache "x"
 *   badcred    STORE of a truncated credential to cache "x"
 *   badname    GET_PRINCIPAL of a name with a ':'
 *   hangup     half a STORE frame, then close (prints "sent")
 *   keycred    STORE, to the default cache, of a well-formed credential
 *              of bob@TEST.PAG whose 40,000-byte ticket fits a frame but
 *              no user key (the kernel's limit is 32,767 bytes)
 *   later FILE connect, leave the PAG (a session keyring of its own),
 *              print "left", and once FILE exists send
 *              GET_CACHE_UUID_LIST on that connection
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static uint8_t *frame(uint8_t maj, uint16_t op, const void *args, size_t n,
		      size_t *len)
{
	uint8_t *f = calloc(1, 8 + n);
	uint32_t l = htonl((uint32_t)(4 + n));

	memcpy(f, &l, 4);
	f[4] = maj;
	f[5] = 0;
	f[6] = op >> 8;
	f[7] = op & 0xff;
	if (n)
		memcpy(f + 8, args, n);
	*len = 8 + n;
	return f;
}

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);

		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static void put32(uint8_t **p, uint32_t v)
{
	v = htonl(v);
	memcpy(*p, &v, 4);
	*p += 4;
}

static void put_data(uint8_t **p, const void *d, uint32_t n)
{
	put32(p, n);
	memcpy(*p, d, n);
	*p += n;
}

/* A principal NAME@TEST.PAG of one component, as KCM encodes it. */
static void put_princ(uint8_t **p, const char *name)
{
	put32(p, 1); /* KRB5_NT_PRINCIPAL */
	put32(p, 1);
	put_data(p, "TEST.PAG", 8);
	put_data(p, name, (uint32_t)strlen(name));
}

/*
 * The frame of keycred: the default cache's name, asked for on @fd, and a
 * credential with a ticket of @ticket bytes.
 */
static uint8_t *keycred(int fd, size_t ticket, size_t *len)
{
	uint8_t hdr[8], *body, *args, *p, key[32] = { 1 }, *f;
	uint32_t n;

	f = frame(2, 20, NULL, 0, len); /* GET_DEFAULT_CACHE */
	if (send_all(fd, f, *len) || recv(fd, hdr, 8, MSG_WAITALL) != 8)
		return NULL;
	free(f);
	memcpy(&n, hdr, 4);
	n = ntohl(n);
	body = calloc(1, n + 1);
	/* the status, then the name */
	if (n < 5 || recv(fd, body, n, MSG_WAITALL) != (ssize_t)n)
		return NULL;
	args = calloc(1, n + ticket + 256);
	p = args;
	memcpy(p, body + 4, strlen((char *)body + 4) + 1);
	p += strlen((char *)body + 4) + 1;
	put_princ(&p, "bob");
	put_princ(&p, "svc9");
	*p++ = 0; /* enctype 18, as two bytes */
	*p++ = 18;
	put_data(&p, key, sizeof(key));
	put32(&p, 1);	     /* authtime */
	put32(&p, 1);	     /* starttime */
	put32(&p, ~0U >> 1); /* endtime */
	put32(&p, 0);	     /* renew_till */
	*p++ = 0;	     /* is_skey */
	put32(&p, 0);	     /* flags */
	put32(&p, 0);	     /* addresses */
	put32(&p, 0);	     /* authdata */
	put32(&p, (uint32_t)ticket);
	memset(p, 'T', ticket);
	p += ticket;
	put32(&p, 0); /* second ticket */
	f = frame(2, 6, args, (size_t)(p - args), len);
	free(args);
	free(body);
	return f;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t hdr[8], *f = NULL, args[64];
	size_t len = 0;
	uint32_t v;
	int fd;

	if (argc == 4 && !strcmp(argv[2], "later")) {
		argc = 3;
	} else if (argc != 3) {
		argc = 0;
	}
	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: kcm_probe SOCKET WHAT [FILE]\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("kcm_probe: connect");
		return 1;
	}
	if (!strcmp(argv[2], "later")) {
		/* KEYCTL_JOIN_SESSION_KEYRING with no name: a fresh one */
		if (syscall(SYS_keyctl, 1, NULL) < 0) {
			perror("kcm_probe: leaving the PAG");
			return 1;
		}
		puts("left");
		fflush(stdout);
		for (int i = 0; i < 3000 && access(argv[3], F_OK) < 0; i++)
			usleep(100000);
		f = frame(2, 18, NULL, 0, &len);
	} else if (!strcmp(argv[2], "noop")) {
		f = frame(2, 0, NULL, 0, &len);
	} else if (!strcmp(argv[2], "unknown")) {
		f = frame(2, 999, NULL, 0, &len);
	} else if (!strcmp(argv[2], "version")) {
		f = frame(9, 0, NULL, 0, &len);
	} else if (!strcmp(argv[2], "short")) {
		f = frame(2, 0, NULL, 0, &len);
		v = htonl(2);
		memcpy(f, &v, 4);
		len = 6;
	} else if (!strcmp(argv[2], "huge")) {
		f = calloc(1, 4);
		v = htonl(16 << 20);
		memcpy(f, &v, 4);
		len = 4;
	} else if (!strcmp(argv[2], "bigcred") || !strcmp(argv[2], "hangup")) {
		size_t n = 1 << 20;
		uint8_t *big = calloc(1, n);

		memcpy(big, "x", 2);
		f = frame(2, 6, big, n, &len);
		free(big);
		if (!strcmp(argv[2], "hangup")) {
			v = htonl(4 + 2 + 100);
			memcpy(f, &v, 4);
			send_all(fd, f, 8 + 2 + 50);
			close(fd);
			puts("sent");
			return 0;
		}
	} else if (!strcmp(argv[2], "badcred")) {
		/* name "x", then a principal claiming 1000 components */
		memset(args, 0, sizeof(args));
		memcpy(args, "x", 2);
		v = htonl(1);
		memcpy(args + 2, &v, 4);
		v = htonl(1000);
		memcpy(args + 6, &v, 4);
		f = frame(2, 6, args, 20, &len);
	} else if (!strcmp(argv[2], "keycred")) {
		f = keycred(fd, 40000, &len);
		if (!f) {
			puts("closed");
			return 0;
		}
	} else if (!strcmp(argv[2], "badname")) {
		f = frame(2, 8, "a:b", 4, &len);
	} else {
		fprintf(stderr, "kcm_probe: unknown WHAT %s\n", argv[2]);
		return 2;
	}
	send_all(fd, f, len);
	if (recv(fd, hdr, 8, MSG_WAITALL) != 8) {
		puts("closed");
		return 0;
	}
	memcpy(&v, hdr + 4, 4);
	printf("status %d\n", (int32_t)ntohl(v));

	return 0;
}
