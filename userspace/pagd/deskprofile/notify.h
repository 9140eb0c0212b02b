/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling the FleetCommander client that a user's profiles are written:
 * org.freedesktop.FleetCommanderClient /org/freedesktop/FleetCommanderClient
 * ProcessSSSDFiles(u uid, s directory, q policy) on the system bus, as
 * SSSD's ipa session provider calls it, so that D-Bus activates the client.
 * The call is not waited for; a client that is not installed is logged at
 * debug level only.
 */
#ifndef PAGD_DESKPROFILE_NOTIFY_H
#define PAGD_DESKPROFILE_NOTIFY_H

#include <stdint.h>

struct pagd;

void dp_notify(struct pagd *p, uint32_t uid, const char *dir, uint16_t policy);
/* Closes the connection dp_notify() opened, if any. */
void dp_notify_close(void);

#endif /* PAGD_DESKPROFILE_NOTIFY_H */
