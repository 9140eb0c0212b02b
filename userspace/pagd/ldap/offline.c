// SPDX-License-Identifier: GPL-2.0
/*
 * The offline state machine (see offline.h).  One timer per domain; the
 * retry itself is the provider's (a connection attempt whose outcome comes
 * back as offline_up() or offline_down()).
 */
#include <time.h>

#include "common/log.h"
#include "pagd/ldap/offline.h"
#include "pagd/oneshot.h"

void offline_init(struct offline *o, sd_event *e, const char *domain,
		  unsigned int base, unsigned int max, void (*retry)(void *),
		  void *ud)
{
	*o = (struct offline){ .event = e,
			       .domain = domain,
			       .base = base,
			       .max = max,
			       .next = base,
			       .retry = retry,
			       .ud = ud };
}

void offline_fini(struct offline *o)
{
	o->timer = sd_event_source_disable_unref(o->timer);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct offline *o = ud;

	log_info("domain '%s': trying the server again", o->domain);
	o->retry(o->ud);
	return 0;
}

static void arm(struct offline *o, unsigned int sec)
{
	int r = oneshot_arm(o->event, &o->timer, sec * 1000000ULL, on_retry, o);

	if (r < 0)
		log_errno(LOG_ERR, r, "domain '%s': cannot arm retry timer: %m",
			  o->domain);
}

void offline_down(struct offline *o, const char *why)
{
	if (!o->offline)
		log_warning("domain '%s' is offline (%s): serving cached "
			    "answers, next try in %us",
			    o->domain, why, o->next);
	else
		log_info("domain '%s' still offline (%s), next try in %us",
			 o->domain, why, o->next);
	o->offline = true;
	arm(o, o->next);
	o->next = o->next > o->max / 2 ? o->max : o->next * 2;
}

void offline_up(struct offline *o)
{
	if (o->offline)
		log_notice("domain '%s' is back online", o->domain);
	o->offline = false;
	o->next = o->base;
	if (o->timer)
		sd_event_source_set_enabled(o->timer, SD_EVENT_OFF);
}

void offline_reset(struct offline *o)
{
	o->next = o->base;
	if (o->timer)
		sd_event_source_set_enabled(o->timer, SD_EVENT_OFF);
	if (o->offline)
		o->retry(o->ud);
}
