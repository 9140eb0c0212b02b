// SPDX-License-Identifier: GPL-2.0
/*
 * devlog_sink SOCKET FILE: a syslog stand-in for tests.  Binds a datagram
 * socket at SOCKET (/dev/log in the VM), then appends every message sent
 * to it to FILE, one a line, until killed.  FILE.ready appears once the
 * socket is bound, so a test knows when it may log.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536], ready[4096];
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: devlog_sink SOCKET FILE\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror(argv[1]);
		return 1;
	}
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	snprintf(ready, sizeof(ready), "%s.ready", argv[2]);
	close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			continue;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
	}
}
