// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, sent on the system bus and on every private connection.
 */
#include "pagd/pagd.h"
#include "bus.h"

/**
 * bus_emit_credentials_changed() - tell the system bus and every private
 * connection that a credential binding changed state
 * @p: the daemon
 * @pag: the PAG
 * @state: its new state
 * @message: why, or ""
 */
void bus_emit_credentials_changed(struct pagd *p, int32_t pag,
				  const char *state, const char *message)
{
	if (p->system_bus)
		sd_bus_emit_signal(p->system_bus, PAGD_BUS_PATH,
				   PAGD_BUS_INTERFACE,
				   PAGD_SIGNAL_CREDENTIALS_CHANGED, "iss", pag,
				   state, message);
	for (struct bus_conn *c = p->bus_conns; c; c = c->next)
		sd_bus_emit_signal(c->bus, PAGD_BUS_PATH, PAGD_BUS_INTERFACE,
				   PAGD_SIGNAL_CREDENTIALS_CHANGED, "iss", pag,
				   state, message);
}
