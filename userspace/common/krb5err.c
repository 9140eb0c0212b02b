// SPDX-License-Identifier: GPL-2.0
/*
 * libkrb5's error messages (krb5err.h).  krb5_get_error_message() returns
 * the context's extended message (the keytab or principal concerned) when
 * the failing call set one, and must be freed; copying it out lets the
 * callers build their message with one snprintf.
 */
#include <stdio.h>

#include <et/com_err.h>

#include "common/krb5err.h"

const char *krb5err(krb5_context ctx, krb5_error_code code, char *buf,
		    size_t len)
{
	const char *m;

	if (!ctx) {
		snprintf(buf, len, "%s", error_message(code));
		return buf;
	}
	m = krb5_get_error_message(ctx, code);
	snprintf(buf, len, "%s", m ? m : "unknown Kerberos error");
	krb5_free_error_message(ctx, m);
	return buf;
}
