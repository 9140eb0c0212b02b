// SPDX-License-Identifier: GPL-2.0
/*
 * Bind, Unbind and ListBindings: which domains a PAG sees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "bus.h"

/* Reads "as" and checks every name against the configured domains. */
static int read_domains(sd_bus_message *m, struct pagd *p, char ***out,
			sd_bus_error *error)
{
	char **v = NULL;
	int r;

	r = sd_bus_message_read_strv(m, &v);
	if (r < 0)
		return r;
	for (char **n = v; *n; n++) {
		if (!pagd_domain(p, *n)) {
			r = bus_error(error, -ENXIO, "unknown domain '%s'", *n);
			strv_free(v);
			return r;
		}
	}
	*out = v;
	return 0;
}

/*
 * The incarnation a Bind call means: @*created_ns as given, checked against
 * pag.ko, or looked up when 0.  Without pag.ko it is recorded as given (0
 * when not given), and serves no peer until bound again.  Return: 0, or as
 * a method handler after setting @error.
 */
int bus_resolve_incarnation(int32_t pag, uint64_t *created_ns,
			    sd_bus_error *error)
{
	int r;

	if (!*created_ns) {
		r = pagd_pag_created(pag, created_ns);
		if (r == -EOPNOTSUPP)
			return 0;
		if (r == -ENOENT)
			return bus_error(error, -ESRCH, "no PAG has id %d",
					 pag);
		if (r < 0)
			return bus_error(error, r, "cannot look PAG %d up: %s",
					 pag, strerror(-r));
		log_info("PAG %d: bound without its creation time, taking "
			 "the live PAG's (%llu)",
			 pag, (unsigned long long)*created_ns);
		return 0;
	}
	r = pagd_pag_alive(pag, *created_ns);
	if (r == -EOPNOTSUPP || r == 1)
		return 0;
	if (r == 0)
		return bus_error(error, -ESTALE,
				 "PAG %d created at %llu is gone", pag,
				 (unsigned long long)*created_ns);
	return bus_error(error, r, "cannot look PAG %d up: %s", pag,
			 strerror(-r));
}

/*
 * Records that @pag (that incarnation) sees @names, known domains, within
 * pagd.conf's [profile/@profile] (NULL: none).  Shared with BindProfile
 * (profiles.c), whose profile is kept for its ipa_hostname (desktop
 * profiles of the PAG's sessions).  Return: 0, or as a method handler after
 * setting @error.
 */
int bus_bind_domains(struct pagd *p, int32_t pag, uint64_t created_ns,
		     char **names, const char *profile, sd_bus_error *error)
{
	char *key = NULL;
	int r;

	r = view_key((const char *const *)names, strv_len(names), &key);
	if (r == 0)
		r = state_bind_profile(p->state, pag, created_ns, key, profile);
	if (r < 0) {
		log_errno(LOG_ERR, r, "cannot bind PAG %d to %s: %m", pag,
			  key ? key : "?");
		r = bus_error(error, r, "cannot record the binding: %s",
			      strerror(-r));
	} else {
		log_info("PAG %d (created at %llu) bound to '%s'", pag,
			 (unsigned long long)created_ns, key);
		scope_invalidate_views(p);
	}
	free(key);
	return r;
}

int bus_method_bind(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char **names = NULL;
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = bus_caller_incarnation_arg(m, p, error, &pag, &created_ns, NULL);
	if (r < 0)
		return r;
	r = read_domains(m, p, &names, error);
	if (r < 0)
		return r;
	r = bus_resolve_incarnation(pag, &created_ns, error);
	if (r >= 0)
		r = bus_bind_domains(p, pag, created_ns, names, NULL, error);
	strv_free(names);
	return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

int bus_method_unbind(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	int32_t pag;
	int r;

	r = bus_caller_pag_arg(m, p, error, &pag);
	if (r < 0)
		return r;
	r = state_unbind(p->state, pag, 0);
	if (r == -ENOENT)
		return bus_error(error, -ENOENT, "PAG %d has no binding", pag);
	if (r < 0)
		return bus_error(error, r, "cannot remove the binding: %s",
				 strerror(-r));
	log_info("PAG %d unbound", pag);
	scope_invalidate_views(p);
	return sd_bus_reply_method_return(m, NULL);
}

static int binding_append(int32_t pag, uint64_t created_ns, const char *key,
			  void *ud)
{
	sd_bus_message *reply = ud;
	int r;

	r = sd_bus_message_open_container(reply, 'r', "itas");
	if (r >= 0)
		r = sd_bus_message_append(reply, "it", pag, created_ns);
	if (r >= 0)
		r = bus_append_names(reply, key);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r < 0 ? r : 0;
}

static int fill_bindings(sd_bus_message *reply, struct pagd *p)
{
	return state_foreach_binding(p->state, binding_append, reply);
}

int bus_method_list_bindings(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(itas)", fill_bindings, ud);
}
