// SPDX-License-Identifier: GPL-2.0
/*
 * pam_auth_bench SERVICE PREFIX USERS N PASSWORD: N password
 * authentications through libpam (what login does: pam_start,
 * pam_authenticate, pam_end), the users PREFIX00001..PREFIX<USERS> in
 * turn, each with PASSWORD.  Used by tests/bench/pam_auth_sssd.sh to
 * compare pagd and SSSD behind the same stock pam_sss.
 *
 * With SERVICE "--krb5", each authentication is instead this process's
 * own krb5_get_init_creds_password() for PREFIXnnnnn in the default realm
 * (KRB5_CONFIG): the KDC's share, the floor under any daemon's figure.
 *
 * Prints "key value" lines: auths, p50_us, p99_us, mean_us and
 * client_cpu_us (this process's CPU per authentication).  A failed
 * authentication is reported and ends the run with status 1: a benchmark
 * of failures would measure nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <krb5.h>
#include <security/pam_appl.h>

#include "../bench_util.h"

static const char *password;

static int converse(int n, const struct pam_message **msg,
		    struct pam_response **resp, void *ud)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)ud;
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(password);
	*resp = r;
	return PAM_SUCCESS;
}

static int authenticate(const char *service, const char *user)
{
	struct pam_conv conv = { converse, NULL };
	pam_handle_t *h = NULL;
	int r;

	r = pam_start(service, user, &conv, &h);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pam_start: %s\n", pam_strerror(h, r));
		return -1;
	}
	r = pam_authenticate(h, 0);
	if (r != PAM_SUCCESS)
		fprintf(stderr, "%s: %s\n", user, pam_strerror(h, r));
	pam_end(h, r);
	return r == PAM_SUCCESS ? 0 : -1;
}

/* What a daemon's password worker does at the least: one AS exchange. */
static int kinit(const char *user)
{
	krb5_context ctx;
	krb5_principal princ = NULL;
	krb5_creds creds;
	krb5_error_code r;

	if (krb5_init_context(&ctx))
		return -1;
	memset(&creds, 0, sizeof(creds));
	r = krb5_parse_name(ctx, user, &princ);
	if (!r)
		r = krb5_get_init_creds_password(ctx, &creds, princ, password,
						 NULL, NULL, 0, NULL, NULL);
	if (r) {
		const char *msg = krb5_get_error_message(ctx, r);

		fprintf(stderr, "%s: %s\n", user, msg);
		krb5_free_error_message(ctx, msg);
	} else {
		krb5_free_cred_contents(ctx, &creds);
	}
	krb5_free_principal(ctx, princ);
	krb5_free_context(ctx);
	return r ? -1 : 0;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	uint64_t *lat, t, sum = 0;
	int users, n;
	double cpu0;
	char user[64];

	if (argc != 6) {
		fprintf(stderr, "usage: pam_auth_bench SERVICE PREFIX USERS N "
				"PASSWORD\n");
		return 64;
	}
	users = atoi(argv[3]);
	n = atoi(argv[4]);
	password = argv[5];
	if (users < 1 || n < 1)
		return 64;
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 1;
	cpu0 = cpu_us();
	for (int i = 0; i < n; i++) {
		snprintf(user, sizeof(user), "%s%05d", argv[2], i % users + 1);
		t = now_ns();
		if ((strcmp(argv[1], "--krb5") ? authenticate(argv[1], user)
					       : kinit(user)) < 0)
			return 1;
		lat[i] = now_ns() - t;
		sum += lat[i];
	}
	printf("client_cpu_us %.0f\n", (cpu_us() - cpu0) / n);
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	printf("auths %d\n", n);
	printf("p50_us %.0f\n", lat[n / 2] / 1e3);
	printf("p99_us %.0f\n", lat[(n * 99 + 99) / 100 - 1] / 1e3);
	printf("mean_us %.0f\n", sum / 1e3 / n);
	free(lat);
	return 0;
}
