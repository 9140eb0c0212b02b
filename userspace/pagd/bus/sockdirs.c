// SPDX-License-Identifier: GPL-2.0
/*
 * GetSocketDirectory and ListSocketDirectories: socket directories
 * serving a subset of the domains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "pagd/pagd.h"
#include "bus.h"

int bus_method_get_sockdir(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	struct pagd *p = ud;
	char **domains = NULL, **resp = NULL, *path = NULL, *err = NULL;
	int r;

	r = bus_check_caller(m, p, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read_strv(m, &domains);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &resp);
	if (r < 0)
		goto out;
	r = sockdir_get(p, (const char *const *)domains, strv_len(domains),
			(const char *const *)resp, strv_len(resp), &path, &err);
	if ((r == -EINVAL || r == -ENXIO) && err)
		r = bus_error(error, r, "%s", err);
	else if (r < 0)
		r = bus_error(error, r, "cannot make the socket directory: %s",
			      strerror(-r));
	else
		r = sd_bus_reply_method_return(m, "s", path);
out:
	free(err);
	free(path);
	strv_free(domains);
	strv_free(resp);
	return r;
}

struct sockdir_walk {
	struct pagd *p;
	sd_bus_message *reply;
};

static int sockdir_append(uint32_t id, const char *key, void *ud)
{
	struct sockdir_walk *w = ud;
	char *domains, *responders, *path = NULL;
	int r;

	r = sockdir_split_key(key, &domains, &responders);
	if (r < 0)
		return 0;
	r = sockdir_path(w->p, id, &path);
	if (r >= 0)
		r = sd_bus_message_open_container(w->reply, 'r', "sasas");
	if (r >= 0)
		r = sd_bus_message_append(w->reply, "s", path);
	if (r >= 0)
		r = bus_append_names(w->reply, domains);
	if (r >= 0)
		r = bus_append_names(w->reply, responders);
	if (r >= 0)
		r = sd_bus_message_close_container(w->reply);
	free(path);
	free(domains);
	free(responders);
	return r < 0 ? r : 0;
}

static int fill_sockdirs(sd_bus_message *reply, struct pagd *p)
{
	struct sockdir_walk w = { .p = p, .reply = reply };

	return state_foreach_sockdir(p->state, sockdir_append, &w);
}

int bus_method_list_sockdirs(sd_bus_message *m, void *ud, sd_bus_error *error)
{
	int r = bus_check_caller(m, ud, error);

	return r < 0 ? r : bus_reply_list(m, "(sasas)", fill_sockdirs, ud);
}
