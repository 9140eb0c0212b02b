// SPDX-License-Identifier: GPL-2.0
/*
 * pag_example_client SOCKET REQUESTS THREADS WANT USER... - drive
 * pag-example-server (tools/example/): REQUESTS requests over THREADS
 * threads, each for a user picked at random (interleaved), and check that
 * every answer is WANT with each "{}" replaced by the user's name (e.g.
 * "{} identity={} principal={}@TEST.PAG cell={}.test keys=1 afs=1": the
 * user's own credentials, and no other user's).  Prints "N requests, N
 * wrong" and the first wrong answers; exits 0 when none was wrong.  With
 * PAG_EXAMPLE_BENCH set it checks nothing and prints the requests per
 * second instead.
 */

#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *path, *want_fmt;
static char **users;
static int n_users, total, next, wrong, bench;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* @want_fmt for @user, with a newline. */
static void expected(char *buf, size_t len, const char *user)
{
	const char *p = want_fmt, *at;
	size_t n = 0;

	for (; (at = strstr(p, "{}")) && n < len; p = at + 2)
		n += snprintf(buf + n, len - n, "%.*s%s", (int)(at - p), p,
			      user);
	if (n < len)
		snprintf(buf + n, len - n, "%s\n", p);
}

/* One request for @user; 0 when the answer is right. */
static int request(const char *user)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char want[1024], got[1024];
	ssize_t n, len = 0;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("pag_example_client: connect");
		exit(2);
	}
	dprintf(fd, "%s\n", user);
	while ((n = read(fd, got + len, sizeof(got) - 1 - len)) > 0)
		len += n;
	got[len] = '\0';
	close(fd);
	if (bench)
		return 0;
	expected(want, sizeof(want), user);
	if (!strcmp(want, got))
		return 0;
	fprintf(stderr, "wrong answer for %s: %s", user, got);
	return 1;
}

static void *client(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg;
	int i;

	for (;;) {
		pthread_mutex_lock(&lock);
		i = next < total ? next++ : -1;
		pthread_mutex_unlock(&lock);
		if (i < 0)
			return NULL;
		if (request(users[rand_r(&seed) % n_users])) {
			pthread_mutex_lock(&lock);
			wrong++;
			pthread_mutex_unlock(&lock);
		}
	}
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	struct timespec t0, t1;
	int threads, i;

	if (argc < 6) {
		fprintf(stderr, "usage: pag_example_client SOCKET REQUESTS "
				"THREADS WANT USER...\n");
		return 2;
	}
	path = argv[1];
	total = atoi(argv[2]);
	threads = atoi(argv[3]);
	want_fmt = argv[4];
	users = argv + 5;
	n_users = argc - 5;
	if (threads < 1 || threads > 64)
		return 2;
	bench = getenv("PAG_EXAMPLE_BENCH") != NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, client,
				   (void *)(unsigned long)(i + 1)))
			return 2;
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (bench) {
		printf("%.1f\n", total / ((double)(t1.tv_sec - t0.tv_sec) +
					  (t1.tv_nsec - t0.tv_nsec) / 1e9));
		return 0;
	}
	printf("%d requests, %d wrong\n", total, wrong);
	return wrong ? 1 : 0;
}
