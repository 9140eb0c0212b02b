// SPDX-License-Identifier: GPL-2.0
/*
 * ListDomains, ListTrustedDomains, Reload and SetDomainsOnline: the
 * configured domains
 * and the trusted domains they reach.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "bus.h"

struct sub_row {
	sd_bus_message *reply;
	const struct domain *parent;
	bool details; /* ListTrustedDomains */
	int r;
};

static const char *direction_name(int d)
{
	static const char *const names[] = { "none", "inbound", "outbound",
					     "two-way" };

	return d >= 0 && d <= 3 ? names[d] : "unknown";
}

/* A trusted domain: PARENT/NAME, the parent's tenant, provider ipa-trust. */
static void fill_subdomain(void *ud, const struct subdomain_info *i)
{
	struct sub_row *row = ud;
	char *full;

	if (row->r < 0)
		return;
	if (asprintf(&full, "%s/%s", row->parent->name, i->name) < 0) {
		row->r = -ENOMEM;
		return;
	}
	if (row->details)
		row->r = sd_bus_message_append(
			row->reply, "(ssssssss)", full, row->parent->name,
			row->parent->tenant, i->forest, i->state,
			direction_name(i->direction), i->keytab, "ipa-trust");
	else
		row->r = sd_bus_message_append(row->reply, "(ssss)", full,
					       row->parent->tenant, "ipa-trust",
					       i->state);
	free(full);
}

static int fill(sd_bus_message *reply, struct pagd *p, bool details)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < p->n_domains; i++) {
		const struct domain *d = p->domains[i];
		struct sub_row row = { .reply = reply,
				       .parent = d,
				       .details = details };

		if (!details)
			r = sd_bus_message_append(
				reply, "(ssss)", d->name, d->tenant,
				d->ops ? d->ops->name : "files",
				domain_status(d));
		if (r >= 0 && d->ops && d->ops->each_subdomain) {
			d->ops->each_subdomain(d, fill_subdomain, &row);
			r = row.r;
		}
	}
	return r;
}

static int fill_domains(sd_bus_message *reply, struct pagd *p)
{
	return fill(reply, p, false);
}

static int fill_trusted(sd_bus_message *reply, struct pagd *p)
{
	return fill(reply, p, true);
}

int bus_method_list_domains(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(ssss)", fill_domains, ud);
}

int bus_method_list_trusted_domains(sd_bus_message *m, void *ud,
				    sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(ssssssss)", fill_trusted, ud);
}

int bus_method_reload(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char *err = NULL;
	int r;

	r = bus_check_caller(m, p, error);
	if (r < 0)
		return r;
	r = pagd_reload(p, &err);
	if (r < 0) {
		/* whatever failed, the configuration is what is invalid */
		log_error("reload: %s; keeping the running configuration",
			  err ? err : strerror(-r));
		r = bus_error(error, -EINVAL, "%s", err ? err : strerror(-r));
		free(err);
		return r;
	}
	return sd_bus_reply_method_return(m, NULL);
}

int bus_method_set_domains_online(sd_bus_message *m, void *ud,
				  sd_bus_error *error)
{
	struct pagd *p = ud;
	int online, r;

	r = bus_check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "b", &online);
	if (r < 0)
		return r;
	log_info("%s: %s", PAGD_METHOD_SET_DOMAINS_ONLINE,
		 online ? "trying the servers of offline domains"
			: "taking LDAP domains offline");
	pagd_set_online(p, online);
	return sd_bus_reply_method_return(m, NULL);
}
