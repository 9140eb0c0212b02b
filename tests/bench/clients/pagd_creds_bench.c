// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of tests/bench/pagd_creds.sh, in one process per job so
 * that a thousand PAGs and bindings cost neither the benchmark's time nor
 * pagd's CPU more than the calls themselves:
 *
 *   pagd_creds_bench hold N
 *       create N PAGs, each held by one sleeping child; print their ids,
 *       one a line, close stdout and hold them until SIGTERM
 *   pagd_creds_bench bind ADDRESS PAGFILE REALM
 *       bind the Nth PAG of PAGFILE to principal pNNNN@REALM (its keytab:
 *       the one of its profile in pagd.conf), over one bus connection
 *   pagd_creds_bench check ADDRESS PAGFILE
 *       GetCredentials of every PAG: print how many are in each state and
 *       how many hold tickets that have not expired
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <pag/pag.h>

#include "pagd-client/client.h"

#define MAX_PAGS 100000

static void die(const char *what)
{
	fprintf(stderr, "pagd_creds_bench: %s\n", what);
	exit(1);
}

/* A child that creates a PAG, reports its id and sleeps in it. */
static void holder(int fd)
{
	struct pag_handle *h;
	int32_t id;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (pag_open(&h, PAG_OPEN_KERNEL_ONLY))
		_exit(1);
	id = pag_create(h, NULL);
	pag_close(h);
	if (id <= 0 || write(fd, &id, sizeof(id)) != sizeof(id))
		_exit(1);
	close(fd);
	for (;;)
		pause();
}

static int cmd_hold(int n)
{
	int fds[2], i, sig;
	int32_t id;
	sigset_t set;

	if (n <= 0 || n > MAX_PAGS)
		die("hold: N must be 1 to 100000");
	if (pipe(fds))
		die("hold: no pipe");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("hold: fork failed");
		if (pid == 0) {
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			close(fds[0]);
			holder(fds[1]);
		}
	}
	close(fds[1]);
	/* Writes of 4 bytes to a pipe are atomic: one id per read. */
	for (i = 0; i < n; i++) {
		if (read(fds[0], &id, sizeof(id)) != sizeof(id))
			die("hold: a holder failed to create its PAG");
		printf("%d\n", id);
	}
	if (fclose(stdout))
		die("hold: cannot write the ids");
	/* The holders die with us (PR_SET_PDEATHSIG). */
	sigwait(&set, &sig);
	return 0;
}

static int32_t *read_pags(const char *file, int *n)
{
	FILE *f = fopen(file, "r");
	int32_t *pags = calloc(MAX_PAGS, sizeof(*pags));
	int id;

	if (!f || !pags)
		die("cannot read the PAG ids");
	*n = 0;
	while (*n < MAX_PAGS && fscanf(f, "%d", &id) == 1)
		pags[(*n)++] = id;
	fclose(f);
	return pags;
}

static void connect_to(struct pagd_client *c, const char *address)
{
	if (pagd_client_open(c, address) < 0)
		die("cannot connect to pagd");
}

/* Says why @what failed.  Return: @r. */
static int failed(struct pagd_client *c, const char *what, int r)
{
	fprintf(stderr, "pagd_creds_bench: %s: %s\n", what,
		pagd_client_error(c));
	return r;
}

static int cmd_bind(const char *address, const char *file, const char *realm)
{
	char principal[300];
	struct pagd_client c;
	int32_t *pags;
	int n, i;

	connect_to(&c, address);
	pags = read_pags(file, &n);
	for (i = 0; i < n; i++) {
		snprintf(principal, sizeof(principal), "p%04d@%s", i + 1,
			 realm);
		/* 0: pagd takes the live PAG's creation time; the keytab is
		 * the one the principal's profile in pagd.conf names */
		if (pagd_client_bind_credentials(&c, pags[i], 0, principal) < 0)
			return failed(&c, "BindCredentials", 1);
	}
	free(pags);
	pagd_client_close(&c);
	return 0;
}

static const char *const states[] = { "acquiring", "ok", "renewing",
				      "failing" };

struct tally {
	int count[5]; /* by states[], then other */
	int valid;    /* tickets that have not expired */
	uint64_t now; /* CLOCK_REALTIME microseconds */
};

static int count_one(const struct pagd_creds *w, void *ud)
{
	struct tally *t = ud;
	int k;

	for (k = 0; k < 4 && strcmp(w->state, states[k]); k++)
		;
	t->count[k]++;
	if (w->expires > t->now)
		t->valid++;
	return 0;
}

static int cmd_check(const char *address, const char *file)
{
	struct tally t = {};
	struct pagd_client c;
	struct timespec ts;
	int32_t *pags;
	int n, i, k;

	connect_to(&c, address);
	pags = read_pags(file, &n);
	clock_gettime(CLOCK_REALTIME, &ts);
	t.now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	for (i = 0; i < n; i++)
		if (pagd_client_get_credentials(&c, pags[i], count_one, &t) < 0)
			t.count[4] += failed(&c, "GetCredentials", 1);
	for (k = 0; k < 4; k++)
		printf("%s %d\n", states[k], t.count[k]);
	printf("other %d\nvalid %d\n", t.count[4], t.valid);
	free(pags);
	pagd_client_close(&c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return cmd_hold(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "bind"))
		return cmd_bind(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "check"))
		return cmd_check(argv[2], argv[3]);
	fprintf(stderr, "usage: pagd_creds_bench hold N | "
			"bind ADDRESS PAGFILE REALM | check ADDRESS PAGFILE\n");
	return 2;
}
