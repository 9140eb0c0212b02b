// SPDX-License-Identifier: GPL-2.0
/*
 * fc_standin OUT - a stand-in FleetCommander client, for dbus-daemon to
 * activate: owns org.freedesktop.FleetCommanderClient on the bus that
 * started it (DBUS_STARTER_ADDRESS), and appends each
 * ProcessSSSDFiles(u uid, s directory, q policy) call to OUT as
 * "uid directory policy", then answers it.  It leaves after 5 s without
 * calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

static const char *out_path;

static int process(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	const char *dir;
	uint32_t uid;
	uint16_t policy;
	FILE *f;
	int r;

	r = sd_bus_message_read(m, "usq", &uid, &dir, &policy);
	if (r < 0)
		return r;
	f = fopen(out_path, "a");
	if (!f)
		return -errno;
	fprintf(f, "%u %s %u\n", uid, dir, policy);
	fclose(f);
	return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("ProcessSSSDFiles", "usq", "", process,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

int main(int argc, char **argv)
{
	const char *addr = getenv("DBUS_STARTER_ADDRESS");
	sd_bus *bus = NULL;
	int r;

	if (argc != 2 || !addr) {
		fprintf(stderr, "usage: fc_standin OUT (activated by D-Bus)\n");
		return 2;
	}
	out_path = argv[1];
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, addr);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(
			bus, NULL, "/org/freedesktop/FleetCommanderClient",
			"org.freedesktop.FleetCommanderClient", vtable, NULL);
	if (r >= 0)
		r = sd_bus_request_name(
			bus, "org.freedesktop.FleetCommanderClient", 0);
	if (r < 0) {
		fprintf(stderr, "fc_standin: %s\n", strerror(-r));
		return 1;
	}
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return 1;
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, 5000000);
		if (r < 0)
			return 1;
		if (r == 0)
			break;
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}
