// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's side of pagd's management API (org.pag.Pagd1, see
 * userspace/pagd/bus/bus.c and Documentation/admin-guide/pag-launch.rst):
 *
 *   Bind(i pag, t created_ns, as domains)
 *   GetSocketDirectory(as domains, as responders) -> s path
 *   BindCredentials(i pag, t created_ns, s principal, s keytab)
 *   GetCredentials(i pag) -> (s principal, s state, s message, s ccache,
 *                             t expires, t next_attempt, t failing_since)
 *   signal CredentialsChanged(i pag, s state, s message)
 *   Unbind(i pag), UnbindCredentials(i pag): undo on failure
 *
 * created_ns is the PAG's creation time from pag.ko's NEW reply: with it
 * pagd binds the PAG the launcher made and no later holder of its id.
 *
 * A pagd without credential bindings answers BindCredentials with
 * org.freedesktop.DBus.Error.UnknownMethod; that is reported as such.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "launch.h"

#define BUS_NAME      "org.pag.Pagd1"
#define BUS_PATH      "/org/pag/Pagd1"
#define BUS_INTERFACE "org.pag.Pagd1"

int launch_pagd_open(struct pagd_conn *c, const char *address)
{
	int r;

	if (!address) {
		c->direct = false;
		r = sd_bus_open_system(&c->bus);
	} else {
		c->direct = true;
		r = sd_bus_new(&c->bus);
		if (r >= 0)
			r = sd_bus_set_address(c->bus, address);
		if (r >= 0)
			r = sd_bus_start(c->bus);
	}
	if (r < 0) {
		c->bus = sd_bus_unref(c->bus);
		launch_err("cannot reach pagd at %s: %s",
			   address ? address : "the system bus", strerror(-r));
		/* Nobody there: the service is unavailable, not refused. */
		if (r == -ENOENT || r == -ECONNREFUSED)
			return -EHOSTDOWN;
	}
	return r;
}

void launch_pagd_close(struct pagd_conn *c)
{
	c->bus = sd_bus_flush_close_unref(c->bus);
	free(c->sockdir);
	free(c->ccache);
	c->sockdir = NULL;
	c->ccache = NULL;
}

/* Prints why @what failed and maps pagd's answer onto an errno. */
static int bus_fail(const char *what, const sd_bus_error *e, int r)
{
	launch_err("%s: %s", what, e->message ? e->message : strerror(-r));
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED))
		return -EACCES;
	if (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
	    sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	    r == -ECONNRESET || r == -ENOTCONN)
		return -EHOSTDOWN;
	/* pagd understood and refused. */
	return -EPROTO;
}

static int new_call(struct pagd_conn *c, sd_bus_message **m, const char *method)
{
	return sd_bus_message_new_method_call(c->bus, m,
					      c->direct ? NULL : BUS_NAME,
					      BUS_PATH, BUS_INTERFACE, method);
}

static int append_strv(sd_bus_message *m, char **v, int n)
{
	int r = sd_bus_message_open_container(m, 'a', "s");

	for (int i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append(m, "s", v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

int launch_pagd_bind(struct pagd_conn *c, int32_t pag, uint64_t created_ns,
		     const struct launch_opts *o)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int r;

	r = new_call(c, &m, "Bind");
	if (r >= 0)
		r = sd_bus_message_append(m, "it", pag, created_ns);
	if (r >= 0)
		r = append_strv(m, o->domains, o->n_domains);
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &e, NULL);
	if (r < 0)
		r = bus_fail("cannot bind the PAG to its domains", &e, r);
	else {
		c->pag = pag;
		c->bound = true;
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	return r;
}

int launch_pagd_sockets(struct pagd_conn *c, const struct launch_opts *o)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	const char *path;
	int r;

	r = new_call(c, &m, "GetSocketDirectory");
	if (r >= 0)
		r = append_strv(m, o->domains, o->n_domains);
	if (r >= 0)
		r = append_strv(m, NULL, 0);
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &e, &reply);
	if (r >= 0)
		r = sd_bus_message_read(reply, "s", &path);
	if (r < 0)
		r = bus_fail("cannot get the identity socket directory", &e, r);
	else if (!(c->sockdir = strdup(path)))
		r = -ENOMEM;
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	return r;
}

int launch_pagd_bind_credentials(struct pagd_conn *c, int32_t pag,
				 uint64_t created_ns,
				 const struct launch_opts *o)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call_method(c->bus, c->direct ? NULL : BUS_NAME, BUS_PATH,
			       BUS_INTERFACE, "BindCredentials", &e, NULL,
			       "itss", pag, created_ns, o->principal,
			       o->keytab);
	if (r >= 0) {
		c->pag = pag;
		c->creds_bound = true;
	} else if (sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
		launch_err("pagd does not support credential bindings");
		r = -EOPNOTSUPP;
	} else {
		r = bus_fail("cannot bind the PAG to its credentials", &e, r);
	}
	sd_bus_error_free(&e);
	return r;
}

struct cred_state {
	char state[32];
	char message[256];
};

/* One GetCredentials call: fills @st, and c->ccache once ready. */
static int get_credentials(struct pagd_conn *c, struct cred_state *st,
			   bool *ready)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *principal, *state, *message, *ccache;
	uint64_t expires, next, since;
	int r;

	r = sd_bus_call_method(c->bus, c->direct ? NULL : BUS_NAME, BUS_PATH,
			       BUS_INTERFACE, "GetCredentials", &e, &reply, "i",
			       c->pag);
	if (r >= 0)
		r = sd_bus_message_read(reply, "ssssttt", &principal, &state,
					&message, &ccache, &expires, &next,
					&since);
	if (r < 0) {
		r = bus_fail("cannot read the state of the credentials", &e, r);
		goto out;
	}
	snprintf(st->state, sizeof(st->state), "%s", state);
	snprintf(st->message, sizeof(st->message), "%s", message);
	/* "renewing" still holds valid credentials. */
	*ready = !strcmp(state, "ok") || !strcmp(state, "renewing");
	if (*ready && *ccache && !(c->ccache = strdup(ccache)))
		r = -ENOMEM;
out:
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * CredentialsChanged wakes the loop up; GetCredentials is the truth, asked
 * again at least twice a second so that a missed signal costs little.
 */
int launch_pagd_wait_credentials(struct pagd_conn *c,
				 const struct launch_opts *o)
{
	uint64_t deadline = now_ms() + o->timeout_ms, now, step;
	struct cred_state st = { "acquiring", "" };
	sd_bus_slot *slot = NULL;
	bool ready = false;
	int r;

	r = sd_bus_match_signal(c->bus, &slot, c->direct ? NULL : BUS_NAME,
				BUS_PATH, BUS_INTERFACE, "CredentialsChanged",
				NULL, NULL);
	if (r < 0) {
		launch_err("cannot watch pagd's credential events: %s",
			   strerror(-r));
		return r;
	}
	for (;;) {
		r = get_credentials(c, &st, &ready);
		if (r < 0 || ready)
			break;
		now = now_ms();
		if (now >= deadline) {
			launch_err("no credentials for %s after %u s: state "
				   "%s%s%s",
				   o->principal, o->timeout_ms / 1000, st.state,
				   *st.message ? ": " : "", st.message);
			r = -ETIMEDOUT;
			break;
		}
		step = deadline - now < 500 ? deadline - now : 500;
		r = sd_bus_wait(c->bus, step * 1000);
		while (r >= 0 && (r = sd_bus_process(c->bus, NULL)) > 0)
			;
		if (r < 0) {
			launch_err("lost pagd while waiting for credentials: "
				   "%s",
				   strerror(-r));
			r = -EHOSTDOWN;
			break;
		}
	}
	sd_bus_slot_unref(slot);
	return r;
}

/* Undoes the bindings after a failure, so no partial state is left. */
void launch_pagd_undo(struct pagd_conn *c)
{
	if (!c->bus)
		return;
	if (c->creds_bound)
		sd_bus_call_method(c->bus, c->direct ? NULL : BUS_NAME,
				   BUS_PATH, BUS_INTERFACE, "UnbindCredentials",
				   NULL, NULL, "i", c->pag);
	if (c->bound)
		sd_bus_call_method(c->bus, c->direct ? NULL : BUS_NAME,
				   BUS_PATH, BUS_INTERFACE, "Unbind", NULL,
				   NULL, "i", c->pag);
	c->bound = c->creds_bound = false;
}
