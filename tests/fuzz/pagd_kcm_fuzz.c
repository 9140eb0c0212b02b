// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for pagd's KCM request decoding (pagd/kcm/protocol.c):
 * the input is one request after its length word.  Its header is checked
 * and its arguments decoded as the worker decodes them (a cache name, then
 * a principal or a credential, or for RETRIEVE and REMOVE_CRED flags and
 * a matching credential); a principal or credential that decodes must
 * encode again to the very bytes it came from, and decode again from those.
 *
 *   make fuzz-pagd-kcm [FUZZ_SECONDS=10]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pagd/kcm/protocol.h"

static void roundtrip_cred(const uint8_t *start, struct kcm_in *in)
{
	struct kcm_out out = { 0 };
	krb5_creds c, again;
	struct kcm_in in2;

	if (kcm_get_cred(in, &c))
		return;
	kcm_put_cred(&out, &c);
	if (!out.oom) {
		/* what was taken is what encoding gives back */
		if (out.len != (size_t)(in->p - start) ||
		    memcmp(out.data, start, out.len))
			abort();
		in2 = (struct kcm_in){ .p = out.data, .len = out.len };
		if (kcm_get_cred(&in2, &again) || in2.len)
			abort();
		krb5_free_cred_contents(NULL, &again);
	}
	kcm_out_free(&out);
	krb5_free_cred_contents(NULL, &c);
}

static void roundtrip_princ(const uint8_t *start, struct kcm_in *in)
{
	struct kcm_out out = { 0 };
	krb5_principal p;

	if (kcm_get_princ(in, &p))
		return;
	kcm_put_princ(&out, p);
	if (!out.oom && (out.len != (size_t)(in->p - start) ||
			 memcmp(out.data, start, out.len)))
		abort();
	kcm_out_free(&out);
	krb5_free_principal(NULL, p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcm_in args;
	uint16_t op;

	if (size > KCM_MAX_REQUEST)
		return 0;
	if (kcm_parse_header(data, size, &op, &args))
		return 0;
	if (op == 0)
		return 0;
	if (!kcm_get_name(&args) && (args.bad || op & 1))
		return 0;
	if (op == KCM_OP_RETRIEVE || op == KCM_OP_REMOVE_CRED) {
		/* flags, then a matching credential: decoded and freed */
		krb5_creds m;

		kcm_get_u32(&args);
		if (!kcm_get_mcred(&args, &m))
			krb5_free_cred_contents(NULL, &m);
		return 0;
	}
	if (op & 2)
		roundtrip_princ(args.p, &args);
	else
		roundtrip_cred(args.p, &args);
	return 0;
}
