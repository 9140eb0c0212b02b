/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-shot timers on pagd's event loop: the LDAP connection's operation
 * timer and the offline retry are each one sd-event source, created on
 * first use and re-armed after.
 */
#ifndef PAGD_ONESHOT_H
#define PAGD_ONESHOT_H

#include <stdint.h>

#include <systemd/sd-event.h>

/*
 * Arm *@timer to fire once, @usec from now on CLOCK_MONOTONIC; the first
 * call creates it on @event with @cb and @ud.  Before the loop's first
 * run, "now" is the clock's (sd_event_now() falls back to it).
 *
 * Return: 0, or a negative errno.
 */
int oneshot_arm(sd_event *event, sd_event_source **timer, uint64_t usec,
		sd_event_time_handler_t cb, void *ud);

#endif /* PAGD_ONESHOT_H */
