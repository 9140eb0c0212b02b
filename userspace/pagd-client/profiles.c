// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles: what the host's configuration lets a PAG be given (domains,
 * principals and their keytab), and binding a PAG within one.
 */
#include <errno.h>

#include "call.h"

/*
 * BindProfile: @pag, created at @created_ns (0: the live PAG's), sees
 * @domains (none: all of @profile's) and, with @principal (NULL or "":
 * the profile's first principal, if it has any), gets its credentials from
 * the profile's keytab.  pagd refuses anything outside @profile, and binds
 * either all of it or nothing.
 */
int pagd_client_bind_profile(struct pagd_client *c, int32_t pag,
			     uint64_t created_ns, const char *profile,
			     char *const *domains, size_t n_domains,
			     const char *principal)
{
	sd_bus_message *m = NULL;
	int r;

	r = pagd_client_new_call(c, &m, PAGD_METHOD_BIND_PROFILE);
	if (r < 0)
		return r;
	r = sd_bus_message_append(m, "its", pag, created_ns, profile);
	if (r >= 0)
		r = pagd_client_append_strv(m, domains, n_domains);
	if (r >= 0)
		r = sd_bus_message_append(m, "s", principal ? principal : "");
	if (r < 0) {
		sd_bus_message_unref(m);
		return pagd_client_note(c, r);
	}
	return pagd_client_send(c, m, NULL);
}

static int read_profile(sd_bus_message *m, void *each, void *ud)
{
	int (*fn)(const struct pagd_profile *, void *) = each;
	char **domains = NULL, **principals = NULL;
	struct pagd_profile p;
	int r;

	r = sd_bus_message_read(m, "s", &p.name);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &principals);
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &p.keytab);
	if (r >= 0) {
		p.domains = pagd_client_or_none(domains);
		p.principals = pagd_client_or_none(principals);
		r = fn(&p, ud);
	}
	strv_free(domains);
	strv_free(principals);
	return r;
}

/* ListProfiles: @each is called with every configured profile. */
int pagd_client_list_profiles(struct pagd_client *c,
			      int (*each)(const struct pagd_profile *p,
					  void *ud),
			      void *ud)
{
	return pagd_client_list(c, PAGD_METHOD_LIST_PROFILES, "sasass",
				read_profile, each, ud);
}
