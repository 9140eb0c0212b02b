// SPDX-License-Identifier: GPL-2.0
/* Accepting a connection with its state (sockutil.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/sockutil.h"

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
