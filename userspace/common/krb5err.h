/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkrb5's message for an error code, for a message of ours.  Named
 * krb5err, not krb5_*: that prefix is MIT's.
 */
#ifndef PAG_COMMON_KRB5ERR_H
#define PAG_COMMON_KRB5ERR_H

#include <stddef.h>

#include <krb5.h>

/*
 * krb5err() - copy the message for @code into @buf and return @buf.  @ctx
 * may be NULL (krb5_init_context() failed): the message is then the com_err
 * table's, without the context's details.
 */
const char *krb5err(krb5_context ctx, krb5_error_code code, char *buf,
		    size_t len);

/* Room for a message: MIT's longest carry a principal name or two. */
#define KRB5ERR_MAX 512

#endif /* PAG_COMMON_KRB5ERR_H */
