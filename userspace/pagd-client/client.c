// SPDX-License-Identifier: GPL-2.0
/*
 * The connection to pagd, its calls, and what their errors mean.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"

/**
 * pagd_client_open() - connect to pagd
 * @c: the client, filled in
 * @address: a D-Bus address (PAGD_PRIVATE_BUS: the private socket), or
 *           NULL for the system bus
 *
 * Return: 0, or as a call (-EHOSTDOWN when nobody listens there).
 */
int pagd_client_open(struct pagd_client *c, const char *address)
{
	int r;

	*c = (struct pagd_client){ .direct = address != NULL };
	if (!address) {
		r = sd_bus_open_system(&c->bus);
	} else {
		r = sd_bus_new(&c->bus);
		if (r >= 0)
			r = sd_bus_set_address(c->bus, address);
		if (r >= 0)
			r = sd_bus_start(c->bus);
	}
	if (r < 0) {
		c->bus = sd_bus_unref(c->bus);
		return pagd_client_fail(c, NULL, r);
	}
	return 0;
}

void pagd_client_close(struct pagd_client *c)
{
	c->bus = sd_bus_flush_close_unref(c->bus);
	free(c->error);
	c->error = NULL;
}

/* Why the last call failed: pagd's message when it answered. */
const char *pagd_client_error(const struct pagd_client *c)
{
	return c->error ? c->error : "no error";
}

/**
 * pagd_client_errno() - what a failed call means, as an errno
 * @e: the error pagd (or the bus) answered, or NULL
 * @r: what sd-bus returned
 *
 * pagd's refusals: -EINVAL (Error.Invalid), -ENXIO (UnknownDomain),
 * -ENOENT (NotBound), -ENOKEY (Keytab), -ESTALE (Stale: the PAG of that
 * creation time is gone), -ESRCH (NoSuchPAG), -ENODEV (UnknownProfile),
 * -EPERM (NotInProfile: a domain or principal outside the profile, or a
 * principal no profile lists).  -EACCES: the caller is
 * neither root nor in pagd's admin group.  -EOPNOTSUPP: this pagd has no
 * such method.  -EHOSTDOWN: nobody answers at the address, or pagd went
 * away.  -EPROTO: pagd failed on its side (its message says how).  A
 * local failure is returned as it is.
 *
 * Return: a negative errno.
 */
int pagd_client_errno(const sd_bus_error *e, int r)
{
	/* the bus's own answers; pagd's are pagd_errors() */
	static const struct pagd_error bus[] = {
		{ SD_BUS_ERROR_UNKNOWN_METHOD, EOPNOTSUPP },
		{ SD_BUS_ERROR_UNKNOWN_OBJECT, EOPNOTSUPP },
		{ SD_BUS_ERROR_UNKNOWN_INTERFACE, EOPNOTSUPP },
		{ SD_BUS_ERROR_SERVICE_UNKNOWN, EHOSTDOWN },
		{ SD_BUS_ERROR_NAME_HAS_NO_OWNER, EHOSTDOWN },
		{ SD_BUS_ERROR_NO_REPLY, EHOSTDOWN },
		{ SD_BUS_ERROR_DISCONNECTED, EHOSTDOWN },
	};
	const struct pagd_error *known;
	size_t n;

	if (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE)
		return -EHOSTDOWN;
	if (!sd_bus_error_is_set(e)) {
		/* connecting: no socket there, or nobody listening */
		if (r == -ENOENT || r == -ECONNREFUSED)
			return -EHOSTDOWN;
		return r;
	}
	known = pagd_errors(&n);
	for (size_t i = 0; i < n; i++)
		if (sd_bus_error_has_name(e, known[i].name))
			return -known[i].err;
	for (size_t i = 0; i < sizeof(bus) / sizeof(bus[0]); i++)
		if (sd_bus_error_has_name(e, bus[i].name))
			return -bus[i].err;
	return -EPROTO;
}

/*
 * Records why a call failed (pagd's message, or what @r says) and returns
 * what it means (pagd_client_errno()).
 */
int pagd_client_fail(struct pagd_client *c, const sd_bus_error *e, int r)
{
	const char *msg = e && e->message ? e->message : strerror(-r);

	free(c->error);
	c->error = strdup(msg);
	return pagd_client_errno(e, r);
}

/* Records a local failure (@r: a negative errno) and returns it. */
int pagd_client_note(struct pagd_client *c, int r)
{
	free(c->error);
	c->error = strdup(strerror(-r));
	return r;
}

int pagd_client_new_call(struct pagd_client *c, sd_bus_message **m,
			 const char *method)
{
	int r = sd_bus_message_new_method_call(
		c->bus, m, c->direct ? NULL : PAGD_BUS_NAME, PAGD_BUS_PATH,
		PAGD_BUS_INTERFACE, method);

	return r < 0 ? pagd_client_fail(c, NULL, r) : 0;
}

/* Sends @m and waits for the reply (@reply may be NULL); drops @m. */
int pagd_client_send(struct pagd_client *c, sd_bus_message *m,
		     sd_bus_message **reply)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call(c->bus, m, 0, &e, reply);
	sd_bus_message_unref(m);
	if (r < 0)
		r = pagd_client_fail(c, &e, r);
	sd_bus_error_free(&e);
	return r < 0 ? r : 0;
}

/*
 * Calls @method (it takes no arguments) and walks the array it answers, of
 * structs of @fields, reading each with @read(m, @each, @ud); a failure to
 * read is recorded in @c.
 */
int pagd_client_list(struct pagd_client *c, const char *method,
		     const char *fields,
		     int (*read)(sd_bus_message *m, void *each, void *ud),
		     void *each, void *ud)
{
	sd_bus_message *reply = NULL;
	char row[32];
	int r;

	r = pagd_client_call(c, method, &reply, NULL);
	if (r < 0)
		return r;
	snprintf(row, sizeof(row), "(%s)", fields);
	return pagd_client_walk(c, reply, row, fields, read, each, ud);
}

/* Calls @method with arguments of signature @sig (NULL: none). */
int pagd_client_call(struct pagd_client *c, const char *method,
		     sd_bus_message **reply, const char *sig, ...)
{
	sd_bus_message *m = NULL;
	va_list ap;
	int r;

	r = pagd_client_new_call(c, &m, method);
	if (r < 0)
		return r;
	if (sig) {
		va_start(ap, sig);
		r = sd_bus_message_appendv(m, sig, ap);
		va_end(ap);
		if (r < 0) {
			sd_bus_message_unref(m);
			return pagd_client_note(c, r);
		}
	}
	return pagd_client_send(c, m, reply);
}

/* Appends @n strings as an "as". */
int pagd_client_append_strv(sd_bus_message *m, char *const *v, size_t n)
{
	int r = sd_bus_message_open_container(m, 'a', "s");

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append(m, "s", v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* sd-bus reads an empty "as" as NULL; callers get an empty list. */
char **pagd_client_or_none(char **v)
{
	static char *none[] = { NULL };

	return v ? v : none;
}

/*
 * Walks the array of @row (its contents: @fields) in @reply, reading each
 * entry with @read; a failure to read is recorded in @c.
 */
int pagd_client_walk(struct pagd_client *c, sd_bus_message *reply,
		     const char *row, const char *fields,
		     int (*read)(sd_bus_message *m, void *each, void *ud),
		     void *each, void *ud)
{
	int r;

	r = sd_bus_message_enter_container(reply, 'a', row);
	while (r >= 0 &&
	       (r = sd_bus_message_enter_container(reply, 'r', fields)) > 0) {
		r = read(reply, each, ud);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	sd_bus_message_unref(reply);
	return r < 0 ? pagd_client_note(c, r) : 0;
}

/**
 * pagd_client_wait() - wait for what pagd sends, such as a signal
 * @c: the client
 * @usec: at most this long
 *
 * Dispatches whatever arrived to the matches added on @c->bus.
 *
 * Return: 0, or as a call when the connection is lost.
 */
int pagd_client_wait(struct pagd_client *c, uint64_t usec)
{
	int r = sd_bus_wait(c->bus, usec);

	while (r >= 0 && (r = sd_bus_process(c->bus, NULL)) > 0)
		;
	return r < 0 ? pagd_client_fail(c, NULL, r) : 0;
}
