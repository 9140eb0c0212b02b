// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of tests/bench/afs_ops.sh: file operations in a kafs
 * directory, timed in-process so that only kafs and its token lookup are
 * measured, not exec:
 *
 *   afs_ops_bench DIR N
 *       create, write 64 bytes to and close N files DIR/f.PID.I, then stat
 *       each; print "create OPS_PER_S stat OPS_PER_S"
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char path[4096], data[64] = "pag afs_ops_bench\n";
	double t0, t_create, t_stat;
	struct stat st;
	long i, n;
	int fd;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: afs_ops_bench DIR N\n");
		return 64;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f.%d.%ld", argv[1], getpid(),
			 i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) ||
		    close(fd)) {
			perror(path);
			return 1;
		}
	}
	t_create = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f.%d.%ld", argv[1], getpid(),
			 i);
		if (stat(path, &st)) {
			perror(path);
			return 1;
		}
	}
	t_stat = now() - t0;
	printf("create %.1f stat %.1f\n", (double)n / t_create,
	       (double)n / t_stat);
	return 0;
}
