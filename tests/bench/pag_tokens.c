// SPDX-License-Identifier: GPL-2.0
/*
 * Host token injection, printed as a ratio against a baseline of the same
 * run: PAG_CMD_TOKEN_ADD of a "user" token into each of 1,000 PAGs (each
 * held by a sleeping member) vs add_key() of the same key into one's own
 * session keyring.  Rounds alternate so that drift hits both alike.
 */

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../kernel/pag_nl.h"
#include "../kernel/pag_util.h"
#include "bench_util.h"

#define NPAGS  1000
#define ROUNDS 5

/* A member holding a new PAG until killed; its id comes through @fd. */
static pid_t start_member(int fd)
{
	pid_t pid = fork();
	struct pag_attrs a;
	struct pag_nl nl;

	if (pid != 0)
		return pid;
	if (pag_nl_open(&nl) || pag_nl_new(&nl, &a))
		a.id = -1;
	pag_nl_close(&nl);
	if (write(fd, &a.id, sizeof(a.id)) != sizeof(a.id))
		_exit(1);
	pause();
	_exit(0);
}

int main(void)
{
	static int32_t ids[NPAGS];
	static pid_t pids[NPAGS];
	uint64_t t_nl = 0, t_key = 0, t0;
	const char payload[] = "0123456789abcdef0123456789abcdef";
	char name[32];
	int fds[2], r, i, ret = 1;
	struct pag_nl nl;

	if (pag_nl_open(&nl) || pipe(fds)) {
		fprintf(stderr, "pag_tokens: cannot open the pag family\n");
		return 1;
	}
	for (i = 0; i < NPAGS; i++) {
		pids[i] = start_member(fds[1]);
		if (pids[i] < 0 ||
		    read(fds[0], &ids[i], sizeof(ids[i])) != sizeof(ids[i]) ||
		    ids[i] <= 0) {
			fprintf(stderr, "pag_tokens: cannot start member %d\n",
				i);
			goto out;
		}
	}
	if (keyctl_join_session_keyring(NULL) < 0)
		goto out;

	for (r = 0; r < ROUNDS; r++) {
		snprintf(name, sizeof(name), "bench-%d", r);
		t0 = now_ns();
		for (i = 0; i < NPAGS; i++)
			if (pag_nl_token_add(&nl, ids[i], "user", name, payload,
					     sizeof(payload), 0, NULL)) {
				fprintf(stderr, "pag_tokens: TOKEN_ADD: %s\n",
					nl.msg);
				goto out;
			}
		t_nl += now_ns() - t0;

		t0 = now_ns();
		for (i = 0; i < NPAGS; i++) {
			snprintf(name, sizeof(name), "bench-%d-%d", r, i);
			if (add_key("user", name, payload, sizeof(payload),
				    KEY_SPEC_SESSION_KEYRING) < 0) {
				perror("pag_tokens: add_key");
				goto out;
			}
		}
		t_key += now_ns() - t0;
	}
	printf("%-34s %10.0f ops/s   %-30s %10.0f ops/s   ratio %.2f\n",
	       "TOKEN_ADD into 1,000 PAGs",
	       NPAGS * ROUNDS / ((double)t_nl / 1e9), "add_key into own @s",
	       NPAGS * ROUNDS / ((double)t_key / 1e9),
	       (double)t_nl / (double)t_key);
	ret = 0;
out:
	for (i = 0; i < NPAGS && pids[i] > 0; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < NPAGS && pids[i] > 0; i++)
		wait_child(pids[i]);
	pag_nl_close(&nl);
	return ret;
}
