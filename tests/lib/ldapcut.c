// SPDX-License-Identifier: GPL-2.0
/*
 * ldapcut: an LDAP server that dies in the middle of an answer, for tests
 * of what a client does with a search that got some entries but not its
 * end.
 *
 *   ldapcut LISTEN_PORT TARGET_PORT
 *
 * Listens on 127.0.0.1:LISTEN_PORT ("ready" on stdout once it does) and
 * relays one connection to 127.0.0.1:TARGET_PORT.  It reads the server's
 * side message by message (BER: SEQUENCE, length, message id, then the
 * operation's tag) and passes each on, until the first search result entry
 * of a search: that one is passed on, then both connections and the
 * listening socket are closed and "cut" is printed, as a server stopped
 * between two entries of an answer would look.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SEARCH_RESULT_ENTRY 0x64 /* [APPLICATION 4], constructed */

static int tcp(int port, int listening)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (listening ? bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
				listen(fd, 4) < 0
		      : connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A BER length at @p (@n bytes there): its value and size, or 0 if short. */
static size_t ber_len(const unsigned char *p, size_t n, size_t *len)
{
	size_t k;

	if (n < 1)
		return 0;
	if (!(p[0] & 0x80)) {
		*len = p[0];
		return 1;
	}
	k = p[0] & 0x7f;
	if (k < 1 || k > 4 || n < 1 + k)
		return 0;
	*len = 0;
	for (size_t i = 1; i <= k; i++)
		*len = *len << 8 | p[i];
	return 1 + k;
}

/*
 * The size of the whole message at the start of @p, or 0 when it is not
 * all there yet; *@op is its operation's tag.
 */
static size_t message(const unsigned char *p, size_t n, int *op)
{
	size_t len, hl, il, ihl, body;

	if (n < 2 || p[0] != 0x30 || !(hl = ber_len(p + 1, n - 1, &len)))
		return 0;
	body = 1 + hl;
	if (n < body + len)
		return 0;
	/* the message id: INTEGER */
	if (p[body] != 0x02 ||
	    !(ihl = ber_len(p + body + 1, n - body - 1, &il)))
		return 0;
	*op = p[body + 1 + ihl + il];
	return body + len;
}

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	size_t have = 0, m;
	int lfd, cfd, sfd, op;
	struct pollfd p[2];
	ssize_t r;

	if (argc != 3) {
		fprintf(stderr, "usage: ldapcut LISTEN_PORT TARGET_PORT\n");
		return 64;
	}
	lfd = tcp(atoi(argv[1]), 1);
	if (lfd < 0) {
		perror("ldapcut: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	cfd = accept(lfd, NULL, NULL);
	sfd = tcp(atoi(argv[2]), 0);
	if (cfd < 0 || sfd < 0) {
		perror("ldapcut: accept or connect");
		return 1;
	}
	p[0] = (struct pollfd){ .fd = cfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0)
			return 1;
		if (p[0].revents) {
			unsigned char c[65536];

			r = read(cfd, c, sizeof(c));
			if (r <= 0 || write(sfd, c, r) != r)
				return 0;
		}
		if (!p[1].revents)
			continue;
		r = read(sfd, buf + have, sizeof(buf) - have);
		if (r <= 0)
			return 0;
		have += r;
		while ((m = message(buf, have, &op))) {
			if (write(cfd, buf, m) != (ssize_t)m)
				return 0;
			if (op == SEARCH_RESULT_ENTRY) {
				close(cfd);
				close(sfd);
				close(lfd);
				printf("cut\n");
				return 0;
			}
			memmove(buf, buf + m, have - m);
			have -= m;
		}
	}
}
