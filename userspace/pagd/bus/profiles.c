// SPDX-License-Identifier: GPL-2.0
/*
 * BindProfile and ListProfiles: binding a PAG within a profile of pagd's
 * configuration, which decides which domains and principals it may be
 * given; the caller may narrow a request within the profile, never widen
 * it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/creds/creds.h"
#include "pagd/pagd.h"
#include "bus.h"

/*
 * The domains a BindProfile call asks for, each one of @pr's (none means
 * all of them).  Return: 0 with *@out (NULL-terminated, malloc'ed), or as
 * a method handler after setting @error.
 */
static int profile_domains(sd_bus_message *m, const struct profile_conf *pr,
			   char ***out, sd_bus_error *error)
{
	char **v = NULL;
	int r;

	r = sd_bus_message_read_strv(m, &v);
	if (r < 0)
		return r;
	for (char **d = v; d && *d; d++) {
		if (!config_strv_has(pr->domains, *d)) {
			r = bus_error(error, -EPERM,
				      "domain '%s' is not in profile "
				      "'%s'",
				      *d, pr->name);
			strv_free(v);
			return r;
		}
	}
	*out = v;
	return 0;
}

/*
 * BindProfile(i pag, t created_ns, s profile, as domains, s principal):
 * checked in full before anything is recorded; the credentials are bound
 * first, since the keytab check may refuse them, and a failure to record
 * the domains then takes them back: a call binds all it asks or nothing.
 */
int bus_method_bind_profile(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	const struct profile_conf *pr;
	const char *name, *principal;
	struct pagd *p = ud;
	char **names = NULL;
	uint64_t created_ns;
	int32_t pag;
	int r;

	r = bus_caller_incarnation_arg(m, p, error, &pag, &created_ns, &name);
	if (r < 0)
		return r;
	pr = config_profile(p->cfg, name);
	if (!pr)
		return bus_error(error, -ENODEV, "unknown profile '%s'", name);
	r = profile_domains(m, pr, &names, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "s", &principal);
	if (r < 0)
		goto out;
	if (*principal && !config_strv_has(pr->principals, principal)) {
		r = bus_error(error, -EPERM,
			      "principal '%s' is not in profile '%s'",
			      principal, pr->name);
		goto out;
	}
	if (!*principal && pr->principals && pr->principals[0])
		principal = pr->principals[0];
	r = bus_resolve_incarnation(pag, &created_ns, error);
	if (r < 0)
		goto out;
	if (*principal) {
		r = bus_bind_creds(p, pag, created_ns, principal, pr->keytab,
				   error);
		if (r < 0)
			goto out;
	}
	r = bus_bind_domains(p, pag, created_ns,
			     names && *names ? names : pr->domains, pr->name,
			     error);
	if (r < 0 && *principal)
		creds_unbind(p, pag, created_ns, "not bound to its domains");
	if (r >= 0) {
		log_info("PAG %d bound within profile '%s'", pag, pr->name);
		r = sd_bus_reply_method_return(m, NULL);
	}
out:
	strv_free(names);
	return r;
}

static int fill_profiles(sd_bus_message *reply, struct pagd *p)
{
	static char *none[] = { NULL };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < p->cfg->n_profiles; i++) {
		const struct profile_conf *pr = &p->cfg->profiles[i];

		r = sd_bus_message_open_container(reply, 'r', "sasass");
		if (r >= 0)
			r = sd_bus_message_append(reply, "s", pr->name);
		if (r >= 0)
			r = sd_bus_message_append_strv(reply, pr->domains);
		if (r >= 0)
			r = sd_bus_message_append_strv(
				reply, pr->principals ? pr->principals : none);
		if (r >= 0)
			r = sd_bus_message_append(reply, "s",
						  pr->keytab ? pr->keytab : "");
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
	}
	return r < 0 ? r : 0;
}

/* ListProfiles() -> a(sasass) name, domains, principals, keytab */
int bus_method_list_profiles(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(sasass)", fill_profiles, ud);
}
