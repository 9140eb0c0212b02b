// SPDX-License-Identifier: GPL-2.0
/* Listening unix sockets; accepting a connection with its state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sockutil.h"

int listen_unix(const char *path, mode_t mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return log_errno(LOG_ERR, -ENAMETOOLONG,
				 "socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_errno(LOG_ERR, -errno, "socket: %m");
	if (unlink(path) < 0 && errno != ENOENT) {
		r = log_errno(LOG_ERR, -errno, "cannot remove %s: %m", path);
		close(fd);
		return r;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, mode) < 0 || listen(fd, SOMAXCONN) < 0) {
		r = log_errno(LOG_ERR, -errno, "cannot listen on %s: %m", path);
		close(fd);
		return r;
	}
	return fd;
}

int accept_conn(int fd, size_t size, void **conn)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0)
		return -errno;
	*conn = calloc(1, size);
	if (!*conn) {
		close(cfd);
		return -ENOMEM;
	}
	return cfd;
}
