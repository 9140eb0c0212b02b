// SPDX-License-Identifier: GPL-2.0
/*
 * notify_recv SOCKET: a stand-in for systemd's notification socket.  Binds
 * a datagram socket at SOCKET and prints every line of every datagram, in
 * arrival order, flushed, so a test script can follow a daemon's
 * READY=1/WATCHDOG=1/... as sd_notify() sends them.  Exits 0 on SIGTERM,
 * 1 when nothing arrives for 120 s (a stuck test ends on its own).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval quiet = { .tv_sec = 120 };
	struct sigaction sa = { .sa_handler = on_term };
	char buf[4096];
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: notify_recv SOCKET\n");
		return 64;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet)) <
		    0) {
		fprintf(stderr, "notify_recv: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	/* no SA_RESTART: SIGTERM interrupts recv() */
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "notify_recv: %s\n", strerror(errno));
			return 1;
		}
		buf[n] = '\0';
		/* a datagram holds newline-separated assignments */
		printf("%s%s", buf, n && buf[n - 1] == '\n' ? "" : "\n");
		fflush(stdout);
	}
	return 0;
}
