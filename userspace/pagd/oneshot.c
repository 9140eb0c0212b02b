// SPDX-License-Identifier: GPL-2.0
/* One-shot timers on pagd's event loop (oneshot.h). */
#include <time.h>

#include "pagd/oneshot.h"

int oneshot_arm(sd_event *event, sd_event_source **timer, uint64_t usec,
		sd_event_time_handler_t cb, void *ud)
{
	int r;

	if (!*timer)
		r = sd_event_add_time_relative(event, timer, CLOCK_MONOTONIC,
					       usec, 0, cb, ud);
	else
		r = sd_event_source_set_time_relative(*timer, usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(*timer, SD_EVENT_ONESHOT);
	return r < 0 ? r : 0;
}
