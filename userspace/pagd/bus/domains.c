// SPDX-License-Identifier: GPL-2.0
/*
 * ListDomains and Reload: the configured domains.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "bus.h"

static int fill_domains(sd_bus_message *reply, struct pagd *p)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < p->n_domains; i++) {
		const struct domain *d = p->domains[i];

		r = sd_bus_message_append(reply, "(ssss)", d->name, d->tenant,
					  d->ops ? d->ops->name : "files",
					  domain_status(d));
	}
	return r;
}

int bus_method_list_domains(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(ssss)", fill_domains, ud);
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
