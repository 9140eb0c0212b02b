// SPDX-License-Identifier: GPL-2.0
/*
 * The FleetCommander client's D-Bus call (notify.h).  pagd's own system
 * bus connection serves when it has one (bus = auto); otherwise (bus =
 * none, or the management API on the private socket only) a connection of
 * its own is opened on first use and kept.
 */
#include <errno.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "common/log.h"
#include "pagd/deskprofile/notify.h"
#include "pagd/pagd.h"

#define FC_NAME	 "org.freedesktop.FleetCommanderClient"
#define FC_PATH	 "/org/freedesktop/FleetCommanderClient"
#define FC_IFACE "org.freedesktop.FleetCommanderClient"

/* pagd has one event loop and one of these at most */
static sd_bus *own_bus;

void dp_notify_close(void)
{
	own_bus = sd_bus_flush_close_unref(own_bus);
}

static int replied(sd_bus_message *m, void *ud, sd_bus_error *ret_error)
{
	const sd_bus_error *e = sd_bus_message_get_error(m);

	if (!e)
		log_debug("deskprofile: FleetCommander client processed the "
			  "files");
	else if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
					SD_BUS_ERROR_NAME_HAS_NO_OWNER))
		log_debug("deskprofile: no FleetCommander client on the "
			  "system bus (%s)",
			  e->message ? e->message : e->name);
	else
		log_notice("deskprofile: FleetCommander client: %s: %s",
			   e->name, e->message ? e->message : "");
	return 1;
}

static sd_bus *system_bus(struct pagd *p)
{
	int r;

	if (p->system_bus)
		return p->system_bus;
	if (own_bus && sd_bus_is_open(own_bus) > 0)
		return own_bus;
	dp_notify_close();
	r = sd_bus_open_system(&own_bus);
	if (r >= 0)
		r = sd_bus_attach_event(own_bus, p->event, 0);
	if (r < 0) {
		log_errno(LOG_DEBUG, r,
			  "deskprofile: no system bus for the FleetCommander "
			  "client: %m");
		dp_notify_close();
		return NULL;
	}
	return own_bus;
}

void dp_notify(struct pagd *p, uint32_t uid, const char *dir, uint16_t policy)
{
	sd_bus *bus = system_bus(p);
	int r;

	if (!bus)
		return;
	r = sd_bus_call_method_async(bus, NULL, FC_NAME, FC_PATH, FC_IFACE,
				     "ProcessSSSDFiles", replied, NULL, "usq",
				     uid, dir, policy);
	if (r < 0)
		log_errno(LOG_DEBUG, r,
			  "deskprofile: cannot call the FleetCommander "
			  "client: %m");
	else
		log_debug("deskprofile: called %s.ProcessSSSDFiles(%u, %s, %u)",
			  FC_IFACE, uid, dir, policy);
}
