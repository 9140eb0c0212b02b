// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for pagd's PAM request parser (pam/protocol.c): the
 * input is a command word and a request body.  A body the parser accepts
 * must only yield items inside it: strings NUL-terminated within their
 * bound, the password within the body; a reply built for it must carry
 * its own length.
 *
 *   make fuzz-pagd [FUZZ_SECONDS=20]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/pam/protocol.h"

static void inside(const uint8_t *body, size_t len, const void *p, size_t n)
{
	const uint8_t *q = p;

	if (q < body || q + n > body + len)
		abort();
}

static void check_str(const uint8_t *body, size_t len, const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strnlen(s, PAM_ITEM_MAX);
	if (n == PAM_ITEM_MAX)
		abort();
	inside(body, len, s, n + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nss_buf out = { 0 };
	struct pam_request rq;
	struct pam_reply r;
	const char *why = NULL;
	uint32_t cmd, l;

	if (size < 4)
		return 0;
	memcpy(&cmd, data, 4);
	if (pam_request_parse(cmd, data + 4, size - 4, &rq, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	check_str(data + 4, size - 4, rq.user);
	check_str(data + 4, size - 4, rq.service);
	check_str(data + 4, size - 4, rq.tty);
	check_str(data + 4, size - 4, rq.ruser);
	check_str(data + 4, size - 4, rq.rhost);
	check_str(data + 4, size - 4, rq.domains);
	if (rq.has_authtok) {
		if (rq.authtok_len > PAM_AUTHTOK_MAX)
			abort();
		inside(data + 4, size - 4, rq.authtok, rq.authtok_len);
	}
	if (pam_reply_begin(&r, &out, cmd, 7) < 0)
		abort();
	if (rq.user && pam_reply_add_str(&r, SSS_PAM_DOMAIN_NAME, rq.user) < 0)
		abort();
	pam_reply_finish(&r);
	memcpy(&l, out.data, 4);
	if (l != out.len)
		abort();
	nss_buf_free(&out);
	return 0;
}
