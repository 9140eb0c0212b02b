// SPDX-License-Identifier: GPL-2.0
/*
 * kcm_bench CCACHE SERVICE ROUNDS N: what klist and kvno (of a service
 * ticket already cached) do with the credential cache CCACHE, in-process
 * so that no exec is measured: for each of ROUNDS rounds, N klists
 * (resolve, principal, every credential) and N kvnos (resolve, cached
 * service ticket); prints the median microseconds per operation:
 *   klist_us X
 *   kvno_us Y
 *
 * kcm_bench --copy FROM TO: a new cache in TO's collection (a type, such
 * as KCM) with every credential of FROM, made the collection's default:
 * so that another KCM server is measured on the same tickets.
 */
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench_util.h"

static int klist(krb5_context ctx, const char *name)
{
	krb5_principal princ = NULL;
	krb5_cc_cursor cur;
	krb5_ccache cc;
	krb5_creds c;
	int n = 0;

	if (krb5_cc_resolve(ctx, name, &cc))
		return -1;
	if (krb5_cc_get_principal(ctx, cc, &princ) ||
	    krb5_cc_start_seq_get(ctx, cc, &cur)) {
		krb5_cc_close(ctx, cc);
		return -1;
	}
	while (!krb5_cc_next_cred(ctx, cc, &cur, &c)) {
		krb5_free_cred_contents(ctx, &c);
		n++;
	}
	krb5_cc_end_seq_get(ctx, cc, &cur);
	krb5_free_principal(ctx, princ);
	krb5_cc_close(ctx, cc);
	return n;
}

static int kvno(krb5_context ctx, const char *name, krb5_principal server)
{
	krb5_creds in, *out = NULL;
	krb5_ccache cc;
	int r;

	if (krb5_cc_resolve(ctx, name, &cc))
		return -1;
	memset(&in, 0, sizeof(in));
	in.server = server;
	r = krb5_cc_get_principal(ctx, cc, &in.client) ? -1 : 0;
	/* cached only: the KDC is not what is measured */
	if (!r)
		r = krb5_get_credentials(ctx, KRB5_GC_CACHED, cc, &in, &out)
			    ? -1
			    : 0;
	krb5_free_creds(ctx, out);
	krb5_free_principal(ctx, in.client);
	krb5_cc_close(ctx, cc);
	return r;
}

static int round_trip(int rounds, int n)
{
	double rt[BENCH_ROUNDS_MAX];
	char b = 0;
	int sv[2];
	pid_t pid;

	if (rounds < 1 || rounds > BENCH_ROUNDS_MAX || n < 1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], &b, 1) == 1 && write(sv[1], &b, 1) == 1)
			;
		_exit(0);
	}
	close(sv[1]);
	for (int r = 0; r < rounds; r++) {
		uint64_t t = now_ns();

		for (int i = 0; i < n; i++)
			if (write(sv[0], &b, 1) != 1 || read(sv[0], &b, 1) != 1)
				return 1;
		rt[r] = (now_ns() - t) / 1e3 / n;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	printf("round_trip_us %.1f\n", median(rt, rounds));
	return 0;
}

static int copy(const char *from, const char *type)
{
	krb5_ccache src = NULL, dst = NULL;
	krb5_principal princ = NULL;
	krb5_context ctx;
	krb5_error_code e;

	if (krb5_init_context(&ctx))
		return 2;
	e = krb5_cc_resolve(ctx, from, &src);
	if (!e)
		e = krb5_cc_get_principal(ctx, src, &princ);
	if (!e)
		e = krb5_cc_new_unique(ctx, type, NULL, &dst);
	if (!e)
		e = krb5_cc_initialize(ctx, dst, princ);
	if (!e)
		e = krb5_cc_copy_creds(ctx, src, dst);
	if (!e)
		e = krb5_cc_switch(ctx, dst);
	if (e)
		fprintf(stderr, "kcm_bench: copying %s to %s: %s\n", from, type,
			krb5_get_error_message(ctx, e));
	krb5_free_principal(ctx, princ);
	if (src)
		krb5_cc_close(ctx, src);
	if (dst)
		krb5_cc_close(ctx, dst);
	krb5_free_context(ctx);
	return e ? 1 : 0;
}

int main(int argc, char **argv)
{
	double kl[BENCH_ROUNDS_MAX], kv[BENCH_ROUNDS_MAX];
	krb5_principal server;
	krb5_context ctx;
	int rounds, n;

	if (argc == 4 && !strcmp(argv[1], "--round-trip"))
		return round_trip(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "--copy"))
		return copy(argv[2], argv[3]);
	if (argc != 5) {
		fprintf(stderr, "usage: kcm_bench CCACHE SERVICE ROUNDS N\n");
		return 2;
	}
	rounds = atoi(argv[3]);
	n = atoi(argv[4]);
	if (rounds < 1 || rounds > BENCH_ROUNDS_MAX || n < 1 ||
	    krb5_init_context(&ctx) || krb5_parse_name(ctx, argv[2], &server))
		return 2;
	if (klist(ctx, argv[1]) < 1 || kvno(ctx, argv[1], server) < 0) {
		fprintf(stderr, "kcm_bench: %s has no tickets or no %s\n",
			argv[1], argv[2]);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		uint64_t t = now_ns();

		for (int i = 0; i < n; i++)
			klist(ctx, argv[1]);
		kl[r] = (now_ns() - t) / 1e3 / n;
		t = now_ns();
		for (int i = 0; i < n; i++)
			kvno(ctx, argv[1], server);
		kv[r] = (now_ns() - t) / 1e3 / n;
	}
	printf("klist_us %.1f\nkvno_us %.1f\n", median(kl, rounds),
	       median(kv, rounds));
	krb5_free_principal(ctx, server);
	krb5_free_context(ctx);
	return 0;
}
