// SPDX-License-Identifier: GPL-2.0
/*
 * fence_watch KEEP KEEP_NS GONE GONE_NS OUT: fence a fresh unix socket to
 * the two PAG incarnations (id and creation time), touch OUT.ready, then
 * wait (60 s at most) until pagd has removed GONE from the fence after that
 * PAG ended, and write the ids left in the fence, space-separated, to OUT.
 * pagd_peer.sh runs it to see pagd forget ended PAGs in fences.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <pag/peer.h>

static int parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && !errno ? 0 : -1;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd < 0 ? -1 : close(fd);
}

int main(int argc, char **argv)
{
	struct pag_incarnation fence[2], left[4];
	const struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	long long v[4];
	char ready[4096];
	size_t n = 0;
	int fd, no_pag, err, gone_left = 1;
	FILE *out;

	if (argc != 6) {
		fprintf(stderr,
			"usage: fence_watch KEEP KEEP_NS GONE GONE_NS OUT\n");
		return 64;
	}
	for (int i = 0; i < 4; i++)
		if (parse_ll(argv[i + 1], &v[i]) < 0) {
			fprintf(stderr, "fence_watch: bad number '%s'\n",
				argv[i + 1]);
			return 64;
		}
	fence[0] = (struct pag_incarnation){ (int32_t)v[0], (uint64_t)v[1] };
	fence[1] = (struct pag_incarnation){ (int32_t)v[2], (uint64_t)v[3] };
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return perror("fence_watch: socket"), 1;
	err = pag_fence_set(fd, fence, 2, 0);
	if (err < 0) {
		fprintf(stderr, "fence_watch: pag_fence_set: %s %s\n",
			strerror(-err), pag_fence_errmsg());
		return 1;
	}
	snprintf(ready, sizeof(ready), "%s.ready", argv[5]);
	if (touch(ready) < 0)
		return perror("fence_watch: ready file"), 1;
	for (int round = 0; round < 600 && gone_left; round++) {
		if (round)
			nanosleep(&tick, NULL);
		err = pag_fence_get(fd, left, 4, &n, &no_pag);
		if (err < 0) {
			fprintf(stderr, "fence_watch: pag_fence_get: %s\n",
				strerror(-err));
			return 1;
		}
		if (n > 4)
			n = 4;
		gone_left = 0;
		for (size_t i = 0; i < n; i++)
			gone_left |= left[i].pag == fence[1].pag;
	}
	out = fopen(argv[5], "we");
	if (!out)
		return perror("fence_watch: output"), 1;
	for (size_t i = 0; i < n; i++)
		fprintf(out, i ? " %" PRId32 : "%" PRId32, left[i].pag);
	fputc('\n', out);
	return fclose(out) ? 1 : 0;
}
